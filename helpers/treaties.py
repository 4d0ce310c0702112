"""Treaty and provision references: the `treaty_refs` table.

Three passes over the article text, all with regular expressions compiled once from
`data/treaties.csv`:

1. names, aliases and acronyms of the instruments ("the Washington Treaty", "NPT"), and
   "the treaty" / "the accord" for the instrument it means: the one named in the same
   sentence or alone in the previous one, else the most salient in reach (the document's
   topic, named in its lead, or one named shortly before);
2. provisions ("Article 5", "Art. 5", "Article V", "Article Five", "Articles 4 and 5",
   "Article 42(7)", "paragraph 2 of Article 51", "Chapter VII"), each linked to its
   instrument by the phrase around it ("... of the North Atlantic Treaty", "NATO's ..."),
   or else by context (the instrument or founding organisation named shortly before);
3. provisions with a domestic cue ("of the Constitution", "Chapter 11 bankruptcy") or with
   nothing to link them to are dropped: a wrong treaty is worse than a missing one.

A provision linked by its phrase is one row spanning the whole phrase ("Article 5 of the North
Atlantic Treaty"); "Articles 4 and 5" gives one row per article over the same span.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass
from functools import cache

from helpers.data_files import data_rows
from helpers.structure import Context



@cache
def _anaphora_word_rows() -> tuple[dict, ...]:
    """The rows (word, role, kind) of `data/treaty_anaphora.csv`, the anaphora rules' word lists."""
    return tuple(data_rows("treaty_anaphora.csv"))


def _anaphora_words(role: str) -> list[str]:
    return [row["word"] for row in _anaphora_word_rows() if row["role"] == role]


def _word_alternation(role: str) -> str:
    return "|".join(re.escape(word) for word in _anaphora_words(role))


# How far back (characters) a bare "Article 5" or "the treaty" may look for what it refers
# to. Anaphora need a closer antecedent than provisions: "the agreement" drifts to other
# deals quickly, while "Article 5" keeps meaning NATO's for a whole briefing answer. The
# document's topic is the exception: an instrument named in its lead (the headline and first
# paragraphs, LEAD_PARAGRAPHS in all and at most LEAD_CHARS, for texts with few paragraph
# breaks) is what "the treaty" means from any distance, when the noun is one of its names'
# words (a briefing's later "the agreement" is often some other deal).
PROVISION_CONTEXT_CHARS = 1500
ANAPHOR_CONTEXT_CHARS = 1000
LEAD_PARAGRAPHS = 3
LEAD_CHARS = 1000
# Among the instruments an anaphor can reach, the most salient: one point per mention so far
# (names and resolved anaphora), PROMINENT_MENTION_WEIGHT for a mention in the lead or one
# that presents the instrument as the subject ("this treaty", "the new treaty").
PROMINENT_MENTION_WEIGHT = 3
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
# Names that contain a treaty's name but are something else.
NOT_TREATIES = ("North Atlantic Treaty Organization", "North Atlantic Treaty Organisation",
                "Washington Convention Center", "Geneva Convention Center",
                "Paris Agreement on Vietnam")

_APOSTROPHE = "['\u2019]"
# A name starts a word, or follows "anti-" / "pro-" ("anti-TPP activists").
_NAME_START = r"(?:(?<=[Aa]nti-)|(?<=[Pp]ro-)|(?<![\w-]))"
_DASH = "(?:[-\u2010\u2011\u2013]|\\s)"
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
POSSESSIVE_END = re.compile(rf"(?:{_APOSTROPHE}s?)?\s+(?:own\s+|founding\s+)?$")
# A provision of a country's own law, a bankruptcy chapter, a court under the US constitution.
DOMESTIC_AFTER = re.compile(
    r"\s*,?\s*(?:(?:of|in|under)\s+(?:the\s+|its\s+|their\s+|our\s+)?(?:[\w.\u2019'-]+\s+){0,3}"
    r"(?:[Cc]onstitution|Act|Code|[Ll]aw|Bill|[Cc]harter of [A-Z]\w+ [Rr]ights)\b"
    r"|,?\s*[Ss]ection\b|\s*(?:courts?|judges?|powers?)\b)")
