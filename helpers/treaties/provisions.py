"""Provisions ("Article 5", "Chapter VII") and the instrument each belongs to."""

from __future__ import annotations

import re
from bisect import bisect_right

from helpers.treaties.catalogue import (POSSESSIVE_END, Mention, Treaty, load_treaties, normalise, un_charter,
                                        word_alternation)

# How far back (characters) a bare "Article 5" may look for what it refers to.
PROVISION_CONTEXT_CHARS = 1500
# Provisions news cites by number alone; when several instruments are in view, "Article 5"
# goes to the one famous for it.
FAMOUS_PROVISIONS = {
    "north-atlantic-treaty": {"Article 4", "Article 5"},
    "treaty-on-european-union": {"Article 7", "Article 42(7)", "Article 50"},
    "un-charter": {"Article 2(4)", "Article 51", "Chapter VI", "Chapter VII", "Chapter VIII"},
}

NUMBER_WORDS = {word: number for number, word in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty".split()) if number}
NUMBER_WORDS |= {"fifty": 50, "fifty-one": 51, "forty-two": 42, "thirty": 30}
ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
ROMAN_NUMERALS = ["", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII",
                  "XIII", "XIV", "XV", "XVI", "XVII", "XVIII", "XIX"]

# The UN Charter chapters news cites without naming the Charter (peaceful settlement,
# enforcement, regional arrangements); "Chapter 11" alone is nearly always bankruptcy.
CITED_CHAPTERS = ("Chapter VI", "Chapter VII", "Chapter VIII")
_NUMBER = (r"(?:\d{1,3}(?:\s?\(\d{1,2}\))?(?:\s?\([a-z]\))?(?![\d.,]\d)"
           r"|(?-i:[IVXLC]{1,6})\b"
           r"|(?i:" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")\b)")
_LIST_JOIN = r"(?:\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or|&)\s+)"
PROVISION = re.compile(
    r"(?<![\w.])(?:"
    r"(?P<paragraph>(?:[Pp]aragraph|[Pp]ara\.)\s+(?P<paragraph_number>\d{1,2})\s+of\s+"
    r"(?:[Aa]rticle|Art\.)\s+(?P<paragraph_article>\d{1,3}))"
    r"|(?P<articles>(?:[Aa]rticles?|ARTICLES?|Arts?\.)\s+"
    r"(?P<article_numbers>" + _NUMBER + "(?:" + _LIST_JOIN + _NUMBER + ")*))"
    r"|(?P<chapter>[Cc]hapter\s+(?P<chapter_number>(?-i:[IVX]{1,5})\b|\d{1,2}\b))"
    r")")
# Which words may follow "Article N" to tie it to a named instrument.
LINK_RIGHT = re.compile(r"\s*,?\s*(?:of|in|under|from)\s+(?:the\s+|its\s+)?(?:\d{4}\s+)?", re.I)
GENERIC_INSTRUMENT = re.compile(
    r"\s*,?\s*(?:of|in|under)\s+(?:the|its|this|that)\s+(?:founding\s+)?(?:[Tt]reaty|[Cc]harter)\b")
# A provision of a country's own law, a bankruptcy chapter, a court under the US constitution.
DOMESTIC_AFTER = re.compile(
    r"\s*,?\s*(?:(?:of|in|under)\s+(?:the\s+|its\s+|their\s+|our\s+)?(?:[\w.\u2019'-]+\s+){0,3}"
    r"(?:[Cc]onstitution|Act|Code|[Ll]aw|Bill|[Cc]harter of [A-Z]\w+ [Rr]ights)\b"
    r"|,?\s*[Ss]ection\b|\s*(?:courts?|judges?|powers?)\b)")
CHAPTER_DOMESTIC_AFTER = re.compile(r"\s*(?:bankruptcy|protection|filing|of\s+(?:the\s+)?(?:U\.?S\.?\s+)?[Bb]ankruptcy)")
DOMESTIC_BEFORE = re.compile(r"(?:[Cc]onstitution(?:al)?|[Bb]ankruptcy|Section\s+\d+,?)\s*$")
BANKRUPTCY = re.compile(r"[Bb]ankrupt|[Cc]reditors")
# "Turkey will invoke Article 5": a provision invoked, with no instrument named in its phrase,
# is the one instrument famous for it, whatever else the paragraph names.
INVOKED_BEFORE = re.compile(r"\b(?:" + word_alternation("invoke_verb") + r")\w*\s+(?:the\s+)?$", re.I)


def find_provisions(text, names, organisations, matchers):
    """(start, end, treaty, provision) per provision, and the spans that absorbed a name."""
    name_starts = [mention.start for mention in names]
    cues = sorted(names + organisations, key=lambda mention: mention.start)
    cue_starts = [mention.start for mention in cues]
    results, used = [], []
    cited: dict[str, Treaty] = {}  # provision -> the treaty the article tied it to by name
    for match in PROVISION.finditer(text):
        provisions = _provisions(match)
        if not provisions:
            continue
        start, end = match.span()
        treaty, linked_end = _linked_after(text, end, names, name_starts)
        if treaty is None and (generic := GENERIC_INSTRUMENT.match(text, end)):
            # "Article 5 of the treaty" with no treaty named nearby, but NATO is
            treaty = _from_context(text, start, end, provisions, cues, cue_starts)
            linked_end = generic.end()
        linked_start = start
        if treaty is None:
            domestic_after = CHAPTER_DOMESTIC_AFTER if match.group("chapter") else DOMESTIC_AFTER
            if domestic_after.match(text, end) or DOMESTIC_BEFORE.search(text, max(0, start - 20), start):
                continue
            treaty, linked_start = _linked_before(text, start, matchers, names, name_starts)
        if treaty is None and (invoked := _famous_for(provisions)) and \
                INVOKED_BEFORE.search(text, max(0, start - 25), start):
            treaty = cited.setdefault(provisions[0], invoked)
        if treaty is None:
            treaty = cited.get(provisions[0]) or _from_context(text, start, end, provisions, cues, cue_starts)
            if treaty is None:
                continue
        else:
            start, end = min(start, linked_start), max(end, linked_end or end)
            used.append((start, end))
            cited.update((provision, treaty) for provision in provisions)
        results += [(start, end, treaty, provision) for provision in provisions]
    return results, used


def _provisions(match: re.Match) -> list[str]:
    if match.group("paragraph"):
        return [f"Article {match.group('paragraph_article')}({match.group('paragraph_number')})"]
    if match.group("chapter"):
        number = _number(match.group("chapter_number"))
        return [f"Chapter {ROMAN_NUMERALS[number]}"] if number and number < len(ROMAN_NUMERALS) else []
    keyword = match.group("articles").split()[0]
    numbers = re.split(_LIST_JOIN, match.group("article_numbers"))
    if len(numbers) > 1 and not keyword.lower().startswith(("articles", "arts")):
        numbers = numbers[:1]  # "Article 5 and the ...": only the first number is an article
    provisions = []
    for raw in numbers:
        parts = re.match(r"(\w+)\s?((?:\(\w{1,2}\)\s?)*)", raw)
        if keyword.islower() and not parts.group(1).isdigit():
            continue  # "an article I wrote", "the article one reads"
        number = _number(parts.group(1))
        if number:
            provisions.append(f"Article {number}{parts.group(2).replace(' ', '')}")
    return provisions


def _number(raw: str) -> int | None:
    raw = raw.strip()
    if raw.isdigit():
        return int(raw) or None
    if raw.lower() in NUMBER_WORDS:
        return NUMBER_WORDS[raw.lower()]
    if raw and set(raw) <= set(ROMAN_VALUES):
        values = [ROMAN_VALUES[c] for c in raw]
        return sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))
    return None


