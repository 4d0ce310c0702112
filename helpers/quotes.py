"""Quotes and speakers: who said what, with offsets for the quote, the speaker and the cue.

Steps, all on the already-parsed `Doc`:
1. Quotation marks are paired by direction (“ ” and straight quotes read from the characters
   around them), paragraph by paragraph. A stray mark is skipped, a quote inside a quote in
   the other style is kept inside (a closing mark of the other style with no such inner
   quote open closes the quote: "…” or “…"), and a paragraph that opens a quote without
   closing it continues into the next one.
2. Each quoted piece gets a cue: a speech verb right after it ("“…,” X said", "“…,” said X",
   "according to X", "as X put it"), before it in the same sentence ("X said: “…”", "which
   states “…”"), the verb that leads to a colon, a speech noun with a possessor ("Trump's
   claim that “…”"), or a verb whose object holds it ("called it “…”"). A transcript turn
   ("PENCE: …" inside the marks) names its own speaker. A piece with no cue of its own takes
   the speaker of the quote it continues or of the nearest attributed piece of its paragraph,
   or of the quote that ends the paragraph before it; "Name: “…”" and a dash and a name after
   the quote ("“…” ― Ana Ruiz") also name the speaker; a piece still without one that opens a
   sentence takes the speaker of a report in the sentence before it, or that sentence's
   subject when it is a person. Short unattributed pieces are scare quotes or titles and are
   left out.
3. Indirect speech (`kind = "indirect"`) is the clausal complement of a speech verb ("X said
   that …", "X warned …"), the clause around "according to X", what a verb reports around
   quoted words (a mixed quote), and a headline "X: claim".
4. Speakers are resolved to names through the `entities` records (canonical name and role),
   falling back on spaCy's entities: a surname or a role noun to the full name used in the
   article (a surname shared by several people to the one most often named in full), a
   pronoun to the latest person who was a main subject (or its owner) or a speaker before
   it, outside quoted text and agreeing with the pronoun (by a common first name, else by
   how the article refers to them). Treaty references, LAW entities and "Article N of the X"
   make a document speaker.

Cue verbs and nouns, the word classes used for speakers and common first names live in
`helpers/data/`.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

import pandas as pd
from spacy.tokens import Doc, Token

from helpers.data_files import data_lines, data_rows
from helpers.structure import Context

OPENERS, CLOSERS, STRAIGHT = "“„«", "”»", '"'
MARKS = OPENERS + CLOSERS + STRAIGHT
# A straight quote after one of these opens a quotation; before one of them it closes one.
OPEN_AFTER = "([{—–-/\u00a0"
CLOSE_BEFORE = ".,;:!?)]}—–-…"
SENTENCE_END = {".", "!", "?"}
# How far from a quote its cue may be, in tokens.
AFTER_WINDOW, BEFORE_WINDOW = 30, 60
# An unattributed quote this short with no sentence punctuation is a scare quote or a title.
SCARE_MAX_WORDS = 5
# A quote held by a verb that is not a speech verb ("credited it to “…”") is attributed
# only from this length on: shorter ones are mostly labels ("called it “fog of war”").
VERB_OBJECT_MIN_WORDS = 3
# How many heads up from a quote's first word the noun or verb holding it is looked for:
# one further up holds the quote too loosely to be its speech act.
HOLDER_MAX_CLIMB = 8
# Texts that someone issues, releases or posts: "X issued a statement saying …" is X's.
ISSUED_TEXTS = {"statement", "release", "tweet", "post", "message", "email", "letter", "memo", "video", "ad"}
MALE_PRONOUNS = {"he", "him", "his", "himself"}
FEMALE_PRONOUNS = {"she", "her", "hers", "herself"}
THIRD_PERSON_PRONOUNS = MALE_PRONOUNS | FEMALE_PRONOUNS  # not "I": it cannot stand for a subject named before
THING_PRONOUNS = {"it", "its", "itself"}
PLURAL_PRONOUNS = {"they", "them", "their", "themselves"}  # not "we", for the same reason as "I"
TITLE_MARKERS = {"so-called", "dubbed", "titled", "entitled", "named", "nicknamed", "as"}
SUBJECT_DEPS = {"nsubj", "nsubjpass"}
# Entity labels of names that can speak: people, organisations, groups ("Democrats").
SPEAKER_ENTITIES = {"PERSON", "ORG", "NORP"}
# Children of a speaker's head word that belong to the speaker mention.
MENTION_DEPS = {"compound", "flat", "det", "amod", "poss", "nmod", "nummod", "prep", "case",
                "cc", "conj", "pobj", "punct", "npadvmod", "appos"}


@functools.cache
def cue_lexicon() -> dict[str, tuple[str, bool]]:
    """lemma -> (kind, introduces direct quotes: True, False, or None when only after one),
    from `data/quote_cues.csv`."""
    direct = {"1": True, "0": False, "after": None}
    return {row["lemma"]: (row["kind"], direct[row["direct"]])
            for row in data_rows("quote_cues.csv")}


@functools.cache
def first_name_genders() -> dict[str, str]:
    """first name (lower case) -> "m" or "f", from `data/first_names.csv`."""
    return {row["name"]: row["gender"] for row in data_rows("first_names.csv")}


@functools.cache
def phrase_cue_verbs() -> frozenset[str]:
    """Verbs that are cues only with a given object: "put" in "put it"."""
    return frozenset(lemma.split()[0] for lemma in cue_lexicon() if " " in lemma)


@functools.cache
def honorifics() -> frozenset[str]:
    return frozenset(word for word, kind in speaker_words().items() if kind == "honorific")


@functools.cache
def speaker_words() -> dict[str, str]:
    """word -> kind (pronoun_person, pronoun_group, pronoun_thing, relative, role, ...)."""
    return {row["word"]: row["kind"] for row in data_rows("speaker_words.csv")}


@functools.cache
def speech_nouns() -> frozenset[str]:
    """Lemmas of nouns that name something said ("claim", "promise"), from `data/speech_nouns.txt`."""
    return frozenset(data_lines("speech_nouns.txt"))


@functools.cache
def newsroom_labels() -> frozenset[str]:
    """Capitalised labels before a colon that are never a speaker ("UPDATE", "EDITOR'S NOTE")."""
    return frozenset(data_lines("newsroom_labels.txt"))


@dataclass
class Piece:
    """One quoted stretch: content offsets, and the offsets of its marks when present."""

    start: int
    end: int
    open_mark: int
    close_mark: int | None
    paragraph: int
    continues: Piece | None = None
    cue: Token | None = None
    speaker: tuple[int, int] | None = None
    how: str = ""


@dataclass
class Person:
    start: int
    end: int
    name: str
    role: str | None
    is_subject: bool


def extract_quotes(context: Context) -> list[dict]:
    """Records of the `quotes` table for one article."""
    article = _Article(context)
    records = article.direct_records() + article.indirect_records() + article.headline_records()
    # in text order of the speaker, so a pronoun sees every speaker named before it
    for record in sorted(records, key=lambda r: r["speaker_start_char"] or 0):
        if record["speaker"] is not None:
            record["speaker_name"], record["speaker_role"], record["speaker_type"] = \
                article.resolve(record["speaker_start_char"], record["speaker_end_char"])
    records.sort(key=lambda r: (r["start_char"], r["end_char"]))
    for number, record in enumerate(records, 1):
        record["quote_id"] = f"{context.article_id}-q{number:03d}"
    return records


# ---------------------------------------------------------------- quotation marks

def find_pieces(text: str, paragraphs: list[tuple[int, int]]) -> list[Piece]:
    """Quoted pieces of `text`, paired by direction, paragraph by paragraph."""
    pieces: list[Piece] = []
    carried: Piece | None = None  # a piece left open at the end of the previous paragraph
    for number, (start, end) in enumerate(paragraphs):
        open_at: int | None = None
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
        for mark in marks:
            if open_at is not None and _is_straight(text[mark]) != _is_straight(text[open_at]) \
                    and not _closes_mixed_pair(text, open_at, mark):
                continue  # “…” inside "…" (or the reverse) is a quote within the quote
            if _is_opener(text, mark, open_at is not None):
                open_at = mark  # a second opener while open: the first one was stray
            elif open_at is not None:
                pieces.append(_piece(text, open_at, mark, number, continues))
                open_at, continues = None, None
        if open_at is not None:
            piece = _piece(text, open_at, None, number, continues, end)
            pieces.append(piece)
            carried = piece
    return [piece for piece in pieces if piece.end > piece.start]


def _closes_mixed_pair(text: str, open_at: int, mark: int) -> bool:
    """Whether a closing mark of the other style ends the quote opened at `open_at` ("…” or
    “…"): it stands where a quote closes, and it closes no quote of its own style opened
    inside this one."""
    if _is_opener(text, mark, True):
        return False
    # marks of this mark's style in between come in pairs unless an inner quote is still open
    same_style = sum(text[i] in MARKS and _is_straight(text[i]) == _is_straight(text[mark])
                     for i in range(open_at + 1, mark))
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

class _Article:
    def __init__(self, context: Context):
        self.context = context
        self.doc: Doc = context.doc
        self.text = context.text
        self.cues = cue_lexicon()
        self.words = speaker_words()
        self.token_starts = [token.idx for token in self.doc]
        self.pieces = find_pieces(self.text, context.paragraphs)
        self.quoted = self._quoted_tokens()
        self.people = self._people()
        self.person_starts = [person.start for person in self.people]
        self.documents = self._documents()
        self.organizations = [(e["start_char"], e["end_char"], e.get("canonical") or e["text"])
                              for e in self._entities() if e["label"] in ("ORG", "GPE", "NORP")]
        self.speakers_seen: list[tuple[int, Person]] = []  # (char, person) of resolved speakers
        self.antecedents: dict[tuple[int, int], tuple[int, int]] = {}  # "which" -> its noun

    # ---- tokens and spans

    def _quoted_tokens(self) -> list[bool]:
        quoted = [False] * len(self.doc)
        for piece in self.pieces:
            last = piece.close_mark if piece.close_mark is not None else piece.end - 1
            for index in range(self.token_at(piece.open_mark), self.token_at(last) + 1):
                quoted[index] = True
        return quoted

    def token_at(self, char: int) -> int:
        return max(bisect_right(self.token_starts, char) - 1, 0)

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

    def _entities(self) -> list[dict]:
        """The `entities` records when that extractor ran, else spaCy's own entities."""
        records = self.context.tables.get("entities") or []
        if records:
            return records
        return [{"start_char": e.start_char, "end_char": e.end_char, "text": e.text,
                 "label": e.label_, "canonical": None, "role": None} for e in self.doc.ents]

    # ---- people, organisations and documents in the article

    def _people(self) -> list[Person]:
        mentions = [e for e in self._entities()
                    if e["label"] == "PERSON" or (e["label"] == "ORG" and self._looks_like_a_name(e["text"]))]
        full_names = self._full_names(mentions)
        people = []
        for mention in mentions:
            start, end = mention["start_char"], mention["end_char"]
            # a bare surname shared by several people is read against the names written out
            # in full (the most frequent), not the entities' guess of the last one named
            bare = len(_name_words(mention["text"])) == 1
            name = self._own_canonical(mention["text"] if bare else mention.get("canonical") or mention["text"],
                                       full_names)
            if " " not in name:
                name = self._given_name_form(name) or name
            role = mention.get("role") or self._role_before(start)
            head = self.doc[self.token_at(end - 1)]
            people.append(Person(start, end, name, role, self._is_main_subject(head)))
        # a role given once ("Secretary of State Antony Blinken") holds for the whole article
        roles = {}
        for person in people:
            if person.role:
                roles.setdefault(person.name, person.role)
        for person in people:
            person.role = person.role or roles.get(person.name)
        return [p for p in people if not self._in_quote(p.start)]

    def _looks_like_a_name(self, text: str) -> bool:
        """An ORG entity that is two capitalised words and no organisation word ("Sean
        Hannity") is a person the tagger mislabelled."""
        words = self._without_common_nouns(text.split())
        return len(words) == 2 and all(w[:1].isupper() and w[1:].islower() for w in words) \
            and not any(self.words.get(w.lower().strip(".’'s")) == "organization" for w in words)

    def _is_main_subject(self, head: Token) -> bool:
        """The subject of a main clause or of a speech verb, not of reported content, or the
        owner of that subject ("Podliska's lawsuit demands …": Podliska is the topic)."""
        if head.dep_ == "poss" and head.head.dep_ in SUBJECT_DEPS:
            head = head.head
        if head.dep_ not in SUBJECT_DEPS:
            return False
        verb = head.head
        while verb.dep_ == "conj" and verb.head.i != verb.i:
            verb = verb.head
        return verb.dep_ == "ROOT" or self.is_cue(verb, direct_only=False)

    def _full_names(self, mentions: list[dict]) -> dict[str, str]:
        """surname -> the most frequent full name in the article that ends with it (the
        earliest on a tie)."""
        counts: dict[str, dict[str, int]] = {}
        for mention in mentions:
            forms = [mention["text"]]  # a list, not a set: counting order decides ties
            if len(_name_words(mention["text"])) >= 2:  # not a bare surname's guessed full name
                forms.append(mention.get("canonical") or mention["text"])
            for text in dict.fromkeys(forms):
                words = self._without_common_nouns(_name_words(text))
                if len(words) >= 2:
                    names = counts.setdefault(words[-1], {})
                    name = " ".join(words)
                    names[name] = names.get(name, 0) + 1
        full = {}
        for surname, names in counts.items():
            best = max(names, key=names.get)
            # a form that others only lengthen ("Donald Trump" in "Billionaire Donald Trump")
            shorter = [n for n in names if n != best and best.endswith(" " + n) and " " in n]
            full[surname] = min(shorter, key=len) if shorter else best
        return full

    def _own_canonical(self, text: str, full_names: dict[str, str]) -> str:
        """The full name for a mention: a surname gets the article's full name, and a name
        loses leading common nouns ("Billionaire Donald Trump" -> "Donald Trump")."""
        words = self._without_common_nouns(_name_words(text))
        if not words:
            return text
        full = full_names.get(words[-1])
        if len(words) == 1 or (full and (full.endswith(" ".join(words)) or " ".join(words).endswith(" " + full))):
            return full or words[0]
        return " ".join(words)

    def _without_common_nouns(self, words: list[str]) -> list[str]:
        """Drop leading words that are not names ("Actress", "Billionaire"): role words, and
        words the article also writes in lower case."""
        while len(words) > 1 and (words[0].lower() in self.common_words
                                  or self.words.get(words[0].lower()) in ("role", "honorific")):
            words = words[1:]
        return words

    @functools.cached_property
    def common_words(self) -> set[str]:
        return {t.text for t in self.doc if t.is_lower}

    def _role_before(self, start: int) -> str | None:
        """Title-case role words right before a name: "Secretary of State" Antony Blinken."""
        index = self.token_at(start) - 1
        first = None
        while index >= 0:
            token = self.doc[index]
            role_like = token.pos_ in ("PROPN", "NOUN", "ADJ") and token.text[:1].isupper() \
                and not token.ent_type_ == "PERSON"
            if role_like or (token.lower_ == "of" and first is not None):
                first = index
                index -= 1
                continue
            break
        if first is None:
            return None
        words = [t for t in self.doc[first:self.token_at(start)]]
        while words and words[0].lower_ == "of":
            words = words[1:]
        words = [w for w in words if self.words.get(w.lower_) != "honorific"]
        if not words or not any(self.words.get(w.lower_) == "role" for w in words):
            return None
        return " ".join(w.text for w in words)

    def _documents(self) -> list[tuple[int, int, str]]:
        """(start, end, name) of treaty references, LAW entities and "Article N of the X"."""
        found = [(r["start_char"], r["end_char"], r["treaty"])
                 for r in self.context.tables.get("treaty_refs") or [] if r.get("treaty")]
        for entity in self._entities():
            if entity["label"] == "LAW":
                name = entity.get("canonical") or entity["text"]
                found.append((entity["start_char"], entity["end_char"], _strip_article(name)))
        for match in ARTICLE_OF.finditer(self.text):
            found.append((match.start(), match.end(), _strip_article(match.group("document"))))
        return found

    def _in_quote(self, char: int) -> bool:
        return self.quoted[self.token_at(char)]

    # ---- direct quotes

    def direct_records(self) -> list[dict]:
        for piece in self.pieces:
            self._attribute(piece)
        self._borrow_speakers()
        records = []
        for piece in self.pieces:
            if piece.cue is None and piece.speaker is None:
                if self._is_scare_quote(piece):
                    continue
                if self._opens_sentence(piece) and (speaker := self._speaker_of_sentence_before(piece)):
                    piece.speaker, piece.how = speaker, "sentence-before"
            records.append(self._record("direct", piece.start, piece.end, piece.cue,
                                        piece.speaker, piece.how))
        return records

    def _attribute(self, piece: Piece) -> None:
        if self._preceded_by_title_marker(piece):
            return
        cue = self._cue_after(piece) if piece.close_mark is not None else None
        how = "cue-after"
        if cue is None and (turn := self._transcript_turn(piece)) is not None:
            # a quoted transcript turn names its speaker in capitals ("PENCE: Well, …"), which
            # beats a cue before it: that one introduces the whole exchange ("went as follows:")
            piece.speaker, piece.how = turn, "transcript"
            return
        if cue is None:
            cue, how = self._cue_before(piece), "cue-before"
        if cue is not None:
            between = self._speaker_between(self.token_at(piece.close_mark) + 1, cue) \
                if how == "cue-after" else None
            cue = self._outermost(cue)
            piece.cue, piece.how = cue, how
            piece.speaker = between or self.speaker_of(cue, inverted=how == "cue-after")
        elif (signature := self._signature_after(piece)) is not None:
            # a quote signed with a dash and a name: "- Bernie Sanders"
            piece.speaker, piece.how = signature, "signature"
        elif (tail := self._tail_cue(piece)) is not None:
            cue = self._outermost(tail)
            piece.cue, piece.how = cue, "cue-after"
            piece.speaker = self.speaker_of(cue, inverted=True)
        elif self.text[:piece.open_mark].rstrip().endswith(":"):
            # "Michael P. McDonald: “…”": a name and a colon, no verb
            piece.speaker, piece.how = self._name_before_colon(piece), "colon"
        elif (noun := self._owned_speech_noun(piece)) is not None:
            # "Trump's claim that there were “thousands of shootings”": the possessor
            piece.cue, piece.how = noun, "speech-noun"
            piece.speaker = self._mention(self._owner(noun))
        elif len(self.text[piece.start:piece.end].split()) >= VERB_OBJECT_MIN_WORDS:
            verb = self._governing_verb(piece)
            if verb is not None:
                # "He commanded the party to “do the right thing”": the quote is what the
                # subject of the verb holding it said or meant
                piece.cue, piece.how = verb, "verb-object"
                piece.speaker = self.speaker_of(verb, inverted=False)

    def _transcript_turn(self, piece: Piece) -> tuple[int, int] | None:
        """The capitalised name opening a quote ("PENCE: …") when it is a person's: a person
        named in the article or tagged as one, so that "BREAKING:" or "WARNING:" is not. In
        a transcript (a turn names such a person) every turn counts: the host ("WALLACE:")
        is often never introduced; a newsroom's label ("UPDATE:") never counts."""
        turn = TRANSCRIPT_TURN.match(self.text, piece.start, piece.end)
        if turn is None or turn.group("name").lower().replace("’", "'") in newsroom_labels():
            return None
        return turn.span("name") if self._names_a_person(turn) or self.is_transcript else None

    @functools.cached_property
    def is_transcript(self) -> bool:
        return any(self._names_a_person(turn) for piece in self.pieces
                   if (turn := TRANSCRIPT_TURN.match(self.text, piece.start, piece.end)) is not None)

    def _names_a_person(self, turn: re.Match) -> bool:
        surname = _name_words(turn.group("name"))[-1:]  # empty for a lone honorific ("MR.:")
        known = {words[-1].lower() for p in self.people if (words := _name_words(p.name))}
        return (bool(surname) and surname[0].lower() in known) or any(
            e["label"] == "PERSON" and _overlaps((e["start_char"], e["end_char"]), turn.span("name"))
            for e in self._entities())

    def _signature_after(self, piece: Piece) -> tuple[int, int] | None:
        """A dash and a short name after a quote that ends its sentence: on the rest of the
        quote's line (“…” ― Ana Ruiz) or opening the next paragraph ("- Bernie Sanders")."""
        if piece.close_mark is None:
            return None
        _, paragraph_end = self.context.paragraphs[piece.paragraph]
        line_end = self.text.find("\n", piece.close_mark, paragraph_end)
        line_end = paragraph_end if line_end == -1 else line_end
        after = piece.close_mark + 1
        while after < line_end and self.text[after].isspace():
            after += 1
        if self.text[after:line_end].strip(" .,"):
            match = SIGNATURE.match(self.text, after, line_end)
            return match.span("name") if match else None
        if piece.paragraph + 1 >= len(self.context.paragraphs) or line_end < paragraph_end:
            return None
        start, end = self.context.paragraphs[piece.paragraph + 1]
        match = SIGNATURE.match(self.text, start, end)
        return match.span("name") if match else None

    def _tail_cue(self, piece: Piece) -> Token | None:
        """“…” if she lost, said David Wasserman.  — a speech verb closing the sentence after
        a comma, with nothing but its speaker around it."""
        if piece.close_mark is None:
            return None
        first = self.token_at(piece.close_mark) + 1
        for token in self.doc[first:first + 40]:
            if self.quoted[token.i] or "\n" in token.text or token.text in SENTENCE_END:
                return None
            if token.text == "," and self.doc[token.i - 1].i >= first:
                rest = []
                for after in self.doc[token.i + 1:token.i + 12]:
                    if after.text in SENTENCE_END or "\n" in after.text or after.text == ",":
                        break
                    rest.append(after)
                verbs = [t for t in rest if t.pos_ == "VERB"]
                if len(verbs) == 1 and self.is_cue(verbs[0], direct_only=True) \
                        and not any(t.pos_ in ("SCONJ", "CCONJ") for t in rest) \
                        and rest and rest[-1].i - token.i == len(rest):
                    return verbs[0]
        return None

    def _name_before_colon(self, piece: Piece) -> tuple[int, int] | None:
        colon = self.token_at(self.text.rindex(":", 0, piece.open_mark))
        if colon == 0:
            return None
        before = self.doc[colon - 1]
        # "X said of Sanders: “…”": a name that is an object is not the speaker
        if before.pos_ != "PROPN" or self.quoted[before.i] or before.dep_ in ("pobj", "dobj", "dative", "attr"):
            return None
        start = colon - 1
        while start > 0 and self.doc[start - 1].pos_ == "PROPN" and not self.quoted[start - 1]:
            start -= 1
        return self.doc[start].idx, before.idx + len(before.text)

    def _owned_speech_noun(self, piece: Piece) -> Token | None:
        """A noun naming something said, with a possessor, that holds the quote ("his
        promise of “…”") or is the subject of the clause that does ("her claim is that …")."""
        token = self.doc[min(self.token_at(piece.start), len(self.doc) - 1)]
        for _ in range(HOLDER_MAX_CLIMB):
            if token.head.i == token.i:
                return None
            clause, token = token, token.head
            nouns = [token]
            if clause.dep_ == "ccomp":  # not "Trump's statement is “true”": a verdict on it
                nouns += [c for c in token.children if c.dep_ in SUBJECT_DEPS and c.i < token.i]
            for noun in nouns:
                if noun.pos_ == "NOUN" and noun.lemma_.lower() in speech_nouns() and not self.quoted[noun.i] \
                        and self._owner(noun) is not None:
                    return noun
        return None

    def _owner(self, noun: Token) -> Token | None:
        """The possessor of `noun` when it can be a speaker ("Trump's", "his", not "its")."""
        owners = [c for c in noun.children if c.dep_ == "poss" and not self.quoted[c.i]
                  and self.words.get(c.lower_) != "pronoun_thing"]
        return owners[0] if owners else None

    def _governing_verb(self, piece: Piece) -> Token | None:
        """The verb whose object or complement holds the quote, when its subject comes first."""
        first = self.doc[min(self.token_at(piece.start), len(self.doc) - 1)]
        token = first
        for _ in range(HOLDER_MAX_CLIMB):
            if token.head.i == token.i:
                return None
            token = token.head
            if token.pos_ == "VERB" and token.i < first.i and not self.quoted[token.i]:
                subjects = [c for c in token.children if c.dep_ in SUBJECT_DEPS]
                if subjects and subjects[0].i < token.i and not self.quoted[subjects[0].i]:
                    return token
                return None
        return None

    def _outermost(self, cue: Token) -> Token:
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

    def _cue_after(self, piece: Piece) -> Token | None:
        """A speech verb right after the closing mark, with only its speaker in between.

        Only a quote that hands over to its attribution ("“…,” X said", "“…?” X asked")
        qualifies: after a full stop, what follows is a new sentence."""
        content = self.text[piece.start:piece.end].rstrip("”\"’' ")
        closing = self.text[piece.end:piece.close_mark].strip()
        index = self.token_at(piece.close_mark) + 1
        if (content.endswith(".") or content.endswith("…")) and not closing \
                and not self._short_attribution_follows(index):
            return None
        for token in self.doc[index:index + AFTER_WINDOW]:
            if self.quoted[token.i] or "\n" in token.text or token.text in SENTENCE_END:
                return None
            if token.pos_ not in ("VERB", "AUX") or token.dep_ in ("aux", "auxpass", "amod") \
                    or self._inside_a_description(token, index):
                continue
            if not self._only_speaker_between(index, token):
                return None
            inverted = token.i == index or all(t.is_punct for t in self.doc[index:token.i])
            if not inverted and self.phrase_cue_entry(token) is None \
                    and any(c.dep_ == "dobj" and c.lower_ in ("it", "this", "that") for c in token.rights):
                return None  # the verb has its own object ("Her critics cited it as …")
            if self.is_cue(token, direct_only=True):
                return token
            # "“…,” he surmised": a verb with its subject right after a quote that opens
            # its sentence is a speech verb, listed or not, when it takes no object
            objects = [c for c in token.rights if c.dep_ in ("dobj", "xcomp", "ccomp", "attr", "acomp", "oprd")]
            has_subject = any(c.dep_ in SUBJECT_DEPS for c in token.children)
            if has_subject and not objects and self._opens_sentence(piece):
                return token
            return None
        return None

    @staticmethod
    def _inside_a_description(token: Token, first: int) -> bool:
        """A verb in a clause that describes the speaker ("Paris, who used to work on Capitol
        Hill, said"), between the quote (from token `first`) and the cue."""
        node = token
        while node.head.i != node.i and node.i >= first:
            if node.dep_ in ("relcl", "acl", "appos"):
                return True
            node = node.head
        return False

    def _short_attribution_follows(self, first: int) -> bool:
        """“….” Trump said.  — a sentence of only a speaker and a verb may still attribute."""
        words = []
        for token in self.doc[first:first + 8]:
            if token.text in SENTENCE_END or "\n" in token.text:
                break
            if not token.is_punct:
                words.append(token)
        else:
            return False
        verbs = [t for t in words if t.pos_ == "VERB"]
        return len(verbs) == 1 and len(words) <= 5 and self.is_cue(verbs[0], direct_only=True)

    def _only_speaker_between(self, first: int, cue: Token) -> bool:
        """Nothing but punctuation, adverbs and a noun phrase (the speaker) between a quote
        and its cue."""
        subject = {t.i for c in cue.children if c.dep_ in SUBJECT_DEPS for t in c.subtree}
        marker = {c.i for c in cue.children if c.dep_ == "mark" and c.lower_ == "as"}  # "…,” as X put it
        return all(t.is_punct or t.is_space or t.i in subject or t.i in marker
                   or t.pos_ in ("ADV", "PART", "DET", "PROPN", "NOUN", "ADJ", "PRON", "NUM", "AUX", "ADP")
                   or self._inside_a_description(t, first)
                   for t in self.doc[first:cue.i])

    def _speaker_between(self, first: int, cue: Token) -> tuple[int, int] | None:
        """The noun phrase between a quote and its cue ("“…,” the Florida senator said")."""
        words = [t for t in self.doc[first:cue.i] if not (t.is_punct or t.is_space or t.pos_ in ("ADV", "PART", "AUX"))]
        if not words:
            return None
        inside = {t.i for t in words}
        heads = [t for t in words if t.head.i not in inside or t.head.i == t.i]
        # "Blunt, after a long pause, said": the noun phrase, not the aside
        names = [t for t in heads if t.pos_ in ("PROPN", "NOUN", "PRON") and t.dep_ != "pobj"]
        return self._mention(names[0]) if names else None

    def _opens_sentence(self, piece: Piece) -> bool:
        before = self.text[:piece.open_mark].rstrip()
        return not before or before[-1] in ".!?:\n”\"" or self._opens_paragraph(piece)

    def _cue_before(self, piece: Piece) -> Token | None:
        """The nearest speech verb before the opening mark in the same sentence; after a
        colon, the verb that leads to the colon ("Rubio fired back: “…”")."""
        after_colon = self.text[:piece.open_mark].rstrip().endswith(":")
        if after_colon and self._name_before_colon(piece) is not None:
            return None
        index = self.token_at(piece.open_mark) - 1
        stop = max(index - BEFORE_WINDOW, -1)
        introduced = None  # "X issued a statement: “…”": the verb before the colon
        stance = None
        while index > stop:
            token = self.doc[index]
            if "\n" in token.text and not self._ends_with_colon(token.i):
                break
            if not self.quoted[token.i]:
                if token.text in SENTENCE_END:
                    break
                if self.is_cue(token, direct_only=False) and not self._only_after_quotes(token):
                    if self._says_nothing(token):
                        pass
                    elif (self.cue_entry(token) or ("speech",))[0] == "speech":  # or "according to"
                        if after_colon and introduced is not None:
                            return self._main_verb_before(piece) or introduced
                        return token
                    # a stance verb ("she has learned") gives way to a speech verb further back
                    stance = stance or token
                if introduced is None and token.pos_ == "VERB" and token.dep_ not in ("relcl", "acl") \
                        and any(c.dep_ in SUBJECT_DEPS for c in token.children):
                    introduced = token
            index -= 1
        if stance is not None:
            return stance
        if introduced is not None and self._introduces(piece):
            return self._main_verb_before(piece) or introduced
        return None

    def _main_verb_before(self, piece: Piece) -> Token | None:
        """The main verb of the sentence that leads to the quote, when it has a subject."""
        opening = self.doc[min(self.token_at(piece.open_mark), len(self.doc) - 1)]
        root = opening.sent.root
        if root.pos_ == "VERB" and root.i < opening.i and not self.quoted[root.i] \
                and any(c.dep_ in SUBJECT_DEPS and c.i < root.i for c in root.children):
            return root
        return None

    def _says_nothing(self, cue: Token) -> bool:
        """"a platform that calls for …": a relative clause about a thing is not a report."""
        subjects = [c for c in cue.children if c.dep_ in SUBJECT_DEPS]
        if not subjects or self.words.get(subjects[0].lower_) != "relative" or cue.dep_ != "relcl":
            return False
        antecedent = cue.head
        return antecedent.pos_ != "PROPN" and not antecedent.ent_type_ \
            and self.words.get(antecedent.lower_) not in ("role", "document", "organization")

    def _only_after_quotes(self, token: Token) -> bool:
        """Verbs such as "continue" report speech only right after a quote ("…,” he continued)."""
        entry = self.cue_entry(token)
        return entry is not None and entry[1] is None

    def _ends_with_colon(self, index: int) -> bool:
        """Whether the text before token `index` (a paragraph break) ends with a colon."""
        return self.text[:self.doc[index].idx].rstrip().endswith(":")

    def _introduces(self, piece: Piece) -> bool:
        """A colon, or a comma before a capitalised quote, hands the sentence to the quote."""
        before = self.text[:piece.open_mark].rstrip()
        content = self.text[piece.start:piece.end]
        return before.endswith(":") or (before.endswith(",") and content[:1].isupper())

    def _preceded_by_title_marker(self, piece: Piece) -> bool:
        words = self.text[max(piece.open_mark - 20, 0):piece.open_mark].split()
        return bool(words) and words[-1].lower().strip(",") in TITLE_MARKERS and self._is_short(piece)

    def _is_short(self, piece: Piece) -> bool:
        content = self.text[piece.start:piece.end]
        return len(content.split()) <= SCARE_MAX_WORDS and content.rstrip("”\"’')")[-1:] not in SENTENCE_END

    def _is_scare_quote(self, piece: Piece) -> bool:
        return piece.continues is None and self._is_short(piece)

    def _borrow_speakers(self) -> None:
        """Pieces with no cue and no speaker of their own (a signature, a name and a colon):
        the quote they continue, else the nearest attributed piece of the same paragraph
        (before it first)."""
        for piece in self.pieces:
            if piece.cue is None and piece.speaker is None and piece.continues is not None:
                source = piece.continues
                while source.cue is None and source.continues is not None:
                    source = source.continues
                self._copy(source, piece, "continuation")
        for number, piece in enumerate(self.pieces):
            if piece.cue is not None or piece.speaker is not None:
                continue
            same = [p for p in self.pieces if p.paragraph == piece.paragraph and p.cue is not None]
            before = [p for p in same if p.start < piece.start]
            after = [p for p in same if p.start > piece.start]
            if before and (before[-1].speaker is not None or not after):
                self._copy(before[-1], piece, "continuation")
            elif after and not self._is_short(piece):
                self._copy(after[0], piece, "continuation")
            elif self._opens_paragraph(piece) and not self._is_short(piece):
                # a paragraph that is a further quote of the speaker quoted just before
                previous = [p for p in self.pieces[:number] if p.paragraph == piece.paragraph - 1]
                if previous and previous[-1].cue is not None:
                    self._copy(previous[-1], piece, "continuation")

    def _speaker_of_sentence_before(self, piece: Piece) -> tuple[int, int] | None:
        """For a quote with no cue that opens a sentence: the speaker of a report in the
        sentence just before it, in its paragraph or the one before ("Carter said that … .
        “That's because …”"), else that sentence's subject when it is a person ("Valastro
        praised Christie. “We need …”")."""
        index = self.token_at(piece.open_mark) - 1
        while index >= 0 and self.doc[index].is_space:
            index -= 1
        if index < 0 or self.quoted[index]:
            return None
        sentence = self.doc[index].sent
        if self.context.paragraph_at(sentence.start_char) < piece.paragraph - 1:
            return None
        for token in sentence:
            if self.is_cue(token, direct_only=False) and (speaker := self.speaker_of(self._outermost(token))):
                return speaker
        subjects = [c for c in sentence.root.children if c.dep_ in SUBJECT_DEPS and not self.quoted[c.i]]
        if subjects and (subjects[0].ent_type_ == "PERSON" or self.words.get(subjects[0].lower_) == "pronoun_person"):
            return self._mention(subjects[0])
        return None

    def _opens_paragraph(self, piece: Piece) -> bool:
        start, _ = self.context.paragraphs[piece.paragraph]
        return not self.text[start:piece.open_mark].strip()

    @staticmethod
    def _copy(source: Piece, piece: Piece, how: str) -> None:
        if source.cue is not None:
            piece.cue, piece.speaker, piece.how = source.cue, source.speaker, how

    # ---- indirect speech

    def indirect_records(self) -> list[dict]:
        records = []
        for token in self.doc:
            if not self.is_cue(token, direct_only=False) or self._outermost(token).i != token.i:
                continue
            how = "complement"
            if token.lower_ == "according":
                span, how = self._according_to_content(token), "according-to"
            else:
                span = self._complement(token)
                if span is None:
                    span, how = self._mixed_content(token), "mixed"
            if span is None or (how != "mixed" and self._mostly_quoted(*span)):
                continue
            speaker = self.speaker_of(token, inverted=span[0] < token.idx or how == "according-to")
            if speaker is None:
                continue
            records.append(self._record("indirect", span[0], span[1], token, speaker, how))
        return records

    def _mixed_content(self, cue: Token) -> tuple[int, int] | None:
        """What a verb reports around quoted words ("called the agreement “an historic step
        forward” in efforts …"): its objects and complements, when they hold a quote it
        introduces and say more than the quote."""
        pieces = [p for p in self.pieces if p.cue is not None and p.cue.i == cue.i]
        if not pieces:
            return None
        tokens = [t for child in cue.rights if child.dep_ not in ("punct", "cc", "conj", "advcl")
                  for t in child.subtree]
        span = self._trim(sorted(tokens, key=lambda t: t.i))
        if span is None or not any(span[0] <= p.start and p.end <= span[1] for p in pieces):
            return None
        quoted = sum(p.end - p.start for p in pieces if span[0] <= p.start and p.end <= span[1])
        return span if quoted < 0.8 * (span[1] - span[0]) else None

    def _complement(self, cue: Token) -> tuple[int, int] | None:
        complements = [c for c in cue.children if c.dep_ == "ccomp"]
        if not complements:
            return None
        clause = complements[0]
        # a nested report ("…, which states “…”") is its own attribution, not this content
        nested = {t.i for d in clause.subtree if d.i != clause.i and self.is_cue(d, direct_only=False)
                  and any(c.dep_ == "ccomp" for c in d.children) for t in d.subtree}
        tokens = []
        for token in clause.subtree:
            if token.i in nested:
                break
            if not token.is_space:
                tokens.append(token)
        return self._trim(tokens)

    def _according_to_content(self, cue: Token) -> tuple[int, int] | None:
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
        return self._trim(side)

    def _trim(self, tokens: list[Token]) -> tuple[int, int] | None:
        while tokens and (tokens[0].is_punct or tokens[0].is_space):
            tokens = tokens[1:]
        while tokens and (tokens[-1].is_punct and tokens[-1].text not in MARKS or tokens[-1].is_space):
            tokens = tokens[:-1]
        if len(tokens) < 2:
            return None
        return tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)

    def _mostly_quoted(self, start: int, end: int) -> bool:
        covered = sum(max(0, min(end, p.end) - max(start, p.start)) for p in self.pieces)
        return covered > 0.5 * (end - start)

    # ---- the headline

    def headline_records(self) -> list[dict]:
        """A headline "X: claim" (X a person or organisation) is X's claim."""
        if not self.context.paragraphs:
            return []
        start, end = self.context.paragraphs[0]
        match = HEADLINE.match(self.text, start, end)
        if match is None:
            return []
        speaker = match.span("speaker")
        if not self._names_someone(*speaker):
            return []
        claim_start, claim_end = match.span("claim")
        if self._mostly_quoted(claim_start, claim_end):
            for piece in self.pieces:
                if piece.paragraph == 0 and piece.speaker is None and piece.start >= claim_start:
                    piece.speaker, piece.how = speaker, "headline"
            return [self._record("direct", p.start, p.end, None, speaker, "headline")
                    for p in self.pieces if p.how == "headline"]
        return [self._record("indirect", claim_start, claim_end, None, speaker, "headline")]

    def _names_someone(self, start: int, end: int) -> bool:
        words = self.text[start:end].split()
        if not 1 <= len(words) <= 4:
            return False
        known = {word for person in self.people for word in person.name.split()}
        return any(_overlaps((p.start, p.end), (start, end)) for p in self.people) \
            or all(w.strip("’'s") in known for w in words) \
            or any(_overlaps(o[:2], (start, end)) for o in self.organizations)

    # ---- speakers

    def speaker_of(self, cue: Token, inverted: bool = True) -> tuple[int, int] | None:
        """Character span of the mention that speaks through `cue`; `inverted` allows a
        speaker after the verb ("“…,” said the minister")."""
        if cue.lower_ == "according":
            objects = [t for t in self.doc[cue.i + 1].children if t.dep_ == "pobj"]
            return self._mention(objects[0]) if objects else None
        verb = cue
        for _ in range(6):
            # after the cue, a "subject" is the object of "calling X a “…”" unless the order
            # is inverted ("“…,” said X", "Said X, “…”"); a verb the cue hangs from may have
            # its subject after it ("said Skelly, explaining …")
            subject_after = inverted or verb.i != cue.i or cue.i == cue.sent.start
            subjects = [c for c in verb.children if c.dep_ in SUBJECT_DEPS and not self.quoted[c.i]
                        and (subject_after or c.i < verb.i)]
            if subjects:
                subject = subjects[0]
                if self.words.get(subject.lower_) == "relative" and verb.dep_ == "relcl":
                    # "…, which states": the mention is "which", who it is is its antecedent
                    self.antecedents[(subject.idx, subject.idx + len(subject.text))] = self._mention(verb.head)
                    return subject.idx, subject.idx + len(subject.text)
                if self.words.get(subject.lower_, "").startswith("pronoun") \
                        and (outer := self._subject_around_what(verb, subject)) is not None:
                    return self._mention(outer)
                return self._mention(subject)
            if verb.head.i == verb.i:
                break
            if verb.dep_ in ("relcl", "acl") and verb.head.pos_ in ("NOUN", "PROPN", "PRON"):
                noun = verb.head
                if noun.lemma_ in ISSUED_TEXTS and noun.dep_ == "dobj":
                    verb = noun.head  # "Trump issued a statement saying …": Trump
                    continue
                # "the share of Republicans saying …": the noun the clause describes
                return self._mention(noun)
            if verb.dep_ == "xcomp" and (doer := self._object_before(verb.head, verb)) is not None:
                return self._mention(doer)  # "led the journalist to fear “…”": the journalist
            if verb.dep_ in ("conj", "xcomp", "advcl", "relcl", "pcomp", "prep", "acl"):
                verb = verb.head  # "…, saying", "by saying", "went on to say"
            else:
                break
        if (name := self._name_just_before(cue)) is not None:
            return name  # the parser found no subject: "Obama and Clinton call them “…”"
        if not inverted:
            return None
        # "“…,” said the minister": the mention right after the verb
        for token in self.doc[cue.i + 1:cue.i + 4]:
            if self.quoted[token.i] or token.is_punct:
                break
            if token.pos_ in ("PROPN", "PRON", "NOUN"):
                head = token
                while head.head.i != head.i and head.head.pos_ in ("PROPN", "NOUN") \
                        and head.dep_ in ("compound", "flat") and head.head.i > cue.i:
                    head = head.head
                return self._mention(head)
        return None

    def _subject_around_what(self, verb: Token, pronoun: Token) -> Token | None:
        """"Ban condemned what he called “…”": the pronoun of a "what" clause is the subject
        of the sentence around it, when they agree (the outermost one that is not itself a
        pronoun: "Clinton says she admired what she calls …")."""
        if not any(t.lower_ == "what" and t.i < pronoun.i for t in verb.subtree):
            return None
        node, found = verb, None
        while node.head.i != node.i:
            node = node.head
            subjects = [c for c in node.children if c.dep_ in SUBJECT_DEPS and c.i < pronoun.i
                        and not self.quoted[c.i] and self.words.get(c.lower_) != "relative"]
            if subjects:
                if not self._same_kind(subjects[0], pronoun):
                    break
                found = subjects[0]
                if not self.words.get(found.lower_, "").startswith("pronoun"):
                    break
        return found

    def _same_kind(self, subject: Token, pronoun: Token) -> bool:
        """Whether a pronoun can stand for a subject: a person for "he"/"she", a thing or a
        body for "it", a plural for "they"."""
        word = pronoun.lower_
        if subject.lower_ == word:
            return True
        subject_kind = self.words.get(subject.lower_)
        person = subject.ent_type_ == "PERSON" or subject_kind in ("pronoun_person", "role")
        if word in THIRD_PERSON_PRONOUNS:
            return person and (subject_kind != "pronoun_person" or subject.lower_ in THIRD_PERSON_PRONOUNS)
        if word in THING_PRONOUNS:
            return not person and subject.tag_ in ("NN", "NNP")
        return word in PLURAL_PRONOUNS and (subject.tag_ in ("NNS", "NNPS") or subject.lower_ in PLURAL_PRONOUNS)

    def _name_just_before(self, cue: Token) -> tuple[int, int] | None:
        """The names right before an active verb, adverbs aside ("Obama and Clinton often
        call"; not "Pence was asked")."""
        if any(c.dep_ == "auxpass" for c in cue.children):
            return None
        index = cue.i - 1
        while index >= 0 and self.doc[index].pos_ in ("ADV", "AUX", "PART"):
            index -= 1
        if index < 0 or self.quoted[index] or self.doc[index].ent_type_ not in SPEAKER_ENTITIES:
            return None
        start = index
        while start > 0 and not self.quoted[start - 1] and (
                self.doc[start - 1].ent_type_ in SPEAKER_ENTITIES
                or (self.doc[start - 1].lower_ == "and" and start > 1
                    and self.doc[start - 2].ent_type_ in SPEAKER_ENTITIES)):
            start -= 1
        return self.doc[start].idx, self.doc[index].idx + len(self.doc[index].text)

    def _object_before(self, verb: Token, clause: Token) -> Token | None:
        """The direct object of `verb` before its clause `clause` when it names someone (a
        name, a person pronoun, a role): not "used this question to demand …"."""
        objects = [c for c in verb.children if c.dep_ == "dobj" and c.i < clause.i and not self.quoted[c.i]
                   and (c.ent_type_ in SPEAKER_ENTITIES
                        or self.words.get(c.lower_) in ("pronoun_person", "pronoun_group", "role")
                        or any(a.dep_ == "appos" and a.ent_type_ == "PERSON" for a in c.children))]
        return objects[0] if objects else None

    def _mention(self, head: Token) -> tuple[int, int]:
        tokens = [head]
        for child in head.children:
            if head.dep_ == "poss" and child.dep_ == "case":
                continue  # a possessor's "'s" is not part of its name ("Trump's claim")
            if child.dep_ in MENTION_DEPS and child.dep_ != "punct":
                tokens.extend(child.subtree)
            if child.dep_ == "appos" and child.i > head.i and self.doc[child.left_edge.i - 1].is_punct:
                tokens.append(self.doc[child.left_edge.i - 1])  # "the harbour master, Rosa Delgado"
        tokens = [t for t in tokens if not self.quoted[t.i] and not t.is_space]
        indexes = sorted({t.i for t in tokens})
        # keep the contiguous run around the head, without edge punctuation
        low = high = head.i
        while low - 1 in indexes:
            low -= 1
        while high + 1 in indexes:
            high += 1
        while low < head.i and (self.doc[low].is_punct or self.doc[low].dep_ in ("cc",)):
            low += 1
        while high > head.i and (self.doc[high].is_punct or self.doc[high].dep_ in ("cc", "prep")):
            high -= 1
        return self.doc[low].idx, self.doc[high].idx + len(self.doc[high].text)

    def resolve(self, start: int, end: int) -> tuple[str | None, str | None, str]:
        """(speaker_name, speaker_role, speaker_type) for the mention `text[start:end]`."""
        if (start, end) in self.antecedents:
            start, end = self.antecedents[(start, end)]
        mention = self.text[start:end]
        for doc_start, doc_end, name in self.documents:
            if _overlaps((doc_start, doc_end), (start, end)):
                return name, None, "document"
        inside = [p for p in self.people if _overlaps((p.start, p.end), (start, end))]
        if inside:
            person = inside[-1]
            role = self._role_in_mention(start, person) or person.role
            self.speakers_seen.append((start, person))
            return person.name, role, "person"
        words = [w.strip(".,’'").lower() for w in mention.split()]
        head_word = words[-1] if words else ""
        kind = self.words.get(head_word) or self.words.get(words[0] if words else "")
        if kind == "pronoun_person" and head_word != "i":
            person = self._antecedent(start, head_word)
            if person is not None:
                self.speakers_seen.append((start, person))
                return person.name, person.role, "person"
            return None, None, "person"
        if words[0] == "the" and any(self.words.get(w) in ("role", "affiliation") for w in words):
            # "the secretary", "the Utah Republican": someone named before, by role, else
            # the person the article is following
            person = self._by_role(words, start) or self._antecedent(start)
            if person is not None:
                self.speakers_seen.append((start, person))
                return person.name, person.role, "person"
            return None, None, "person"
        surname = self._by_surname(mention, start)
        if surname is not None:
            self.speakers_seen.append((start, surname))
            return surname.name, surname.role, "person"
        for org_start, org_end, name in self.organizations:
            if _overlaps((org_start, org_end), (start, end)):
                return name, None, "organization"
        if any(self.words.get(w) == "role" for w in words):
            return None, None, "person"  # "a spokesman": a person, not named
        if any(self.words.get(w) == "document" for w in words):
            return _strip_article(mention), None, "document"
        return None, None, "unknown"

    def _role_in_mention(self, start: int, person: Person) -> str | None:
        before = self.text[start:person.start].strip(" ,")
        role = self._role_before(person.start) if before else None
        return role

    def _antecedent(self, char: int, pronoun: str = "") -> Person | None:
        """The latest person before `char` who was a main subject or a speaker (else the
        latest person named), skipping people the article refers to with the other pronoun."""
        earlier = self.people[:bisect_left(self.person_starts, char)]
        if not earlier:
            return None
        # (position, person) of every subject and speaker before `char`, latest first
        salient = [(p.start, p) for p in earlier if p.is_subject]
        salient += [(at, person) for at, person in self.speakers_seen if at < char]
        salient.sort(key=lambda pair: pair[0], reverse=True)
        for _, person in salient or [(0, earlier[-1])]:
            if self._agrees(person, pronoun):
                return person
        # no subject agrees: the latest person named who surely does ("a Trump interview, in
        # which he says")
        for person in reversed(earlier):
            if self._agrees(person, pronoun, surely=True):
                return person
        return salient[0][1] if salient else earlier[-1]

    def _agrees(self, person: Person, pronoun: str, surely: bool = False) -> bool:
        """Whether "he" or "she" can refer to `person`: from how the article refers to them,
        else from a first name that usually takes one of them (`surely`: only with evidence)."""
        if pronoun not in THIRD_PERSON_PRONOUNS:
            return not surely
        male, female = self.pronoun_evidence.get(person.name, (0, 0))
        if male or female:  # the article's own usage outranks what a first name usually takes
            same, other = (male, female) if pronoun in MALE_PRONOUNS else (female, male)
            return same > other if surely else same >= other
        gender = first_name_genders().get(person.name.split()[0].lower()) if " " in person.name else None
        if gender:
            return (gender == "m") == (pronoun in MALE_PRONOUNS)
        return not surely

    @functools.cached_property
    def pronoun_evidence(self) -> dict[str, tuple[int, int]]:
        """name -> (he, she) counted in sentences, outside quotes, that name only that person,
        as its subject, with the pronoun a subject after the name ("Sanders said that he
        would"): how the article refers to each person. A pronoun before the name, or an
        object or possessive, mostly stands for someone else ("He accused Clinton", "Karen
        Doyle met him")."""
        evidence: dict[str, list[int]] = {}
        for sentence in self.doc.sents:
            named = [p for p in self.people if sentence.start_char <= p.start < sentence.end_char]
            if len({p.name for p in named}) != 1 or not named[0].is_subject:
                continue
            counts = evidence.setdefault(named[0].name, [0, 0])
            for token in sentence:
                if token.idx > named[0].start and not self.quoted[token.i] and token.dep_ in SUBJECT_DEPS:
                    counts[0] += token.lower_ in MALE_PRONOUNS
                    counts[1] += token.lower_ in FEMALE_PRONOUNS
        return {name: (male, female) for name, (male, female) in evidence.items()}

    def _by_surname(self, mention: str, char: int) -> Person | None:
        words = _name_words(mention)
        if not words or not words[-1][:1].isupper():
            return None
        for person in self.people:
            if person.name.split()[-1].lower() == words[-1].lower():  # "PENCE" in a transcript
                return person
        name = self._given_name_form(words[-1]) if len(words) <= 2 else None
        return Person(char, char, name, None, True) if name else None

    def _given_name_form(self, surname: str) -> str | None:
        """A name the tagger missed: the most frequent "Given Surname" in the article."""
        forms = re.findall(r"\b([A-Z][a-z]+(?: [A-Z]\.)? " + re.escape(surname) + r")\b", self.text)
        forms = [f for f in forms if self.words.get(f.split()[0].lower()) is None
                 and f.split()[0].lower() not in self.common_words]
        if not forms:
            return None
        return max(set(forms), key=lambda f: (forms.count(f), -self.text.find(f)))

    def _by_role(self, words: list[str], char: int) -> Person | None:
        roles = [w for w in words if self.words.get(w) == "role"]
        earlier = [p for p in self.people[:bisect_left(self.person_starts, char)] if p.role]
        for person in reversed(earlier):
            if any(role in person.role.lower().split() for role in roles):
                return person
        return None

    # ---- records

    def _record(self, kind: str, start: int, end: int, cue: Token | None,
                speaker: tuple[int, int] | None, how: str) -> dict:
        cue_start, cue_end = self.cue_span(cue) if cue is not None else (None, None)
        return self.context.record(
            start, end, quote_id=None, kind=kind,
            speaker=self.text[speaker[0]:speaker[1]] if speaker else None,
            speaker_start_char=speaker[0] if speaker else None,
            speaker_end_char=speaker[1] if speaker else None,
            speaker_name=None, speaker_role=None, speaker_type="unknown",
            cue=self.text[cue_start:cue_end] if cue is not None else None,
            cue_start_char=cue_start, cue_end_char=cue_end,
            cue_lemma=("according to" if cue.lower_ == "according" else cue.lemma_.lower())
            if cue is not None else None,
            attribution=how)


