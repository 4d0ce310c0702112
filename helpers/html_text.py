"""The main text of an HTML page (trafilatura), also when it sits under thousands of elements.

lxml, which trafilatura parses with, stops descending a few hundred elements deep and
drops everything below, so a page whose text is nested deeper has no main text. Such a page
is read again flattened: tags nested deeper than MAX_DEPTH are removed, their text kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# lxml (libxml2) gives up at 256 levels; flattened pages keep well under that.
MAX_DEPTH = 200
TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]{0,40})\b[^<>]{0,10000}?(/?)>")
# Elements that never have a closing tag, and those whose closing tag may be left out:
# neither counts towards the depth.
UNCOUNTED = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                       "param", "source", "track", "wbr", "p", "li", "dt", "dd", "tr", "td", "th",
                       "option", "optgroup", "thead", "tbody", "tfoot", "colgroup", "caption",
                       "rp", "rt"})


@dataclass
class Document:
    title: str
    text: str
    date: str | None
    sitename: str | None
    url: str | None


def main_text(html: str) -> Document | None:
    """The page's title, main text (paragraphs separated by blank lines) and metadata, or
    None when it has no main text."""
    document = _extract(html)
    if document is None and (flat := flattened(html)) is not html:
        document = _extract(flat)
    if document is None:
        return None
    body = document.text
    body = "\n\n".join(line.strip() for line in body.split("\n") if line.strip())
    return Document((document.title or "").strip(), body, document.date, document.sitename,
                    document.url)


def _extract(html: str):
    import trafilatura  # slow to import; only HTML needs it

    document = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False,
                                           include_tables=False)
    body = getattr(document, "text", None) if document else None
    return document if body and body.strip() else None


def flattened(html: str, max_depth: int = MAX_DEPTH) -> str:
    """`html` without the tags nested deeper than `max_depth` (their text stays); unchanged
    when it nests no deeper. One pass over the tags, so linear in the page's size."""
    depth = 0
    dropped: list[tuple[int, int]] = []
    for tag in TAG.finditer(html):
        closing, name, self_closing = tag.group(1), tag.group(2).lower(), tag.group(3)
        if name in UNCOUNTED or self_closing:
            continue
        if closing:
            if depth > max_depth:
                dropped.append(tag.span())
            depth = max(depth - 1, 0)
        else:
            depth += 1
            if depth > max_depth:
                dropped.append(tag.span())
    if not dropped:
        return html
    pieces, start = [], 0
    for tag_start, tag_end in dropped:
        pieces.append(html[start:tag_start])
        start = tag_end
    pieces.append(html[start:])
    return "".join(pieces)
