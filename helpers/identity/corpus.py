"""One name per entity across the corpus, applied to every table that names entities.

Once every article is done (`helpers.analysis.finalize_tables`):
- a clear corpus majority decides a name's label ("Labour" tagged PERSON in one article is
  still the party);
- person names that differ only by full stops get one spelling ("George W Bush");
- a surname-only person takes the full name in the corpus that ends with it when only one
  person fits: forms sharing first name and surname count as one (the most mentioned form is
  used); different first names ("John Smith", "Jane Smith") leave the surname alone.
The renaming is applied to `entities.canonical`, to `quotes.speaker_name` of person
speakers, to the entity level of `sentiment` and to the person speakers and targets of
`stances`, so they keep agreeing.
"""

from __future__ import annotations

from collections import defaultdict

import pandas as pd

from helpers.identity.names import countries

CORPUS_VOTE_SHARE = 0.75
CORPUS_VOTE_MIN_MENTIONS = 4


def finalize_names(entities: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str]]:
    """The entities with corpus-wide labels and names, and the person renaming applied
    (old canonical -> new canonical)."""
    entities = _vote_labels_across_corpus(entities)
    persons = entities["label"] == "PERSON"
    names = entities.loc[persons, "canonical"].dropna()
    renamed = _one_spelling(names)
    full_names = renamed[renamed.str.contains(" ", regex=False)].value_counts()
    forms_by_surname: dict[str, list[str]] = defaultdict(list)
    for name in sorted(full_names.index, key=lambda name: (-full_names[name], name)):
        forms_by_surname[name.rsplit(" ", 1)[1]].append(name)
    unique_full_name = {surname: forms[0] for surname, forms in forms_by_surname.items()
                        if len({form.split(" ", 1)[0] for form in forms}) == 1}
    renamed = renamed.map(lambda name: name if " " in name else unique_full_name.get(name, name))
    mapping = {old: new for old, new in zip(names, renamed) if old != new}
    entities.loc[renamed.index, "canonical"] = renamed
    return entities, mapping


def rename_speakers(quotes: pd.DataFrame, mapping: dict[str, str]) -> pd.DataFrame:
    """The person speakers' names with the corpus renaming applied."""
    return _renamed(quotes, quotes["speaker_type"] == "person", "speaker_name", mapping)


def rename_sentiment_units(sentiment: pd.DataFrame, mapping: dict[str, str]) -> pd.DataFrame:
    """The entity level of sentiment with the corpus renaming applied to its units."""
    return _renamed(sentiment, sentiment["level"] == "entity", "unit", mapping)


def rename_stances(stances: pd.DataFrame, mapping: dict[str, str]) -> pd.DataFrame:
    """The stances' person speakers and person targets with the corpus renaming applied."""
    stances = _renamed(stances, stances["speaker_type"] == "person", "speaker_name", mapping)
    return _renamed(stances, stances["target_type"] == "person", "target", mapping)


def _renamed(table: pd.DataFrame, rows: pd.Series, column: str, mapping: dict[str, str]) -> pd.DataFrame:
    if not mapping or table.empty:
        return table
    table = table.copy()
    table.loc[rows, column] = table.loc[rows, column].map(lambda name: mapping.get(name, name), na_action="ignore")
    return table


def speaker_entity_disagreements(quotes: pd.DataFrame, entities: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Quotes whose speaker mention ends in an entity mention (the mention's head: "Trump",
    "Secretary of State Antony Blinken", "the Pentagon") but whose `speaker_name` is not
    that entity's canonical name; and how many quotes were checked. A name that only
    describes the speaker ("a Trump supporter", "the FBI summary", "the Republican nominee")
    is not the speaker, nor is a group word ("the Republican", "a Democrat": one person of the
    group), and a document speaker is named as the document."""
    columns = ["article_id", "quote_id", "speaker", "speaker_name", "canonical"]
    spoken = quotes.dropna(subset=["speaker_start_char"])
    spoken = spoken[spoken["speaker_type"] != "document"]
    entities = entities[entities["label"] != "NORP"]  # "the Republican" is a person of the group
    if spoken.empty or entities.empty:
        return pd.DataFrame(columns=columns), 0
    pairs = spoken[["article_id", "quote_id", "speaker", "speaker_name", "speaker_start_char", "speaker_end_char"]].merge(
        entities[["article_id", "start_char", "end_char", "canonical"]], on="article_id")
    last = pairs["speaker_end_char"] - 1
    under = pairs[(pairs["start_char"] <= last) & (last < pairs["end_char"])]
    agree = under["speaker_name"].astype(object) == under["canonical"].astype(object)
    wrong = under[~agree.fillna(False).astype(bool)]
    return wrong[columns].reset_index(drop=True), len(under)


def _one_spelling(names: pd.Series) -> pd.Series:
    """Names that differ only by full stops ("George W. Bush", "George W Bush") take the
    spelling used most often (alphabetical first on a tie)."""
    counts = names.value_counts()
    ranked = sorted(counts.index, key=lambda name: (-counts[name], name))
    spelling: dict[str, str] = {}
    for name in ranked:
        spelling.setdefault(name.replace(".", ""), name)
    return names.map(lambda name: spelling[name.replace(".", "")])


def _vote_labels_across_corpus(entities: pd.DataFrame) -> pd.DataFrame:
    """A copy where a name the corpus clearly labels one way (at least CORPUS_VOTE_SHARE of
    its mentions, CORPUS_VOTE_MIN_MENTIONS of them, in two articles or more) takes that label
    everywhere."""
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
        name if label == "GPE" and name in countries() else None
        for name, label in zip(entities.loc[changed, "canonical"], entities.loc[changed, "label"])]
    return entities
