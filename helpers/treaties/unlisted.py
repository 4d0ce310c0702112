"""Named instruments the treaty list lacks: "the U.S.-Panama Free Trade Agreement", "the Geneva
Communiqué", "the Bilateral Security Agreement (BSA)" and later "BSA".

A capitalised name headed by an instrument noun (`naming.candidate_names`) that is no variant
of a listed instrument is an instrument when the evidence adds up to EVIDENCE_NEEDED points:

- in its name: a party (a country or nationality from data/demonyms.csv, an international
  body, "Sino-") or a city instruments are named after ("Geneva", "Lausanne"): 2; words of
  international instruments ("Bilateral", "Trade", "Defense", "123"): 1; a head that names an
  instrument by itself ("Agreement", "Treaty", "Accord", "Pact"), a convention or protocol
  "on" or "for" something, a "Memorandum of Understanding": 1;
- around it (its sentence and the next): a treaty verb ("signed", "ratified", "negotiating",
  "implementation", "into force"): 1; a party named outside the name, or "between": 1;
- minus 1 for a two-word name without a party that opens a sentence ("Trade Agreement"
  there may be a common noun phrase capitalised by its position).

It is never one when a word of its name says it is something else ("Democratic National
Convention", "Internet Protocol", "Material Support Statute": data/treaty_names.csv), when
it names an organisation ("Government of National Accord") or a place ("Convention Center"),
when an indefinite article makes it a kind of deal ("a Free Trade Agreement") unless a party
follows ("a 123 Agreement with the UAE"), or in a title-case headline. A name is accepted
for the whole document once one of its mentions is, and a shorter spelling of an accepted
name (its words a subset, same head) is the same instrument.

Each instrument gets the provisional id `unlisted:<slug of its longest name>`; an acronym the
text defines ("(BSA)", ", EDCA,") or one spelling the initials of an accepted name's words
is that instrument wherever it stands.
"""

from __future__ import annotations

import re
from functools import cache

from helpers.data_files import data_rows
from helpers.treaties.catalogue import Mention, Treaty, anaphora_word_rows
from helpers.treaties.layout import Layout
from helpers.treaties.naming import (CONNECTORS, Candidate, at_sentence_start, name_words_by_role,
                                     normalised_words, slug)

EVIDENCE_NEEDED = 3
INDEFINITE_BEFORE = re.compile(r"(?i)\b(?:a|an|another|any|every|each|no)\s+$")
# A headline in title case: most of a line's longer words capitalised.
TITLE_CASE_SHARE = 0.7
TITLE_CASE_MIN_WORDS = 4
ACRONYM_AFTER = re.compile(r"\s*\((?P<bracket>[A-Z][A-Za-z]{1,7})\)|,\s+(?:or\s+)?(?P<comma>[A-Z]{2,7})(?=[,.;:)]|\s--|\s\u2014)")
STRONG_HEAD_FAMILIES = frozenset({"agreement"})


@cache
def _word_sets() -> dict[str, frozenset[str]]:
    roles = name_words_by_role()
    countries = set()
    for row in data_rows("demonyms.csv"):
        if row["country"]:
            countries |= {row["country"], row["adjective"], row["country"].split()[-1]}
    generic_country_words = {"States", "Republic", "Kingdom", "Islands", "Emirates", "Union", "Arabia"}
    return {"party": frozenset((countries - generic_country_words) | set(roles["party_word"])),
            "venue": frozenset(roles["venue"]),
            "instrument": frozenset(word.lower() for word in roles["instrument_word"])}


