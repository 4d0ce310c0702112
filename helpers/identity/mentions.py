"""Mentions: the named things of one article, read from spaCy's NER and repaired by evidence.

spaCy's spans are used as they are, except where the text says otherwise:
- a nationality word is NORP ("Lithuanian" as PERSON); a name after "Mr", "Ms", "Dr" ... or
  after a person's title ("Senator Warren" as ORG) is a PERSON;
- a name that is the subject of a speech verb and looks like a person's ("Trump insisted",
  tagged as nothing or as an organisation) is a PERSON when the article or the list of
  well-known people knows that surname, or its first word is a common first name;
- a name that is all a quoted title ("Judy") is a work, not a person; a lone pronoun-like
  word ("That") is dropped;
- hyphenated and particle names stay whole ("Wilson-Raybould", "al-Assad", "bin Laden");
- title words are never names of their own ("State" in "Secretary of State"), and an
  organisation inside a role ("Trade and Industry" Secretary) is a portfolio, not a mention;
- in a Title Case headline, a phrase is kept only if the body names it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy
from spacy.symbols import PROPN
from spacy.attrs import POS
from spacy.tokens import Doc, Span

from helpers.identity.names import (alias_key, aliases, clean, countries, cue_lemmas, demonyms, first_name_genders,
                                    honorifics, known_people, name_words, organization_words, speaker_words,
                                    title_heads, title_words)
from helpers.identity.roles import (POSSESSIVES, inside_title, role_before, role_in_apposition,
                                    skip_name_prefix)
from helpers.structure import Context

NAMED_LABELS = frozenset({"PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT",
                          "WORK_OF_ART", "LAW", "LANGUAGE"})
# Labels a tagger gives to people by mistake, which evidence may turn into PERSON.
MISTAKABLE_LABELS = frozenset({"ORG", "GPE", "LOC", "PRODUCT", "WORK_OF_ART", "FAC", "NORP", "EVENT"})
# Tokens that never end or begin a name ("Paris &" is a tagging slip).
EDGE_JUNK = frozenset({"&", "-", "–", "—", ",", ";", ":", "(", ")", "[", "]", "“", "”", '"', "'", "''", "``"})
QUOTE_MARKS = "“”\"‘’'"
HEADLINE_MIN_WORDS = 3
HEADLINE_TITLE_CASE_SHARE = 0.8
MAX_PERSON_NAME_WORDS = 4
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})


@dataclass(frozen=True)
class Mention:
    """A named mention: character and token spans, label, cleaned name, role and, for a
    title before a name, the span of the words that qualify it (a possible portfolio)."""

    start: int
    end: int
    tokens: tuple[int, int]
    label: str
    name: str
    role: str | None = None
    portfolio: tuple[int, int] | None = None
    introduced: bool = False  # the article says who they are ("Flynn, the president of Common Cause")


def find_mentions(context: Context) -> list[Mention]:
    """Every named mention of the article, in text order."""
    doc = context.doc
    mentions = []
    covered = set()
    for ent in doc.ents:
        if ent.label_ not in NAMED_LABELS or inside_title(doc, ent) or ent.start in covered:
            continue
        start, end = _whole_name(doc, ent.start, ent.end)
        if ent.label_ == "PERSON":
            start = _given_names_before(doc, start, end, covered)
        start, extended = _with_alias_tail(doc, start, end)
        label = ent.label_ if extended == end else _alias_label(doc[start:extended].text)
        for start, end in _known_parts(doc, start, extended):
            mention = make_mention(doc, start, end, _label(doc, doc[start:end], label))
            if mention is not None:
                mentions.append(mention)
                covered.update(range(*mention.tokens))
    mentions += _untagged_people(doc, covered, {m.name.split()[-1] for m in mentions if m.label == "PERSON"})
    mentions.sort(key=lambda m: m.start)
    mentions = _drop_portfolios(mentions)
    return _repair_headline(context, mentions)


def make_mention(doc: Doc, start: int, end: int, label: str) -> Mention | None:
    """Tokens `start:end` as a mention: trimmed span, name, label and role."""
    role, portfolio, introduced = None, None, False
    if label == "PERSON":
        start = skip_name_prefix(doc, start, end)
        role, portfolio = role_before(doc, start)
        apposed = role_in_apposition(doc, doc[start:end])
        role, introduced = role or apposed, apposed is not None
    elif doc[start].lower_ == "the" and end - start > 1 and alias_key(doc[start:end].text) not in aliases():
        start += 1
    while end - start > 1 and (doc[end - 1].text in POSSESSIVES or doc[end - 1].text in EDGE_JUNK):
        end -= 1
    while end - start > 1 and doc[start].text in EDGE_JUNK:
        start += 1
    for index in range(start + 1, end):  # "Trump told Business Insider", "VARGA: I": tagging slips
        if (doc[index].pos_ in ("VERB", "AUX") and doc[index].is_lower) or doc[index].text in ":;“”\"()" \
                or doc[index].like_num:
            end = index
            break
    # "force Soros Foundation", "Anthony duet", a transcript's "Q Robert", "Eventually
    # Asimo", "USAID Administrator": a common word, a question mark, a sentence's opening
    # adverb or a title at either end is not the name
    while end - start > 1 and (_common_word(doc[start]) or doc[start].text == "Q" or opens_the_sentence(doc[start])):
        start += 1
    # "USAID Administrator" ends with a title, "the Department of Justice" does not
    while end - start > 1 and (_common_word(doc[end - 1]) or (
            label != "PERSON" and doc[end - 1].lower_ in title_heads() and doc[end - 2].lower_ != "of")):
        end -= 1
    if start >= end:
        return None
    span = doc[start:end]
    if len(span) == 1 and (span[0].lower_ in honorifics() or span[0].lower_ + "." in honorifics()):
        return None  # "MR" of a transcript's "MR. GIBBS:" tagged as a place
    if len(span) == 1 and start > 0 and doc[start - 1].text == "(" and end < len(doc) and doc[end].text in (".", ")"):
        return None  # a transcript's stage direction: "(Laughter.)", "(Applause.)"
    if label == "PERSON":
        if _is_junk(span):
            return None
        label = _a_work(doc, span) or label
    return Mention(span.start_char, span.end_char, (start, end), label, clean(span.text), role, portfolio, introduced)


def opens_the_sentence(token) -> bool:
    """A capitalised word that is no name, only capitalised because it opens the sentence:
    "Eventually", "Concerning", "Meanwhile"."""
    return token.is_sent_start and token.pos_ in ("ADV", "ADP", "VERB", "SCONJ", "CCONJ", "INTJ", "PART")


def _common_word(token) -> bool:
    return token.is_alpha and token.is_lower and speaker_words().get(token.lower_) != "particle" \
        and token.lower_ not in ("of", "and", "the", "for", "de", "du", "la", "le")


def _with_alias_tail(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """"Islamic" tagged alone before "State": the span the gazetteer knows ("Islamic State")."""
    for extra in (2, 1):
        if end + extra <= len(doc) and all(t.text[:1].isupper() for t in doc[end:end + extra]) \
                and alias_key(doc[start:end + extra].text) in aliases():
            return start, end + extra
    return start, end


def _alias_label(text: str) -> str:
    """GPE for a name the gazetteers know as a country, else ORG."""
    canonical = aliases()[alias_key(text)][0] if alias_key(text) in aliases() else clean(text)
    return "GPE" if canonical in countries() else "ORG"


def _known_parts(doc: Doc, start: int, end: int) -> list[tuple[int, int]]:
    """"U.S.-Mexico": two names the gazetteer knows joined by a hyphen are two mentions."""
    for index in range(start + 1, end - 1):
        if doc[index].text in ("-", "–") and _known_name(doc[start:index].text) and _known_name(doc[index + 1:end].text):
            return [(start, index), (index + 1, end)]
    return [(start, end)]


def _known_name(text: str) -> bool:
    return alias_key(text) in aliases() or clean(text) in demonyms()


def _label(doc: Doc, span: Span, label: str) -> str:
    """spaCy's label, repaired: a nationality word is NORP; a name after a courtesy title,
    after a person's title, or speaking through a speech verb is a PERSON."""
    text = clean(span.text)
    if label not in ("NORP", "GPE", "LANGUAGE") and demonyms().get(text, (None, None))[1]:
        return "NORP"
    if label in ("PERSON", "ORG") and _alias_label(text) == "GPE":
        return "GPE"  # "South Africa" tagged as a person
    if label not in ("NORP", "GPE", "LANGUAGE") and text in demonyms() and alias_key(text) not in aliases():
        return "NORP"  # "Mormons" as ORG: a group
    if label == "PERSON" and span[-1].lower_ in organization_words():
        return "ORG"  # "Marc Fisher Footwear"
    if label not in MISTAKABLE_LABELS or not _looks_like_a_name(span):
        return label
    after_honorific = span[1:] if span[0].lower_ in honorifics() else (
        span if span.start > 0 and doc[span.start - 1].lower_ in honorifics() else None)
    if after_honorific and all(token.text[0].isupper() for token in after_honorific if token.is_alpha):
        return "PERSON"  # but not "Lord of the Rings"
    if label == "NORP" or alias_key(text) in aliases() or demonyms().get(text):
        return label
    words = name_words(text)
    if role_before(doc, span.start)[0] is not None and span[0].lower_ not in honorifics():
        return "PERSON"
    acts = span.root.dep_ in SUBJECT_DEPS
    if _known_as_a_person(words) and (_speaks(span.root) or acts or len(words) >= 2 or label not in ("GPE", "LOC")):
        return "PERSON"  # "Sean Hannity" or "Sanders" as ORG, "Kasich" winning as GPE
    return label