CHAPTER_DOMESTIC_AFTER = re.compile(r"\s*(?:bankruptcy|protection|filing|of\s+(?:the\s+)?(?:U\.?S\.?\s+)?[Bb]ankruptcy)")
DOMESTIC_BEFORE = re.compile(r"(?:[Cc]onstitution(?:al)?|[Bb]ankruptcy|Section\s+\d+,?)\s*$")
BANKRUPTCY = re.compile(r"[Bb]ankrupt|[Cc]reditors")
# "the treaty", "this accord", "the global climate deal": up to four modifiers, none a function
# word or verb ("the terms of the agreement", "makes this treaty") nor a word naming another
# kind of deal ("the ceasefire agreement", see OTHER_DEAL_WORDS). Capitalised modifiers must
# echo the instrument's name ("the Pacific Rim trade accord" for the Trans-Pacific Partnership),
# and with a capitalised noun they make a proper name ("the Korean Free Trade Agreement"), which
# is some other instrument when it is not on the list.
# Nor is an "-ing" form, a verb there ("signing the treaty").
_NOT_MODIFIERS = _word_alternation("not_modifier") + "|[a-z]+ing"
ANAPHOR = re.compile(
    r"(?<!\w)(?P<determiner>[Tt]he|[Tt]his|[Tt]hat)\s+"
    r"(?P<modifiers>(?:(?:(?!(?:" + _NOT_MODIFIERS + r")\b)[A-Za-z][\w-]*|\d[\w-]*)\s+){0,4}?)"
    r"(?P<noun>[Tt]reaty|[Aa]ccords?|[Aa]greement|[Pp]act|[Dd]eal|[Cc]onvention|[Cc]harter|"
    r"[Pp]rotocol|[Cc]onstitution)(?![\w-])(?!\s+(?:of|on|between|that)\b)")
# "the deal with Iran", "the agreement to cut emissions": a phrase that says which deal is
# meant names another one, unless the infinitive belongs to a verb before it ("allow the accord
# to pass"); "the treaty with our negotiators" is still the treaty, but "deal with" is a verb.
WITH_A_PARTY = re.compile(r"\s+with\s+(?:the\s+)?[A-Z]")
DEAL_WITH = re.compile(r"\s+with\b")
TO_INFINITIVE = re.compile(r"\s+to\s")
VERB_TAKING_OBJECT_AND_INFINITIVE = re.compile(
    r"\b(?:" + _word_alternation("verb_taking_object_and_infinitive") + r")(?:s|ed|ing)?\s+$", re.I)
# "The agreement -- the Strategic Concept said": a name in apposition says what is meant.
DASH_APPOSITION = re.compile(r"\s*(?:--|\u2014|\u2013)\s*(?:the\s+)?[A-Z]")
# "the treaty and the protocol": the protocol coordinated with a treaty is that treaty's own.
COORDINATED = re.compile(r"\s*,?\s*(?:and|&)\s*$")
OTHER_DEAL_WORDS = frozenset(_anaphora_words("other_deal"))
# Modifiers that say what a deal is about ("the nuclear deal", "the trade accord") fit an
# instrument of that kind on the list, or one whose names use the word.
_SUBJECT_KINDS = [(row["word"], row["kind"]) for row in _anaphora_word_rows() if row["role"] == "subject"]
KINDS_BY_SUBJECT = {subject: {kind for word, kind in _SUBJECT_KINDS if word == subject} for subject, _ in _SUBJECT_KINDS}
# "the new treaty" is an instrument called new (New START) or one signed at most a year before
# the document was written; any other is some deal still to come.
NEW_INSTRUMENT_YEARS = 1
INDEFINITE_ARTICLE_BEFORE = re.compile(r"\b[Aa]n?\s+$")
# "the current START", "the original START treaty": a generic name that means the older instrument.
OLDER_INSTRUMENT_BEFORE = re.compile(r"\b(?:" + _word_alternation("older_instrument") + r")\s+$", re.I)
YEAR = re.compile(r"\b(?:19[4-9]\d|20[0-4]\d)\b")
# An undated document was written in about the latest year it mentions, but not a year after a
# deadline word: "by 2035 the arsenal will shrink" sets a target, it says nothing of when it
# was written. (Other future years, "in 2035", still count: telling them apart needs tense.)
DEADLINE_BEFORE = re.compile(r"\b(?:by|until|till|through|before)\s+$", re.I)
# Sentence ends: ., ! or ? (and closing quotes) before a space, not after an initial ("U.S.",
# "George W. Bush") or a title; and line breaks (paragraphs, speaker turns).
SENTENCE_BREAK = re.compile(
    r"(?<=[.!?])(?<!\b[A-Z]\.)(?i:(?<!\bM[rs]\.)(?<!\bMrs\.)(?<!\bDr\.))[\"'\u201d\u2019)]*\s+|\n+")
