"""Names, aliases and acronyms of listed instruments, and generic names meaning a successor."""

from __future__ import annotations

import re

from helpers.treaties.catalogue import Matchers, Mention, Treaty, load_treaties, normalise, word_alternation
from helpers.treaties.layout import YEAR, Layout

INDEFINITE_ARTICLE_BEFORE = re.compile(r"\b[Aa]n?\s+$")
# "the current START", "the original START treaty": a generic name that means the older instrument.
OLDER_INSTRUMENT_BEFORE = re.compile(r"\b(?:" + word_alternation("older_instrument") + r")\s+$", re.I)
# "a replacement START treaty", "a START I replacement": the instrument that replaces it.
SUCCESSOR_WORD_BEFORE = re.compile(r"\b(?:" + word_alternation("successor_word") + r")\s+$", re.I)
SUCCESSOR_WORD_AFTER = re.compile(r"\s+(?:" + word_alternation("successor_word") + r")\b", re.I)


def find_names(text: str, matchers: Matchers, layout: Layout) -> list[Mention]:
    by_id = {treaty.treaty_id: treaty for treaty in load_treaties()}
    found: list[Mention] = []
    for match in matchers.names.finditer(text):
        key = normalise(match.group())
        treaty = matchers.by_form[key]
        if treaty is None or (found and match.start() < found[-1].end):
            continue
        # the regex ignores case; acronyms must keep it ("NPT", not "npt"), and in a line all in
        # capitals (a heading) they cannot be told from words ("START", "SORT")
        acronym_spellings = matchers.acronyms[key]
        if not any(all(word in match.group() for word in words) for words in acronym_spellings):
            continue
        if any(acronym_spellings) and _in_capitals_line(text, match.start(), match.end()):
            continue
        if match.group()[-1].islower() and not treaty.successor and \
                INDEFINITE_ARTICLE_BEFORE.search(text, max(0, match.start() - 4), match.start()):
            continue  # "a WTO agreement": a kind of deal, not the one listed ("a START treaty" is a successor)
        found.append(Mention(match.start(), _after_acronym_in_brackets(text, match.end(), treaty), treaty))
    # A generic name ("START") may mean the instrument that replaced the one it names.
    named = {mention.treaty.treaty_id for mention in found}
    mentions = []
    for mention in found:
        successor = by_id.get(mention.treaty.successor)
        replacement = SUCCESSOR_WORD_AFTER.match(text, mention.end)
        if successor and (replacement or SUCCESSOR_WORD_BEFORE.search(text, max(0, mention.start - 20), mention.start)):
            mention = Mention(mention.start, replacement.end() if replacement else mention.end, successor)
        elif successor and _means_successor(text, mention, successor, layout, successor.treaty_id in named):
            mention = Mention(mention.start, mention.end, successor)
        mentions.append(mention)
    return mentions


def _in_capitals_line(text: str, start: int, end: int) -> bool:
    """Whether the rest of the line around start:end has letters, none of them lower case."""
    line_start, line_end = text.rfind("\n", 0, start) + 1, text.find("\n", end)
    rest = text[line_start:start] + text[end:len(text) if line_end < 0 else line_end]
    return any(c.isalpha() for c in rest) and not any(c.islower() for c in rest)


def _means_successor(text: str, mention: Mention, successor: Treaty, layout: Layout,
                     successor_named: bool) -> bool:
    """Whether a generic name ("START", "the START treaty") means the successor instrument.

    Not when marked as the older one ("the current START"). Otherwise the year in view decides:
    a year written in its sentence ("START, signed in 1991"), else the year the document was
    written. With an indefinite article ("to complete a START treaty") once the original exists,
    a new one is being made; from the successor's year on, the generic name is the successor's;
    before it, it is the successor's only in a document that names the successor (the generic
    name is then its short name, while it is being negotiated)."""
    name, treaty = text[mention.start:mention.end], mention.treaty
    if not (successor.year and _is_generic(name)) or \
            OLDER_INSTRUMENT_BEFORE.search(text, max(0, mention.start - 12), mention.start):
        return False
    sentence_start, sentence_end = layout.sentence_span(mention.start)
    years_in_sentence = [(abs(m.start() - mention.start), int(m.group()))
                         for m in YEAR.finditer(text, sentence_start, sentence_end)]
    year = min(years_in_sentence)[1] if years_in_sentence else layout.writing_year
    if year and treaty.year and year > treaty.year and \
            INDEFINITE_ARTICLE_BEFORE.search(text, max(0, mention.start - 4), mention.start):
        return True
    if year and year >= successor.year:
        return True
    return successor_named and not years_in_sentence


def _is_generic(name: str) -> bool:
    """A name without a number of its own: "START treaty", not "START I"."""
    return not any(re.fullmatch(r"[IVX]+|\d", word) for word in re.split(r"[\s-]+", name))


def _after_acronym_in_brackets(text: str, end: int, treaty: Treaty) -> int:
    """`end` moved past " (NPT)" when the bracket repeats the same treaty's acronym."""
    bracket = re.match(r"\s*\(([^()]{2,12})\)", text[end:end + 16])
    if bracket and bracket.group(1) in treaty.aliases:
        return end + bracket.end()
    return end

