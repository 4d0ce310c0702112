"""Entities: every named mention with one canonical name, people's roles, countries behind
nationality adjectives, and the tables built on them (people, co-occurrence).

spaCy's NER is used as it is; what this module adds is what a reader needs on top of it:

- `canonical`: one name per real-world thing. Aliases from `data/entity_aliases.csv` ("U.S."
  -> "United States"), a leading "the" and a possessive removed, a surname joined to the full
  name used in the same article, and (in `finalize_entities`, over the whole corpus) to a
  full name used elsewhere when only one fits.
- `role`: the title a PERSON carries in the article ("Secretary of State"), from a title list
  (`data/titles.txt`) before the name or an appositive after it ("Parsons, chairman of ...").
  Title words are never entities of their own ("State" in "Secretary of State").
- `country`: the country behind a nationality adjective or noun ("Polish" -> "Poland") or a
  country named as a GPE, from `data/demonyms.csv`.
- Repairs of NER slips by evidence in the article: the majority label wins among mentions of
  one canonical name; in a Title Case headline, a phrase is kept only if the body mentions it.

Only named things are kept: numeric labels (DATE, MONEY, CARDINAL, ...) are left out.
"""

from __future__ import annotations

import csv
import re
from collections import Counter, defaultdict
from functools import cache
from itertools import combinations
from pathlib import Path

import pandas as pd
from spacy.tokens import Doc, Span

from helpers.structure import Context

DATA = Path(__file__).resolve().parent / "data"
NAMED_LABELS = frozenset({"PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT",
                          "WORK_OF_ART", "LAW", "LANGUAGE"})
# Words that may stand before a title and belong to the role ("former Foreign Minister").
ROLE_MODIFIERS = frozenset({"former", "deputy", "acting", "assistant", "interim", "outgoing",
                            "incoming", "new", "senior", "junior", "top", "chief", "shadow",
                            "vice", "then", "late"})
ROLE_PREFIX_LABELS = frozenset({"GPE", "NORP", "ORG"})
POSSESSIVES = frozenset({"'s", "’s", "'", "’"})
MAX_TITLE_TOKENS = 6
MAX_APPOSITIVE_TOKENS = 8
HEADLINE_MIN_WORDS = 3
HEADLINE_TITLE_CASE_SHARE = 0.8


@cache
def titles() -> frozenset[str]:
    """Lower-case titles and roles that can stand before a person's name."""
    return frozenset(_lines(DATA / "titles.txt"))


@cache
def title_heads() -> frozenset[str]:
    """The word a title phrase hangs on: "secretary" in "secretary of state", else its last."""
    return frozenset(title.split(" of ")[0].split()[-1] for title in titles())


@cache
def honorifics() -> frozenset[str]:
    return frozenset(_lines(DATA / "honorifics.txt"))


@cache
def aliases() -> dict[str, str]:
    """Exact surface form -> canonical name."""
    return {row["alias"]: row["canonical"] for row in _csv_rows(DATA / "entity_aliases.csv")}


@cache
def demonyms() -> dict[str, tuple[str, str]]:
    """Nationality adjective or noun -> (adjective, country): "Poles" -> ("Polish", "Poland")."""
    found = {}
    for row in _csv_rows(DATA / "demonyms.csv"):
        adjective, country = row["adjective"], row["country"]
        forms = [adjective] + [form for form in (row["people"] or "").split(";") if form]
        if adjective.endswith(("an", "i")):
            forms.append(adjective + "s")
        for form in forms:
            found[form] = (adjective, country)
    return found


@cache
def countries() -> frozenset[str]:
    return frozenset(country for _, country in demonyms().values())


def extract_entities(context: Context) -> list[dict]:
    """Records of the `entities` table for one article, with `role` and `country`."""
    doc = context.doc
    mentions = []
    for ent in doc.ents:
        if ent.label_ not in NAMED_LABELS or _inside_title(doc, ent):
            continue
        mention = _mention(doc, ent)
        if mention is not None:
            mentions.append(mention)
    mentions = _drop_headline_slips(context, mentions)
    _vote_labels(mentions, key="name")
    _join_surnames(mentions)
    _vote_labels(mentions, key="canonical")
    _share_roles(mentions)
    records = []
    for mention in mentions:
        records.append(context.record(
            mention["start"], mention["end"], label=mention["label"],
            canonical=mention["canonical"], sentence=context.sentence_at(mention["start"]),
            role=mention["role"] if mention["label"] == "PERSON" else None,
            country=mention["country"]))
    return records