# "He said that agreement was near": "that" is a conjunction there, not a determiner. It can be
# one only before a noun that stands without a determiner, a plural or a mass noun: in "he said
# that accord should guide us" it is a determiner.
THAT_AS_CONJUNCTION = re.compile(
    r"\b(?:said|says|say|saying|think|thinks|believe|believes|hope|hopes|ensure|means|argue[ds]?|"
    r"noted|added|clear|sure|so|now|and)\s+$", re.I)
MASS_NOUNS = frozenset(_anaphora_words("mass_noun"))


@dataclass(frozen=True)
class Treaty:
    treaty_id: str
    name: str
    aliases: tuple[str, ...]
    year: int | None
    organisations: tuple[str, ...]
    founds: bool
    articles: int | None
    kind: str
    successor: str | None = None


@dataclass(frozen=True)
class Mention:
    """A name, anaphor or organisation found in the text, before it becomes a record."""

    start: int
    end: int
    treaty: Treaty
    presents_topic: bool = False  # "this treaty", "the new treaty": the instrument under discussion


@cache
def load_treaties() -> tuple[Treaty, ...]:
    """The project's treaty list, in file order."""
    return tuple(Treaty(row["treaty_id"], row["name"], _split(row["aliases"]),
                        int(row["year"]) if row["year"] else None,
                        _split(row["organisation"]), row["founds"] == "yes",
                        int(row["articles"]) if row["articles"] else None, row["kind"],
                        row["successor"] or None)
                 for row in data_rows("treaties.csv"))


def treaty_table():
    """The treaty list as a DataFrame (aliases and organisations joined with `|`)."""
    import pandas as pd

    return pd.DataFrame([{"treaty_id": t.treaty_id, "treaty": t.name, "aliases": "|".join(t.aliases),
                          "year": t.year, "organisation": "|".join(t.organisations),
                          "founds": t.founds, "articles": t.articles, "kind": t.kind}
                         for t in load_treaties()]).astype({"year": "Int64", "articles": "Int64"})


@dataclass(frozen=True)
class _Matchers:
    names: re.Pattern          # every name, alias and acronym, plus NOT_TREATIES
    by_form: dict              # normalised form -> Treaty (None for NOT_TREATIES)
    acronyms: dict             # normalised form -> acronyms each spelling must keep
    organisations: re.Pattern  # founding organisations ("NATO", "the UN")
    by_organisation: dict      # normalised organisation -> founding Treaty
    named_before: re.Pattern   # a name or organisation ending right before a provision