def _linked_after(text, end, names, name_starts):
    """The treaty named right after "Article 5 of (the) ...", and where its name ends."""
    link = LINK_RIGHT.match(text, end)
    if not link:
        return None, None
    index = bisect_right(name_starts, link.end()) - 1
    if index >= 0 and names[index].start == link.end():
        return names[index].treaty, names[index].end
    return None, None


def _linked_before(text, start, matchers, names, name_starts):
    """The treaty named or founding organisation right before: "NATO's Article 5"."""
    window_start = max(0, start - 80)
    before = matchers.named_before.search(text, window_start, start)
    if before is None:
        index = bisect_right(name_starts, start) - 1  # an anaphor: "the treaty's Article 5"
        if index >= 0 and re.fullmatch(POSSESSIVE_END.pattern, text[names[index].end:start]):
            return names[index].treaty, names[index].start
        return None, start
    phrase = re.sub(POSSESSIVE_END.pattern, "", before.group())
    key = normalise(phrase)
    treaty = matchers.by_form.get(key) or matchers.by_organisation.get(key)
    return (treaty, before.start()) if treaty else (None, start)


def _from_context(text, start, end, provisions, cues, cue_starts):
    """The instrument a bare provision refers to, among those named (or whose founding
    organisation is named) shortly before it or in its own paragraph: one famous for this
    provision, else the nearest in the paragraph, else the nearest before.
    Only instruments that have such a provision qualify."""
    paragraph_start = text.rfind("\n\n", 0, start) + 1
    paragraph_end = text.find("\n\n", end)
    paragraph_end = len(text) if paragraph_end < 0 else paragraph_end
    is_chapter = provisions[0].startswith("Chapter")
    if is_chapter and (provisions[0] not in CITED_CHAPTERS or BANKRUPTCY.search(text, paragraph_start, paragraph_end)):
        return None  # "Chapter 11" and any chapter near "bankruptcy": US bankruptcy chapters
    window_start = max(0, start - PROVISION_CONTEXT_CHARS)
    nearby = [cue for cue in cues[bisect_right(cue_starts, window_start - 1):bisect_right(cue_starts, paragraph_end)]
              if cue.start < paragraph_end and (cue.end <= start or cue.start >= end)
              and _has_provisions(cue.treaty, provisions)]
    if not nearby:
        # A Roman "Chapter VII" on its own is the UN Charter's; bankruptcy chapters are Arabic.
        return un_charter() if is_chapter and provisions[0].split()[1].isalpha() else None
    famous = [cue for cue in nearby if set(provisions) <= FAMOUS_PROVISIONS.get(cue.treaty.treaty_id, set())]
    if famous:
        return min(famous, key=lambda cue: _distance(cue, start, end)).treaty
    in_paragraph = [cue for cue in nearby if cue.start >= paragraph_start]
    if in_paragraph:
        return min(in_paragraph, key=lambda cue: _distance(cue, start, end)).treaty
    before = [cue for cue in nearby if cue.end <= start]
    return before[-1].treaty if before else None


def _famous_for(provisions: list[str]) -> Treaty | None:
    """The one instrument famous for all these provisions, if there is one."""
    famous = [treaty_id for treaty_id, cited in FAMOUS_PROVISIONS.items() if set(provisions) <= cited]
    if len(famous) != 1:
        return None
    return next(treaty for treaty in load_treaties() if treaty.treaty_id == famous[0])


def _has_provisions(treaty: Treaty, provisions: list[str]) -> bool:
    if provisions[0].startswith("Chapter"):
        return treaty.treaty_id == "un-charter"
    numbers = [int(re.match(r"Article (\d+)", p).group(1)) for p in provisions]
    return not treaty.articles or max(numbers) <= treaty.articles


def _distance(cue: Mention, start: int, end: int) -> int:
    return start - cue.end if cue.end <= start else cue.start - end

