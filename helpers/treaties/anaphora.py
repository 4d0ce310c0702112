""""the treaty", "this accord" ... resolved to the instrument each one means."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter

from helpers.treaties.catalogue import (Mention, Spans, Treaty, anaphora_word_rows, anaphora_words, name_words_of,
                                        treaty_name_words, word_alternation)
from helpers.treaties.layout import Layout
from helpers.treaties.naming import name_family

# How far back (characters) "the treaty" may look for what it refers to: closer than a bare
# provision may (provisions.PROVISION_CONTEXT_CHARS), since "the agreement" drifts to other
# deals quickly, while "Article 5" keeps meaning NATO's for a whole briefing answer. The
# document's topic is the exception: an instrument named in its lead (layout.LEAD_PARAGRAPHS)
# is what "the treaty" means from any distance, when the noun is one of its names' words (a
# briefing's later "the agreement" is often some other deal).
ANAPHOR_CONTEXT_CHARS = 1000
# Among the instruments an anaphor can reach, the most salient: one point per mention so far
# (names and resolved anaphora), PROMINENT_MENTION_WEIGHT for a mention in the lead or one
# that presents the instrument as the subject ("this treaty", "the new treaty").
PROMINENT_MENTION_WEIGHT = 3
# The instrument mentioned most, when it has this much salience and more than any other, is
# the document's topic too: a briefing on an agreement named after its opening.
TOPIC_MENTIONS = 4
# "the treaty", "this accord", "the global climate deal": up to four modifiers, none a function
# word or verb ("the terms of the agreement", "makes this treaty") nor a word naming another
# kind of deal ("the ceasefire agreement", see OTHER_DEAL_WORDS). Capitalised modifiers must
# echo the instrument's name ("the Pacific Rim trade accord" for the Trans-Pacific Partnership),
# and with a capitalised noun they make a proper name ("the Korean Free Trade Agreement"), which
# is some other instrument when it is not on the list.
# Nor is an "-ing" form, a verb there ("signing the treaty").
_NOT_MODIFIERS = word_alternation("not_modifier") + "|[a-z]+ing"
ANAPHOR = re.compile(
    r"(?<!\w)(?P<determiner>[Tt]he|[Tt]his|[Tt]hat)\s+"
    r"(?P<modifiers>(?:(?:(?!(?:" + _NOT_MODIFIERS + r")\b)[A-Za-z][\w-]*|\d[\w-]*)\s+){0,4}?)"
    r"(?P<noun>[Tt]reaty|[Aa]ccords?|[Aa]greement|[Pp]act|[Dd]eal|[Cc]onvention|[Cc]harter|"
    r"[Pp]rotocol|[Cc]onstitution)(?![\w-])(?!\s+(?:of|on|between)\b)")
# "the agreement that Iran signed" says which deal is meant; "this agreement that we are
# signing" still points back.
THAT_CLAUSE = re.compile(r"\s+that\b")
# "the deal with Iran", "the agreement to cut emissions": a phrase that says which deal is
# meant names another one, unless the infinitive belongs to a verb before it ("allow the accord
# to pass"); "the treaty with our negotiators" is still the treaty, but "deal with" is a verb.
WITH_A_PARTY = re.compile(r"\s+with\s+(?:the\s+)?[A-Z]")
DEAL_WITH = re.compile(r"\s+with\b")
TO_INFINITIVE = re.compile(r"\s+to\s")
VERB_TAKING_OBJECT_AND_INFINITIVE = re.compile(
    r"\b(?:" + word_alternation("verb_taking_object_and_infinitive") + r")(?:s|ed|ing)?\s+$", re.I)
# "The agreement -- the Strategic Concept said": a name in apposition says what is meant.
DASH_APPOSITION = re.compile(r"\s*(?:--|\u2014|\u2013)\s*(?:the\s+)?[A-Z](?!\s)")  # not "-- I think"
# "the agreement, the Joint Plan of Action": a name in apposition after a comma is what is meant.
COMMA_APPOSITION = re.compile(r",\s+(?:the\s+)?")
# "the omnibus bill, the agreement reached yesterday": in apposition to something not named as
# an instrument, "the agreement" is that thing.
APPOSITION_TO_ANOTHER = re.compile(r"\b(?:the|a|an)\s+[a-z][\w-]*(?:\s+[a-z][\w-]*)?,\s+$")
# "that will be the first major tariff-cutting agreement": after a copula, a description of
# something, not a reference back.
COPULA_BEFORE = re.compile(r"\b(?:is|was|are|were|be|been|being)\s+$", re.I)  # with modifiers only
# "the treaty and the protocol": the protocol coordinated with a treaty is that treaty's own.
COORDINATED = re.compile(r"\s*,?\s*(?:and|&)\s*$")
OTHER_DEAL_WORDS = frozenset(anaphora_words("other_deal"))
# Modifiers that say what a deal is about ("the nuclear deal", "the trade accord") fit an
# instrument of that kind on the list, or one whose names use the word.
_SUBJECT_KINDS = [(row["word"], row["kind"]) for row in anaphora_word_rows() if row["role"] == "subject"]
KINDS_BY_SUBJECT = {subject: {kind for word, kind in _SUBJECT_KINDS if word == subject} for subject, _ in _SUBJECT_KINDS}
# "the new treaty" is an instrument called new (New START) or one signed at most a year before
# the document was written; any other is some deal still to come.
NEW_INSTRUMENT_YEARS = 1
# "He said that agreement was near": "that" is a conjunction there, not a determiner. It can be
# one only before a noun that stands without a determiner, a plural or a mass noun: in "he said
# that accord should guide us" it is a determiner.
THAT_AS_CONJUNCTION = re.compile(
    r"\b(?:said|says|say|saying|think|thinks|believe|believes|hope|hopes|ensure|means|argue[ds]?|"
    r"noted|added|clear|sure|so|now|and)\s+$", re.I)
MASS_NOUNS = frozenset(anaphora_words("mass_noun"))


def with_anaphora(text: str, names: list[Mention], layout: Layout) -> list[Mention]:
    """`names` plus "the treaty", "this accord" ... for the instrument each one means.

    A resolved anaphor is itself a mention, so a chain of "this treaty" through a long briefing
    keeps its instrument salient."""
    discourse = _Discourse(text, names, layout)
    named_spans = Spans((mention.start, mention.end) for mention in names)
    name_ends = {mention.end for mention in names}
    by_start = {mention.start: mention for mention in names}
    for match in ANAPHOR.finditer(text):
        start, end = match.span()
        if named_spans.overlap(start, end) or not _is_anaphor(text, match):
            continue
        discourse.count_until(start)
        if APPOSITION_TO_ANOTHER.search(text, max(0, start - 40), start) and \
                start - 2 not in name_ends:
            continue  # "the omnibus bill, the agreement reached yesterday": the bill
        apposition = COMMA_APPOSITION.match(text, end)
        named_after = by_start.get(apposition.end()) if apposition else None
        treaty = named_after.treaty if named_after else _antecedent(text, match, discourse)
        if treaty:
            modifiers = match.group("modifiers").split()
            presents_topic = match.group("determiner").lower() == "this" or "new" in modifiers
            discourse.add(Mention(match.start("modifiers"), end, treaty, presents_topic, anaphor=True))
    return discourse.mentions


class _Discourse:
    """A document's mentions in order of start, and for those counted so far (every mention that
    starts before the anaphor being resolved) each instrument's salience, kept running as the
    anaphora are resolved left to right: resolving one then costs time in the number of
    instruments, not of mentions (rebuilding them per anaphor was quadratic in a long briefing)."""

    def __init__(self, text: str, names: list[Mention], layout: Layout):
        self.text = text
        self.layout = layout
        self.mentions = list(names)
        self.starts = [mention.start for mention in names]
        self.counted = 0  # mentions[:counted] are in the figures below
        self.salience: Counter = Counter()
        self.last_end: dict[Treaty, int] = {}
        self.in_lead: set[Treaty] = set()
        self.named_words: dict[Treaty, set[str]] = {}  # words of the names the document gives it

    def count_until(self, position: int) -> None:
        """Count the mentions that start at or before `position`."""
        while self.counted < len(self.mentions) and self.mentions[self.counted].start <= position:
            mention = self.mentions[self.counted]
            in_lead = mention.start < self.layout.lead_end
            self.salience[mention.treaty] += PROMINENT_MENTION_WEIGHT if in_lead or mention.presents_topic else 1
            self.last_end[mention.treaty] = mention.end
            if in_lead:
                self.in_lead.add(mention.treaty)
            if not mention.anaphor:
                self.named_words.setdefault(mention.treaty, set()).update(
                    name_words_of(self.text[mention.start:mention.end]))
            self.counted += 1

    def topics(self) -> set[Treaty]:
        """What the document is about so far: the instruments named in its lead, and the one
        mentioned most, if clearly (TOPIC_MENTIONS times at least, more than any other)."""
        ranked = self.salience.most_common(2)
        clear = ranked and ranked[0][1] >= TOPIC_MENTIONS and (len(ranked) == 1 or ranked[0][1] > ranked[1][1])
        return self.in_lead | ({ranked[0][0]} if clear else set())

    def words(self, treaty: Treaty) -> frozenset[str] | set[str]:
        """The words of the instrument's listed names and of the names this document gives it
        ("the Geneva agreement" makes "agreement" one of the Joint Plan of Action's)."""
        return treaty_name_words(treaty) | self.named_words.get(treaty, set())

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
    end, noun = match.end(), match.group("noun").lower()
    if match.group("modifiers") and COPULA_BEFORE.search(text, max(0, match.start() - 12), match.start()):
        return False
    if match.group("determiner").lower() == "the" and THAT_CLAUSE.match(text, end):
        return False
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
            _modifiers_fit(match, latest.treaty, layout.writing_year, discourse.words(latest.treaty)):
        return latest.treaty
    fitting = {treaty for treaty in discourse.salience
               if _can_mean(match, treaty, layout.writing_year, discourse.words(treaty))}
    noun = match.group("noun").lower().rstrip("s")
    sentence = layout.sentence(match.start())
    sentence_start, sentence_end = layout.sentence_starts[sentence], layout.sentence_starts[sentence + 1]
    in_sentence = [mention for mention in discourse.counted_between(sentence_start, sentence_end)
                   if mention.treaty in fitting]
    if in_sentence:
        return max(in_sentence, key=lambda m: (noun in discourse.words(m.treaty), m.start)).treaty
    topics = discourse.topics()
    reachable = [treaty for treaty in discourse.salience if treaty in fitting and (
        (treaty in topics and noun in discourse.words(treaty))
        or match.start() - discourse.last_end[treaty] <= ANAPHOR_CONTEXT_CHARS)]
    if sentence > 0:
        previous_sentence = discourse.counted_between(layout.sentence_starts[sentence - 1], sentence_start)
        in_previous_sentence = {mention.treaty for mention in previous_sentence if mention.treaty in fitting}
        # the only one named there, unless its names lack the noun and another one's have it
        # ("the agreement" after "the Mutual Defense Treaty", in a briefing on an agreement)
        if len(in_previous_sentence) == 1:
            only = in_previous_sentence.pop()
            if noun in discourse.words(only) or not any(noun in discourse.words(t) for t in reachable):
                return only
    return max(reachable, key=lambda t: (noun in discourse.words(t), discourse.salience[t], discourse.last_end[t]),
               default=None)


def _can_mean(match: re.Match, treaty: Treaty, writing_year: int | None, words) -> bool:
    """Whether the anaphor can mean the instrument (whose names have `words`): its noun fits
    and so do its modifiers."""
    return _noun_fits(match.group("noun"), treaty) and _modifiers_fit(match, treaty, writing_year, words)


def _modifiers_fit(match: re.Match, treaty: Treaty, writing_year: int | None, words) -> bool:
    """ "new" fits only a new instrument, a subject ("nuclear", "trade") only one of that kind,
    a word naming another kind of deal ("ceasefire", "free") only one whose names have it
    ("that free trade agreement" after the Korea Free Trade Agreement), and capitalised
    modifiers, if any, must repeat a word of the instrument's names."""
    modifiers = match.group("modifiers").split()
    if "new" in modifiers and not _is_new(treaty, writing_year):
        return False
    if any(word in OTHER_DEAL_WORDS and word not in words for word in modifiers):
        return False
    if any(treaty.kind not in KINDS_BY_SUBJECT[word] and word not in words
           for word in modifiers if word in KINDS_BY_SUBJECT):
        return False
    capitalised = [word for word in modifiers if word[0].isupper()]
    if not capitalised:
        return True
    if match.group("noun")[0].isupper():
        return False  # a proper name of its own
    return bool(words & name_words_of(" ".join(capitalised)))


def _is_new(treaty: Treaty, writing_year: int | None) -> bool:
    """Whether "the new agreement" can mean it; an instrument outside the list has no year to
    tell."""
    recent = writing_year and treaty.year and treaty.year >= writing_year - NEW_INSTRUMENT_YEARS
    return not treaty.listed or "new" in treaty_name_words(treaty) or bool(recent)


def _noun_fits(noun: str, treaty: Treaty) -> bool:
    """ "the convention" needs a convention; "the treaty" or "the agreement" fits any instrument,
    "the deal" one named a deal, or one outside the list headed by "Agreement", "Accord" ..."""
    noun = noun.lower().rstrip("s")
    if noun in {"treaty", "accord", "agreement", "pact"}:
        return True
    if noun == "deal" and not treaty.listed:
        return name_family(treaty.name) == "agreement"
    return any(noun in form.lower() for form in (treaty.name, *treaty.aliases))

