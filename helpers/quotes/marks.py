"""Quotation marks: quoted pieces paired by direction, paragraph by paragraph.

“ ” and straight quotes are read from the characters around them. A stray mark is skipped, a
quote inside a quote in the other style is kept inside (a closing mark of the other style
with no such inner quote open closes the quote: "…” or “…"), and a paragraph that opens a
quote without closing it continues into the next one.
"""

from __future__ import annotations

import itertools
from bisect import bisect_right
from dataclasses import dataclass

from helpers.structure import token_starts

OPENERS, CLOSERS, STRAIGHT = "“„«", "”»", '"'
MARKS = OPENERS + CLOSERS + STRAIGHT
# A straight quote after one of these opens a quotation; before one of them it closes one.
OPEN_AFTER = "([{—–-/\u00a0"
CLOSE_BEFORE = ".,;:!?)]}—–-…"


@dataclass(frozen=True)
class Piece:
    """One quoted stretch: content offsets, the offsets of its marks when present, its
    paragraph, and the piece it continues (a quote reopened in the next paragraph)."""

    start: int
    end: int
    open_mark: int
    close_mark: int | None
    paragraph: int
    continues: Piece | None = None



def find_pieces(text: str, paragraphs: list[tuple[int, int]]) -> list[Piece]:
    """Quoted pieces of `text`, paired by direction, paragraph by paragraph."""
    pieces: list[Piece] = []
    carried: Piece | None = None  # a piece left open at the end of the previous paragraph
    for number, (start, end) in enumerate(paragraphs):
        open_at: int | None = None
        opened = -1  # the number of the opening mark among the paragraph's marks
        continues = None
        marks = [i for i in range(start, end) if text[i] in MARKS]
        if carried is not None:
            first = marks[0] if marks else None
            leading = first is not None and not text[start:first].strip()
            if first is not None and leading and _is_opener(text, first, False):
                continues = carried  # the usual style: each paragraph reopens the quote
            elif first is not None and not _is_opener(text, first, True):
                # the quote went on without being reopened: it runs from the paragraph start
                pieces.append(_piece(text, start - 1, first, number, carried))
                marks = marks[1:]
        carried = None
        # straight marks before each mark of the paragraph: how many marks of a style lie
        # between two marks, without reading the text between them again
        straight_before = list(itertools.accumulate((_is_straight(text[m]) for m in marks), initial=0))
        for number_of_mark, mark in enumerate(marks):
            if open_at is not None and _is_straight(text[mark]) != _is_straight(text[open_at]) \
                    and not _closes_mixed_pair(text, mark, number_of_mark - opened - 1,
                                               straight_before[number_of_mark] - straight_before[opened + 1]):
                continue  # “…” inside "…" (or the reverse) is a quote within the quote
            if _is_opener(text, mark, open_at is not None):
                open_at, opened = mark, number_of_mark  # a second opener while open: the first one was stray
            elif open_at is not None:
                pieces.append(_piece(text, open_at, mark, number, continues))
                open_at, continues = None, None
        if open_at is not None:
            piece = _piece(text, open_at, None, number, continues, end)
            pieces.append(piece)
            carried = piece
    return [piece for piece in pieces if piece.end > piece.start]


def _closes_mixed_pair(text: str, mark: int, between: int, straight_between: int) -> bool:
    """Whether a closing mark of the other style ends the open quote ("…” or “…"): it stands
    where a quote closes, and it closes no quote of its own style opened inside this one.
    `between` marks lie between the opening mark and this one, `straight_between` of them
    straight."""
    if _is_opener(text, mark, True):
        return False
    # marks of this mark's style in between come in pairs unless an inner quote is still open
    same_style = straight_between if _is_straight(text[mark]) else between - straight_between
    return same_style % 2 == 0


def _is_straight(mark: str) -> bool:
    return mark == STRAIGHT


def _is_opener(text: str, index: int, inside: bool) -> bool:
    """Whether the mark at `index` opens a quotation, read from its shape and neighbours."""
    char = text[index]
    before = text[index - 1] if index > 0 else " "
    after = text[index + 1] if index + 1 < len(text) else " "
    opens_here = before.isspace() or before in OPEN_AFTER or before in OPENERS
    closes_here = after.isspace() or after in CLOSE_BEFORE
    # a curly mark of the wrong shape ("Wins“ that") is read from where it stands
    if char in OPENERS:
        return not (inside and closes_here and not opens_here)
    if char in CLOSERS:
        return not inside and opens_here and not closes_here
    if opens_here:
        return not (after.isspace() and inside)
    if closes_here:
        return False
    return not inside


def _piece(text: str, open_mark: int, close_mark: int | None, paragraph: int,
           continues: Piece | None, paragraph_end: int | None = None) -> Piece:
    start = open_mark + 1
    end = close_mark if close_mark is not None else paragraph_end
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] == ","):
        end -= 1
    return Piece(start, end, open_mark, close_mark, paragraph, continues)


# ---------------------------------------------------------------- one article

def article_quoting(context) -> tuple[list[Piece], list[bool]]:
    """The quoted pieces of an article and, per token, whether it is quoted: worked out once
    per article (`context.memo`), for the quotes step and the stances that read its output."""
    if "quoting" not in context.memo:
        pieces = find_pieces(context.text, context.paragraphs)
        context.memo["quoting"] = (pieces, quoted_tokens(context.doc, pieces))
    return context.memo["quoting"]



def quoted_tokens(doc, pieces: list[Piece]) -> list[bool]:
    """Per token of `doc`: whether it lies inside a quoted piece, its marks included."""
    starts = token_starts(doc)
    quoted = [False] * len(doc)
    for piece in pieces:
        last = piece.close_mark if piece.close_mark is not None else piece.end - 1
        first_token = max(bisect_right(starts, piece.open_mark) - 1, 0)
        last_token = max(bisect_right(starts, last) - 1, 0)
        for index in range(first_token, last_token + 1):
            quoted[index] = True
    return quoted