@cache
def _matchers() -> _Matchers:
    treaties = load_treaties()
    by_form: dict[str, Treaty | None] = {}
    for treaty in treaties:
        for form in (treaty.name, *treaty.aliases):
            by_form.setdefault(_normalise(form), treaty)
    for form in NOT_TREATIES:
        by_form[_normalise(form)] = None
    name_forms = {form for t in treaties for form in (t.name, *t.aliases)} | set(NOT_TREATIES)
    names = _trie_pattern(name_forms, case_sensitive=False)
    org_forms = {org for t in treaties if t.founds for org in t.organisations}
    organisations = _trie_pattern(org_forms, case_sensitive=True)
    return _Matchers(
        names=re.compile(rf"{_NAME_START}(?i:{names})(?![\w-])(?!\s+(?:Act|Implementation)\b)"),
        by_form=by_form,
        acronyms=_acronyms_by_form(name_forms),
        organisations=re.compile(rf"(?<![\w-]){organisations}(?![\w-])"),
        by_organisation={_normalise(org): t for t in treaties if t.founds for org in t.organisations},
        named_before=re.compile(rf"(?<![\w-])(?:(?i:{names})|{organisations})" + POSSESSIVE_END.pattern))


def _trie_pattern(forms, case_sensitive: bool) -> str:
    """One regex for many names, shared prefixes factored out so that it runs in one pass
    (a flat alternation of a few hundred names was 10 times slower than the parse budget).
    Spaces, hyphens and apostrophes are flexible: "Non-Proliferation", "Nonproliferation".
    Alternatives are tried in the order their forms are added: longer forms first, so a
    longer name tends to win, and in a fixed order, so the pattern is the same in every run."""
    trie: dict = {}
    for form in sorted(forms, key=lambda form: (-len(form), form)):
        node = trie
        for unit in _units(form, case_sensitive):
            node = node.setdefault(unit, {})
        node[""] = {}  # a form ends here

    def emit(node: dict) -> str:
        branches = [unit + emit(child) for unit, child in node.items() if unit]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return emit(trie)


def _units(form: str, case_sensitive: bool) -> list[str]:
    units = []
    for piece in re.findall(r"\s+|[-\u2010\u2011\u2013]|['\u2019]|.", form):
        if piece.isspace():
            units.append(r"\s+")
        elif piece in "-\u2010\u2011\u2013":
            units.append(_DASH + "?")
        elif piece in "'\u2019":
            units.append(_APOSTROPHE)
        else:
            units.append(re.escape(piece if case_sensitive else piece.lower()))
    return units


def _acronyms_by_form(forms) -> dict[str, list[tuple[str, ...]]]:
    """Normalised form -> the all-capital words each spelling of it must keep ("NPT", "New START")."""
    acronyms: dict[str, list[tuple[str, ...]]] = {}
    for form in forms:
        words = tuple(w for w in re.split(r"[\s\-\u2013]+", form)
                      if sum(c.isupper() for c in w) >= 2)  # "NPT", "TiSA", "PfP"
        acronyms.setdefault(_normalise(form), []).append(words)
    return acronyms


def extract_treaty_refs(context: Context) -> list[dict]:
    """Records of the `treaty_refs` table for one article."""
    text = context.text
    matchers = _matchers()
    layout = _layout(text, context.article.get("date"))
    names = _find_names(text, matchers, layout)
    organisations = [Mention(m.start(), m.end(), matchers.by_organisation[_normalise(m.group())])
                     for m in matchers.organisations.finditer(text)]
    names = _with_anaphora(text, names, layout)
    provisions, used = _find_provisions(text, names, organisations, matchers)
    used = _Spans(used)
    records = [context.record(m.start, m.end, treaty_id=m.treaty.treaty_id, treaty=m.treaty.name,
                              provision=None)
               for m in names if not used.overlap(m.start, m.start + 1)]
    records += [context.record(start, end, treaty_id=treaty.treaty_id, treaty=treaty.name,
                               provision=provision)
                for start, end, treaty, provision in provisions]
    return sorted(records, key=lambda r: (r["start_char"], r["end_char"], r["provision"] or ""))


@dataclass(frozen=True)
class _Layout:
    """Where a document's sentences and lead are, and the year it was written."""

    sentence_starts: list[int]  # ending with the text's length
    lead_end: int
    writing_year: int | None  # its date's, or else the latest year it mentions (not as a deadline)

    def sentence(self, position: int) -> int:
        return bisect_right(self.sentence_starts, position) - 1

    def sentence_span(self, position: int) -> tuple[int, int]:
        index = self.sentence(position)
        return self.sentence_starts[index], self.sentence_starts[index + 1]