ARTICLE_OF = re.compile(r"\b(?:Article|Section|Chapter|Clause)\s+[\dIVXL]+\w*\s+of\s+"
                        r"(?P<document>(?:the\s+)?(?:[A-Z][\w’'-]*\s?)+)")
# "- Bernie Sanders", "― J.D. Ruiz.": a dash (any width) and up to four capitalised words;
# a full stop after the last word ends the line, it is not part of the name
_NAME_WORD = r"[A-Z][\w’'-]*(?:\.[A-Z][\w’'-]*)*"
SIGNATURE = re.compile(rf"[-—–―]\s*(?P<name>{_NAME_WORD}(?:\.? {_NAME_WORD}){{0,3}})\s*(?:,|\.|$)")
TRANSCRIPT_TURN = re.compile(r"(?P<name>[A-Z][A-Z.’'-]+(?: [A-Z][A-Z.’'-]+){0,2}):\s")
HEADLINE = re.compile(r"(?P<speaker>[A-Z][^:\n]{0,40}?)\s*:\s+(?P<claim>[^\n]+)")


def _strip_article(name: str) -> str:
    """"Article 5 of the North Atlantic Treaty" -> "North Atlantic Treaty"."""
    match = ARTICLE_OF.match(name.strip())
    name = match.group("document").strip() if match else name.strip()
    return name[4:] if name.lower().startswith("the ") else name


