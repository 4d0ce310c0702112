"""Listed instruments under names the list does not spell out.

- A capitalised name close to one of a listed instrument's names ("North America Free Trade
  Agreement", "U.N. Arms Treaty", "Korea Trade Agreement", "Minsk Implementation Agreement",
  "Additional Protocol 2 of the Geneva Convention"): it shares the listed name's distinctive
  words and most of its words, adds none of its own but generic ones, and has a head of the
  same family. A name of generic words only ("the Mutual Defense Treaty") is the listed one
  whose other words (a party: "the Philippines") the text around it names.
- A party phrase: "Egypt's peace treaty with Israel".
- Names that mean a listed instrument only in some documents, from data/treaty_variants.csv:
  "Kyoto" near "emissions", "the Geneva agreement" on Iran in 2013-15.
"""

from __future__ import annotations

import re
from functools import cache

from helpers.data_files import data_rows
from helpers.treaties.catalogue import Mention, Treaty, load_treaties, trie_pattern
from helpers.treaties.layout import Layout
from helpers.treaties.naming import name_family, name_words_by_role, normalised_words

# A variant must have at least this share of the listed name's words.
MIN_COVERAGE = 0.6
# How far around a name (characters) the words it leaves out, or a variant's context words,
# are looked for.
CONTEXT_CHARS = 600
# Two spellings of a word: the same, or one the start of the other when both are this long
# ("America" / "American", "Korea" / "Korean").
SAME_STEM_LENGTH = 5
PARTY_PHRASE = re.compile(
    r"(?<![\w-])(?P<first>[A-Z][\w.]*(?:[-\s][A-Z][\w.]*)?)['\u2019]s\s+(?:[a-z-]+\s+){0,3}?"
    r"(?:treaty|agreement|accord|pact|deal)\s+with\s+(?:the\s+)?(?P<second>[A-Z]\w*(?:\s[A-Z]\w*)?)")


@cache
def _listed_forms(family: str) -> tuple[tuple[tuple[Treaty, frozenset[str]], ...], frozenset[str]]:
    """(treaty, normalised words) of every listed name and alias whose head is of this family,
    and all their words."""
    forms = tuple((treaty, frozenset(normalised_words(form))) for treaty in load_treaties()
                  for form in (treaty.name, *treaty.aliases) if name_family(form) == family)
    return tuple(form for form in forms if form[1]), frozenset().union(*(words for _, words in forms))


@cache
def _generic_words() -> frozenset[str]:
    return frozenset(name_words_by_role()["generic_name_word"])


def listed_variant(name: str, family: str | None, text: str, start: int, end: int) -> Treaty | None:
    """The listed instrument a capitalised name is a variant of, if exactly one fits best."""
    if family is None:
        return None
    words = normalised_words(name)
    generic = _generic_words()
    forms, vocabulary = _listed_forms(family)
    # which words of the list each word of the name can be; the name's own words must all be
    # somewhere in a listed name, unless generic ("U.S.-Panama" is in none of the KORUS names)
    spelt_as = {word: frozenset(v for v in vocabulary if _same_word(v, word)) for word in words}
    same = frozenset().union(*spelt_as.values())
    own_words = [spelt_as[word] for word in words if word not in generic]
    window_start = max(0, start - CONTEXT_CHARS)
    nearby = text[window_start:end + CONTEXT_CHARS].lower()
    distances: dict[str, int | None] = {}
    fits: dict[Treaty, tuple[float, int]] = {}  # coverage, and minus the distance to the words around
    for treaty, form_words in forms:
        if any(not (spellings & form_words) for spellings in own_words):
            continue
        matched = form_words & same
        missing = form_words - matched
        if (len(matched) + len(missing - generic)) / len(form_words) < MIN_COVERAGE:
            continue
        for word in missing - generic:
            if word not in distances:
                distances[word] = _distance(nearby, word, start - window_start, end - window_start)
        around = {word: distances[word] for word in missing - generic if distances[word] is not None}
        if not matched - generic:
            # a name of generic words only is the listed one whose other words the text around
            # names ("the Mutual Defense Treaty" near "the Philippines"), or one spelt exactly
            if missing - generic - set(around) or (not around and missing):
                continue
        coverage = (len(matched) + len(around)) / len(form_words)
        if coverage >= MIN_COVERAGE:
            fit = (coverage, -max(around.values(), default=0))
            fits[treaty] = max(fit, fits.get(treaty, fit))
    if not fits:
        return None
    best = max(fits.values())
    winners = [treaty for treaty, fit in fits.items() if fit == best]
    return winners[0] if len(winners) == 1 else None


def _distance(nearby: str, word: str, start: int, end: int) -> int | None:
    """How far from start:end of `nearby` the word is written, if it is."""
    ending = r"\w{0,3}\b" if len(word) >= SAME_STEM_LENGTH else r"\b"  # "Japan" in "Japanese", not "INF" in "information"
    distances = [match.start() - end if match.start() >= end else start - match.end()
                 for match in re.finditer(rf"\b{re.escape(word)}{ending}", nearby)]
    return min((abs(d) for d in distances), default=None)


def _same_word(a: str, b: str) -> bool:
    return a == b or (min(len(a), len(b)) >= SAME_STEM_LENGTH and (a.startswith(b) or b.startswith(a)))


def party_phrases(text: str) -> list[Mention]:
    """ "Egypt's peace treaty with Israel" as the listed treaty between the two."""
    found = []
    for match in PARTY_PHRASE.finditer(text):
        phrase = re.sub(r"['\u2019]s\b|\bwith\b|\bthe\b", " ", match.group())
        treaty = listed_variant(phrase, "agreement", text, match.start(), match.end())
        if treaty:
            found.append(Mention(match.start(), match.end(), treaty))
    return found


@cache
def _context_forms() -> tuple[re.Pattern, dict]:
    rows = data_rows("treaty_variants.csv")
    by_id = {treaty.treaty_id: treaty for treaty in load_treaties()}
    by_form: dict[str, list[tuple[Treaty, tuple[str, ...], int | None, int | None]]] = {}
    for row in rows:
        by_form.setdefault(_form_key(row["form"]), []).append((
            by_id[row["treaty_id"]], tuple(word for word in row["context"].split("|") if word),
            int(row["from_year"]) if row["from_year"] else None, int(row["to_year"]) if row["to_year"] else None))
    pattern = re.compile(r"(?<![\w-])(?i:" + trie_pattern({row["form"] for row in rows}, case_sensitive=False)
                         + r")(?![\w-])")
    return pattern, by_form


def _form_key(form: str) -> str:
    return re.sub(r"[\s\-\u2010\u2011\u2013]+", "", form.lower()).replace("\u2019", "'")


def context_forms(text: str, layout: Layout) -> list[Mention]:
    """Names from data/treaty_variants.csv whose year and context fit."""
    pattern, by_form = _context_forms()
    found = []
    for match in pattern.finditer(text):
        nearby = text[max(0, match.start() - CONTEXT_CHARS):match.end() + CONTEXT_CHARS]
        for treaty, context, from_year, to_year in by_form.get(_form_key(match.group()), []):
            year = layout.writing_year
            if (from_year and (not year or year < from_year)) or (to_year and (not year or year > to_year)):
                continue
            if context and not re.search(r"(?i)\b(?:" + "|".join(map(re.escape, context)) + ")", nearby):
                continue
            found.append(Mention(match.start(), match.end(), treaty))
            break
    return found
