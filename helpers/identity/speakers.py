"""Who a speaker mention is: a person, an organisation or a document of the article.

The quotes step finds the mention ("he", "Blinken", "the secretary", "a spokesman",
"which"); this module says who it is, from the article's identity:
- the mention's head word decides: the entity that holds it (so "Katelynn Lamoreaux, a Penn
  State freshman" is Lamoreaux, never Penn State), or a person in apposition to a role
  ("the harbour master, Rosa Delgado"); a role noun with no name of its own is an unnamed
  person ("a spokeswoman for Trudeau" is not Trudeau);
- a relative pronoun ("who", "which") is the noun its clause describes;
- "he"/"she" is the latest person before it who was a main subject or a speaker, outside
  quoted text and agreeing with the pronoun (the article's own use of pronouns for that
  person, else a courtesy title, the list of well-known people or a common first name);
  never an organisation or a place;
- "the secretary", "the Utah Republican": the latest person with that role, else the person
  the article is following; "the newspaper", "the company": the latest organisation;
- treaty references, LAW entities and "Article N of the X" are documents.
"""

from __future__ import annotations

import re
import heapq
from bisect import bisect_left, bisect_right
from functools import cached_property
from dataclasses import dataclass

from spacy.tokens import Token

from helpers.identity.article import ArticleIdentity, Person, given_name_form
from helpers.identity.mentions import SUBJECT_DEPS
from helpers.identity.names import alias_key, aliases, countries, first_name_genders, name_words, speaker_words
from helpers.structure import Context

MALE_PRONOUNS = frozenset({"he", "him", "his", "himself"})
FEMALE_PRONOUNS = frozenset({"she", "her", "hers", "herself"})
THIRD_PERSON_PRONOUNS = MALE_PRONOUNS | FEMALE_PRONOUNS  # not "I": it cannot stand for a subject named before
# The speaker type a named mention gives; other labels (LOC, PRODUCT, EVENT ...) give "unknown".
SPEAKING_LABELS = {"PERSON": "person", "ORG": "organization", "GPE": "organization", "NORP": "organization",
                   "FAC": "organization", "LAW": "document", "WORK_OF_ART": "document"}
ARTICLE_OF = re.compile(r"\b(?:Article|Section|Chapter|Clause)\s+[\dIVXL]+\w*\s+of\s+"
                        r"(?P<document>(?:the\s+)?(?:[A-Z][\w’'-]*\s?)+)")
# A name in capitals, as transcripts write who takes the turn.
CAPITALS = re.compile(r"[A-Z][A-Z.’'-]+(?: [A-Z][A-Z.’'-]+){0,2}")
# Words that make a role another one: "the mayor" is not the deputy mayor.
RANKS = frozenset({"deputy", "vice", "assistant", "former", "acting", "shadow", "junior", "associate", "ex"})
# How many paragraphs back a description ("the company") looks for the organisation it means.
DESCRIPTION_PARAGRAPHS = 3


@dataclass(frozen=True)
class Speaker:
    name: str | None
    role: str | None
    type: str  # person, organization, document, unknown