def _name_words(text: str) -> list[str]:
    words = [w for w in re.split(r"\s+", text.strip()) if w]
    words = [re.sub(r"[’']s?$", "", w) for w in words]
    return [w for w in words if w and w.lower() not in honorifics()]


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


# ---------------------------------------------------------------- summaries for the notebooks

def with_speaker_label(quotes: pd.DataFrame) -> pd.DataFrame:
    """The quotes with `who`: the resolved name, else the mention as written, else "(unattributed)"."""
    who = quotes["speaker_name"].fillna(quotes["speaker"]).fillna("(unattributed)")
    return quotes.assign(who=who.astype("string"),
                         words=quotes["text"].str.split().str.len().astype("int64"))


def speaker_summary(quotes: pd.DataFrame) -> pd.DataFrame:
    """One row per speaker: direct and indirect quotes, words in direct quotes, articles."""
    labelled = with_speaker_label(quotes)
    direct = labelled["kind"] == "direct"
    summary = labelled.assign(direct=direct, indirect=~direct,
                              direct_words=labelled["words"].where(direct, 0)).groupby("who").agg(
        speaker_type=("speaker_type", "first"), direct=("direct", "sum"),
        indirect=("indirect", "sum"), direct_words=("direct_words", "sum"),
        articles=("article_id", "nunique"))
    summary = summary.reset_index().sort_values(["direct_words", "direct", "who"],
                                                ascending=[False, False, True])
    return summary.reset_index(drop=True)