def _mention(doc: Doc, ent: Span) -> dict | None:
    """One entity as a mention: trimmed span, name, label, role and country."""
    start, end = ent.start, ent.end
    role = None
    if ent.label_ == "PERSON":
        start = _skip_name_prefix(doc, start, end)
        role = _role_before(doc, start) or _role_in_apposition(doc, ent)
    else:
        if doc[start].lower_ == "the" and end - start > 1 and ent.text not in aliases():
            start += 1
    while end - start > 1 and doc[end - 1].text in POSSESSIVES:
        end -= 1
    if start >= end:
        return None
    span = doc[start:end]
    name = _clean(span.text)
    canonical, country = _canonical(name, ent.label_)
    return {"start": span.start_char, "end": span.end_char, "label": ent.label_, "name": name,
            "canonical": canonical, "role": role, "country": country, "words": len(name.split())}


def _skip_name_prefix(doc: Doc, start: int, end: int) -> int:
    """First token of the name proper when spaCy put a title or "Mr" inside the PERSON span."""
    moved = True
    while moved and start < end - 1:
        moved = False
        if doc[start].lower_ in honorifics():
            start, moved = start + 1, True
            continue
        for length in range(min(MAX_TITLE_TOKENS, end - start - 1), 0, -1):
            if _phrase(doc[start:start + length]) in titles():
                start, moved = start + length, True
                break
    return start


def _role_before(doc: Doc, name_start: int) -> str | None:
    """The title written just before a name, with what qualifies it ("US", "former")."""
    anchor = name_start
    if anchor > 0 and doc[anchor - 1].lower_ in honorifics():
        anchor -= 1
    sentence_start = doc[name_start].sent.start
    title_start = None
    for length in range(min(MAX_TITLE_TOKENS, anchor - sentence_start), 0, -1):
        if _phrase(doc[anchor - length:anchor]) in titles():
            title_start = anchor - length
            break
    if title_start is None:
        return None
    role_start = _extend_with_modifiers(doc, title_start, sentence_start)
    return _clean(doc[role_start:anchor].text)


def _extend_with_modifiers(doc: Doc, start: int, sentence_start: int) -> int:
    """Move a role's start left over words that qualify it: "Lithuanian", "US", "NATO", "former"."""
    for _ in range(4):
        if start <= sentence_start:
            break
        previous = doc[start - 1]
        if previous.text in POSSESSIVES and start - 2 >= sentence_start:
            owner = doc[start - 2]
            if owner.ent_type_ in ROLE_PREFIX_LABELS:
                start = _entity_start(doc, start - 2)
                continue
            break
        if previous.lower_ in ROLE_MODIFIERS or previous.text in demonyms() or previous.text in aliases():
            start -= 1
        elif previous.ent_type_ in ROLE_PREFIX_LABELS:
            start = _entity_start(doc, start - 1)
        else:
            break
    return start


def _entity_start(doc: Doc, token_index: int) -> int:
    while token_index > 0 and doc[token_index].ent_iob_ == "I":
        token_index -= 1
    return token_index


def _role_in_apposition(doc: Doc, ent: Span) -> str | None:
    """A title set beside the name with commas: "Parsons, chairman of Time Warner," or
    "the foreign minister, Gabrielius Landsbergis"."""
    root = ent.root
    for child in root.children:
        if child.dep_ == "appos" and child.i >= ent.end and child.lower_ in title_heads():
            return _appositive_text(doc[child.left_edge.i:child.right_edge.i + 1])
    if root.dep_ == "appos" and root.head.i < ent.start and root.head.lower_ in title_heads():
        before = doc[root.head.left_edge.i:ent.start]
        while len(before) and before[-1].is_punct:
            before = before[:-1]
        return _appositive_text(before)
    return None


def _appositive_text(span: Span) -> str | None:
    if len(span) and span[0].dep_ == "det":
        span = span[1:]
    if not len(span) or len(span) > MAX_APPOSITIVE_TOKENS or any(t.ent_type_ == "PERSON" for t in span):
        return None
    return _clean(span.text)