def _layout(text: str, date) -> _Layout:
    paragraph_breaks = [m.start() for m in re.finditer(r"\n\s*\n", text)] + [len(text)]
    lead_end = min(paragraph_breaks[min(LEAD_PARAGRAPHS, len(paragraph_breaks)) - 1], LEAD_CHARS)
    years = [int(year.group()) for year in YEAR.finditer(text)
             if not DEADLINE_BEFORE.search(text, max(0, year.start() - 12), year.start())]
    sentence_starts = [0] + [m.end() for m in SENTENCE_BREAK.finditer(text)] + [len(text)]
    return _Layout(sentence_starts, lead_end, _year(date) or max(years, default=None))


def _year(date) -> int | None:
    text = str(date) if date is not None else ""
    return int(text[:4]) if text[:4].isdigit() else None


def _find_names(text: str, matchers: _Matchers, layout: _Layout) -> list[Mention]:
    by_id = {treaty.treaty_id: treaty for treaty in load_treaties()}
    found: list[Mention] = []
    for match in matchers.names.finditer(text):
        key = _normalise(match.group())
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
        found.append(Mention(match.start(), _after_acronym_in_brackets(text, match.end(), treaty), treaty))
    # A generic name ("START") may mean the instrument that replaced the one it names.
    named = {mention.treaty.treaty_id for mention in found}
    mentions = []
    for mention in found:
        successor = by_id.get(mention.treaty.successor)
        if successor and _means_successor(text, mention, successor, layout, successor.treaty_id in named):
            mention = Mention(mention.start, mention.end, successor)
        mentions.append(mention)
    return mentions


def _in_capitals_line(text: str, start: int, end: int) -> bool:
    """Whether the rest of the line around start:end has letters, none of them lower case."""
    line_start, line_end = text.rfind("\n", 0, start) + 1, text.find("\n", end)
    rest = text[line_start:start] + text[end:len(text) if line_end < 0 else line_end]
    return any(c.isalpha() for c in rest) and not any(c.islower() for c in rest)


