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
from bisect import bisect_left, bisect_right
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
        self.token_starts = [t.idx for t in self.doc]
        self.words = speaker_words()
        self.people = [p for p in identity.people if not quoted[self._token_at(p.start)]]
        self.person_starts = [p.start for p in self.people]
        self.documents = self._documents()
        self.speakers_seen: list[tuple[int, Person]] = []
        self.pronoun_evidence = self._pronoun_evidence()

    def resolve(self, start: int, end: int) -> Speaker:
        head = self._head(start, end)
        if self.words.get(head.lower_) == "relative" and head.dep_ in SUBJECT_DEPS \
                and head.head.dep_ == "relcl":
            head = head.head.head  # "…, which states": the noun the clause describes
            start, end = head.idx, head.idx + len(head.text)
        for doc_start, doc_end, name in self.documents:
            if doc_start < end and start < doc_end:
                return Speaker(name, None, "document")
        named = self._entity_holding(head) or self._apposed_person(head)
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
        earlier = [n for n in self.identity.mentions
                   if n.label == "GPE" and n.canonical in countries() and n.start < sentence_start
                   and not self.quoted[self._token_at(n.start)]
                   and self.context.paragraph_at(n.start) >= paragraph - DESCRIPTION_PARAGRAPHS]
        return earlier[-1] if earlier else None

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
        person = next((p for p in self.identity.people if p.start == named.start), None)
        if person is not None:
            self.speakers_seen.append((start, person))
        return Speaker(named.canonical, named.role, "person")

    def _seen(self, start: int, person: Person | None) -> Speaker:
        if person is None:
            return Speaker(None, None, "person")
        self.speakers_seen.append((start, person))
        return Speaker(person.name, person.role, "person")

    # ---- documents

    def _documents(self) -> list[tuple[int, int, str]]:
        """(start, end, name) of treaty references, LAW entities and "Article N of the X"."""
        found = [(r["start_char"], r["end_char"], r["treaty"])
                 for r in self.context.tables.get("treaty_refs") or [] if r.get("treaty")]
        found += [(n.start, n.end, _strip_article(n.canonical)) for n in self.identity.mentions if n.label == "LAW"]
        for match in ARTICLE_OF.finditer(self.text):
            found.append((match.start(), match.end(), _strip_article(match.group("document"))))
        return found

    # ---- pronouns

    def _antecedent(self, char: int, pronoun: str = "") -> Person | None:
        """The latest person before `char` who was a main subject or a speaker (else the
        latest person named), skipping people the article refers to with the other pronoun."""
        earlier = self.people[:bisect_left(self.person_starts, char)]
        if not earlier:
            return None
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
        if pronoun in THIRD_PERSON_PRONOUNS:
            return None  # every person named disagrees: better no name than a wrong one
        return salient[0][1] if salient else earlier[-1]

    def _agrees(self, person: Person, pronoun: str, surely: bool = False) -> bool:
        """Whether "he" or "she" can refer to `person`: from how the article refers to them,
        else from a courtesy title, the list of well-known people, or a first name that
        usually takes one of them (`surely`: only with evidence)."""
        if pronoun not in THIRD_PERSON_PRONOUNS:
            return not surely
        male, female = self.pronoun_evidence.get(person.name, (0, 0))
        if male or female:  # the article's own usage outranks what a first name usually takes
            same, other = (male, female) if pronoun in MALE_PRONOUNS else (female, male)
            return same > other if surely else same >= other
        gender = self._gender_of(person)
        if gender:
            return (gender == "m") == (pronoun in MALE_PRONOUNS)
        return not surely

    def _gender_of(self, person: Person) -> str | None:
        genders = {p.gender for p in self.identity.people if p.name == person.name and p.gender}
        if len(genders) == 1:
            return genders.pop()
        return first_name_genders().get(person.name.split()[0].lower()) if " " in person.name else None

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
        for person in self.people:
            if person.name.split()[-1].lower() == words[-1].lower():
                return person
        name = given_name_form(self.context, words[-1]) if len(words) <= 2 else None
        return Person(start, start, name, None, True, None) if name else None

    def _by_role(self, start: int, end: int) -> Person | None:
        """The latest person before `start` whose role holds the mention's role word; one
        whose role has no rank the mention lacks first ("the mayor" is not the deputy mayor)."""
        words = {t.lower_ for t in self._tokens(start, end)}
        roles = [w for w in words if self.words.get(w) == "role"]
        earlier = [p for p in self.people[:bisect_left(self.person_starts, start)] if p.role
                   and any(role in p.role.lower().split() for role in roles)]
        exact = [p for p in earlier if not (set(p.role.lower().split()) & RANKS) - words]
        return (exact or earlier)[-1] if earlier else None

    def _latest_organization(self, start: int, noun: str | None = None):
        """The organisation named last before `start`, in the last few paragraphs; one whose
        name holds the description's noun first ("the institute": the American Film Institute)."""
        paragraph = self.context.paragraph_at(start)
        earlier = [n for n in self.identity.organizations
                   if n.label == "ORG" and n.start < start and not self.quoted[self._token_at(n.start)]
                   and self.context.paragraph_at(n.start) >= paragraph - DESCRIPTION_PARAGRAPHS]
        fitting = [n for n in earlier if noun and noun in n.canonical.lower().split()]
        return (fitting or earlier)[-1] if earlier else None


def _strip_article(name: str) -> str:
    """"Article 5 of the North Atlantic Treaty" -> "North Atlantic Treaty"."""
    match = ARTICLE_OF.match(name.strip())
    name = match.group("document").strip() if match else name.strip()
    return name[4:] if name.lower().startswith("the ") else name
