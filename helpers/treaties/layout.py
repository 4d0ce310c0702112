"""Where a document's sentences and lead are, and the year it was written."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

# The lead: the headline and first paragraphs, LEAD_PARAGRAPHS in all and at most LEAD_CHARS
# (for texts with few paragraph breaks).
LEAD_PARAGRAPHS = 3
LEAD_CHARS = 1000
YEAR = re.compile(r"\b(?:19[4-9]\d|20[0-4]\d)\b")
# An undated document was written in about the latest year it mentions, but not a year after a
# deadline word: "by 2035 the arsenal will shrink" sets a target, it says nothing of when it
# was written. (Other future years, "in 2035", still count: telling them apart needs tense.)
DEADLINE_BEFORE = re.compile(r"\b(?:by|until|till|through|before)\s+$", re.I)
# Sentence ends: ., ! or ? (and closing quotes) before a space, not after an initial ("U.S.",
# "George W. Bush") or a title; and line breaks (paragraphs, speaker turns).
SENTENCE_BREAK = re.compile(
    r"(?<=[.!?])(?<!\b[A-Z]\.)(?i:(?<!\bM[rs]\.)(?<!\bMrs\.)(?<!\bDr\.))[\"'\u201d\u2019)]*\s+|\n+")


@dataclass(frozen=True)
class Layout:
    """Where a document's sentences and lead are, and the year it was written."""

    sentence_starts: list[int]  # ending with the text's length
    lead_end: int
    writing_year: int | None  # its date's, or else the latest year it mentions (not as a deadline)

    def sentence(self, position: int) -> int:
        return bisect_right(self.sentence_starts, position) - 1

    def sentence_span(self, position: int) -> tuple[int, int]:
        index = self.sentence(position)
        return self.sentence_starts[index], self.sentence_starts[index + 1]


def document_layout(text: str, date) -> Layout:
    paragraph_breaks = [m.start() for m in re.finditer(r"\n\s*\n", text)] + [len(text)]
    lead_end = min(paragraph_breaks[min(LEAD_PARAGRAPHS, len(paragraph_breaks)) - 1], LEAD_CHARS)
    years = [int(year.group()) for year in YEAR.finditer(text)
             if not DEADLINE_BEFORE.search(text, max(0, year.start() - 12), year.start())]
    sentence_starts = [0] + [m.end() for m in SENTENCE_BREAK.finditer(text)] + [len(text)]
    return Layout(sentence_starts, lead_end, year_of(date) or max(years, default=None))


def year_of(date) -> int | None:
    text = str(date) if date is not None else ""
    return int(text[:4]) if text[:4].isdigit() else None

