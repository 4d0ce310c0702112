"""The tables the sentiment notebook shows: the tone arc, speakers' tone, sentiment towards
entities (by outlet and month too), where the two methods disagree, word-level explanations,
and the closing findings. Tables in, tables out; article text reaches HTML only escaped."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from helpers.display import UNKNOWN_SPEAKER, Findings, clip_at_word, count, signed
from helpers.quotes.tables import most_quoted
from helpers.sentiment import (DEFAULT_TARGET_METHOD, LABELS, LEXICON_METHOD, explain_target, explain_tone,
                               explanation_html, score_targets_many)


def rows_by_level(analysis) -> pd.DataFrame:
    """How many rows the sentiment table holds per level and method, and how many of them
    were not judged (empty, too short or not English)."""
    scores = analysis.sentiment
    grouped = scores.groupby(["level", "method"])
    table = pd.DataFrame({"rows": grouped.size(), "not judged": grouped["flag"].count()}).reset_index()
    order = {level: i for i, level in enumerate(("article", "paragraph", "sentence", "quote", "entity"))}
    return table.sort_values(["level", "method"], key=lambda c: c.map(order) if c.name == "level" else c,
                             ignore_index=True)


def arc_article(analysis) -> str | None:
    """The article whose tone arc is shown: the one with most paragraphs (the first by id on a
    tie), since an arc needs paragraphs to rise and fall."""
    paragraphs = analysis.sentiment[analysis.sentiment["level"] == "paragraph"]
    if paragraphs.empty:
        return None
    sizes = paragraphs.groupby("article_id").size()
    return sorted(sizes.index, key=lambda article: (-sizes[article], article))[0]


def tone_arc(analysis, article_id: str | None = None) -> pd.DataFrame:
    """Paragraph by paragraph tone of one article (default: `arc_article`), with an opening."""
    paragraphs = analysis.sentiment[analysis.sentiment["level"] == "paragraph"]
    article_id = article_id or arc_article(analysis)
    rows = paragraphs[paragraphs["article_id"] == article_id]
    text = analysis.articles.set_index("article_id").loc[article_id, "text"]
    return pd.DataFrame({
        "paragraph": rows["unit"].astype(int).to_numpy(),
        "score": rows["score"].round(3).to_numpy(),
        "label": rows["label"].to_numpy(),
        "opening": [_opening(text[start:end]) for start, end in zip(rows["start_char"], rows["end_char"])],
    }).sort_values("paragraph").reset_index(drop=True)


def speaker_tone(analysis) -> pd.DataFrame:
    """Tone of each speaker's quotes: how many, mean score, and how many of each label."""
    quotes = analysis.sentiment[analysis.sentiment["level"] == "quote"]
    joined = quotes.merge(analysis.quotes[["quote_id", "speaker_name"]], left_on="unit",
                          right_on="quote_id", how="left")
    joined["speaker"] = joined["speaker_name"].fillna(UNKNOWN_SPEAKER)
    judged = joined[joined["flag"].isna()]
    grouped = judged.groupby("speaker")
    table = pd.DataFrame({"quotes": grouped.size(), "mean_tone": grouped["score"].mean().round(3)})
    for label in LABELS:
        table[label] = grouped["label"].apply(lambda labels, wanted=label: int((labels == wanted).sum()))
    return table.sort_values(["quotes", "mean_tone"], ascending=[False, True]).reset_index()


def entity_sentiment(analysis, names: Iterable[str] | None = None) -> pd.DataFrame:
    """One row per entity: its mentions and articles, and for each method the mean score
    over articles and the label most articles got (a tie gives neutral).

    `target` is the sentiment towards the entity (the run's target method); `tone` is the
    VADER tone of the sentences that mention it.
    """
    rows = analysis.sentiment[(analysis.sentiment["level"] == "entity") & analysis.sentiment["flag"].isna()]
    if names is not None:
        rows = rows[rows["unit"].isin(list(names))]
    mentions = analysis.entities.assign(unit=analysis.entities["canonical"].fillna(analysis.entities["text"]))
    table = pd.DataFrame({"mentions": mentions.groupby("unit").size(),
                          "articles": rows.groupby("unit")["article_id"].nunique()}).dropna()
    for is_target, column in ((True, "target"), (False, "tone")):
        grouped = rows[(rows["method"] != LEXICON_METHOD) == is_target].groupby("unit")
        table[column] = grouped["score"].mean().round(3)
        table[f"{column}_label"] = grouped["label"].agg(_majority)
    table = table.astype({"mentions": int, "articles": int})
    table.index.name = "entity"
    return table.sort_values(["mentions", "entity"], ascending=[False, True]).reset_index()


