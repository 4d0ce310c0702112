"""Who is who in one article: the mentions grouped into entities, each with one name.

- People: forms sharing first name and surname are one person ("George W. Bush", "George
  Bush"), named by the form the article uses most; a form that ends a longer one is that
  person ("Ali Khan" in "Azfar Ali Khan"); leading common nouns are not names ("Billionaire
  Donald Trump"). A surname alone is the person of that surname (the one named last before
  it when several are, with "Mrs"/"Mr" deciding between a woman and a man); a first name
  alone is the only person with that first name; a surname the article gives no fuller form
  for is a well-known person's (`data/known_people.csv`) when the list, a courtesy title and
  the article's year leave one.
- Organisations and countries: one name per alias (`data/entity_aliases.csv`: "F.B.I." and
  "Federal Bureau of Investigation", "Justice Department" and "Department of Justice"); an
  acronym the article defines ("the Bilateral Security Agreement (BSA)") or whose letters
  are the initials of an organisation it names is that organisation.
- Nationality and group words name the group by its adjective ("Poles" -> "Polish"), with
  the country behind it.
- Labels: every mention of one name takes the label most of them carry; roles given once
  ("Secretary of State Antony Blinken") hold for every mention of that person.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from functools import cached_property

from helpers.identity.mentions import MISTAKABLE_LABELS, SUBJECT_DEPS, Mention, find_mentions, opens_the_sentence
from helpers.identity.names import (alias_key, organization_words, repaired, aliases, countries, cue_lemmas, demonyms, female_honorifics,
                                    first_name_genders, honorifics, initials, known_people, name_words,
                                    speaker_words, without_possessive)
from helpers.structure import Context

MALE_HONORIFICS = frozenset({"mr", "mr.", "sir", "lord"})
# Words after a surname that are not part of it.
NAME_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
# Prepositions that put their object somewhere: a person is never "in" or "near" someone.
LOCATIVE_PREPOSITIONS = frozenset({"in", "at", "near", "outside", "inside", "across", "throughout"})
# "the Bilateral Security Agreement (BSA)": a name and the acronym it is given.
DEFINED_ACRONYM = re.compile(r"((?:[A-Z][\w'’&.-]*\s+)(?:(?:of|the|and|for|on|in|&)\s+|[A-Z][\w'’&.-]*\s+){0,8}"
                             r"[A-Z][\w'’&.-]*)\s+\(([A-Z][A-Za-z]{1,7})\)")


@dataclass(frozen=True)
class Named:
    """A mention with who it is: `canonical` (the article's name for the entity) and, for a
    nationality word or a country, the `country`."""

    mention: Mention
    label: str
    canonical: str
    role: str | None
    country: str | None

    @property
    def start(self) -> int:
        return self.mention.start

    @property
    def end(self) -> int:
        return self.mention.end


@dataclass
class Person:
    """A person mention as pronoun resolution sees it."""

    start: int
    end: int
    name: str
    role: str | None
    is_subject: bool
    gender: str | None  # "m" or "f" from a courtesy title, the list of well-known people or a first name


class ArticleIdentity:
    """The named mentions of one article, each with its entity's name, label and role."""

    def __init__(self, context: Context):
        self.context = context
        self.mentions: list[Named] = _name_mentions(context, find_mentions(context))

    @cached_property
    def people(self) -> list[Person]:
        """Every person mention in text order, quoted or not (the quotes step decides which
        ones a pronoun may reach)."""
        doc = self.context.doc
        found = []
        for named in self.mentions:
            if named.label != "PERSON":
                continue
            head = doc[named.mention.tokens[1] - 1]
            gender = _gender(doc, named)
            found.append(Person(named.start, named.end, named.canonical, named.role, _is_main_subject(head), gender))
        return found

    @cached_property
    def organizations(self) -> list[Named]:
        return [n for n in self.mentions if n.label in ("ORG", "GPE", "NORP")]

    @cached_property
    def _in_order(self) -> tuple[list[Named], list[int], int]:
        ordered = sorted(self.mentions, key=lambda n: n.start)
        return ordered, [n.start for n in ordered], max((n.end - n.start for n in ordered), default=0)

    def at(self, start: int, end: int) -> list[Named]:
        """Mentions overlapping `start:end`, in text order (found by bisection: the quotes
        step asks for every speaker)."""
        ordered, starts, longest = self._in_order
        return [n for n in ordered[bisect_left(starts, start - longest):bisect_left(starts, end)]
                if start < n.end]


def _name_mentions(context: Context, mentions: list[Mention]) -> list[Named]:
    mentions = _surnames_are_people(context, _vote_labels(_places_are_not_people(context, mentions), key=lambda m: m.name))
    named = [_own_name(context, m, context.lower_words) for m in mentions]
    named = _join_people(context, named)
    named = _join_acronyms(context, named)
    named = _apply_alias_context(named)
    named = _vote_named_labels(named)
    return _share_roles(named)


def _own_name(context: Context, mention: Mention, lower_words: set[str]) -> Named:
    """The mention's own name: an alias's canonical, a group's adjective, a person's name
    without courtesy titles and leading common nouns."""
    label, name = mention.label, repaired(mention.name)
    if label == "NORP" and (party := _party(context, mention)):
        return Named(mention, "ORG", party, None, None)
    if label == "NORP" or (label == "GPE" and name in demonyms()):
        adjective, country = demonyms().get(without_possessive(name), (without_possessive(name), None))
        return Named(mention, label, adjective, None, country)
    if label == "PERSON":
        words = [w.strip("-–—") for w in name_words(name)]
        while len(words) > 2 and words[-1].rstrip(".").lower() in NAME_SUFFIXES:
            words = words[:-1]  # "Joseph R. Biden Jr.": the surname is Biden
        while len(words) > 1 and (words[0].lower() in lower_words
                                  or speaker_words().get(words[0].lower().removesuffix("s")) == "role"):
            words = words[1:]
        return Named(mention, label, " ".join(words) or name, mention.role, None)
    canonical = _alias(name) or without_possessive(name)
    return Named(mention, label, canonical, None, canonical if canonical in countries() else None)


def _party(context: Context, mention: Mention) -> str | None:
    """A party adjective that qualifies a noun ("Democratic nominee", "Republican primary")
    names the party; a noun ("Republicans", "a Democrat") names its members, a group."""
    start, end = mention.tokens
    token = context.doc[end - 1]
    if end - start != 1 or token.dep_ not in ("amod", "compound") or token.head.i <= token.i:
        return None
    found = aliases().get(alias_key(token.text))
    return found[0] if found and found[0].endswith(("Party", "party")) else None


def _alias(name: str) -> str | None:
    found = aliases().get(alias_key(without_possessive(name)))
    return found[0] if found else None


def _apply_alias_context(named: list[Named]) -> list[Named]:
    """An alias that needs context ("Post", a bare "Senate") keeps its written form unless
    the article names the entity otherwise, or names the country it belongs to."""
    plain = {n.canonical for n in named if _alias_context(n) == ""}
    plain |= {n.country for n in named if n.country}
    result = []
    for item in named:
        context = _alias_context(item)
        if context == "named" and item.canonical not in plain:
            item = replace(item, canonical=without_possessive(item.mention.name))
        elif context not in ("", "named") and context not in plain:
            item = replace(item, canonical=without_possessive(item.mention.name))
        result.append(item)
    return result


def _alias_context(item: Named) -> str:
    if item.label in ("PERSON", "NORP"):
        return ""
    found = aliases().get(alias_key(without_possessive(item.mention.name)))
    return found[1] if found and found[0] == item.canonical else ""


# ---------------------------------------------------------------- people

def _join_people(context: Context, named: list[Named]) -> list[Named]:
    people = [n for n in named if n.label == "PERSON"]
    groups = _full_name_groups(people)
    form_of = {}
    for (first, last), forms in groups.items():
        known = [p["name"] for p in known_people().get(last.lower(), [])
                 if p["name"].split()[0] == first and p["name"].split()[-1] == last]
        best = known[0] if len(known) == 1 else max(forms, key=lambda form: (forms[form], -len(form)))
        for form in forms:
            form_of[form] = best
    year = _year(context)
    introduced = {item.canonical for item in people if item.mention.introduced}
    result = []
    for item in named:
        if item.label != "PERSON":
            result.append(item)
            continue
        words = item.canonical.split()
        if len(words) >= 2:
            name = _longer_form(item.canonical, form_of) or form_of.get(item.canonical) or item.canonical
        else:
            name = _one_word_name(context, item, words[0] if words else item.canonical, groups, form_of, year,
                                  introduced)
        result.append(replace(item, canonical=name))
    return result


def _places_are_not_people(context: Context, mentions: list[Mention]) -> list[Mention]:
    """A "person" the article calls a place ("the island of Redonda"), or puts somewhere ("in
    Sandy Hook") and who never acts, is a place, in every mention of that name."""
    doc = context.doc
    named = {m.name for m in mentions if m.tokens[0] >= 2 and doc[m.tokens[0] - 1].lower_ == "of"
             and speaker_words().get(doc[m.tokens[0] - 2].lower_) == "place"}  # "the island of Redonda"
    placed = {m.name for m in mentions if m.label == "PERSON" and m.tokens[0] > 0
              and doc[m.tokens[0] - 1].lower_ in LOCATIVE_PREPOSITIONS and doc[m.tokens[1] - 1].dep_ == "pobj"}
    # but not someone who acts elsewhere in the article ("faith in Obama", "Obama said")
    placed -= {m.name for m in mentions if doc[m.tokens[1] - 1].dep_ in SUBJECT_DEPS}
    return [replace(m, label="GPE") if m.label == "PERSON" and m.name in named | placed else m for m in mentions]


def _surnames_are_people(context: Context, mentions: list[Mention]) -> list[Mention]:
    """A one-word mention tagged as something else that is the surname or first name of a
    person the article names in full ("Corker" as ORG beside "Bob Corker", "Melania" as GPE
    beside "Melania Trump") is that person; and a name
    tagged as an organisation whose last word speaks alone ("Phoebe Waller-Bridge … ,
    Waller-Bridge said") is a person too."""
    doc = context.doc
    speaking = {m.name for m in mentions if m.label == "ORG" and " " not in m.name
                and doc[m.tokens[1] - 1].dep_ in SUBJECT_DEPS and doc[m.tokens[1] - 1].head.lemma_ in cue_lemmas()}
    named = {m.name for m in mentions if m.label == "ORG" and len(words := m.name.split()) in (2, 3)
             and words[-1] in speaking and all(w[:1].isupper() for w in words)
             and not any(w.lower() in organization_words() for w in words)}
    mentions = [replace(m, label="PERSON") if m.name in named or (m.name in speaking and any(
        n.endswith(" " + m.name) for n in named)) else m for m in mentions]
    full_names = [words for m in mentions if m.label == "PERSON" and len(words := name_words(m.name)) >= 2]
    surnames = {words[-1].lower() for words in full_names}
    first_names = {words[0].lower() for words in full_names}

    def is_person(m: Mention) -> bool:
        if m.label not in MISTAKABLE_LABELS or m.label == "NORP":
            return False
        word, acts = without_possessive(m.name).lower(), doc[m.tokens[1] - 1].dep_ in SUBJECT_DEPS
        # a place ("Africa" beside "Power Africa"), or a first name ("Judy", a film), only where it acts
        return (word in surnames and (acts or m.label not in ("GPE", "LOC"))) \
            or (word in first_names and acts)

    return [replace(m, label="PERSON") if is_person(m) else m for m in mentions]


def _full_name_groups(people: list[Named]) -> dict[tuple[str, str], Counter]:
    """(first name, surname) -> Counter of the full forms written for that person."""
    groups: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for item in people:
        words = item.canonical.split()
        if len(words) >= 2:
            groups[(words[0], words[-1])][item.canonical] += 1
    return groups


def _longer_form(name: str, form_of: dict[str, str]) -> str | None:
    """"Ali Khan" -> "Azfar Ali Khan" when the article writes that longer form."""
    longer = {form_of[f] for f in form_of if f.endswith(" " + name)}
    return longer.pop() if len(longer) == 1 else None


def _one_word_name(context: Context, item: Named, word: str, groups, form_of, year, introduced: set[str]) -> str:
    people = sorted({form_of[f] for forms in groups.values() for f in forms})
    by_surname = [p for p in people if word.lower() in (p.split()[-1].lower(), p.split()[-1].split("-")[-1].lower())]
    gender = _honorific_gender(context.doc, item) or (_pronoun_after(context, item) if len(by_surname) > 1 else None)
    if gender and by_surname:
        # "Mr. Obama" beside Michelle Obama; "Clinton said he" beside Hillary and Bill Clinton
        fitting = [p for p in by_surname if _name_gender(p) in (gender, None)]
        if not fitting and (known := _well_known(word, gender, year)):
            return known
        by_surname = fitting or by_surname
    if len(by_surname) == 1:
        return by_surname[0]
    if by_surname:
        # several people share the surname: the one the article names in full most often
        # (the one it is about; counted in the text, as the tagger may miss a mention), on a
        # tie the one named in full last before the mention
        famous = [p for p in by_surname if _well_known(word, None, year) == p]
        if len(famous) == 1:  # "Trump" in an article about Eric Trump is still Donald Trump
            return famous[0]
        counts = {p: sum(len(context.occurrences(form)) for form in groups[(p.split()[0], p.split()[-1])])
                  for p in by_surname}
        most = max(counts.values())
        leaders = [p for p in by_surname if counts[p] == most]
        if len(leaders) == 1:
            return leaders[0]
        earlier = [n for n in _full_forms_before(context, item, form_of) if n in leaders]
        return earlier[-1] if earlier else word
    if not item.role:  # "Prince Charles" is not "Charles Kennedy"
        by_first_name = [p for p in people if p.split()[0] == word]
        if len(by_first_name) == 1:
            return by_first_name[0]
    if word in introduced:
        return given_name_form(context, word) or word  # someone the article introduces is not the famous one
    return given_name_form(context, word) or _well_known(word, gender, year) or word


def given_name_form(context: Context, surname: str) -> str | None:
    """A full name the tagger missed: the most frequent "Given Surname" written in the
    article whose first word is a name (not "President", not a word written in lower case).
    Worked out once per surname and article."""
    key = ("given_name_form", surname)
    if key not in context.memo:
        context.memo[key] = _given_name_form(context, surname)
    return context.memo[key]


def _given_name_form(context: Context, surname: str) -> str | None:
    if not surname[:1].isupper() or surname.isupper():
        return None
    forms = context.given_name_forms(surname)
    common = context.lower_words
    forms = [f for f in forms if speaker_words().get(f.split()[0].lower()) is None and f.split()[0].lower() not in common
             and f.split()[0].lower() not in honorifics() and f.split()[0] not in demonyms()
             and f not in countries() and alias_key(f) not in aliases()  # not "South Africa"
             and not _opens_a_sentence(context, f)]  # not "Eventually Asimo"
    if not forms:
        return None
    return max(sorted(set(forms)), key=lambda f: (forms.count(f), -context.text.find(f)))


def _opens_a_sentence(context: Context, form: str) -> bool:
    """Whether the first word of `form`, where the article first writes it, is a word that
    opens its sentence rather than a given name ("Eventually Asimo could …")."""
    start = context.text.find(form)
    span = context.doc.char_span(start, start + len(form.split()[0]))
    return span is not None and opens_the_sentence(span[0])


def _full_forms_before(context: Context, item: Named, form_of) -> list[str]:
    """The full names written before the mention, in text order, as their person's name."""
    found = []
    for form, best in form_of.items():
        written = context.occurrences(form)
        found.extend((start, best) for start in written[:bisect_left(written, item.start - len(form) + 1)])
    return [best for _, best in sorted(found)]


def _well_known(surname: str, gender: str | None, year: int | None) -> str | None:
    candidates = known_people().get(surname.lower(), [])
    if gender:
        candidates = [c for c in candidates if c["gender"] == gender]
    if year and len(candidates) > 1:
        candidates = [c for c in candidates if c["from"] <= year <= c["to"]]
    names = {c["name"] for c in candidates}
    return names.pop() if len(names) == 1 else None


def _name_gender(name: str) -> str | None:
    """"m" or "f" for a full name, from the list of well-known people, else its first name."""
    for person in known_people().get(name.split()[-1].lower(), []):
        if person["name"] == name:
            return person["gender"]
    return first_name_genders().get(name.split()[0].lower())


def _pronoun_after(context: Context, item: Named) -> str | None:
    """The gender of a "he" or "she" that is a subject later in the mention's sentence,
    outside quotation marks ("Clinton later said he …")."""
    doc = context.doc
    sentence = doc[item.mention.tokens[0]].sent
    for token in doc[item.mention.tokens[1]:sentence.end]:
        if token.dep_ in SUBJECT_DEPS and token.lower_ in ("he", "she"):
            before = context.text[sentence.start_char:token.idx]
            if before.count("“") > before.count("”") or before.count('"') % 2:
                continue  # inside a quotation: the speaker's own words
            return "m" if token.lower_ == "he" else "f"
    return None


def _honorific_gender(doc, named: Named) -> str | None:
    """"f" after "Mrs", "Ms", "Dame" …; "m" after "Mr", "Sir", "Lord"; else None ("Dr")."""
    start = named.mention.tokens[0]
    word = doc[start - 1].lower_ if start > 0 else ""
    if word in female_honorifics():
        return "f"
    return "m" if word in MALE_HONORIFICS else None


def _gender(doc, named: Named) -> str | None:
    return _honorific_gender(doc, named) or _name_gender(named.canonical)


def _year(context: Context) -> int | None:
    date = context.article.get("date")
    match = re.search(r"\b(19|20)\d\d\b", str(date)) if date else None
    return int(match.group()) if match else None


def _is_main_subject(head) -> bool:
    """The subject of a main clause or of a speech verb, not of reported content, or the
    owner of that subject ("Podliska's lawsuit demands …": Podliska is the topic)."""
    if head.dep_ == "poss" and head.head.dep_ in SUBJECT_DEPS:
        head = head.head
    if head.dep_ not in SUBJECT_DEPS:
        return False
    verb = head.head
    while verb.dep_ == "conj" and verb.head.i != verb.i:
        verb = verb.head
    return verb.dep_ == "ROOT" or verb.lemma_.lower() in cue_lemmas() or verb.lemma_ == "according"


# ---------------------------------------------------------------- organisations

def _join_acronyms(context: Context, named: list[Named]) -> list[Named]:
    """An acronym defined in the text ("British American Tobacco (Bat)", in whatever case the
    article writes it), or made of the initials of an organisation the article names, takes
    that organisation's name."""
    full_names = {}
    for match in DEFINED_ACRONYM.finditer(context.text):
        name, acronym = match.group(1), match.group(2)
        words = name.split()
        for cut in range(len(words)):  # the shortest tail of the phrase the acronym spells
            tail = " ".join(words[cut:])
            if words[cut].lower() == "the":
                continue
            if initials(tail) == acronym.upper():
                full_names[acronym] = _alias(tail) or tail
                break
    organizations = {n.canonical for n in named if n.label in ("ORG", "FAC", "LAW", "EVENT") and " " in n.canonical}
    by_initials = defaultdict(set)
    for name in organizations:
        by_initials[initials(name)].add(name)
    result = []
    for item in named:
        written = without_possessive(item.mention.name)
        if item.label != "PERSON" and item.canonical == written and (written.isupper() or written in full_names):
            full = full_names.get(written) or (by_initials[written].copy().pop() if len(by_initials[written]) == 1 else None)
            if full:
                item = replace(item, canonical=full)
        result.append(item)
    return result


# ---------------------------------------------------------------- labels and roles

def _vote_labels(mentions: list[Mention], key) -> list[Mention]:
    """Every mention of one name takes the label most of them carry (ties change nothing)."""
    votes: dict[str, Counter] = defaultdict(Counter)
    for mention in mentions:
        votes[key(mention)][mention.label] += 1
    result = []
    for mention in mentions:
        ranked = votes[key(mention)].most_common(2)
        if not (len(ranked) == 2 and ranked[0][1] == ranked[1][1]) and ranked[0][0] != mention.label:
            mention = replace(mention, label=ranked[0][0])
        result.append(mention)
    return result


def _vote_named_labels(named: list[Named]) -> list[Named]:
    """The same vote among mentions of one entity ("Raybould" tagged ORG beside two PERSON
    forms of Jody Wilson-Raybould); a mention that changes label is named again."""
    votes: dict[str, Counter] = defaultdict(Counter)
    for item in named:
        votes[item.canonical][item.label] += 1
    result = []
    for item in named:
        ranked = votes[item.canonical].most_common(2)
        winner = ranked[0][0]
        if not (len(ranked) == 2 and ranked[0][1] == ranked[1][1]) and winner != item.label:
            country = item.canonical if winner == "GPE" and item.canonical in countries() else None
            item = replace(item, label=winner, role=item.role if winner == "PERSON" else None, country=country)
        result.append(item)
    return result


def _share_roles(named: list[Named]) -> list[Named]:
    """Every mention of a person carries the first role written for them in the article."""
    first_role = {}
    for item in named:
        if item.label == "PERSON" and item.role:
            first_role.setdefault(item.canonical, item.role)
    return [replace(item, role=first_role.get(item.canonical) if item.label == "PERSON" else None)
            for item in named]
