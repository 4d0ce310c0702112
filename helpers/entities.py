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
- Repairs of NER slips by evidence: the majority label wins among mentions of one name in an
  article (and, in `finalize_entities`, a clear majority across the corpus); a name after
  "Mr"/"Dr" is a PERSON and a nationality word is NORP; a surname or first name joins the one
  full name that fits; in a Title Case headline, a phrase is kept only if the body names it
  (cut back to that name when it only starts with it); an organisation inside a role
  ("Trade and Industry" Secretary) is a portfolio, not a mention.

Only named things are kept: numeric labels (DATE, MONEY, CARDINAL, ...) are left out.
"""

from __future__ import annotations

import html
import re
from collections import Counter, defaultdict
from functools import cache
from itertools import combinations

import pandas as pd
from spacy.tokens import Doc, Span

from helpers.data_files import data_lines, data_rows
from helpers.structure import Context

NAMED_LABELS = frozenset({"PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT",
                          "WORK_OF_ART", "LAW", "LANGUAGE"})
# Words that may stand before a title and belong to the role ("former Foreign Minister").
ROLE_MODIFIERS = frozenset({"former", "deputy", "acting", "assistant", "interim", "outgoing",
                            "incoming", "new", "senior", "junior", "top", "chief", "shadow",
                            "vice", "then", "late", "ex"})
ROLE_PREFIX_LABELS = frozenset({"GPE", "NORP", "ORG"})
# Words a role may follow but that are not part of it ("the", "his party leader").
ROLE_LEADING_WORDS = frozenset({"the", "a", "an", "his", "her", "their", "its", "our", "my", "your"})
POSSESSIVES = frozenset({"'s", "’s", "'", "’"})
CLAUSE_ENDS = frozenset({".", "!", "?", ";", ":", "“", "”", '"'})
# Tokens that never end or begin a name ("Paris &" is a tagging slip).
EDGE_JUNK = frozenset({"&", "-", "–", "—", ",", ";", ":", "(", ")", "[", "]", "“", "”", '"', "'"})
MAX_TITLE_TOKENS = 6
MAX_ROLE_MODIFIERS = 6
MAX_APPOSITIVE_TOKENS = 8
APPOSITIVE_STOPS = frozenset({",", "(", ")", ";", ":", "—", "–", '"', "“", "”"})
HEADLINE_MIN_WORDS = 3
HEADLINE_TITLE_CASE_SHARE = 0.8
CORPUS_VOTE_SHARE = 0.75
CORPUS_VOTE_MIN_MENTIONS = 4
# What a reader calls the labels that name people, organisations and places.
KINDS = {"person": ("PERSON",), "organisation": ("ORG",), "place": ("GPE", "LOC", "FAC")}


@cache
def titles() -> frozenset[str]:
    """Lower-case titles and roles that can stand before a person's name."""
    return frozenset(data_lines("titles.txt"))


@cache
def title_heads() -> frozenset[str]:
    """The word a title phrase hangs on: "secretary" in "secretary of state", else its last."""
    return frozenset(title.split(" of ")[0].split()[-1] for title in titles())


@cache
def title_words() -> frozenset[str]:
    return frozenset(word for title in titles() for word in title.split())


@cache
def honorifics() -> frozenset[str]:
    return frozenset(data_lines("honorifics.txt"))


@cache
def aliases() -> dict[str, str]:
    """Exact surface form -> canonical name."""
    return {row["alias"]: row["canonical"] for row in data_rows("entity_aliases.csv")}


@cache
def demonyms() -> dict[str, tuple[str, str]]:
    """Nationality adjective or noun -> (adjective, country): "Poles" -> ("Polish", "Poland")."""
    found = {}
    for row in data_rows("demonyms.csv"):
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
        mention = _mention(doc, ent.start, ent.end, _label(ent))
        if mention is not None:
            mentions.append(mention)
    mentions = _drop_portfolios(mentions)
    mentions = _repair_headline(context, mentions)
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


def _label(ent: Span) -> str:
    """spaCy's label, except that a nationality word is always NORP ("Lithuanian" as PERSON)
    and a name after "Mr", "Ms", "Dr" ... is always a PERSON ("Kilroy-Silk" as ORG in "Mr
    Kilroy-Silk said")."""
    if ent.label_ not in ("NORP", "GPE", "LANGUAGE") and _clean(ent.text) in demonyms():
        return "NORP"
    after_honorific = ent[1:] if ent[0].lower_ in honorifics() else (
        ent if ent.start > 0 and ent.doc[ent.start - 1].lower_ in honorifics() else None)
    if after_honorific and all(token.text[0].isupper() for token in after_honorific if token.is_alpha):
        return "PERSON"  # but not "Lord of the Rings"
    return ent.label_