def _looks_like_a_name(span: Span) -> bool:
    """Capitalised words, not all capitals, none an organisation word."""
    words = [t for t in span if t.is_alpha]
    return 1 <= len(words) <= MAX_PERSON_NAME_WORDS and all(t.text[0].isupper() for t in words) \
        and not any(t.text.isupper() and len(t.text) > 1 for t in words) \
        and not any(t.lower_ in organization_words() for t in words)


def _speaks(token) -> bool:
    return token.dep_ in SUBJECT_DEPS and token.head.lemma_.lower() in cue_lemmas()


def _known_as_a_person(words: list[str]) -> bool:
    if not words:
        return False
    return words[-1].lower() in known_people() or (len(words) >= 2 and words[0].lower() in first_name_genders())


def _whole_name(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """Widen a span over hyphens and name particles that join it to the rest of a name:
    "Wilson-Raybould", "Waller-Bridge", "al-Assad", "bin Laden"."""
    def joined(left, right):  # a hyphen with no space on either side
        return not doc[left].whitespace_ and not doc[right - 1].whitespace_
    while end + 1 < len(doc) and doc[end].text == "-" and joined(end - 1, end + 1) \
            and doc[end + 1].text[:1].isupper() and doc[end + 1].is_alpha:
        end += 2
    while start >= 2 and doc[start - 1].text == "-" and joined(start - 2, start) \
            and doc[start - 2].is_alpha \
            and (doc[start - 2].text[:1].isupper() or speaker_words().get(doc[start - 2].lower_) == "particle"):
        start -= 2
    if start >= 1 and speaker_words().get(doc[start - 1].text) == "particle" and doc[start - 1].is_lower \
            and doc[start].text[:1].isupper():
        start -= 1  # "bin Laden": only a lower-case particle, so that "Le Pen" stays as tagged
    return start, end


def _given_names_before(doc: Doc, start: int, end: int, covered: set[int]) -> int:
    """"Azfar Ali Khan" tagged as "Ali Khan": one capitalised name word right before a person's
    span of two words or more belongs to it, when it is no title, courtesy title or role and
    no other capitalised word comes before it ("Majority Whip John Cornyn" stays as tagged)."""
    if end - start < 2 or start == 0:
        return start
    word = doc[start - 1]
    before = doc[start - 2] if start >= 2 else None
    if word.pos_ == "PROPN" and word.is_alpha and word.is_title and start - 1 not in covered and not word.ent_type_ \
            and word.whitespace_ == " " and word.lower_ not in honorifics() and word.lower_ not in title_words() \
            and speaker_words().get(word.lower_) is None and (before is None or not before.is_title or before.is_sent_end):
        return start - 1
    return start


def _untagged_people(doc: Doc, covered: set[int], surnames: set[str]) -> list[Mention]:
    """Names the tagger missed that the text marks as people: a capitalised word after a
    courtesy title ("Mr Blair"), a well-known surname speaking ("Trump insisted"), or the
    surname of a person the article names ("Hannity")."""
    found = []
    for index in numpy.flatnonzero(doc.to_array(POS) == PROPN):  # most tokens are not names
        token = doc[int(index)]
        if token.i in covered or not token.text[:1].isupper() or token.text.isupper():
            continue
        after_honorific = token.i > 0 and doc[token.i - 1].lower_ in honorifics()
        speaking = _speaks(token) and (token.text in surnames or token.lower_ in known_people())
        # "Hannity" alone, once the article has named Sean Hannity (not "Trump Tower")
        surname = token.text in surnames and not (token.dep_ == "compound" and token.head.pos_ == "PROPN")
        if after_honorific or speaking or surname:
            start, end = token.i, token.i + 1
            while start > 0 and doc[start - 1].pos_ == "PROPN" and doc[start - 1].i not in covered \
                    and doc[start - 1].text[:1].isupper() and doc[start - 1].lower_ not in honorifics():
                start -= 1
            if any(i in covered for i in range(start, end)):
                continue
            start, end = _whole_name(doc, start, end)
            mention = make_mention(doc, start, end, "PERSON")
            if mention is not None:
                found.append(mention)
                covered.update(range(start, end))
    return found


def _a_work(doc: Doc, span: Span) -> str | None:
    """WORK_OF_ART for a PERSON span that is all of a title in quotation marks ("Judy");
    None when nothing says so."""
    before = doc[span.start - 1] if span.start > 0 else None
    after = doc[span.end: span.end + 2]
    opened = before is not None and before.text in QUOTE_MARKS and not before.whitespace_
    closed = len(after) and not span[-1].whitespace_ and (
        after[0].text in QUOTE_MARKS or (after[0].text in ",." and len(after) > 1 and after[1].text in QUOTE_MARKS))
    return "WORK_OF_ART" if opened and closed else None


def _is_junk(span: Span) -> bool:
    """"That", "Page B1": a tagging slip, not a name."""
    if len(span) == 1 and (span[0].is_stop or span[0].pos_ in ("PRON", "DET")):
        return True
    return bool(re.fullmatch(r"(?:Page|Section|Chapter)\s+\w+", span.text))


def _drop_portfolios(mentions: list[Mention]) -> list[Mention]:
    """An organisation tagged inside a role ("Trade and Industry" in "Trade and Industry
    Secretary Patricia Hewitt") is a portfolio, not a mention, unless it is an acronym, a
    known name, or named elsewhere in the article ("NATO Secretary General ...")."""
    portfolios = [m.portfolio for m in mentions if m.portfolio]
    if not portfolios:
        return mentions

    def in_portfolio(mention):
        return any(start <= mention.start and mention.end <= end for start, end in portfolios)

    suspects = [m for m in mentions if m.label not in ("GPE", "NORP", "PERSON") and in_portfolio(m)]
    named_elsewhere = {alias_key(m.name) for m in mentions if not any(m is s for s in suspects)}
    dropped = {id(m) for m in suspects if not (
        m.name.isupper() or alias_key(m.name) in aliases() or alias_key(m.name) in named_elsewhere)}
    return [m for m in mentions if id(m) not in dropped]


def _repair_headline(context: Context, mentions: list[Mention]) -> list[Mention]:
    """In a Title Case headline every word looks like a name: keep what the body names too,
    cut a phrase back to a name the body knows ("Pentagon Weighs New Rapid Response" ->
    "Pentagon"), and drop the rest ("More Permanent Troop Deployments")."""
    if len(context.paragraphs) < 2 or not _is_title_case_headline(context):
        return mentions
    headline_end = context.paragraphs[0][1]
    body = [m for m in mentions if m.start >= headline_end]
    body_text = context.text[headline_end:]
    label_of = {}
    for mention in body:
        label_of.setdefault(mention.name, mention.label)
        if mention.label == "PERSON":
            label_of.setdefault(mention.name.split()[-1], "PERSON")
    # a person the body calls by first name or surname alone ("Jay" after a headline "Press
    # Briefing by Press Secretary Jay Carney") keeps the full name the headline gives
    body_people = {m.name for m in body if m.label == "PERSON"}
    kept = []
    for mention in mentions:
        words = mention.name.split()
        if mention.start >= headline_end or mention.name in label_of \
                or re.search(rf"\b{re.escape(mention.name)}\b", body_text) \
                or (mention.label == "PERSON" and len(words) >= 2 and {words[0], words[-1]} & body_people):
            kept.append(mention)
            continue
        start, end = mention.tokens
        for cut in range(end - 1, start, -1):
            name = clean(context.doc[start:cut].text)
            if name in label_of and (cut_mention := make_mention(context.doc, start, cut, label_of[name])):
                kept.append(cut_mention)
                break
    return kept


def _is_title_case_headline(context: Context) -> bool:
    start, end = context.paragraphs[0]
    title = context.article.get("title")
    if not title or " ".join(title.split()) != " ".join(context.text[start:end].split()):
        return False  # paragraph 0 is not a headline
    words = [word for word in re.findall(r"[^\W\d_]+", context.text[start:end]) if len(word) >= 4]
    capitalised = sum(word[0].isupper() for word in words)
    return len(words) >= HEADLINE_MIN_WORDS and capitalised >= HEADLINE_TITLE_CASE_SHARE * len(words)
