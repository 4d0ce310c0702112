"""How the notebooks show things: tables, findings, notes, and article text with marked spans.

Three conventions every notebook follows (and a new one should too):

- **Tables** go through `table(frame, "caption", what="articles")`: numbers with thousands
  separators and a fixed number of decimals (whole numbers stored as floats lose their
  ".0"), dates as "19 Jan 2020" (no time of day), missing values blank, long text clipped at a word with the
  whole text on hover and one tap away (`<details>`), identifiers shortened, column names
  in words, and a caption that says "first 20 of 28 articles" when not every row is shown.
  On a screen narrower than 40rem a table of three or more columns that would not fit
  becomes one card per row (the first column as its heading); a table wider than the page
  scrolls inside its own box, with a shadow on the side that has more, never the page. The styles travel with each table
  (TABLE_CSS), so JupyterLab and the rendered report look alike.
- **Closing findings**: every module that feeds a notebook has a function named `findings`
  returning `Findings`, a list of plain sentences that renders as a Markdown list (each
  sentence escaped: names come from untrusted articles). The notebook's last cell, tagged
  `summary`, is just `module.findings(...)`; the report's index page reads it.
- **One-sentence notes** (`note`) replace printed Python objects and empty figures: "This
  corpus names fewer than two outlets, so …".

All article text reaches HTML through `html.escape`; only our own tags and styles are emitted.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterable

import pandas as pd

PALETTE = ("#fde68a", "#bfdbfe", "#bbf7d0", "#fbcfe8", "#ddd6fe", "#fed7aa", "#a5f3fc", "#e5e7eb")
CLIP = 90  # characters of text shown in a cell before it is clipped at a word
ID_CLIP = 18  # identifiers longer than this show their start and end
HEADER_CLIP = 30  # characters of a column heading
# How every table names the speaker of a quote the article does not attribute.
UNKNOWN_SPEAKER = "(unknown speaker)"
CARDS_FROM = 3  # columns from which a table becomes one card per row on a phone …
PHONE_CHARS = 44  # … when its columns need more characters than a phone's width holds
CELL_WRAP = 16  # characters from which a text cell wraps on a phone
MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|#~])")
# Sent with every table, so JupyterLab and the rendered report look the same; `.nh-wrap`
# outranks JupyterLab's own table rules (fixed layout, right-aligned cells). On a screen
# narrower than 40rem, a table of CARDS_FROM or more columns shows one card per row.
TABLE_CSS = """<style>
.nh-wrap{overflow-x:auto;max-width:100%;margin:.3rem 0 1.2rem;background:linear-gradient(to right,#fff 30%,rgba(255,255,255,0)) left/2.5rem 100% no-repeat local,linear-gradient(to left,#fff 30%,rgba(255,255,255,0)) right/2.5rem 100% no-repeat local,radial-gradient(farthest-side at 0 50%,rgba(0,0,0,.22),transparent) left/.9rem 100% no-repeat scroll,radial-gradient(farthest-side at 100% 50%,rgba(0,0,0,.22),transparent) right/.9rem 100% no-repeat scroll}
.nh-wrap table.nh-table{border-collapse:collapse;table-layout:auto;margin:0;font-size:.85rem;line-height:1.35;border:none}
.nh-caption{margin:.8rem 0 0;font-size:.85rem;color:#1f2933}.nh-caption .nh-title{font-weight:600}
.nh-caption .nh-count{color:#52606d}
.nh-wrap .nh-table th{text-align:left;vertical-align:bottom;border-bottom:1px solid #9aa5b1;padding:.3rem .55rem;font-weight:600;white-space:normal;overflow-wrap:normal}
.nh-wrap .nh-table td{text-align:left;vertical-align:top;padding:.3rem .55rem;border-bottom:1px solid #e4e7eb;overflow-wrap:break-word;max-width:36em}
.nh-wrap .nh-table tbody tr:nth-child(odd){background:rgba(31,41,51,.035)}.nh-wrap .nh-table tbody tr:hover{background:rgba(59,110,168,.08)}
.nh-wrap .nh-table .nh-num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.nh-wrap .nh-table th.nh-num{white-space:normal}
.nh-wrap .nh-table .nh-nowrap{white-space:nowrap}.nh-wrap .nh-table .nh-text{min-width:12em}
.nh-wrap .nh-table summary{cursor:pointer;list-style:none}.nh-wrap .nh-table summary::-webkit-details-marker{display:none}
.nh-wrap .nh-table details[open] summary{display:none}
@media (max-width:40rem){
.nh-wrap .nh-cards,.nh-wrap .nh-cards tbody,.nh-wrap .nh-cards tr{display:block;width:100%}
.nh-wrap .nh-cards thead{display:none}
.nh-wrap .nh-cards tr{border-bottom:1px solid #9aa5b1;padding:.35rem 0}
.nh-wrap .nh-cards td{display:grid;grid-template-columns:minmax(6em,38%) 1fr;gap:.6rem;border:none;padding:.12rem .2rem;text-align:left;max-width:none;min-width:0;white-space:normal}
.nh-wrap .nh-cards td::before{content:attr(data-label);font-weight:600;color:#52606d}
.nh-wrap .nh-cards td.nh-num,.nh-wrap .nh-cards td.nh-text{text-align:left;white-space:normal;min-width:0}
.nh-wrap .nh-cards td:first-child{display:block;font-weight:600;padding-top:.3rem}
.nh-wrap .nh-cards td:first-child::before{content:none}
.nh-wrap .nh-cards td:empty{display:none}}
</style>"""


# --- tables -----------------------------------------------------------------------------------

class Table:
    """A DataFrame formatted for readers: `_repr_html_` for notebooks and reports, a plain
    text fallback for terminals. Build it with `table()`."""

    def __init__(self, frame: pd.DataFrame, caption: str, what: str, limit: int | None,
                 clip: int, decimals: dict[str, int], labels: dict[str, str], total: int | None,
                 scores: bool = False):
        self.total = len(frame) if total is None else total
        self.shown = frame if limit is None else frame.head(limit)
        self.caption, self.what, self.clip = caption, what, clip
        self.decimals, self.labels, self.scores = decimals, labels, scores

    def count_line(self) -> str:
        if self.total == 0:
            return f"none in this corpus"
        if len(self.shown) < self.total:
            return f"first {len(self.shown):,} of {self.total:,} {self.what}"
        return f"all {self.total:,} {self.what}" if self.total > 1 else f"1 {_singular(self.what)}"

    def _repr_html_(self) -> str:
        # Above the table rather than a <caption>, so it takes the page's width, not the table's.
        caption = (f'<div class="nh-caption"><span class="nh-title">{html.escape(self.caption)}</span> '
                   f'<span class="nh-count">{html.escape(self.count_line())}</span></div>')
        if self.shown.empty:
            return f"{TABLE_CSS}{caption.replace('nh-count', 'nh-count nh-none')}"
        columns = [self._column(name) for name in self.shown.columns]
        head = "".join(column.header() for column in columns)
        body = "".join("<tr>" + "".join(column.cell(i) for column in columns) + "</tr>"
                       for i in range(len(self.shown)))
        wide = sum(column.phone_width(self.shown) for column in columns) > PHONE_CHARS
        layout = " nh-cards" if len(columns) >= CARDS_FROM and wide else ""
        return (f'{TABLE_CSS}{caption}<div class="nh-wrap"><table class="nh-table{layout}">'
                f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>")

    def __repr__(self) -> str:
        if self.shown.empty:
            return f"{self.caption}: {self.count_line()}"
        plain = pd.DataFrame({_label(name, self.labels.get(name)): self._column(name).plain()
                              for name in self.shown.columns})
        return f"{self.caption} ({self.count_line()})\n{plain.to_string(index=False)}"

    def _column(self, name) -> _Column:
        return _Column(name, self.shown[name], self.labels.get(name), self.decimals.get(name), self.clip,
                       self.scores)


def table(frame: pd.DataFrame, caption: str, what: str = "rows", limit: int | None = 20,
          clip: int = CLIP, decimals: dict[str, int] | None = None, labels: dict[str, str] | None = None,
          index: bool = False, total: int | None = None, scores: bool = False) -> Table:
    """`frame` as a table a reader can use (see the module's docstring).

    `caption` says what the table is; `what` names its rows ("articles") for the count line;
    `limit` rows are shown (None: all); `clip` characters of text per cell; `decimals` per
    float column (default: 2 below 10, 1 below 1,000, else 0); `labels` renames columns
    (default: underscores become spaces); `index=True` shows the index as the first column;
    `total` is the number of rows `frame` stands for when it was already cut; `scores=True`
    says every number in it is a score from −1 to 1, shown with its sign (columns named
    score, tone, balance, … are shown so anyway; a pivot's columns are named by entities).
    """
    if index:
        frame = frame.reset_index()
    return Table(frame.reset_index(drop=True), caption, what, limit, clip, decimals or {}, labels or {}, total,
                 scores)


class _Column:
    """One column's header and cells, formatted by the kind of values it holds."""

    def __init__(self, name, values: pd.Series, label: str | None, decimals: int | None, clip: int,
                 scores: bool = False):
        self.name, self.label, self.values, self.clip = str(name), _label(name, label), values, clip
        self.signed = _signed(self.name) or (scores and pd.api.types.is_float_dtype(values.dtype))
        explicit = (decimals is not None or self.signed) and pd.api.types.is_float_dtype(values.dtype)
        self.kind = "float" if explicit else _kind(self.name, values)
        self.decimals = decimals if decimals is not None else _auto_decimals(values) if self.kind == "float" else 0
        self.text_width = (self.kind == "text" and values.dropna().astype(str).str.len().mean() > 30)

    def header(self) -> str:
        align = ' class="nh-num"' if self.kind in ("int", "float") else ""
        if len(self.label) > HEADER_CLIP:  # an article id or a long name as a column heading
            return (f'<th{align} title="{html.escape(self.label)}">'
                    f"{html.escape(clip_at_word(self.label, HEADER_CLIP))}</th>")
        return f"<th{align}>{html.escape(self.label)}</th>"

    def phone_width(self, shown: pd.DataFrame) -> int:
        """Characters the column needs on a narrow screen: its longest heading word or its
        widest cell (text wraps from CELL_WRAP), and padding."""
        cells = [len(self._formatted(value)[0]) for value in self.values]
        widest = min(max(cells, default=0), CELL_WRAP) if self.kind == "text" else max(cells, default=0)
        return max([widest, *(len(word) for word in self.label.split())]) + 2

    def plain(self) -> list[str]:
        return [self._formatted(value)[0] for value in self.values]

    def cell(self, row: int) -> str:
        shown, full = self._formatted(self.values.iloc[row])
        classes = {"int": "nh-num", "float": "nh-num", "date": "nh-nowrap", "id": "nh-nowrap",
                   "text": "nh-text" if self.text_width else ""}.get(self.kind, "")
        attributes = f' data-label="{html.escape(self.label)}"' + (f' class="{classes}"' if classes else "")
        if full is None:
            return f"<td{attributes}>{html.escape(shown)}</td>"
        if self.kind == "id":
            return f'<td{attributes} title="{html.escape(full)}">{html.escape(shown)}</td>'
        return (f'<td{attributes}><details><summary title="{html.escape(full)}">{html.escape(shown)}</summary>'
                f"{html.escape(full)}</details></td>")

    def _formatted(self, value) -> tuple[str, str | None]:
        """The text shown, and the full text when it was shortened."""
        if _missing(value):
            return "", None
        if self.kind == "bool":
            return ("yes" if value else "no"), None
        if self.kind == "int":
            return f"{int(value):,}".replace("-", "−"), None
        if self.kind == "float":
            return _number(float(value), self.decimals, self.signed), None
        if self.kind == "date":
            stamp = pd.Timestamp(value)
            return f"{stamp.day} {stamp:%b %Y}", None  # the day is what a reader compares; times vary by feed
        if isinstance(value, (int, float)) and not isinstance(value, bool):  # a number in a mixed column
            return (f"{value:,}" if float(value).is_integer() and isinstance(value, int)
                    else _number(float(value), 2, self.signed)), None
        text = " ".join(str(value).split())  # line breaks and runs of spaces read as one space
        width = ID_CLIP if self.kind == "id" else self.clip
        if len(text) <= width:
            return text, None
        if self.kind == "id":
            return f"{text[:width - 5]}…{text[-4:]}", text
        return clip_at_word(text, width), text


def clip_at_word(text: str, width: int) -> str:
    """`text` cut to at most `width` characters at a word boundary, with "…"."""
    if len(text) <= width:
        return text
    cut = text[:width].rsplit(" ", 1)[0] if " " in text[:width] else text[:width]
    return cut.rstrip(" ,;:—-") + " …"


def _kind(name: str, values: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(values.dtype):
        return "bool"
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        return "date"
    if pd.api.types.is_integer_dtype(values.dtype):
        return "int"
    if pd.api.types.is_float_dtype(values.dtype):
        present = values.dropna()
        return "int" if len(present) and (present == present.round()).all() and _looks_counted(name) else "float"
    if name == "id" or name.endswith("_id") or name == "source":
        return "id"
    return "text"


def signed(value: float, decimals: int = 2) -> str:
    """A score as prose writes it: "+0.26", "−0.22", and "0.00" rather than "-0.00"."""
    return _number(float(value), decimals, True)


def _number(value: float, decimals: int, signed: bool) -> str:
    """A float with thousands separators; scores carry their sign and a true minus."""
    if round(value, decimals) == 0:
        return f"{0:.{decimals}f}"  # never "−0.00"
    text = f"{value:+,.{decimals}f}" if signed else f"{value:,.{decimals}f}"
    return text.replace("-", "−")


def _signed(name: str) -> bool:
    """Columns of scores from −1 to 1, where the sign is the point."""
    return bool(re.fullmatch(r"(mean[ _])?(score|tone|target|balance|sentiment)|low|high", name, re.I))


def _looks_counted(name: str) -> bool:
    """Whole-number floats are counts (a pivot's NaN made them floats) unless the column is a
    score, share or mean, where 1.00 should stay 1.00."""
    return not re.search(r"\b(score|tone|balance|mean|share|rate|ratio|f1|precision|recall|accuracy|low|high)\b|%|^target$",
                         name.replace("_", " "), re.I)


def _auto_decimals(values: pd.Series) -> int:
    present = values.dropna().abs()
    largest = float(present.max()) if len(present) else 0.0
    return 2 if largest < 10 else 1 if largest < 1000 else 0


def _missing(value) -> bool:
    if value is None or value is pd.NaT or value is pd.NA:
        return True
    return isinstance(value, float) and math.isnan(value)


def _label(name, label: str | None) -> str:
    return label if label is not None else str(name).replace("_", " ")


IRREGULAR = {"person": "people", "entity": "entities", "country": "countries", "treaty": "treaties"}


def _singular(what: str) -> str:
    """ "treaties" -> "treaty", "kinds of speaker" -> "kind of speaker", "people" -> "person"."""
    singulars = {plural: singular for singular, plural in IRREGULAR.items()}
    return _inflect(what, lambda word: singulars.get(word) or (
        word[:-3] + "y" if word.endswith("ies") else word[:-1] if word.endswith("s") and not word.endswith("ss") else word))


def _plural(noun: str) -> str:
    return _inflect(noun, lambda word: IRREGULAR.get(word) or (
        word[:-1] + "ies" if word.endswith("y") and word[-2:-1] not in "aeiou" else word + "s"))


def _inflect(phrase: str, change) -> str:
    """`change` applied to the phrase's head noun: the first word of "kind of speaker", the
    last of "entity mention"."""
    words = phrase.split(" ")
    head = 0 if " of " in phrase else len(words) - 1
    words[head] = change(words[head])
    return " ".join(words)


def count(number: int, singular: str, plural: str | None = None) -> str:
    """ "1 article", "2,041 articles": a number and its noun, agreeing."""
    return f"{number:,} {singular if number == 1 else plural or _plural(singular)}"


def period_frequency(dates: pd.Series) -> tuple[str, str]:
    """How to group `dates` for a chart or table over time: the period ("D", "W", "M", "Y")
    that gives a readable number of periods over their span, and its name."""
    span = (dates.max() - dates.min()).days
    if span <= 45:
        return "D", "day"
    if span <= 120:
        return "W", "week"
    if span <= 6 * 365:
        return "M", "month"
    return "Y", "year"


# --- findings and notes -------------------------------------------------------------------------

class Findings(list):
    """A notebook's closing findings: plain sentences, shown as a Markdown list."""

    def _repr_markdown_(self) -> str:
        return "\n".join(f"- {escape_markdown(sentence)}" for sentence in self) or "Nothing to report."

    def __repr__(self) -> str:
        return "\n".join(f"- {sentence}" for sentence in self)


class Note(str):
    """One sentence shown as prose (Markdown, escaped) instead of a printed object."""

    def _repr_markdown_(self) -> str:
        return escape_markdown(str(self))

    def __repr__(self) -> str:
        return str(self)


def note(sentence: str) -> Note:
    return Note(sentence)


def escape_markdown(text: str) -> str:
    """Plain text that Markdown shows as written: no markup, no HTML, no list or heading."""
    escaped = MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))
    return re.sub(r"^(\d+)\.|^([+-])(?=\s)", lambda m: f"{m.group(1)}\\." if m.group(1) else f"\\{m.group(2)}", escaped)


# --- article text with marked spans -------------------------------------------------------------

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
    return f'<div style="line-height:2;max-width:50em;overflow-wrap:anywhere">{"".join(pieces)}</div>'


def passage_end(text: str, spans: Iterable[tuple[int, int, str]], limit: int) -> int:
    """Where an excerpt holding the first `limit` spans ends: at the paragraph break after the
    last of them, or the end of the text when it has no more than `limit` spans."""
    ends = sorted(span_end for _, span_end, _ in spans)
    if len(ends) <= limit:
        return len(text)
    paragraph_break = text.find("\n", ends[limit - 1])
    return len(text) if paragraph_break == -1 else paragraph_break


def _plain(text: str) -> str:
    return html.escape(text).replace("\n\n", "<br><br>").replace("\n", "<br>")
