"""The `treaty_refs` records of one article."""

from __future__ import annotations

from helpers.structure import Context
from helpers.treaties.anaphora import with_anaphora
from helpers.treaties.catalogue import Mention, Spans, list_matchers, normalise
from helpers.treaties.layout import document_layout
from helpers.treaties.names import find_names
from helpers.treaties.naming import candidate_names
from helpers.treaties.provisions import find_provisions
from helpers.treaties.unlisted import unlisted_mentions
from helpers.treaties.variants import context_forms, listed_variant, party_phrases


def extract_treaty_refs(context: Context) -> list[dict]:
    """Records of the `treaty_refs` table for one article."""
    text = context.text
    matchers = list_matchers()
    layout = document_layout(text, context.article.get("date"))
    names = find_names(text, matchers, layout)
    names = _added(names, context_forms(text, layout) + party_phrases(text))
    candidates = candidate_names(text)
    variants = []
    for candidate in candidates:
        treaty = listed_variant(candidate.name, candidate.family, text, candidate.start, candidate.end)
        if treaty:
            variants.append(Mention(candidate.start, candidate.end, treaty))
    names = _widened(names, variants)
    named = Spans((m.start, m.end) for m in names)
    others = [candidate for candidate in candidates if not named.overlap(candidate.start, candidate.end)]
    names = _added(names, unlisted_mentions(text, others, layout))
    organisations = [Mention(m.start(), m.end(), matchers.by_organisation[normalise(m.group())])
                     for m in matchers.organisations.finditer(text)]
    names = with_anaphora(text, names, layout)
    provisions, used = find_provisions(text, names, organisations, matchers)
    used = Spans(used)
    records = [_record(context, m.start, m.end, m.treaty, None)
               for m in names if not used.overlap(m.start, m.start + 1)]
    records += [_record(context, start, end, treaty, provision) for start, end, treaty, provision in provisions]
    return sorted(records, key=lambda r: (r["start_char"], r["end_char"], r["provision"] or ""))


def _record(context: Context, start: int, end: int, treaty, provision: str | None) -> dict:
    return context.record(start, end, treaty_id=treaty.treaty_id, treaty=treaty.name,
                          provision=provision, listed=treaty.listed)


def _overlaps_any(span, mentions: list[Mention]) -> bool:
    return any(span.start < mention.end and mention.start < span.end for mention in mentions)


def _added(mentions: list[Mention], more: list[Mention]) -> list[Mention]:
    """`mentions` and those of `more` that overlap none of them (nor an earlier one of `more`)."""
    kept, taken = list(mentions), Spans((m.start, m.end) for m in mentions)
    for mention in sorted(more, key=lambda m: m.start):
        if not taken.overlap(mention.start, mention.end):
            kept.append(mention)
            taken.add(mention.start, mention.end)
    return sorted(kept, key=lambda m: m.start)


def _widened(mentions: list[Mention], variants: list[Mention]) -> list[Mention]:
    """A variant's name in place of the listed names inside it ("Additional Protocol 2 of the
    Geneva Convention" rather than "Geneva Convention"); a variant nothing overlaps is added."""
    kept = list(mentions)
    for variant in variants:
        inside = [m for m in kept if variant.start <= m.start and m.end <= variant.end]
        others = [m for m in kept if m not in inside]
        if not _overlaps_any(variant, others) and (not inside or (variant.start, variant.end) != (inside[0].start, inside[-1].end)):
            kept = others + [variant]
    return sorted(kept, key=lambda m: m.start)