def _means_successor(text: str, mention: Mention, successor: Treaty, layout: _Layout,
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


class _Spans:
    """Half-open spans of the text, asked whether any overlaps a stretch: by bisection, as
    a long text has thousands of them."""

    def __init__(self, spans):
        self.spans = sorted(spans)
        self.starts = [start for start, _ in self.spans]
        self.longest = max((end - start for start, end in self.spans), default=0)

    def overlap(self, start: int, end: int) -> bool:
        return any(start < span_end for _, span_end in
                   self.spans[bisect_left(self.starts, start - self.longest):bisect_left(self.starts, end)])


def _with_anaphora(text: str, names: list[Mention], layout: _Layout) -> list[Mention]:
    """`names` plus "the treaty", "this accord" ... for the instrument each one means.

    A resolved anaphor is itself a mention, so a chain of "this treaty" through a long briefing
    keeps its instrument salient."""
    discourse = _Discourse(names, layout)
    named_spans = _Spans((mention.start, mention.end) for mention in names)
    for match in ANAPHOR.finditer(text):
        start, end = match.span()
        if named_spans.overlap(start, end) or not _is_anaphor(text, match):
            continue
        discourse.count_until(start)
        treaty = _antecedent(text, match, discourse)
        if treaty:
            modifiers = match.group("modifiers").split()
            presents_topic = match.group("determiner").lower() == "this" or "new" in modifiers
            discourse.add(Mention(match.start("modifiers"), end, treaty, presents_topic))
    return discourse.mentions


class _Discourse:
    """A document's mentions in order of start, and for those counted so far (every mention that
    starts before the anaphor being resolved) each instrument's salience, kept running as the
    anaphora are resolved left to right: resolving one then costs time in the number of
    instruments, not of mentions (rebuilding them per anaphor was quadratic in a long briefing)."""

    def __init__(self, names: list[Mention], layout: _Layout):
        self.layout = layout
        self.mentions = list(names)
        self.starts = [mention.start for mention in names]
        self.counted = 0  # mentions[:counted] are in the figures below
        self.salience: Counter = Counter()
        self.last_end: dict[Treaty, int] = {}
        self.in_lead: set[Treaty] = set()

    def count_until(self, position: int) -> None:
        """Count the mentions that start at or before `position`."""
        while self.counted < len(self.mentions) and self.mentions[self.counted].start <= position:
            mention = self.mentions[self.counted]
            in_lead = mention.start < self.layout.lead_end
            self.salience[mention.treaty] += PROMINENT_MENTION_WEIGHT if in_lead or mention.presents_topic else 1
            self.last_end[mention.treaty] = mention.end
            if in_lead:
                self.in_lead.add(mention.treaty)
            self.counted += 1

    def add(self, mention: Mention) -> None:
        index = bisect_right(self.starts, mention.start)
        self.mentions.insert(index, mention)
        self.starts.insert(index, mention.start)

    def last(self) -> Mention | None:
        return self.mentions[self.counted - 1] if self.counted else None

    def counted_between(self, start: int, end: int) -> list[Mention]:
        """The counted mentions that start in start:end."""
        return self.mentions[bisect_left(self.starts, start, 0, self.counted):
                             bisect_left(self.starts, end, 0, self.counted)]


def _is_anaphor(text: str, match: re.Match) -> bool:
    if set(match.group("modifiers").split()) & OTHER_DEAL_WORDS:
        return False
    end, noun = match.end(), match.group("noun").lower()
    if WITH_A_PARTY.match(text, end) or (noun == "deal" and DEAL_WITH.match(text, end)) or \
            DASH_APPOSITION.match(text, end):
        return False
    if TO_INFINITIVE.match(text, end) and not VERB_TAKING_OBJECT_AND_INFINITIVE.search(
            text, max(0, match.start() - 30), match.start()):
        return False
    can_stand_bare = noun.endswith("s") or noun in MASS_NOUNS
    return match.group("determiner").lower() != "that" or not can_stand_bare or \
        not THAT_AS_CONJUNCTION.search(text, max(0, match.start() - 30), match.start())


def _antecedent(text: str, match: re.Match, discourse: _Discourse) -> Treaty | None:
    """The instrument an anaphor means, among those mentioned before it and whose kind fits.

    One named in the same sentence (the latest, preferring one whose name has the anaphor's
    noun), else the only one named in the previous sentence; else (nothing there, or a list of
    several) among those it can reach (the document's topic, and instruments named within
    ANAPHOR_CONTEXT_CHARS) one whose name has the noun, the most salient, the latest."""
    latest = discourse.last()
    if latest is None:
        return None
    layout = discourse.layout
    # "the treaty and the protocol": that treaty's own protocol, whatever the noun, but not
    # "the Kyoto Protocol and the Korean Free Trade Agreement", whose modifiers name another deal
    if COORDINATED.fullmatch(text, latest.end, match.start()) and \
            _modifiers_fit(match, latest.treaty, layout.writing_year):
        return latest.treaty
    fitting = {treaty for treaty in discourse.salience if _can_mean(match, treaty, layout.writing_year)}
    noun = match.group("noun").lower().rstrip("s")
    sentence = layout.sentence(match.start())
    sentence_start, sentence_end = layout.sentence_starts[sentence], layout.sentence_starts[sentence + 1]
    in_sentence = [mention for mention in discourse.counted_between(sentence_start, sentence_end)
                   if mention.treaty in fitting]
    if in_sentence:
        return max(in_sentence, key=lambda m: (noun in _treaty_name_words(m.treaty), m.start)).treaty
    if sentence > 0:
        previous_sentence = discourse.counted_between(layout.sentence_starts[sentence - 1], sentence_start)
        in_previous_sentence = {mention.treaty for mention in previous_sentence if mention.treaty in fitting}
        if len(in_previous_sentence) == 1:
            return in_previous_sentence.pop()
    reachable = [treaty for treaty in discourse.salience if treaty in fitting and (
        (treaty in discourse.in_lead and noun in _treaty_name_words(treaty))  # the document's topic
        or match.start() - discourse.last_end[treaty] <= ANAPHOR_CONTEXT_CHARS)]
    return max(reachable, key=lambda t: (noun in _treaty_name_words(t), discourse.salience[t], discourse.last_end[t]),
               default=None)


def _can_mean(match: re.Match, treaty: Treaty, writing_year: int | None) -> bool:
    """Whether the anaphor can mean the instrument: its noun fits and so do its modifiers."""
    return _noun_fits(match.group("noun"), treaty) and _modifiers_fit(match, treaty, writing_year)


def _modifiers_fit(match: re.Match, treaty: Treaty, writing_year: int | None) -> bool:
    """ "new" fits only a new instrument, a subject ("nuclear", "trade") only one of that kind,
    and capitalised modifiers, if any, must repeat a word of the instrument's names."""
    modifiers = match.group("modifiers").split()
    if "new" in modifiers and not _is_new(treaty, writing_year):
        return False
    if any(treaty.kind not in KINDS_BY_SUBJECT[word] and word not in _treaty_name_words(treaty)
           for word in modifiers if word in KINDS_BY_SUBJECT):
        return False
    capitalised = [word for word in modifiers if word[0].isupper()]
    if not capitalised:
        return True
    if match.group("noun")[0].isupper():
        return False  # a proper name of its own
    return bool(_treaty_name_words(treaty) & _words(" ".join(capitalised)))


def _is_new(treaty: Treaty, writing_year: int | None) -> bool:
    recent = writing_year and treaty.year and treaty.year >= writing_year - NEW_INSTRUMENT_YEARS
    return "new" in _treaty_name_words(treaty) or bool(recent)


@cache
def _treaty_name_words(treaty: Treaty) -> frozenset[str]:
    """The lower-case words of a treaty's name and aliases."""
    return frozenset(_words(" ".join((treaty.name, *treaty.aliases))))


def _words(phrase: str) -> set[str]:
    return {word.lower() for word in re.findall(r"[A-Za-z]+", phrase)}


def _noun_fits(noun: str, treaty: Treaty) -> bool:
    """ "the convention" needs a convention; "the treaty" or "the agreement" fits any instrument."""
    noun = noun.lower().rstrip("s")
    if noun in {"treaty", "accord", "agreement", "pact"}:
        return True
    return any(noun in form.lower() for form in (treaty.name, *treaty.aliases))


def _find_provisions(text, names, organisations, matchers):
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
    key = _normalise(phrase)
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
        return _un_charter() if is_chapter and provisions[0].split()[1].isalpha() else None
    famous = [cue for cue in nearby if set(provisions) <= FAMOUS_PROVISIONS.get(cue.treaty.treaty_id, set())]
    if famous:
        return min(famous, key=lambda cue: _distance(cue, start, end)).treaty
    in_paragraph = [cue for cue in nearby if cue.start >= paragraph_start]
    if in_paragraph:
        return min(in_paragraph, key=lambda cue: _distance(cue, start, end)).treaty
    before = [cue for cue in nearby if cue.end <= start]
    return before[-1].treaty if before else None


def _has_provisions(treaty: Treaty, provisions: list[str]) -> bool:
    if provisions[0].startswith("Chapter"):
        return treaty.treaty_id == "un-charter"
    numbers = [int(re.match(r"Article (\d+)", p).group(1)) for p in provisions]
    return not treaty.articles or max(numbers) <= treaty.articles


def _distance(cue: Mention, start: int, end: int) -> int:
    return start - cue.end if cue.end <= start else cue.start - end


def _un_charter() -> Treaty:
    return next(treaty for treaty in load_treaties() if treaty.treaty_id == "un-charter")


def _normalise(form: str) -> str:
    form = re.sub(r"[-\u2010\u2011\u2013\s]+", " ", form.lower()).replace("\u2019", "'")
    return form.replace(" ", "")


def _split(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split("|") if part.strip())