def _mention(doc: Doc, start: int, end: int, label: str) -> dict | None:
    """Tokens `start:end` as a mention: trimmed span, name, label, role and country."""
    role, portfolio = None, None
    if label == "PERSON":
        start = _skip_name_prefix(doc, start, end)
        role, portfolio = _role_before(doc, start)
        role = role or _role_in_apposition(doc, doc[start:end])
    elif doc[start].lower_ == "the" and end - start > 1 and doc[start:end].text not in aliases():
        start += 1
    while end - start > 1 and (doc[end - 1].text in POSSESSIVES or doc[end - 1].text in EDGE_JUNK):
        end -= 1
    while end - start > 1 and doc[start].text in EDGE_JUNK:
        start += 1
    if start >= end:
        return None
    span = doc[start:end]
    name = _clean(span.text)
    canonical, country = _canonical(name, label)
    return {"start": span.start_char, "end": span.end_char, "tokens": (start, end),
            "label": label, "name": name, "canonical": canonical, "role": role,
            "country": country, "portfolio": portfolio}


def _drop_portfolios(mentions: list[dict]) -> list[dict]:
    """An organisation tagged inside a role ("Trade and Industry" in "Trade and Industry
    Secretary Patricia Hewitt") is a portfolio, not a mention, unless it is an acronym, a
    known name, or named elsewhere in the article ("NATO Secretary General ...")."""
    portfolios = [m["portfolio"] for m in mentions if m["portfolio"]]
    if not portfolios:
        return mentions

    def in_portfolio(mention):
        return any(start <= mention["start"] and mention["end"] <= end for start, end in portfolios)

    suspects = [m for m in mentions if m["label"] not in ("GPE", "NORP", "PERSON") and in_portfolio(m)]
    named_elsewhere = {m["canonical"] for m in mentions if not any(m is s for s in suspects)}
    dropped = {id(m) for m in suspects if not (
        m["name"].isupper() or m["name"] in aliases() or m["canonical"] in named_elsewhere)}
    return [m for m in mentions if id(m) not in dropped]


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


def _role_before(doc: Doc, name_start: int) -> tuple[str | None, tuple[int, int] | None]:
    """The title written just before a name, with what qualifies it ("US", "former"), and
    the character span of those qualifying words."""
    anchor = name_start
    if anchor > 0 and doc[anchor - 1].lower_ in honorifics():
        anchor -= 1
    sentence_start = _clause_start(doc, anchor)
    title_start = None
    for length in range(min(MAX_TITLE_TOKENS, anchor - sentence_start), 0, -1):
        if _phrase(doc[anchor - length:anchor]) in titles():
            title_start = anchor - length
            break
    if title_start is None:
        return None, None
    role_start = _extend_with_modifiers(doc, title_start, sentence_start)
    qualifiers = doc[role_start:title_start]
    portfolio = (qualifiers.start_char, qualifiers.end_char) if len(qualifiers) else None
    return _clean(doc[role_start:anchor].text), portfolio


def _clause_start(doc: Doc, index: int) -> int:
    """Where a role before token `index` may begin: after the last full stop, colon or line
    break (the parser's sentence starts are not trusted: it splits "NATO | Secretary General")."""
    lowest = max(0, index - MAX_TITLE_TOKENS - MAX_ROLE_MODIFIERS)
    for position in range(index - 1, lowest - 1, -1):
        token = doc[position]
        if token.text in CLAUSE_ENDS or (token.is_space and "\n" in token.text):
            return position + 1
    return lowest


