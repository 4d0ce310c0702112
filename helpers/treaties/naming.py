"""Capitalised names headed by an instrument noun ("the U.S.-Panama Free Trade Agreement",
"the Convention for the Suppression of Acts of Nuclear Terrorism", "the Lausanne framework"),
and the normalised words that compare two spellings of a name.

`candidate_names` only finds names; whether one is a listed instrument under another spelling
(`variants`) or an instrument the list lacks (`unlisted`) is decided there.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from helpers.data_files import data_rows

# A word of a name: capitalised, or a number ("123 Agreement"), with hyphenated parts
# ("U.S.-Panama", "Non-Proliferation", "NATO-Afghanistan").
NAME_WORD = re.compile(r"(?:(?:[A-Z]\.){2,}|[A-Z][\w'\u2019]*|\d{2,3})(?:[-\u2013](?:(?:[A-Z]\.){2,}|[A-Za-z]\w*))*")
CONNECTORS = frozenset({"of", "in", "and", "on", "for", "the", "&", "to"})
PRE_HEAD_CONNECTORS = frozenset({"of", "in", "and", "&"})
POSSESSIVE = re.compile(r"['\u2019]s?$")
CALENDAR = frozenset("Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April "
                     "May June July August September October November December".split())
# What may join a head to a complement that is part of the name: "Convention for the
# Suppression of ...", "Treaty of Amity and Cooperation", "Treaty establishing a Constitution".
COMPLEMENT = re.compile(
    r"(?:\s+(?:[IVX]{1,3}|[1-3]))?"  # "Protocol 2", "Protocol II"
    r"\s+(?P<link>of|on|for|to|against|relating\s+to|concerning|regarding|establishing(?:\s+an?)?)\s+(?:the\s+)?"
    r"(?=[A-Z])")
NUMBERED = re.compile(r"\s+(?:[IVX]{1,3}|[1-3])\b")
SENTENCE_START = re.compile(r"(?:^|[.!?:\"\u201c]\s+|\n\s*)$")
YEAR_WORD = re.compile(r"(?:19|20)\d\d$")
DETERMINERS = frozenset({"The", "A", "An", "This", "That", "Its", "Our", "Their", "His", "Her"})
JOINED_PREFIXES = frozenset({"trans", "non", "anti", "inter", "intra", "pan", "co", "multi", "counter",
                             "cross", "post", "pre", "sub"})
ROMAN = {"1": "i", "2": "ii", "3": "iii", "one": "i", "two": "ii", "three": "iii",
         "first": "i", "second": "ii", "third": "iii"}


@dataclass(frozen=True)
class Candidate:
    start: int
    end: int
    name: str       # as written, without a leading determiner
    head: str       # the head noun as written ("Agreement", "framework")
    family: str     # its family in data/treaty_names.csv


@cache
def name_words_by_role() -> dict[str, dict[str, str]]:
    """role -> {word: value} from data/treaty_names.csv."""
    roles: dict[str, dict[str, str]] = {}
    for row in data_rows("treaty_names.csv"):
        roles.setdefault(row["role"], {})[row["word"]] = row["value"]
    return roles


@cache
def _patterns() -> tuple[re.Pattern, re.Pattern]:
    roles = name_words_by_role()
    heads = sorted({**roles["head"], **roles["head_expansion"]}, key=len, reverse=True)
    head = re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(h) for h in heads) + r")(?![\w-])")
    venues = "|".join(re.escape(v) for v in sorted(roles["venue"], key=len, reverse=True))
    lower_heads = "|".join(h.lower() for h in roles["head"] if " " not in h)
    venue_named = re.compile(rf"(?<=\bthe\s)(?:{venues})\s+(?:{lower_heads})(?![\w-])")
    return head, venue_named


def head_family(word: str) -> str | None:
    roles = name_words_by_role()
    if word in roles["head_expansion"]:
        word = roles["head_expansion"][word].split()[-1]
    return roles["head"].get(word) or roles["head"].get(word.capitalize())


def candidate_names(text: str) -> list[Candidate]:
    """Every capitalised name ending in a head noun or a complement, longest first where they
    overlap, and "the <venue> <head>" ("the Lausanne framework"); in text order."""
    head_pattern, venue_pattern = _patterns()
    found: list[Candidate] = []
    for match in head_pattern.finditer(text):
        family = head_family(match.group())
        start, end = _name_start(text, match.start()), _complement_end(text, match.end(), family)
        if (start, end) == match.span() or _names_something_else(text, end):
            continue  # a head alone ("the Agreement") is an anaphor; "Convention Center" a place
        found.append(Candidate(start, end, text[start:end], match.group(), family))
    for match in venue_pattern.finditer(text):
        head = match.group().split()[-1]
        found.append(Candidate(match.start(), match.end(), match.group(), head, head_family(head)))
    kept: list[Candidate] = []
    for candidate in sorted(found, key=lambda c: (c.start, -c.end)):
        if not kept or candidate.start >= kept[-1].end:
            kept.append(candidate)
        elif candidate.end > kept[-1].end:  # overlapping names: the one that starts first, extended
            last = kept.pop()
            kept.append(Candidate(last.start, candidate.end, text[last.start:candidate.end],
                                  candidate.head, candidate.family))
    return kept


def _names_something_else(text: str, end: int) -> bool:
    """Whether the word after a name makes it another thing's ("... Convention Center",
    "North Atlantic Treaty Organization")."""
    after = re.match(r"\s+([A-Z]\w*)", text[end:end + 20])
    return bool(after) and after.group(1) in name_words_by_role()["after_head"]


def _name_start(text: str, head_start: int) -> int:
    """Where the capitalised words before a head begin: back over name words, and "of", "in",
    "and" between them ("Trade in Services Agreement"), not over a determiner, a year, a
    possessive or another head ("the Status of Forces Agreement Strategic Framework Agreement"
    is two names)."""
    stops = {head for head, family in name_words_by_role()["head"].items()
             if family not in {"framework", "partnership", "plan"}}
    window_start = max(0, head_start - 160)
    start = head_start
    for token in reversed(list(re.finditer(r"\S+", text[window_start:head_start]))):
        word = token.group()
        if word in PRE_HEAD_CONNECTORS and start != head_start:
            continue  # kept only if a name word comes before it
        if (NAME_WORD.fullmatch(word) and word not in DETERMINERS and word not in stops
                and not YEAR_WORD.fullmatch(word) and not POSSESSIVE.search(word)):
            start = window_start + token.start()
            continue
        break
    return start


def _complement_end(text: str, head_end: int, family: str | None) -> int:
    """The end of a complement that belongs to the name ("... for the Suppression of Acts of
    Nuclear Terrorism"), or of a number ("Protocol 2"); else the head's end. "to" links only a
    protocol to its treaty ("Protocol II to the Geneva Conventions"), and a date is no
    complement ("the Treaty on Monday")."""
    link = COMPLEMENT.match(text, head_end)
    if not link or (link.group("link") == "to" and family != "protocol"):
        numbered = NUMBERED.match(text, head_end)
        return numbered.end() if numbered else head_end
    end, position = head_end, link.end()
    while True:
        word = NAME_WORD.match(text, position)
        if not word or word.group() in DETERMINERS or word.group().rstrip(".,") in CALENDAR:
            return end
        end = position = word.end()
        joint = re.match(r"\s+(?:(?:of|and|in|the|for|on|to|&)\s+)*(?=[A-Z])", text[position:position + 30])
        if not joint:
            return end
        position += joint.end()


def name_family(name: str) -> str | None:
    """The family of a name's head: the last head noun before its complement ("Protocol" in
    "Protocol Additional to the Geneva Conventions", "Convention" in "United Nations Framework
    Convention on Climate Change")."""
    if re.search(r"\bplan of action\b", name, re.I):
        return "plan"
    before_complement = re.split(r"\s(?:of|on|for|to|between|among|against|relating|regarding|concerning)\s", name)[0]
    families = [head_family(word) for word in re.findall(r"[\w\u00e9]+", before_complement)]
    families = [family for family in families if family]
    return families[-1] if families else None


def normalised_words(name: str) -> list[str]:
    """The words that identify a name, in order: lower case, accents dropped, "U.S." and
    "United States" as "us", "U.N." as "un", head acronyms spelt out ("FTA"), numbers of
    protocols as Roman numerals, plurals of heads singular, a hyphenated prefix joined
    ("Trans-Pacific" = "Transpacific") and other hyphenated words split ("Egypt-Israel"),
    connectors dropped."""
    roles = name_words_by_role()
    for acronym, words in roles["head_expansion"].items():
        name = re.sub(rf"(?<![\w-]){re.escape(acronym)}(?![\w-])", words, name)
    name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    name = re.sub(r"\bU\.\s?S\.(?:\s?A\.)?|\bUnited States(?: of America)?\b|\bUSA\b|\bUS\b", " us ", name)
    name = re.sub(r"\bU\.\s?N\.|\bUnited Nations\b|\bUN\b", " un ", name)
    words = []
    for word in re.findall(r"[A-Za-z0-9]+(?:[-'][A-Za-z0-9]+)*", name):
        word = word.lower().replace("'s", "").replace("'", "")
        parts = word.split("-")
        # "Trans-Pacific" is one word, "Egypt-Israel" two
        pieces = ["".join(parts)] if parts[0] in JOINED_PREFIXES else parts
        for piece in pieces:
            if piece in CONNECTORS or piece in {"a", "an", "between", "with"}:
                continue
            piece = ROMAN.get(piece, piece)
            if piece.endswith("s") and head_family(piece.capitalize()) and head_family(piece[:-1].capitalize()):
                piece = piece[:-1]  # "Agreements" -> "agreement"
            words.append(piece)
    return words


def slug(name: str) -> str:
    return "-".join(normalised_words(name))


def at_sentence_start(text: str, position: int) -> bool:
    return bool(SENTENCE_START.search(text[max(0, position - 3):position]))