@cache
def _patterns() -> dict[str, re.Pattern]:
    roles = name_words_by_role()
    words = _word_sets()

    def alternation(items) -> str:
        return "|".join(re.escape(item) for item in sorted(items, key=len, reverse=True))

    verbs = [word for word, value in roles["evidence"].items() if value == "verb"]
    betweens = [word for word, value in roles["evidence"].items() if value == "between"]
    return {"party": re.compile(rf"(?<![\w])(?:{alternation(words['party'])})(?![a-z])"),
            "verb": re.compile(rf"(?i)\b(?:{alternation(verbs)})\b"),
            "between": re.compile(rf"(?i)\b(?:{alternation(betweens)})\s+(?:the\s+)?[A-Z]"),
            "organisation_before": re.compile(rf"\b(?:{alternation(roles['organisation_before'])})\s+(?:the\s+)?$"),
            "organisation_start": re.compile(rf"(?:{alternation(roles['organisation_before'])})\s")}


def _not_instrument_words(family: str | None) -> list[str]:
    return [word for word, value in name_words_by_role()["not_instrument"].items() if not value or value == family]


def unlisted_mentions(text: str, candidates: list[Candidate], layout: Layout) -> list[Mention]:
    """Mentions of instruments the list lacks, by name and by acronym."""
    accepted_slugs: set[str] = set()
    possible: list[tuple[Candidate, str]] = []
    for candidate in candidates:
        if candidate.family in (None, "partnership") or _is_something_else(text, candidate):
            continue
        key = slug(candidate.name)
        possible.append((candidate, key))
        if key not in accepted_slugs and _evidence(text, candidate, layout) >= EVIDENCE_NEEDED:
            accepted_slugs.add(key)
    treaties = _instruments(possible, accepted_slugs)
    mentions = [Mention(c.start, c.end, treaties[key]) for c, key in possible if key in treaties]
    return sorted(mentions + _acronym_mentions(text, mentions), key=lambda m: m.start)