class SpeakerResolver:
    """Resolves the speaker mentions of one article, in text order (a pronoun sees every
    speaker resolved before it)."""

    def __init__(self, context: Context, identity: ArticleIdentity, quoted: list[bool]):
        self.context, self.identity, self.quoted = context, identity, quoted
        self.doc, self.text = context.doc, context.text
        self.token_starts = context.token_starts
        self.words = speaker_words()
        self.people = [p for p in identity.people if not quoted[self._token_at(p.start)]]
        self.person_starts = [p.start for p in self.people]
        self.documents = self._documents()
        self.document_starts = [start for start, _, _, _ in self.documents]
        self.longest_document = max((end - start for start, end, _, _ in self.documents), default=0)
        # Who a pronoun may stand for, kept so that each question is a bisection, not a
        # walk back through every person named before: per pronoun, the subjects and
        # speakers so far that agree with it (None: everyone), and people surely agreeing.
        self.seen_count = 0
        self.seen: dict[str | None, tuple[list[tuple[int, int]], list[Person]]] = {None: ([], [])}
        self.subjects: dict[str | None, tuple[list[int], list[Person]]] = {}
        self.surely: dict[str, tuple[list[int], list[Person]]] = {}
        self.agreement: dict[tuple[str, str, bool], bool] = {}
        self.first_by_start = {}
        for person in identity.people:
            self.first_by_start.setdefault(person.start, person)
        self.by_surname: dict[str, Person] = {}
        for person in self.people:
            self.by_surname.setdefault((person.name.split() or [""])[-1].lower(), person)
        self.pronoun_evidence = self._pronoun_evidence()

    def resolve(self, start: int, end: int) -> Speaker:
        head = self._head(start, end)
        if self.words.get(head.lower_) == "relative" and head.dep_ in SUBJECT_DEPS \
                and head.head.dep_ == "relcl":
            head = head.head.head  # "…, which states": the noun the clause describes
            start, end = head.idx, head.idx + len(head.text)
        overlapping = [(number, name) for doc_start, doc_end, number, name in
                       self.documents[bisect_left(self.document_starts, start - self.longest_document):
                                      bisect_left(self.document_starts, end)] if start < doc_end]
        if overlapping:
            return Speaker(min(overlapping)[1], None, "document")  # the first one listed
        if self.text[start:end] == "Q" and (start == 0 or self.text[start - 1] == "\n"):
            return Speaker(None, "a reporter", "person")  # a briefing's question: "Q  I wonder if …"
        named = self._entity_holding(head) or self._apposed_person(head)
        if named is None and (taker := self._turn_taker(start, end)) is not None:
            return taker
        word = head.lower_
        kind = self.words.get(word)
        if named is not None and named.label == "NORP" and head.dep_ != "compound":
            kind = "affiliation"  # "the Republican", "a Democrat": one person of the group
        elif named is not None:  # the mention's head is a name: the speaker is that entity
            return self._named(named, start)
        if kind == "pronoun_person" and word != "i":
            return self._seen(start, self._antecedent(start, word))
        first = self.text[start:end].split()[0].lower() if self.text[start:end].split() else ""
        if first == "the" and (kind in ("role", "affiliation") or any(
                self.words.get(t.lower_) in ("role", "affiliation") for t in self._tokens(start, end))):
            # "the secretary", "the Utah Republican": someone named before, by role, else the
            # person the article is following
            person = self._by_role(start, end) or self._antecedent(start)
            return self._seen(start, person)
        if kind in ("role", "affiliation") or (head.pos_ == "NOUN" and any(
                self.words.get(t.lower_) == "role" for t in self._tokens(start, end))):
            return Speaker(None, self.text[start:end], "person")  # "a spokesman": unnamed
        if head.pos_ == "NOUN" and (org := self._organization_within(start, end)) is not None:
            return Speaker(org.canonical, None, "organization")  # "the AFI jury"
        if (first == "the" and kind == "organization") or kind == "pronoun_thing":
            # "the newspaper", "the institute", "it": the organisation the article names last
            org = self._latest_organization(start, head.lower_ if kind == "organization" else None)
            if org is not None:
                return Speaker(org.canonical, None, "organization")
        if head.text[:1].isupper() and (person := self._by_surname(start, end)) is not None:
            return self._seen(start, person)
        if head.pos_ == "PROPN" and head.text[:1].isupper():
            return self._written_name(head)
        if kind == "document":
            return Speaker(None, self.text[start:end], "document")  # "the report": unnamed
        return Speaker(None, None, "unknown")

    def _turn_taker(self, start: int, end: int) -> Speaker | None:
        """A transcript's speaker, written in capitals before a colon ("MR. GIBBS: …",
        "SECRETARY GATES: …") that the tagger left untagged: the person of the article with
        that surname, else the name as a person writes it ("Gibbs", role "Secretary")."""
        written = self.text[start:end]
        if not CAPITALS.fullmatch(written) or not self.text.startswith(":", end):
            return None
        words = name_words(written)
        roles = [w for w in words if self.words.get(w.lower()) == "role"]
        names = [w for w in words if w not in roles]
        if not names:
            return None
        if (person := self.by_surname.get(names[-1].lower())) is not None:
            return self._seen(start, person)
        return Speaker(" ".join(w.capitalize() for w in names), " ".join(w.capitalize() for w in roles) or None,
                       "person")

    def described(self, start: int, end: int):
        """Who a definite description stands for, only where the article leaves no doubt:
        "the former president" is the latest person named with that role, "the bureau" the
        latest organisation whose name holds the noun (the Federal Bureau of Investigation),
        "the country" the country named last; a `Person` or a `Named` entity, else None."""
        head = self._head(start, end)
        kind = self.words.get(head.lower_)
        if kind == "role":
            return self._by_role(start, end)
        if kind == "organization":
            organization = self._latest_organization(start, head.lower_)
            if organization is not None and head.lower_ in organization.canonical.lower().split():
                return organization
        if kind == "country":
            return self._latest_country(start)
        return None

    def _latest_country(self, start: int):
        """"the country": the country named last before the description's sentence (a country
        named in the same sentence is seldom the one meant: "people from Honduras entering the
        country"), outside quotes, in the last few paragraphs."""
        sentence_start = self.context.sentences[self.context.sentence_at(start)].start_char
        paragraph = self.context.paragraph_at(start)
        starts, found = self._countries
        index = bisect_left(starts, sentence_start)
        if index and self.context.paragraph_at(starts[index - 1]) >= paragraph - DESCRIPTION_PARAGRAPHS:
            return found[index - 1]
        return None

    @cached_property
    def _countries(self) -> tuple[list[int], list]:
        """The countries named outside quotes, in text order (so "the country" is a bisection)."""
        found = [n for n in sorted(self.identity.mentions, key=lambda n: n.start)
                 if n.label == "GPE" and n.canonical in countries() and not self.quoted[self._token_at(n.start)]]
        return [n.start for n in found], found

    def _written_name(self, head: Token) -> Speaker:
        """A name nobody tagged: an acronym or a known alias is an organisation ("IAAF"),
        another name is a person named as written ("Ronaldinho said")."""
        name = head.text
        found = aliases().get(alias_key(name))
        if found or (name.isupper() and len(name) > 1) or head.lower_ in self.words:
            return Speaker(found[0] if found else name, None, "organization")
        return Speaker(name, None, "person")

    def _organization_within(self, start: int, end: int):
        found = [n for n in self.identity.at(start, end) if n.label == "ORG"]
        return found[-1] if found else None

    # ---- mentions

    def _token_at(self, char: int) -> int:
        return max(bisect_right(self.token_starts, char) - 1, 0)

    def _tokens(self, start: int, end: int) -> list[Token]:
        return [t for t in self.doc[self._token_at(start):self._token_at(end - 1) + 1]]

    def _head(self, start: int, end: int) -> Token:
        tokens = self._tokens(start, end)
        inside = {t.i for t in tokens}
        heads = [t for t in tokens if t.head.i not in inside or t.head.i == t.i]
        return heads[0] if heads else tokens[0]

    def _entity_holding(self, token: Token):
        found = self.identity.at(token.idx, token.idx + len(token.text))
        return found[0] if found else None

    def _apposed_person(self, head: Token):
        """"the harbour master, Rosa Delgado": the name beside a role noun."""
        for child in head.children:
            if child.dep_ == "appos":
                found = self._entity_holding(child)
                if found is not None and found.label == "PERSON":
                    return found
        return None

    def _named(self, named, start: int) -> Speaker:
        if named.label != "PERSON":
            return Speaker(named.canonical, None, SPEAKING_LABELS.get(named.label, "unknown"))
        person = self.first_by_start.get(named.start)
        if person is not None:
            self._remember(start, person)
        return Speaker(named.canonical, named.role, "person")

    def _seen(self, start: int, person: Person | None) -> Speaker:
        if person is None:
            return Speaker(None, None, "person")
        self._remember(start, person)
        return Speaker(person.name, person.role, "person")

    # ---- documents

    def _documents(self) -> list[tuple[int, int, int, str]]:
        """(start, end, number, name) of treaty references, LAW entities and "Article N of
        the X", by start; `number` keeps the order they are listed in, which decides between
        two that overlap a mention."""
        found = [(r["start_char"], r["end_char"], r["treaty"])
                 for r in self.context.tables.get("treaty_refs") or [] if r.get("treaty")]
        found += [(n.start, n.end, _strip_article(n.canonical)) for n in self.identity.mentions if n.label == "LAW"]
        for match in ARTICLE_OF.finditer(self.text):
            found.append((match.start(), match.end(), _strip_article(match.group("document"))))
        return sorted((start, end, number, name) for number, (start, end, name) in enumerate(found))

    # ---- pronouns

    def _antecedent(self, char: int, pronoun: str = "") -> Person | None:
        """The latest person before `char` who was a main subject or a speaker (else the
        latest person named), skipping people the article refers to with the other pronoun."""
        earlier = bisect_left(self.person_starts, char)
        if not earlier:
            return None
        latest = self._latest_salient(char, None)
        if latest is None:
            if self._agrees(self.people[earlier - 1], pronoun):
                return self.people[earlier - 1]
        elif (agreeing := self._latest_salient(char, pronoun)) is not None:
            return agreeing
        # no subject agrees: the latest person named who surely does ("a Trump interview, in
        # which he says")
        if pronoun not in self.surely:
            surely = [p for p in self.people if self._agrees(p, pronoun, surely=True)]
            self.surely[pronoun] = ([p.start for p in surely], surely)
        starts, surely = self.surely[pronoun]
        if (index := bisect_left(starts, char)) > 0:
            return surely[index - 1]
        if pronoun in THIRD_PERSON_PRONOUNS:
            return None  # every person named disagrees: better no name than a wrong one
        return latest if latest is not None else self.people[earlier - 1]

    def _latest_salient(self, char: int, pronoun: str | None) -> Person | None:
        """The latest main subject or speaker before `char` that agrees with `pronoun` (None:
        any); a subject before a speaker at the same place, speakers in the order seen."""
        if pronoun not in self.subjects:
            subjects = [p for p in self.people if p.is_subject and (pronoun is None or self._agrees(p, pronoun))]
            self.subjects[pronoun] = ([p.start for p in subjects], subjects)
        if pronoun not in self.seen:
            keys, people = self.seen[None]
            agreeing = [(key, p) for key, p in zip(keys, people) if self._agrees(p, pronoun)]
            self.seen[pronoun] = ([key for key, _ in agreeing], [p for _, p in agreeing])
        starts, subjects = self.subjects[pronoun]
        keys, speakers = self.seen[pronoun]
        subject = bisect_left(starts, char)
        speaker = bisect_left(keys, (char,))
        if subject and (not speaker or starts[subject - 1] >= keys[speaker - 1][0]):
            return subjects[subject - 1]
        return speakers[speaker - 1] if speaker else None

    def _remember(self, at: int, person: Person) -> None:
        """A speaker resolved at `at`: kept by place, and among those of the same place after
        the ones seen before (-count sorts them so when read from the latest back)."""
        self.seen_count += 1
        key = (at, -self.seen_count)
        for pronoun, (keys, people) in self.seen.items():
            if pronoun is None or self._agrees(person, pronoun):
                index = bisect_left(keys, key)
                keys.insert(index, key)
                people.insert(index, person)

    def _agrees(self, person: Person, pronoun: str, surely: bool = False) -> bool:
        """Whether "he" or "she" can refer to `person`: from how the article refers to them,
        else from a courtesy title, the list of well-known people, or a first name that
        usually takes one of them (`surely`: only with evidence). It depends on the name
        alone, so it is worked out once per name."""
        key = (person.name, pronoun, surely)
        if key not in self.agreement:
            self.agreement[key] = self._agreement(person, pronoun, surely)
        return self.agreement[key]

    def _agreement(self, person: Person, pronoun: str, surely: bool) -> bool:
        if pronoun not in THIRD_PERSON_PRONOUNS:
            return not surely
        male, female = self.pronoun_evidence.get(person.name, (0, 0))
        if male or female:  # the article's own usage outranks what a first name usually takes
            same, other = (male, female) if pronoun in MALE_PRONOUNS else (female, male)
            return same > other if surely else same >= other
        gender = self.gender_of(person.name)
        if gender:
            return (gender == "m") == (pronoun in MALE_PRONOUNS)
        return not surely

    def gender_of(self, name: str) -> str | None:
        """"m", "f" or None for a person of the article: from courtesy titles and the list of
        well-known people when all their mentions agree, else from a common first name."""
        genders = {p.gender for p in self.identity.people if p.name == name and p.gender}
        if len(genders) == 1:
            return genders.pop()
        return first_name_genders().get(name.split()[0].lower()) if " " in name else None

    def _pronoun_evidence(self) -> dict[str, tuple[int, int]]:
        """name -> (he, she) counted in sentences, outside quotes, that name only that person,
        as its subject, with the pronoun a subject after the name ("Sanders said that he
        would"): how the article refers to each person."""
        evidence: dict[str, list[int]] = {}
        for sentence in self.doc.sents:
            named = self.people[bisect_left(self.person_starts, sentence.start_char):
                                bisect_left(self.person_starts, sentence.end_char)]
            if len({p.name for p in named}) != 1 or not named[0].is_subject:
                continue
            counts = evidence.setdefault(named[0].name, [0, 0])
            for token in sentence:
                if token.idx > named[0].start and not self.quoted[token.i] and token.dep_ in SUBJECT_DEPS:
                    counts[0] += token.lower_ in MALE_PRONOUNS
                    counts[1] += token.lower_ in FEMALE_PRONOUNS
        return {name: (male, female) for name, (male, female) in evidence.items()}

    # ---- names and roles

    def _by_surname(self, start: int, end: int) -> Person | None:
        """A name the tagger missed: a person of the article with that surname ("PENCE" in a
        transcript), else the most frequent "Given Surname" written in the article."""
        words = name_words(self.text[start:end])
        if not words or not words[-1][:1].isupper():
            return None
        if (person := self.by_surname.get(words[-1].lower())) is not None:
            return person
        name = given_name_form(self.context, words[-1]) if len(words) <= 2 else None
        return Person(start, start, name, None, True, None) if name else None

    def _by_role(self, start: int, end: int) -> Person | None:
        """The latest person before `start` whose role holds the mention's role word; one
        whose role has no rank the mention lacks first ("the mayor" is not the deputy mayor)."""
        words = {t.lower_ for t in self._tokens(start, end)}
        roles = [w for w in words if self.words.get(w) == "role"]
        index = self._by_role_word
        # the people with one of the roles, latest first (read back only as far as needed)
        earlier = heapq.merge(*(reversed(index[role][1][:bisect_left(index[role][0], (start,))])
                                for role in roles if role in index), key=lambda item: item[0], reverse=True)
        latest = None
        for _, person in earlier:
            if not (set(person.role.lower().split()) & RANKS) - words:
                return person
            latest = latest or person
        return latest

    @cached_property
    def _by_role_word(self) -> dict[str, tuple[list[tuple[int, int]], list[tuple[tuple[int, int], Person]]]]:
        """role word -> the people whose role holds it, by (start, order among people)."""
        index: dict[str, tuple[list, list]] = {}
        for number, person in enumerate(self.people):
            for word in set((person.role or "").lower().split()):
                keys, people = index.setdefault(word, ([], []))
                keys.append((person.start, number))
                people.append(((person.start, number), person))
        return index

    def _latest_organization(self, start: int, noun: str | None = None):
        """The organisation named last before `start`, in the last few paragraphs; one whose
        name holds the description's noun first ("the institute": the American Film Institute)."""
        paragraph = self.context.paragraph_at(start)

        def latest(word: str | None):
            starts, named = self._organizations.get(word, ([], []))
            index = bisect_left(starts, start)
            if index and self.context.paragraph_at(starts[index - 1]) >= paragraph - DESCRIPTION_PARAGRAPHS:
                return named[index - 1]
            return None

        return (latest(noun) if noun else None) or latest(None)

    @cached_property
    def _organizations(self) -> dict[str | None, tuple[list[int], list]]:
        """The organisations named outside quotes, in text order: all of them (None) and by
        each word of their names."""
        index: dict[str | None, tuple[list[int], list]] = {}
        for named in sorted(self.identity.organizations, key=lambda n: n.start):
            if named.label == "ORG" and not self.quoted[self._token_at(named.start)]:
                for word in (None, *dict.fromkeys(named.canonical.lower().split())):
                    starts, found = index.setdefault(word, ([], []))
                    starts.append(named.start)
                    found.append(named)
        return index


def _strip_article(name: str) -> str:
    """"Article 5 of the North Atlantic Treaty" -> "North Atlantic Treaty"."""
    match = ARTICLE_OF.match(name.strip())
    name = match.group("document").strip() if match else name.strip()
    return name[4:] if name.lower().startswith("the ") else name
