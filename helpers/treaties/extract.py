"""The `treaty_refs` records of one article."""

from __future__ import annotations

from helpers.structure import Context
from helpers.treaties.anaphora import with_anaphora
from helpers.treaties.catalogue import Mention, list_matchers, normalise
from helpers.treaties.layout import document_layout
from helpers.treaties.names import find_names
from helpers.treaties.provisions import find_provisions


def extract_treaty_refs(context: Context) -> list[dict]:
    """Records of the `treaty_refs` table for one article."""
    text = context.text
    matchers = list_matchers()
    layout = document_layout(text, context.article.get("date"))
    names = find_names(text, matchers, layout)
    organisations = [Mention(m.start(), m.end(), matchers.by_organisation[normalise(m.group())])
                     for m in matchers.organisations.finditer(text)]
    names = with_anaphora(text, names, layout)
    provisions, used = find_provisions(text, names, organisations, matchers)
    records = [context.record(m.start, m.end, treaty_id=m.treaty.treaty_id, treaty=m.treaty.name,
                              provision=None)
               for m in names if not any(start <= m.start < end for start, end in used)]
    records += [context.record(start, end, treaty_id=treaty.treaty_id, treaty=treaty.name,
                               provision=provision)
                for start, end, treaty, provision in provisions]
    return sorted(records, key=lambda r: (r["start_char"], r["end_char"], r["provision"] or ""))

