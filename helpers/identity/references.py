"""Who a statement speaks about: the named mentions inside it, and the pronouns inside it
that stand for someone named.

A stance is only worth a row when its target is right, so a pronoun is resolved only when
the text leaves one candidate:
- "he"/"him"/"his", "she"/"her": the latest person named before it (in the last paragraphs)
  who is not the speaker and agrees with the pronoun (courtesy title, well-known person,
  common first name; a person with no evidence agrees with both);
- "they"/"them"/"their": the one organisation, country or group named in the sentence
  before it (or earlier in its own sentence), when there is exactly one ("Blinken has been
  firm in his criticisms of Russia. “They are destroying …”").
"I", "we" and the words in apposition to them ("we the United States") are the speaker.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass

from helpers.identity.article import ArticleIdentity, Named
from helpers.identity.names import first_name_genders
from helpers.identity.speakers import FEMALE_PRONOUNS, MALE_PRONOUNS
from helpers.structure import Context

# "we the United States", "us Americans" (not "our Polish friends": a possessive is not apposition).
SPEAKER_PRONOUNS = frozenset({"we", "us"})
PLURAL_PRONOUNS = frozenset({"they", "them", "their", "theirs", "themselves"})
PERSON_PRONOUNS = (MALE_PRONOUNS | FEMALE_PRONOUNS) - {"hers", "herself", "himself"}
# Entity labels a statement can take a stance towards, and the type each gives a target.
TARGET_TYPES = {"PERSON": "person", "ORG": "organization", "GPE": "place", "LOC": "place",
                "NORP": "group"}
COLLECTIVE_LABELS = frozenset({"ORG", "GPE", "NORP"})
# How many paragraphs back "he" or "she" looks for the person it stands for.
PERSON_PARAGRAPHS = 2


@dataclass(frozen=True)
class Reference:
    """A mention inside a statement of an entity it speaks about."""

    start: int
    end: int
    canonical: str
    label: str
    pronoun: bool


class References:
    """The references of one article's statements (built once per article)."""

    def __init__(self, context: Context, identity: ArticleIdentity):
        self.context, self.doc = context, context.doc
        self.named = [n for n in identity.mentions if n.label in TARGET_TYPES]
        self.named_starts = [n.start for n in self.named]
        self.token_starts = [t.idx for t in self.doc]
        self.genders = {p.name: p.gender for p in identity.people if p.gender}

    def within(self, start: int, end: int, speaker: str | None) -> list[Reference]:
        """The references inside `text[start:end]`, a statement by `speaker` (a name or None),
        in text order; the speaker and the words standing for them are left out."""
        found = []
        for named in self.named[bisect_left(self.named_starts, start):bisect_left(self.named_starts, end)]:
            if named.end <= end and named.canonical != speaker and not self._is_speaker_apposition(named):
                found.append(Reference(named.start, named.end, named.canonical, named.label, False))
        first = bisect_left(self.token_starts, start)
        for token in self.doc[first:bisect_left(self.token_starts, end)]:
            word = token.lower_
            if word in PERSON_PRONOUNS:
                named = self._person_before(token.idx, word, speaker)
            elif word in PLURAL_PRONOUNS:
                named = self._collective_before(token.idx)
            else:
                continue
            if named is not None and named.canonical != speaker:
                found.append(Reference(token.idx, token.idx + len(token.text), named.canonical,
                                       named.label, True))
        return sorted(found, key=lambda ref: (ref.start, ref.end))

    def _is_speaker_apposition(self, named: Named) -> bool:
        """"we the United States", "us Americans": the name is the speaker's own."""
        span = self.doc.char_span(named.start, named.end, alignment_mode="expand")
        if span is None:
            return False
        before = span.start - 1
        while before >= 0 and self.doc[before].lower_ == "the":
            before -= 1
        return (before >= 0 and self.doc[before].lower_ in SPEAKER_PRONOUNS) or (
            span.root.dep_ == "appos" and span.root.head.lower_ in SPEAKER_PRONOUNS)

    def _person_before(self, char: int, pronoun: str, speaker: str | None) -> Named | None:
        paragraph = self.context.paragraph_at(char)
        for named in reversed(self.named[:bisect_left(self.named_starts, char)]):
            if self.context.paragraph_at(named.start) < paragraph - PERSON_PARAGRAPHS:
                return None
            if named.label != "PERSON" or named.canonical == speaker:
                continue
            gender = self.genders.get(named.canonical) or _first_name_gender(named.canonical)
            return named if gender is None or (gender == "m") == (pronoun in MALE_PRONOUNS) else None
        return None

    def _collective_before(self, char: int) -> Named | None:
        sentence = self.context.sentence_at(char)
        sentences = self.context.sentences
        window_start = sentences[max(sentence - 1, 0)].start_char
        candidates = [n for n in self.named[bisect_left(self.named_starts, window_start):
                                            bisect_left(self.named_starts, char)]
                      if n.label in COLLECTIVE_LABELS]
        names = {n.canonical for n in candidates}
        return candidates[-1] if len(names) == 1 else None


def _first_name_gender(name: str) -> str | None:
    return first_name_genders().get(name.split()[0].lower()) if " " in name else None
