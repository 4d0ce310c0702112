"""Who a statement speaks about: the named mentions inside it, and the pronouns and
descriptions inside it that stand for someone named.

A stance is only worth a row when its target is right, so a pronoun or a description is
resolved only when the text leaves one candidate:
- "he"/"him"/"his", "she"/"her" in reported speech ("Carson said that he ...") is the speaker
  when the speaker agrees with it; otherwise, and inside quotation marks, it is the latest
  person named before it (in the last paragraphs) who is not the speaker and agrees with the
  pronoun (courtesy title, well-known person, common first name; a person with no evidence
  agrees with both);
- "they" as the subject of a quoted sentence: the one organisation, country or group named
  in the sentence before it (or earlier in its own sentence), when there is exactly one
  ("Blinken has been firm in his criticisms of Russia. “They are destroying …”"); in reported
  speech and as a possessive ("their finances") it is too often people in general.
- "the former president", "the bureau": whom the identity layer's description rule names
  (`SpeakerResolver.described`).
"I", "we" and the words in apposition to them ("we the United States") are the speaker. A
nationality or party word used as an adjective ("American companies", "Republican hopefuls")
is not a target of its own.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass

from helpers.identity.article import ArticleIdentity, Named
from helpers.identity.names import speaker_words
from helpers.identity.article import Person
from helpers.identity.mentions import SUBJECT_DEPS
from helpers.identity.speakers import FEMALE_PRONOUNS, MALE_PRONOUNS, SpeakerResolver
from helpers.structure import Context

# "we the United States", "us Americans" (not "our Polish friends": a possessive is not apposition).
SPEAKER_PRONOUNS = frozenset({"we", "us"})
PLURAL_PRONOUNS = frozenset({"they", "them", "their", "theirs", "themselves"})
PERSON_PRONOUNS = (MALE_PRONOUNS | FEMALE_PRONOUNS) - {"hers", "herself", "himself"}
# Entity labels a statement can take a stance towards, and the type each gives a target.
TARGET_TYPES = {"PERSON": "person", "ORG": "organization", "GPE": "place", "LOC": "place",
                "NORP": "group"}
COLLECTIVE_LABELS = frozenset({"ORG", "GPE", "NORP"})
MODIFIER_DEPS = frozenset({"amod", "compound"})
# How many paragraphs back "he" or "she" looks for the person it stands for.
PERSON_PARAGRAPHS = 2


@dataclass(frozen=True)
class Reference:
    """A mention inside a statement of an entity it speaks about."""

    start: int
    end: int
    canonical: str
    label: str
    form: str  # name, pronoun or description


class References:
    """The references of one article's statements (built once per article)."""

    def __init__(self, context: Context, identity: ArticleIdentity, quoted: list[bool]):
        self.context, self.doc, self.quoted = context, context.doc, quoted
        self.resolver = SpeakerResolver(context, identity, quoted)
        self.words = speaker_words()
        # definite noun phrases ("the bureau"), the only descriptions resolved
        self.definite = [(chunk.start_char, chunk.end_char) for chunk in self.doc.noun_chunks
                         if chunk[0].lower_ == "the"]
        self.definite_starts = [start for start, _ in self.definite]
        self.named = [n for n in identity.mentions if n.label in TARGET_TYPES]
        self.named_starts = [n.start for n in self.named]
        self.token_starts = context.token_starts
        self.people = {p.name for p in identity.people}

    def within(self, start: int, end: int, speaker: str | None) -> list[Reference]:
        """The references inside `text[start:end]`, a statement by `speaker` (a name or None),
        in text order; the speaker and the words standing for them are left out."""
        found = []
        for named in self.named[bisect_left(self.named_starts, start):bisect_left(self.named_starts, end)]:
            if named.end <= end and named.canonical != speaker and not self._is_speaker_apposition(named) \
                    and not self._is_modifier(named):
                found.append(Reference(named.start, named.end, named.canonical, named.label, "name"))
        first = bisect_left(self.token_starts, start)
        for token in self.doc[first:bisect_left(self.token_starts, end)]:
            word = token.lower_
            if word in PERSON_PRONOUNS:
                if not self.quoted[token.i] and self._agrees(speaker, word):
                    continue  # reported speech: "he" is the speaker
                named = self._person_before(token.idx, word, speaker)
            elif word in PLURAL_PRONOUNS and self.quoted[token.i] and token.dep_ in SUBJECT_DEPS:
                named = self._collective_before(token.idx)
            else:
                continue
            if named is not None and named.canonical != speaker:
                found.append(Reference(token.idx, token.idx + len(token.text), named.canonical,
                                       named.label, "pronoun"))
        found += self._descriptions(start, end, speaker, found)
        return sorted(found, key=lambda ref: (ref.start, ref.end))

    def _descriptions(self, start: int, end: int, speaker: str | None, found: list[Reference]) -> list[Reference]:
        """"the bureau", "the former president" inside the statement, where the identity layer
        names them and no name or pronoun already stands there."""
        taken = [(ref.start, ref.end) for ref in found]
        described = []
        for chunk_start, chunk_end in self.definite[bisect_left(self.definite_starts, start):
                                                    bisect_left(self.definite_starts, end)]:
            if chunk_end > end or any(s < chunk_end and chunk_start < e for s, e in taken):
                continue
            entity = self.resolver.described(chunk_start, chunk_end)
            if isinstance(entity, Person):
                name, label = entity.name, "PERSON"
            elif entity is not None:
                name, label = entity.canonical, entity.label
            else:
                continue
            if name != speaker and label in TARGET_TYPES:
                described.append(Reference(chunk_start, chunk_end, name, label, "description"))
        return described

    def _agrees(self, speaker: str | None, pronoun: str) -> bool:
        """Whether "he" or "she" can be the speaker (a person with no known gender can)."""
        if speaker is None or speaker not in self.people:
            return False
        gender = self.resolver.gender_of(speaker)
        return gender is None or (gender == "m") == (pronoun in MALE_PRONOUNS)

    def _is_modifier(self, named: Named) -> bool:
        """"Republican hopefuls", "the Democratic front-runner", "the Central American Minors
        program": a group word describing a person by affiliation, or part of another name
        ("our Polish friends" and "the Republican base" stay targets)."""
        span = self.doc.char_span(named.start, named.end, alignment_mode="expand")
        if span is None or span.root.dep_ not in MODIFIER_DEPS or (named.label != "NORP" and span.root.pos_ != "ADJ"):
            return False
        head = span.root.head
        return self.words.get(head.lower_) == "role" or head.pos_ == "PROPN" or bool(head.ent_type_)

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
            gender = self.resolver.gender_of(named.canonical)
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