def _majority(labels: pd.Series) -> str:
    counts = labels.value_counts()
    if len(counts) > 1 and counts.iloc[0] == counts.iloc[1]:
        return "neutral"
    return counts.index[0]


def disagreements(entity_table: pd.DataFrame) -> pd.DataFrame:
    """Rows of `entity_sentiment` where the target model and the lexicon tone disagree."""
    differ = entity_table["target_label"] != entity_table["tone_label"]
    return entity_table[differ].reset_index(drop=True)


def entity_sentiment_by(analysis, column: str, names: Iterable[str]) -> pd.DataFrame:
    """Mean target sentiment towards each named entity per value of an `articles` column
    (e.g. `outlet`, or `date` by month, as "Feb 2009" in a `month` index, in time order);
    empty when no article has that column."""
    rows = analysis.sentiment[(analysis.sentiment["level"] == "entity")
                              & (analysis.sentiment["method"] != LEXICON_METHOD)
                              & analysis.sentiment["unit"].isin(list(names))
                              & analysis.sentiment["flag"].isna()]
    articles = analysis.articles[["article_id", column]].dropna()
    if column == "date":
        articles = articles.assign(date=articles["date"].dt.to_period("M").astype(str))
    joined = rows.merge(articles, on="article_id")
    if joined.empty:
        return pd.DataFrame()
    by = joined.pivot_table(index=column, columns="unit", values="score", aggfunc="mean").round(3).sort_index()
    by.columns.name = None
    if column == "date":
        by.index = pd.Index([pd.Period(month).strftime("%b %Y") for month in by.index], name="month")
    return by


def mention_sentiment(analysis, names: Iterable[str]) -> pd.DataFrame:
    """Each mention of the named entities with its sentence's offsets and the target
    model's label and score (each article containing one is parsed once more)."""
    mentions = analysis.entities[analysis.entities["canonical"].isin(list(names))]
    mentions = mentions.sort_values(["article_id", "start_char"]).reset_index(drop=True)
    texts = analysis.articles.set_index("article_id")["text"]
    method = target_method(analysis)
    # Sorted by article, so the groups' mentions concatenate back into `mentions`' order.
    groups = mentions.groupby("article_id", sort=True)
    scored = [row for rows in score_targets_many(
        [(texts[article_id], list(zip(group["start_char"], group["end_char"])))
         for article_id, group in groups], method) for row in rows]
    sentences = analysis.sentences[["article_id", "sentence", "start_char", "end_char"]].rename(
        columns={"start_char": "sentence_start", "end_char": "sentence_end"})
    mentions = mentions.assign(sentiment=[row["label"] for row in scored],
                               score=[round(row["score"], 3) for row in scored])
    return mentions.merge(sentences, on=["article_id", "sentence"], how="left")[
        ["article_id", "sentence", "sentence_start", "sentence_end", "canonical", "start_char",
         "end_char", "sentiment", "score"]]


def mention_listing(analysis, mention_table: pd.DataFrame) -> pd.DataFrame:
    """`mention_sentiment`'s rows as a reader reads them: the entity, its article, the label
    and score, and the sentence it is in (instead of offsets)."""
    texts = analysis.articles.set_index("article_id")["text"]
    sentences = [texts[row.article_id][int(row.sentence_start):int(row.sentence_end)]
                 if pd.notna(row.sentence_start) else "" for row in mention_table.itertuples()]
    return mention_table.assign(sentence_text=sentences)[
        ["canonical", "article_id", "sentiment", "score", "sentence_text"]].rename(
        columns={"canonical": "entity", "sentence_text": "sentence"})


def strongest_mentions(mention_table: pd.DataFrame, limit: int = 3) -> pd.DataFrame:
    """The `limit` mentions scored furthest from neutral, one per sentence."""
    ordered = mention_table.assign(strength=mention_table["score"].abs()).sort_values(
        ["strength", "article_id", "start_char"], ascending=[False, True, True], kind="stable")
    return ordered.drop_duplicates(["article_id", "sentence"]).head(limit).drop(columns="strength").reset_index(drop=True)


def _opening(text: str, words: int = 8) -> str:
    head = text.split()
    return " ".join(head[:words]) + (" …" if len(head) > words else "")