def _is_something_else(text: str, candidate: Candidate) -> bool:
    name = candidate.name
    if any(re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", name) for word in _not_instrument_words(candidate.family)):
        return True
    before = text[max(0, candidate.start - 40):candidate.start]
    if _patterns()["organisation_before"].search(before) or _patterns()["organisation_start"].match(name):
        return True
    if INDEFINITE_BEFORE.search(before) and not re.match(r"\s+with\s+(?:the\s+)?[A-Z]", text[candidate.end:]):
        return True
    return _in_title_case_line(text, candidate.start)


def _in_title_case_line(text: str, position: int) -> bool:
    line_start, line_end = text.rfind("\n", 0, position) + 1, text.find("\n", position)
    line = text[line_start:len(text) if line_end < 0 else line_end]
    long_words = [word for word in re.findall(r"[A-Za-z]+", line) if len(word) > 3]
    capitalised = sum(word[0].isupper() for word in long_words)
    return len(long_words) >= TITLE_CASE_MIN_WORDS and capitalised >= TITLE_CASE_SHARE * len(long_words)


def _evidence(text: str, candidate: Candidate, layout: Layout) -> int:
    """Points for being an international instrument (see the module docstring)."""
    words, patterns = _word_sets(), _patterns()
    name_tokens = re.findall(r"[\w.'\u2019]+", candidate.name)
    first_word_is_capitalised_by_position = at_sentence_start(text, candidate.start)
    parties_in_name = [token for token in re.split(r"[\s\-\u2013]+", candidate.name) if patterns["party"].fullmatch(token)]
    points = 0
    if parties_in_name or any(candidate.name.startswith(venue + " ") for venue in words["venue"]):
        points += 2
    if any(word in words["instrument"] for word in normalised_words(candidate.name)):
        points += 1
    complement = len(name_tokens) > 1 and re.search(r"\s(?:on|for|against|of)\s", candidate.name)
    if candidate.family in STRONG_HEAD_FAMILIES or (
            candidate.family in {"convention", "protocol", "memorandum"} and complement):
        points += 1
    if first_word_is_capitalised_by_position and len(name_tokens) == 2 and not parties_in_name:
        points -= 1  # "Trade Agreement" opening a sentence may be a common noun phrase
    sentence = layout.sentence(candidate.start)
    around_start = layout.sentence_starts[sentence]
    around_end = layout.sentence_starts[min(sentence + 2, len(layout.sentence_starts) - 1)]
    around = text[around_start:candidate.start] + " " + text[candidate.end:around_end]
    if patterns["verb"].search(around):
        points += 1
    if patterns["party"].search(around) or patterns["between"].search(around):
        points += 1
    return points


def _instruments(possible: list[tuple[Candidate, str]], accepted: set[str]) -> dict[str, Treaty]:
    """slug -> the instrument, for accepted names and the shorter spellings of accepted names."""
    longest: dict[str, str] = {}
    for candidate, key in possible:
        if key in accepted and len(candidate.name) > len(longest.get(key, "")):
            longest[key] = _display_name(candidate.name)
    treaties = {key: _treaty(name) for key, name in longest.items()}
    for candidate, key in possible:
        if key in treaties:
            continue
        words = set(key.split("-"))
        supersets = {other for other in treaties if words < set(other.split("-"))
                     and other.split("-")[-1] == key.split("-")[-1]}
        if len(supersets) == 1:
            treaties[key] = treaties[supersets.pop()]
    return treaties


def _display_name(name: str) -> str:
    return re.sub(r"\s+", " ", name).strip()


def _treaty(name: str) -> Treaty:
    return Treaty(f"unlisted:{slug(name)}", name, (), None, (), False, None, _kind(name), None, listed=False)


def _kind(name: str) -> str:
    """The kind of the anaphora word list's subjects that the name's words name ("trade" for a
    Free Trade Agreement), so that "the trade deal" can mean it."""
    words = set(normalised_words(name))
    kinds = [row["kind"] for row in anaphora_word_rows() if row["role"] == "subject" and row["word"] in words]
    return kinds[0] if kinds else "other"


def _acronym_mentions(text: str, mentions: list[Mention]) -> list[Mention]:
    """Each occurrence of an acronym defined right after a name ("(BSA)", ", EDCA,"), or
    spelling the initials of a name's words, as that name's instrument."""
    acronyms: dict[str, Treaty] = {}
    for mention in mentions:
        defined = ACRONYM_AFTER.match(text, mention.end)
        if defined:
            acronym = defined.group("bracket") or defined.group("comma")
            if _initials_fit(acronym, mention.treaty.name):
                acronyms.setdefault(acronym, mention.treaty)
        acronyms.setdefault(_initials(mention.treaty.name), mention.treaty)
    taken = [(m.start, m.end) for m in mentions]
    found = []
    for acronym, treaty in acronyms.items():
        if len(acronym) < 3 or acronym in name_words_by_role()["head_expansion"]:
            continue
        for match in re.finditer(rf"(?<![\w-]){re.escape(acronym)}(?![\w-])", text):
            if not any(start < match.end() and match.start() < end for start, end in taken):
                found.append(Mention(match.start(), match.end(), treaty))
    return found


def _initials(name: str) -> str:
    """ "BSA" for Bilateral Security Agreement; parties and numbers left out ("SPA" for the
    U.S.-Afghan Strategic Partnership Agreement)."""
    patterns = _patterns()
    words = [word for word in re.split(r"\s+", name)
             if word not in CONNECTORS and not patterns["party"].fullmatch(word.split("-")[0])
             and word[0].isalpha()]
    return "".join(word[0].upper() for word in words)


def _initials_fit(acronym: str, name: str) -> bool:
    """Whether the acronym's letters are initials of the name's words, in order, the first
    letter the first word's ("SOFA": Status of Forces Agreement)."""
    initials = [word[0].upper() for word in re.split(r"[\s\-]+", name) if word]
    letters = acronym.upper()
    if not initials or letters[0] != initials[0]:
        return False
    position = 0
    for letter in letters:
        while position < len(initials) and initials[position] != letter:
            position += 1
        if position == len(initials):
            return False
        position += 1
    return True
