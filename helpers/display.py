"""Article text as safe HTML: highlighted spans with labels, every character escaped.

Article text is untrusted: nothing in it may run or break the page it is shown in, so all
text goes through `html.escape` and only our own tags and inline styles are emitted.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

from IPython.display import HTML

PALETTE = ("#fde68a", "#bfdbfe", "#bbf7d0", "#fbcfe8", "#ddd6fe", "#fed7aa", "#a5f3fc", "#e5e7eb")


def highlight(text: str, spans: Iterable[tuple[int, int, str]], colors: dict[str, str] | None = None,
              start: int = 0, end: int | None = None) -> str:
    """HTML for `text[start:end]` with each (start, end, label) span marked and labelled.

    Overlapping spans are resolved in favour of the one that starts first. Labels get
    colours from `colors`, or from a fixed palette in order of first appearance.
    """
    end = len(text) if end is None else end
    colors = dict(colors or {})
    pieces = []
    cursor = start
    for span_start, span_end, label in sorted(spans):
        if span_start < cursor or span_end > end or span_start < start:
            continue
        color = colors.setdefault(label, PALETTE[len(colors) % len(PALETTE)])
        pieces.append(_plain(text[cursor:span_start]))
        pieces.append(
            f'<mark style="background:{color};padding:0.1em 0.2em;border-radius:0.25em">'
            f"{_plain(text[span_start:span_end])}"
            f'<sub style="font-size:0.7em;font-weight:bold;margin-left:0.3em">{html.escape(label)}</sub>'
            "</mark>")
        cursor = span_end
    pieces.append(_plain(text[cursor:end]))
    return f'<div style="line-height:2;max-width:50em">{"".join(pieces)}</div>'


def show_highlighted(text: str, spans, colors=None, start: int = 0, end: int | None = None) -> HTML:
    """`highlight` wrapped for display in a notebook."""
    return HTML(highlight(text, spans, colors, start, end))


def _plain(text: str) -> str:
    return html.escape(text).replace("\n\n", "<br><br>").replace("\n", "<br>")