def cue_counts(quotes: pd.DataFrame) -> pd.DataFrame:
    """How often each cue lemma introduces a direct and an indirect quote."""
    cues = quotes.dropna(subset=["cue_lemma"])
    table = cues.pivot_table(index="cue_lemma", columns="kind", values="quote_id",
                             aggfunc="count", fill_value=0)
    for kind in ("direct", "indirect"):
        if kind not in table:
            table[kind] = 0
    table = table[["direct", "indirect"]].assign(total=lambda t: t["direct"] + t["indirect"])
    table.columns.name = None
    return table.reset_index().sort_values(["total", "cue_lemma"], ascending=[False, True],
                                           ignore_index=True)


def highlight_spans(quotes: pd.DataFrame, article_id: str) -> list[tuple[int, int, str]]:
    """(start, end, label) for every quote of one article, labelled "speaker · kind"."""
    rows = with_speaker_label(quotes[quotes["article_id"] == article_id])
    return [(int(r.start_char), int(r.end_char), f"{r.who} · {r.kind}") for r in rows.itertuples()]


def quote_listing(quotes: pd.DataFrame, width: int = 100) -> pd.DataFrame:
    """Each speaker's quotes as a table: who, kind, cue and the text cut to `width` characters."""
    labelled = with_speaker_label(quotes).sort_values(["who", "article_id", "start_char"])
    text = labelled["text"].str.slice(0, width) + labelled["text"].str.len().gt(width).map({True: " …", False: ""})
    return labelled.assign(text=text)[["who", "kind", "cue", "text"]].reset_index(drop=True)


