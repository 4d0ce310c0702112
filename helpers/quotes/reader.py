"""What every quote step reads about one article: its parse, its quoted pieces, which tokens
are quoted, which words are speech cues (`data/quote_cues.csv`), and who is who in it.

A `Reader` is built once per article and never changed afterwards; the steps (direct quotes,
indirect speech, speaker mentions) are functions of it that return values.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_left, bisect_right
from collections import Counter

from spacy.tokens import Token

from helpers.data_files import data_lines, data_rows
from helpers.identity import ArticleIdentity, identify
from helpers.identity.mentions import SUBJECT_DEPS
from helpers.identity.speakers import CAPITALS
from helpers.identity.names import honorifics, name_words, speaker_words
from helpers.quotes.marks import MARKS, Piece, article_quoting
from helpers.structure import Context

SENTENCE_END = {".", "!", "?"}
# An unattributed quote this short with no sentence punctuation is a scare quote or a title.
SCARE_MAX_WORDS = 5
TRANSCRIPT_TURN = re.compile(rf"(?P<name>{CAPITALS.pattern}):\s")
# A reporter's question in a briefing's transcript: "Q  Josh, on Syria …".
QUESTION_TURN = re.compile(r"Q[:.]?\s")
MANY_TURNS = 3  # a capitalised name opening this many paragraphs is someone taking turns


@functools.cache
def cue_lexicon() -> dict[str, tuple[str, bool]]:
    """lemma -> (kind, introduces direct quotes: True, False, or None when only after one),
    from `data/quote_cues.csv`."""
    direct = {"1": True, "0": False, "after": None}
    return {row["lemma"]: (row["kind"], direct[row["direct"]])
            for row in data_rows("quote_cues.csv")}


@functools.cache
def phrase_cue_verbs() -> frozenset[str]:
    """Verbs that are cues only with a given object: "put" in "put it"."""
    return frozenset(lemma.split()[0] for lemma in cue_lexicon() if " " in lemma)


@functools.cache
def speech_nouns() -> frozenset[str]:
    """Lemmas of nouns that name something said ("claim", "promise"), from `data/speech_nouns.txt`."""
    return frozenset(data_lines("speech_nouns.txt"))


@functools.cache
def newsroom_labels() -> frozenset[str]:
    """Capitalised labels before a colon that are never a speaker ("UPDATE", "EDITOR'S NOTE")."""
    return frozenset(data_lines("newsroom_labels.txt"))


class Reader:
    def __init__(self, context: Context):
        self.context = context
        self.doc = context.doc
        self.text = context.text
        self.cues = cue_lexicon()
        self.words = speaker_words()
        self.identity: ArticleIdentity = identify(context)
        self.token_starts = context.token_starts
        self.pieces, self.quoted = article_quoting(context)
        self.piece_starts = [piece.start for piece in self.pieces]
        self.piece_ends = [piece.end for piece in self.pieces]
        self.people = [p for p in self.identity.people if not self.in_quote(p.start)]

    def token_at(self, char: int) -> int:
        return max(bisect_right(self.token_starts, char) - 1, 0)

    def in_quote(self, char: int) -> bool:
        return self.quoted[self.token_at(char)]

    def is_cue(self, token: Token, direct_only: bool) -> bool:
        if self.quoted[token.i]:
            return False
        if token.lower_ == "according" and token.i + 1 < len(self.doc) and self.doc[token.i + 1].lower_ == "to":
            return True
        if token.pos_ not in ("VERB", "AUX"):
            return False
        entry = self.cue_entry(token)
        return entry is not None and (entry[1] is not False or not direct_only)

    def cue_entry(self, token: Token) -> tuple[str, bool | None] | None:
        """The lexicon entry for a verb: its lemma, or its lemma and object ("as she put it")."""
        lemma = token.lemma_.lower()
        entry = self.cues.get(lemma)
        if entry is None and lemma in phrase_cue_verbs():
            entry = self.phrase_cue_entry(token)
        return entry

    def phrase_cue_entry(self, token: Token) -> tuple[str, bool | None] | None:
        """The lexicon entry for a verb and its object ("put it"), when listed."""
        objects = [c.lower_ for c in token.children if c.dep_ == "dobj"]
        return self.cues.get(f"{token.lemma_.lower()} {objects[0]}") if objects else None

    def cue_span(self, cue: Token) -> tuple[int, int]:
        last = cue
        if cue.lower_ == "according":
            last = self.doc[cue.i + 1]
        return cue.idx, last.idx + len(last.text)

    @functools.cached_property
    def is_transcript(self) -> bool:
        return any(self.names_a_person(turn) for piece in self.pieces
                   if (turn := TRANSCRIPT_TURN.match(self.text, piece.start, piece.end)) is not None)

    def names_a_person(self, turn: re.Match) -> bool:
        surname = name_words(turn.group("name"))[-1:]  # empty for a lone honorific ("MR.:")
        return (bool(surname) and surname[0].lower() in self.known_surnames) or any(
            n.label == "PERSON" for n in self.identity.at(*turn.span("name")))

    @functools.cached_property
    def turns(self) -> tuple[list[int], list[tuple[int, int] | None]]:
        """The turns of a transcript written out of quotation marks (a briefing): the starts
        of the paragraphs that open one, and who has the floor from there on: the span of a
        person's name ("MR. EARNEST: …"), or None from a reporter's question ("Q …")."""
        opened = [(start, TRANSCRIPT_TURN.match(self.text, start, end) or QUESTION_TURN.match(self.text, start, end))
                  for start, end in self.context.paragraphs]
        names = Counter(turn.group("name") for _, turn in opened if turn is not None and "name" in turn.groupdict())
        starts, speakers = [], []
        for start, turn in opened:
            if turn is None:
                continue
            if "name" not in turn.groupdict():  # a question
                if starts:
                    starts.append(start)
                    speakers.append(None)
            elif self._takes_turns(turn, names[turn.group("name")]):
                starts.append(start)
                speakers.append(turn.span("name"))
        return starts, speakers

    def _takes_turns(self, turn: re.Match, turns: int) -> bool:
        """Whether a capitalised name before a colon is a person taking a turn: one the article
        names, or with a courtesy title or a role ("MR. GIBBS", "SECRETARY GATES": briefings
        seldom name their press secretary otherwise), or one opening three paragraphs or more;
        never a newsroom's label ("UPDATE")."""
        name = turn.group("name")
        if name.lower().replace("’", "'") in newsroom_labels():
            return False
        first = name.split()[0].lower()
        return (self.names_a_person(turn) or first in honorifics() or self.words.get(first) == "role"
                or turns >= MANY_TURNS)

    def turn_speaker(self, position: int) -> tuple[int, int] | None:
        """The name of the person whose transcript turn holds `position`, if any."""
        starts, speakers = self.turns
        turn = bisect_right(starts, position) - 1
        return speakers[turn] if turn >= 0 else None

    @functools.cached_property
    def known_surnames(self) -> set[str]:
        return {words[-1].lower() for p in self.people if (words := name_words(p.name))}

    def char_before(self, position: int) -> str:
        """The last character before `position` that is not whitespace ("" at the start).
        Read backwards from `position`: copying the text before it for every quote made
        long articles quadratic."""
        index = self.last_before(position)
        return self.text[index] if index >= 0 else ""

    def last_before(self, position: int) -> int:
        index = position - 1
        while index >= 0 and self.text[index].isspace():
            index -= 1
        return index

    def opens_sentence(self, piece: Piece) -> bool:
        before = self.char_before(piece.open_mark)
        return not before or before in ".!?:\n”\"" or self.opens_paragraph(piece)

    def opens_paragraph(self, piece: Piece) -> bool:
        start, _ = self.context.paragraphs[piece.paragraph]
        return self.last_before(piece.open_mark) < start

    def is_short(self, piece: Piece) -> bool:
        content = self.text[piece.start:piece.end]
        return len(content.split()) <= SCARE_MAX_WORDS and content.rstrip("”\"’')")[-1:] not in SENTENCE_END

    def is_scare_quote(self, piece: Piece) -> bool:
        return piece.continues is None and self.is_short(piece)

    def only_after_quotes(self, token: Token) -> bool:
        """Verbs such as "continue" report speech only right after a quote ("…,” he continued)."""
        entry = self.cue_entry(token)
        return entry is not None and entry[1] is None

    def says_nothing(self, cue: Token) -> bool:
        """"a platform that calls for …": a relative clause about a thing is not a report."""
        subjects = [c for c in cue.children if c.dep_ in SUBJECT_DEPS]
        if not subjects or self.words.get(subjects[0].lower_) != "relative" or cue.dep_ != "relcl":
            return False
        antecedent = cue.head
        return antecedent.pos_ != "PROPN" and not antecedent.ent_type_ \
            and self.words.get(antecedent.lower_) not in ("role", "document", "organization")

    def outermost(self, cue: Token) -> Token:
        """The report that holds a nested one: "X said he believed “…”" is X's statement, and
        so is "According to X, the media would call him “…”"."""
        node = cue
        while True:
            according = [c for c in node.children if c.lower_ == "according" and self.is_cue(c, False)]
            if according:
                return according[0]
            if node.head.i == node.i:
                break
            if node.dep_ == "ccomp" and self.is_cue(node.head, direct_only=False):
                cue = node = node.head
            elif node.dep_ in ("conj", "xcomp", "advcl"):
                node = node.head
            else:
                break
        return cue

    def mostly_quoted(self, start: int, end: int) -> bool:
        # pieces come in text order and never overlap, so those overlapping start:end are
        # found by bisection
        first = bisect_right(self.piece_ends, start)
        last = bisect_left(self.piece_starts, end)
        covered = sum(max(0, min(end, p.end) - max(start, p.start)) for p in self.pieces[first:last])
        return covered > 0.5 * (end - start)

    def trim(self, tokens: list[Token]) -> tuple[int, int] | None:
        while tokens and (tokens[0].is_punct or tokens[0].is_space):
            tokens = tokens[1:]
        while tokens and (tokens[-1].is_punct and tokens[-1].text not in MARKS or tokens[-1].is_space):
            tokens = tokens[:-1]
        if len(tokens) < 2:
            return None
        return tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