def _extend_with_modifiers(doc: Doc, title_start: int, sentence_start: int) -> int:
    """Move a role's start left over words that qualify it: "Lithuanian", "US", "NATO", "former"."""
    start = title_start
    for _ in range(MAX_ROLE_MODIFIERS):
        if start <= sentence_start:
            break
        previous = doc[start - 1]
        if previous.text in POSSESSIVES and start - 2 >= sentence_start:
            owner = doc[start - 2]
            if owner.ent_type_ in ROLE_PREFIX_LABELS:
                start = _entity_start(doc, start - 2)
                continue
            break
        if previous.text == "-" and start - 2 >= sentence_start and doc[start - 2].lower_ in ROLE_MODIFIERS:
            start -= 2  # "ex-Home Secretary", "then-Secretary of State"
        elif previous.lower_ in ROLE_MODIFIERS or previous.text in demonyms() or previous.text in aliases():
            start -= 1
        elif previous.ent_type_ in ROLE_PREFIX_LABELS:
            start = _entity_start(doc, start - 1)
        elif _is_portfolio_word(previous) or (
                previous.lower_ in ("and", "&") and start - 2 >= sentence_start and start < title_start
                and _is_portfolio_word(doc[start]) and _is_portfolio_word(doc[start - 2])):
            start -= 1  # a capitalised portfolio: "Trade and Industry Secretary"
        else:
            break
    while start < title_start and (doc[start].lower_ in ROLE_LEADING_WORDS or doc[start].is_punct):
        start += 1
    return start


def _is_portfolio_word(token) -> bool:
    """A capitalised name-like word that can be part of a title: "Trade", "Liberal"."""
    return (token.tag_ in ("NNP", "NNPS", "JJ") and token.text[0].isupper()
            and token.ent_type_ not in ("PERSON", "DATE", "TIME"))


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
        while len(before) and (before[-1].is_punct or before[-1].lower_ in honorifics()):
            before = before[:-1]
        return _appositive_text(before)
    return None


def _appositive_text(span: Span) -> str | None:
    while len(span) and (span[0].lower_ in ROLE_LEADING_WORDS or span[0].is_punct):
        span = span[1:]
    for token in span:
        if token.text in APPOSITIVE_STOPS:  # "singer, full name ..." -> "singer"
            span = span.doc[span.start:token.i]
            break
    if not len(span) or len(span) > MAX_APPOSITIVE_TOKENS or any(t.ent_type_ == "PERSON" for t in span):
        return None
    return _clean(span.text)


def _inside_title(doc: Doc, ent: Span) -> bool:
    """True for a fragment of a title phrase tagged as an entity: "State" in "Secretary of State"."""
    if not all(token.lower_ in title_words() for token in ent):
        return False  # the common case, decided without building phrases
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