def most_quoted_article(quotes: pd.DataFrame, articles: pd.DataFrame) -> str:
    """The article with the most quotes (the first article when none has any)."""
    if quotes.empty:
        return articles["article_id"].iloc[0]
    counts = quotes.groupby("article_id").size()
    return sorted(counts.index, key=lambda article: (-counts[article], article))[0]


def speakers_compared(quotes: pd.DataFrame, articles: pd.DataFrame, top: int = 10,
                      max_columns: int = 8) -> list[pd.DataFrame | str]:
    """Words in direct quotes of the most quoted speakers, across articles and across outlets;
    a sentence instead of a table when the corpus cannot support the comparison."""
    if quotes["article_id"].nunique() < 2:
        return ["This corpus has quotes from a single article, so there is nothing to compare "
                "across articles or outlets."]
    labelled = with_speaker_label(quotes)
    leaders = speaker_summary(quotes)["who"].head(top)
    direct = labelled[labelled["who"].isin(leaders) & (labelled["kind"] == "direct")]
    per_article = direct.pivot_table(index="who", columns="article_id", values="words",
                                     aggfunc="sum", fill_value=0)
    if per_article.shape[1] > max_columns:  # too many articles for columns: how widely, how much
        per_article = (per_article.assign(articles=(per_article > 0).sum(axis=1), words=per_article.sum(axis=1))
                       [["articles", "words"]].sort_values(["words", "articles"], ascending=False))
    outlets = articles.set_index("article_id")["outlet"]
    with_outlet = direct.assign(outlet=direct["article_id"].map(outlets)).dropna(subset=["outlet"])
    if with_outlet["outlet"].nunique() < 2:
        return [per_article, "The articles do not name at least two outlets, so speakers are not "
                             "compared by outlet."]
    return [per_article, with_outlet.pivot_table(index="who", columns="outlet", values="words",
                                                 aggfunc="sum", fill_value=0)]