def target_method(analysis) -> str:
    """The target sentiment method of an analysis's entity rows (the default if none)."""
    methods = analysis.sentiment.loc[analysis.sentiment["level"] == "entity", "method"]
    used = sorted(set(methods) - {LEXICON_METHOD})
    return used[0] if used else DEFAULT_TARGET_METHOD


def main_entities(analysis, limit: int = 3) -> list[str]:
    """The most mentioned organisations and places: the 'sides' a reader compares."""
    entities = analysis.entities[analysis.entities["label"].isin(["GPE", "ORG"])]
    counts = entities.groupby("canonical").size()
    return sorted(counts.index, key=lambda name: (-counts[name], name))[:limit]


def explained_mentions(analysis, mentions: pd.DataFrame, limit: int = 3) -> list[tuple[str, str, str]]:
    """For the strongest mentions: a caption naming the words that pushed the score, the
    sentence shaded by the target model's weights, and shaded by VADER's tone weights."""
    texts = analysis.articles.set_index("article_id")["text"]
    method = target_method(analysis)
    shown = []
    for row in strongest_mentions(mentions, limit=limit).itertuples():
        text = texts[row.article_id]
        weights = explain_target(text, row.start_char, row.end_char, method)
        strongest = sorted(weights, key=lambda item: (-abs(item[2]), item[0]))[:3]
        caption = (f"{row.canonical} in sentence {row.sentence}: {row.sentiment} ({signed(row.score)}); "
                   "strongest words: "
                   + ", ".join(f"“{text[start:end]}” {signed(weight)}" for start, end, weight in strongest) + ".")
        sentence = text[row.sentence_start:row.sentence_end]
        shown.append((caption,
                      explanation_html(text, weights, row.sentence_start, row.sentence_end,
                                       target=(row.start_char, row.end_char)),
                      explanation_html(sentence, explain_tone(sentence))))
    return shown


def findings(analysis, main: list[str], benchmark: dict | None = None) -> Findings:
    """The sentiment notebook's closing findings, computed from the sentiment table."""
    table = analysis.sentiment
    articles = table[(table["level"] == "article") & table["flag"].isna()]
    counts = ", ".join(f"{n:,} {label}" for label, n in articles["label"].value_counts().sort_index().items())
    lines = [f"{count(len(articles), 'article')} judged; mean tone {signed(articles['score'].mean())} ({counts})."]
    arc = tone_arc(analysis)
    if len(arc) > 1:
        low, high = arc.loc[arc["score"].idxmin()], arc.loc[arc["score"].idxmax()]
        title = analysis.articles.set_index("article_id").loc[arc_article(analysis), "title"] or arc_article(analysis)
        extremes = ([f"the most negative paragraph is {low.paragraph} ({signed(low.score)}: “{low.opening}”)"]
                    if low.score < 0 else []) + ([f"the most positive is {high.paragraph} ({signed(high.score)})"]
                                                 if high.score > 0 else [])
        if extremes:
            lines.append(f"In the longest article, “{clip_at_word(title, 60)}”, {' and '.join(extremes)}.")
    speakers = speaker_tone(analysis)
    leader = most_quoted(analysis.quotes)
    if leader is not None and leader in set(speakers["speaker"]):
        top = speakers[speakers["speaker"] == leader].iloc[0]
        lines.append(f"The most quoted named speaker, {top.speaker}, has {count(top.quotes, 'quote')} with mean "
                     f"tone {signed(top.mean_tone)}.")
    entities = entity_sentiment(analysis)
    for row in entities[entities["entity"].isin(main)].itertuples():
        lines.append(f"Towards {row.entity}: {row.target_label} ({signed(row.target)}, {count(row.mentions, 'mention')}); "
                     f"the tone of its sentences is {row.tone_label} ({signed(row.tone)}).")
    lines.append(f"The two methods disagree on {len(disagreements(entities)):,} of {count(len(entities), 'entity', 'entities')}.")
    method = target_method(analysis)
    if benchmark and method in benchmark.get("results", {}).get("rw-test", {}):
        scores = benchmark["results"]["rw-test"]
        lines.append(f"On NewsMTSC's real-world test sentences the target model ({method}) reaches macro-F1 "
                     f"{scores[method]['macro_f1']:.2f} (VADER {scores['vader']['macro_f1']:.2f}, "
                     f"always neutral {scores['always-neutral']['macro_f1']:.2f}).")
    return Findings(lines)