def _repair_headline(context: Context, mentions: list[dict]) -> list[dict]:
    """In a Title Case headline every word looks like a name: keep what the body names too,
    cut a phrase back to a name the body knows ("Pentagon Weighs New Rapid Response" ->
    "Pentagon"), and drop the rest ("More Permanent Troop Deployments")."""
    if len(context.paragraphs) < 2 or not _is_title_case_headline(context):
        return mentions
    headline_end = context.paragraphs[0][1]
    body = [m for m in mentions if m["start"] >= headline_end]
    body_text = context.text[headline_end:]
    label_of = {}
    for mention in body:
        label_of.setdefault(mention["name"], mention["label"])
        label_of.setdefault(mention["canonical"], mention["label"])
        if mention["label"] == "PERSON":
            label_of.setdefault(mention["name"].split()[-1], "PERSON")
    kept = []
    for mention in mentions:
        if mention["start"] >= headline_end or mention["name"] in label_of \
                or re.search(rf"\b{re.escape(mention['name'])}\b", body_text):
            kept.append(mention)
            continue
        start, end = mention["tokens"]
        for cut in range(end - 1, start, -1):
            name = _clean(context.doc[start:cut].text)
            if name in label_of:
                kept.append(_mention(context.doc, start, cut, label_of[name]))
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
    latest one before it when several do), or else, when no title comes with it, the only
    full name that starts with it ("Steven" -> "Steven Gerrard")."""
    full_names = [m for m in mentions if m["label"] == "PERSON" and len(m["canonical"].split()) > 1]
    for mention in mentions:
        if mention["label"] != "PERSON" or len(mention["canonical"].split()) != 1:
            continue
        word = mention["canonical"]
        candidates = [m for m in full_names if m["canonical"].split()[-1] == word]
        names = {m["canonical"] for m in candidates}
        if not names and not mention["role"]:  # "Prince Charles" is not "Charles Kennedy"
            first_name_of = {m["canonical"] for m in full_names if m["canonical"].split()[0] == word}
            if len(first_name_of) == 1:
                mention["canonical"] = first_name_of.pop()
        elif len(names) == 1:
            mention["canonical"] = names.pop()
        else:  # several people share the surname: the one named last before it, if any
            earlier = [m for m in candidates if m["start"] < mention["start"]]
            if earlier:
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


def finalize_entities(entities: pd.DataFrame) -> pd.DataFrame:
    """Corpus-wide step, once every article is done (`helpers.analysis.FINALIZERS`).

    - A clear corpus majority decides a name's label (`_vote_labels_across_corpus`).
    - Person names that differ only by full stops get one spelling.
    - A surname-only PERSON takes the full name in the corpus that ends with it when only one
      person fits: forms sharing first name and surname ("George Bush", "George W. Bush")
      count as one (the most mentioned form is used); different first names ("John Smith",
      "Jane Smith") leave the surname alone.
    The same full name is already the same `canonical` in every article."""
    entities = _vote_labels_across_corpus(entities)
    persons = entities["label"] == "PERSON"
    entities.loc[persons, "canonical"] = _one_spelling(entities.loc[persons, "canonical"])
    full_names = entities.loc[persons, "canonical"].dropna()
    full_names = full_names[full_names.str.contains(" ", regex=False)].value_counts()
    forms_by_surname: dict[str, list[str]] = defaultdict(list)
    for name in sorted(full_names.index, key=lambda name: (-full_names[name], name)):
        forms_by_surname[name.rsplit(" ", 1)[1]].append(name)
    unique_full_name = {surname: forms[0] for surname, forms in forms_by_surname.items()
                        if len({form.split(" ", 1)[0] for form in forms}) == 1}
    surname_only = persons & ~entities["canonical"].str.contains(" ", regex=False).fillna(True)
    joined = entities.loc[surname_only, "canonical"].map(unique_full_name).dropna()
    entities.loc[joined.index, "canonical"] = joined
    return entities


def _one_spelling(names: pd.Series) -> pd.Series:
    """Names that differ only by full stops ("George W. Bush", "George W Bush") take the
    spelling used most often (alphabetical first on a tie)."""
    counts = names.value_counts()
    ranked = sorted(counts.index, key=lambda name: (-counts[name], name))
    spelling: dict[str, str] = {}
    for name in ranked:
        spelling.setdefault(name.replace(".", ""), name)
    return names.map(lambda name: spelling[name.replace(".", "")], na_action="ignore")


def _vote_labels_across_corpus(entities: pd.DataFrame) -> pd.DataFrame:
    """A copy where a name the corpus clearly labels one way (at least CORPUS_VOTE_SHARE of
    its mentions, CORPUS_VOTE_MIN_MENTIONS of them, in two articles or more) takes that label
    everywhere: "Labour" tagged PERSON in one article is still the party."""
    entities = entities.copy()
    named = entities.dropna(subset=["canonical"])
    votes = named.groupby(["canonical", "label"], observed=True).agg(
        mentions=("article_id", "size"), articles=("article_id", "nunique")).reset_index()
    totals = votes.groupby("canonical", observed=True)["mentions"].transform("sum")
    winners = votes[(votes["mentions"] >= CORPUS_VOTE_SHARE * totals)
                    & (votes["mentions"] >= CORPUS_VOTE_MIN_MENTIONS) & (votes["articles"] >= 2)
                    & (votes["mentions"] < totals)]
    if winners.empty:
        return entities
    label_of = dict(zip(winners["canonical"], winners["label"]))
    new_label = entities["canonical"].map(label_of)
    changed = new_label.notna() & (new_label != entities["label"])
    entities.loc[changed, "label"] = new_label[changed]
    entities.loc[changed & (entities["label"] != "PERSON"), "role"] = None
    entities.loc[changed, "country"] = [
        _canonical(name, label)[1] for name, label in zip(entities.loc[changed, "canonical"],
                                                          entities.loc[changed, "label"])]
    return entities


def mention_counts(entities: pd.DataFrame, labels=None) -> pd.DataFrame:
    """Mentions and articles per canonical name (and its label), most mentioned first."""
    if labels is not None:
        entities = entities[entities["label"].isin(labels)]
    counts = (entities.groupby(["canonical", "label"], observed=True)
              .agg(mentions=("article_id", "size"), articles=("article_id", "nunique"))
              .reset_index())
    return counts.sort_values(["mentions", "articles", "canonical"], ascending=[False, False, True],
                              ignore_index=True)


def most_mentioned(entities: pd.DataFrame, per_kind: int = 8) -> pd.DataFrame:
    """The `per_kind` most mentioned people, organisations and places: `kind`, `canonical`,
    `label`, `mentions`, `articles`."""
    counts = mention_counts(entities)
    parts = [counts[counts["label"].isin(labels)].head(per_kind).assign(kind=kind)
             for kind, labels in KINDS.items()]
    table = pd.concat(parts, ignore_index=True) if parts else counts.assign(kind=None)
    return table[["kind", "canonical", "label", "mentions", "articles"]]


def busiest_article(entities: pd.DataFrame) -> str:
    """The article with the most entity mentions (the first by id on a tie)."""
    sizes = entities.groupby("article_id", observed=True).size()
    return sizes.sort_index().sort_values(ascending=False, kind="stable").index[0]


def people(entities: pd.DataFrame) -> pd.DataFrame:
    """One row per person: `name`, `role` (the most frequent), `roles` (every distinct role,
    case-insensitively, by how many articles give it, joined by "; "), `articles`,
    `mentions`; most mentioned first."""
    persons = entities[entities["label"] == "PERSON"].dropna(subset=["canonical"])
    table = (persons.groupby("canonical", observed=True)
             .agg(articles=("article_id", "nunique"), mentions=("article_id", "size")))
    roles = persons.dropna(subset=["role"]).drop_duplicates(["canonical", "article_id", "role"])
    roles = roles.assign(key=roles["role"].str.casefold())
    ranked = (roles.groupby(["canonical", "key"], observed=True)
              .agg(spelled=("role", "first"), articles=("article_id", "nunique")).reset_index()
              .sort_values(["canonical", "articles", "key"], ascending=[True, False, True]))
    by_person = ranked.groupby("canonical", observed=True)["spelled"]
    table["role"] = by_person.first()
    table["roles"] = by_person.agg("; ".join)
    table = table.reset_index().rename(columns={"canonical": "name"})
    table["roles"] = table["roles"].fillna("")
    table = table[["name", "role", "roles", "articles", "mentions"]].astype(
        {"name": "string", "role": "string", "roles": "string", "articles": "int64", "mentions": "int64"})
    return table.sort_values(["mentions", "articles", "name"], ascending=[False, False, True],
                             ignore_index=True)


def cooccurrence(entities: pd.DataFrame, unit: str = "sentence", labels=None,
                 min_count: int = 1) -> pd.DataFrame:
    """Pairs of canonical names seen in the same sentence (or paragraph): `entity_a`,
    `entity_b` (alphabetical), `count` (units holding both), `articles`; an edge list."""
    if unit not in ("sentence", "paragraph"):
        raise ValueError(f"unit must be 'sentence' or 'paragraph', not {unit!r}")
    if labels is not None:
        entities = entities[entities["label"].isin(labels)]
    units = entities.dropna(subset=["canonical"]).groupby(["article_id", unit], observed=True)["canonical"]
    counts: Counter = Counter()
    articles: dict[tuple[str, str], set] = defaultdict(set)
    for (article_id, _), names in units:
        for pair in combinations(sorted(set(names)), 2):
            counts[pair] += 1
            articles[pair].add(article_id)
    rows = [{"entity_a": a, "entity_b": b, "count": n, "articles": len(articles[(a, b)])}
            for (a, b), n in counts.items() if n >= min_count]
    table = pd.DataFrame(rows, columns=["entity_a", "entity_b", "count", "articles"])
    table = table.astype({"entity_a": "string", "entity_b": "string", "count": "int64",
                          "articles": "int64"})
    return table.sort_values(["count", "entity_a", "entity_b"], ascending=[False, True, True],
                             ignore_index=True)


def cooccurrence_matrix(entities: pd.DataFrame, unit: str = "sentence", top: int = 12,
                        labels=None) -> pd.DataFrame:
    """Square table of co-occurrence counts among the `top` most mentioned names, for a
    heatmap; rows and columns in order of mentions, the diagonal 0."""
    if labels is not None:
        entities = entities[entities["label"].isin(labels)]
    names = list(mention_counts(entities)["canonical"].drop_duplicates().head(top))
    matrix = pd.DataFrame(0, index=pd.Index(names, name=None), columns=names, dtype="int64")
    pairs = cooccurrence(entities[entities["canonical"].isin(names)], unit=unit)
    for a, b, count in pairs[["entity_a", "entity_b", "count"]].itertuples(index=False):
        matrix.loc[a, b] = matrix.loc[b, a] = count
    return matrix


def attention(entities: pd.DataFrame, articles: pd.DataFrame, by: str = "date", top: int = 6,
              freq: str = "M") -> pd.DataFrame:
    """Share of entity mentions (%) going to each of the `top` names, per period (`by="date"`,
    periods of `freq`) or per outlet (`by="outlet"`); rows are periods or outlets."""
    if by not in ("date", "outlet"):
        raise ValueError(f"by must be 'date' or 'outlet', not {by!r}")
    keyed = entities.merge(articles[["article_id", by]], on="article_id").dropna(subset=[by])
    if by == "date":
        keyed[by] = keyed[by].dt.to_period(freq).astype(str)
    names = list(mention_counts(keyed)["canonical"].drop_duplicates().head(top))
    totals = keyed.groupby(by).size()
    counts = (keyed[keyed["canonical"].isin(names)].groupby([by, "canonical"]).size()
              .unstack(fill_value=0).reindex(columns=names, fill_value=0))
    return (counts.div(totals, axis=0) * 100).round(1).sort_index()


def displacy_entities(text: str, entities: pd.DataFrame, title: str | None = None) -> dict:
    """displaCy's manual input for one article's entities (`style="ent"`, `manual=True`)."""
    spans = sorted(zip(entities["start_char"], entities["end_char"], entities["label"]))
    ents, last_end = [], 0
    for start, end, label in spans:
        if start >= last_end:  # displaCy cannot draw overlapping spans
            ents.append({"start": int(start), "end": int(end), "label": str(label)})
            last_end = end
    return {"text": text, "ents": ents, "title": title}


def entity_view_html(text: str, entities: pd.DataFrame, title: str | None = None) -> str:
    """An article with its entities highlighted by displaCy, safe for untrusted text.

    displaCy escapes the text but not the title or labels, so those are escaped here.
    """
    from spacy import displacy

    manual = displacy_entities(text, entities, html.escape(title) if title else None)
    for ent in manual["ents"]:
        ent["label"] = html.escape(ent["label"])
    return displacy.render(manual, style="ent", manual=True, jupyter=False)


def attention_or_reason(entities: pd.DataFrame, articles: pd.DataFrame, by: str,
                        top: int = 6) -> tuple[pd.DataFrame | None, str | None]:
    """`attention(...)`, or a sentence saying why this corpus cannot show it (fewer than two
    dated periods or outlets) instead of an empty figure."""
    known = articles[by].dropna()
    groups = known.dt.to_period("M").nunique() if by == "date" else known.nunique()
    if groups < 2:
        what = "months with dated articles" if by == "date" else "outlets"
        return None, (f"This corpus has {_count(len(articles), 'article')} and {groups} {what}, "
                      f"so attention by {by} cannot be compared here.")
    return attention(entities, articles, by=by, top=top), None


def summarize(entities: pd.DataFrame, articles: pd.DataFrame) -> str:
    """A few sentences on what the entity tables found in this corpus."""
    counts = mention_counts(entities)
    lines = [f"{_count(len(articles), 'article')}, {_count(len(entities), 'entity mention')} "
             f"naming {_count(entities['canonical'].nunique(), 'distinct thing')}."]
    for kind, labels in KINDS.items():
        top = counts[counts["label"].isin(labels)]
        if len(top):
            lines.append(f"Most mentioned {kind}: {top.iloc[0]['canonical']} "
                         f"({_count(top.iloc[0]['mentions'], 'mention')} in {_count(top.iloc[0]['articles'], 'article')}).")
    table = people(entities)
    with_role = table.dropna(subset=["role"])
    lines.append(f"{_count(len(table), 'person', 'people')}, {len(with_role)} with a role written in the text"
                 + (f" (e.g. {with_role.iloc[0]['name']}, {with_role.iloc[0]['role']})."
                    if len(with_role) else "."))
    countries_named = entities.loc[entities["label"] == "NORP", "country"].dropna().nunique()
    lines.append(f"Nationality words point to {_count(countries_named, 'country', 'countries')}.")
    pairs = cooccurrence(entities)
    if len(pairs):
        pair = pairs.iloc[0]
        lines.append(f"Strongest pair: {pair['entity_a']} and {pair['entity_b']}, together in "
                     f"{_count(pair['count'], 'sentence')}.")
    return "\n".join(lines)


def _count(number: int, singular: str, plural: str | None = None) -> str:
    return f"{number} {singular if number == 1 else plural or singular + 's'}"