def _inside_title(doc: Doc, ent: Span) -> bool:
    """True for a fragment of a title phrase tagged as an entity: "State" in "Secretary of State"."""
    lowest = max(0, ent.start - MAX_TITLE_TOKENS + 1)
    for start in range(ent.start, lowest - 1, -1):
        for end in range(ent.end, min(len(doc), start + MAX_TITLE_TOKENS) + 1):
            if (start, end) != (ent.start, ent.end) and _phrase(doc[start:end]) in titles():
                return True
    return False


def _canonical(name: str, label: str) -> tuple[str, str | None]:
    """Canonical name and country of a mention's cleaned text."""
    canonical = aliases().get(name, name)
    if label == "NORP" or (label == "GPE" and canonical in demonyms()):
        adjective, country = demonyms().get(canonical, (canonical, None))
        return adjective, country
    if label == "PERSON":
        parts = canonical.split()
        while len(parts) > 1 and parts[0].lower() in honorifics():
            parts = parts[1:]
        canonical = " ".join(parts)
    return canonical, canonical if label == "GPE" and canonical in countries() else None


def _drop_headline_slips(context: Context, mentions: list[dict]) -> list[dict]:
    """In a Title Case headline every word looks like a name: keep only what the body names too."""
    if len(context.paragraphs) < 2 or not _is_title_case_headline(context):
        return mentions
    headline_end = context.paragraphs[0][1]
    body = [m for m in mentions if m["start"] >= headline_end]
    body_text = context.text[headline_end:]
    known = {m["canonical"] for m in body} | {m["name"] for m in body}
    surnames = {m["name"].split()[-1] for m in body if m["label"] == "PERSON"}
    return [m for m in mentions
            if m["start"] >= headline_end or m["canonical"] in known or m["name"] in surnames
            or re.search(rf"\b{re.escape(m['name'])}\b", body_text)]


def _is_title_case_headline(context: Context) -> bool:
    start, end = context.paragraphs[0]
    words = [word for word in re.findall(r"[^\W\d_]+", context.text[start:end]) if len(word) >= 4]
    capitalised = sum(word[0].isupper() for word in words)
    return len(words) >= HEADLINE_MIN_WORDS and capitalised >= HEADLINE_TITLE_CASE_SHARE * len(words)


def _vote_labels(mentions: list[dict], key: str) -> None:
    """Every mention of one name takes the label most of them carry (ties change nothing)."""
    votes: dict[str, Counter] = defaultdict(Counter)
    for mention in mentions:
        votes[mention[key]][mention["label"]] += 1
    for mention in mentions:
        ranked = votes[mention[key]].most_common(2)
        if len(ranked) == 2 and ranked[0][1] == ranked[1][1]:
            continue
        winner = ranked[0][0]
        if winner != mention["label"]:
            mention["label"] = winner
            mention["canonical"], mention["country"] = _canonical(mention["name"], winner)


def _join_surnames(mentions: list[dict]) -> None:
    """A one-word PERSON mention takes the full name in the article that ends with it (the
    latest one before it when several do)."""
    full_names = [m for m in mentions if m["label"] == "PERSON" and len(m["canonical"].split()) > 1]
    for mention in mentions:
        if mention["label"] != "PERSON" or len(mention["canonical"].split()) != 1:
            continue
        surname = mention["canonical"]
        candidates = [m for m in full_names if m["canonical"].split()[-1] == surname]
        names = {m["canonical"] for m in candidates}
        if len(names) == 1:
            mention["canonical"] = names.pop()
        elif names:
            earlier = [m for m in candidates if m["start"] < mention["start"]] or candidates
            mention["canonical"] = earlier[-1]["canonical"]


def _share_roles(mentions: list[dict]) -> None:
    """Every mention of a person carries the first role written for them in the article."""
    first_role = {}
    for mention in mentions:
        if mention["label"] == "PERSON" and mention["role"]:
            first_role.setdefault(mention["canonical"], mention["role"])
    for mention in mentions:
        if mention["label"] == "PERSON":
            mention["role"] = first_role.get(mention["canonical"])


def _phrase(span: Span) -> str:
    return " ".join(span.text.lower().split())


def _clean(text: str) -> str:
    """One line, single spaces, typographic apostrophes made plain."""
    return " ".join(text.replace("’", "'").split())


def _lines(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def _csv_rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(line for line in handle if not line.startswith("#")))