def summary_lines(quotes: pd.DataFrame) -> list[str]:
    """The notebook's closing findings, computed from the quotes table."""
    if quotes.empty:
        return ["No quotes were found in this corpus."]
    summary = speaker_summary(quotes)
    direct = int((quotes["kind"] == "direct").sum())
    attributed = summary[summary["who"] != "(unattributed)"]
    lead = (attributed if len(attributed) else summary).iloc[0]
    share = lead["direct_words"] / max(summary["direct_words"].sum(), 1)
    top_cue = cue_counts(quotes).iloc[0]
    lines = [f"{len(quotes)} quotes in {quotes['article_id'].nunique()} article(s): {direct} direct, "
             f"{len(quotes) - direct} indirect, from {len(summary)} speaker(s).",
             f"Most quoted: {lead['who']} ({lead['direct']} direct, {lead['indirect']} indirect; "
             f"{share:.0%} of all words in direct quotes).",
             f"Most common cue: '{top_cue['cue_lemma']}' ({top_cue['total']} quotes); "
             f"quotes without a speaker: {int(quotes['speaker'].isna().sum())}."]
    documents = summary[summary["speaker_type"] == "document"]["who"]  # most quoted first
    if len(documents):
        more = f" and {len(documents) - 5} more" if len(documents) > 5 else ""
        lines.append("Documents quoted: " + ", ".join(documents.head(5)) + more + ".")
    return lines
