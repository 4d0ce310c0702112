"""Indirect speech (`kind = "indirect"`): the clausal complement of a speech verb ("X said
that …", "X warned …"), the clause around "according to X", what a verb reports around
quoted words (a mixed quote), and a headline "X: claim".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Token

from helpers.quotes.direct import Attribution
from helpers.quotes.marks import Piece
from helpers.quotes.reader import Reader
from helpers.quotes.speakers import speaker_of

HEADLINE = re.compile(r"(?P<speaker>[A-Z][^:\n]{0,40}?)\s*:\s+(?P<claim>[^\n]+)")


@dataclass(frozen=True)
class Report:
    """Reported speech: its content's offsets, cue token, speaker mention and how it was found."""

    start: int
    end: int
    cue: Token | None
    speaker: tuple[int, int] | None
    how: str


def indirect_speech(r: Reader, direct: list[tuple[Piece, Attribution]]) -> list[Report]:
    """Every report of speech that is not in quotation marks, with its cue and speaker mention."""
    records = []
    by_cue: dict[int, list[Piece]] = {}  # the pieces each cue introduces, gathered once
    for piece, attribution in direct:
        if attribution.cue is not None:
            by_cue.setdefault(attribution.cue.i, []).append(piece)
    for token in r.doc:
        if not r.is_cue(token, direct_only=False) or r.outermost(token).i != token.i:
            continue
        how = "complement"
        if token.lower_ == "according":
            span, how = _according_to_content(r, token), "according-to"
        else:
            span = _complement(r, token)
            if span is None:
                span, how = _mixed_content(r, token, by_cue.get(token.i, [])), "mixed"
        if span is None or (how != "mixed" and r.mostly_quoted(*span)):
            continue
        speaker = speaker_of(r, token, inverted=span[0] < token.idx or how == "according-to")
        if speaker is None:
            continue
        records.append(Report(span[0], span[1], token, speaker, how))
    return records


def _mixed_content(r: Reader, cue: Token, pieces: list[Piece]) -> tuple[int, int] | None:
    """What a verb reports around quoted words ("called the agreement “an historic step
    forward” in efforts …"): its objects and complements, when they hold one of the quoted
    `pieces` it introduces and say more than the quote."""
    if not pieces:
        return None
    tokens = [t for child in cue.rights if child.dep_ not in ("punct", "cc", "conj", "advcl")
              for t in child.subtree]
    span = r.trim(sorted(tokens, key=lambda t: t.i))
    if span is None or not any(span[0] <= p.start and p.end <= span[1] for p in pieces):
        return None
    quoted = sum(p.end - p.start for p in pieces if span[0] <= p.start and p.end <= span[1])
    return span if quoted < 0.8 * (span[1] - span[0]) else None


def _complement(r: Reader, cue: Token) -> tuple[int, int] | None:
    complements = [c for c in cue.children if c.dep_ == "ccomp"]
    if not complements:
        return None
    clause = complements[0]
    # a nested report ("…, which states “…”") is its own attribution, not this content
    nested = {t.i for d in clause.subtree if d.i != clause.i and r.is_cue(d, direct_only=False)
              and any(c.dep_ == "ccomp" for c in d.children) for t in d.subtree}
    tokens = []
    for token in clause.subtree:
        if token.i in nested:
            break
        if not token.is_space:
            tokens.append(token)
    return r.trim(tokens)


def _according_to_content(r: Reader, cue: Token) -> tuple[int, int] | None:
    """The clause that "according to X" is attached to, without the phrase itself."""
    phrase = {t.i for t in cue.subtree}
    sentence = cue.sent
    tokens = [t for t in sentence if t.i not in phrase and not t.is_space]
    if not tokens:
        return None
    before = [t for t in tokens if t.i < cue.i]
    after = [t for t in tokens if t.i > cue.i]
    # the side that holds the claim: most often the one with the main verb
    side = before if len(before) >= len(after) else after
    return r.trim(side)


def headline_claim(r: Reader) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """A headline "X: claim" (X a person or organisation): the speaker's and the claim's spans."""
    if not r.context.paragraphs:
        return None
    start, end = r.context.paragraphs[0]
    match = HEADLINE.match(r.text, start, end)
    if match is None or not _names_someone(r, *match.span("speaker")):
        return None
    return match.span("speaker"), match.span("claim")


def _names_someone(r: Reader, start: int, end: int) -> bool:
    words = r.text[start:end].split()
    if not 1 <= len(words) <= 4:
        return False
    known = {word for person in r.people for word in person.name.split()}
    return any(p.start < end and start < p.end for p in r.people) \
        or all(w.strip("’'s") in known for w in words) \
        or any(o.start < end and start < o.end for o in r.identity.organizations)
