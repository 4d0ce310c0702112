"""What is in a corpus: per-article sizes, coverage of dates and outlets, a short summary."""

from __future__ import annotations

import pandas as pd

from helpers.analysis import Analysis


def article_overview(analysis: Analysis) -> pd.DataFrame:
    """One row per article: its size in words, paragraphs and sentences."""
    articles = analysis.articles
    paragraphs = analysis.paragraphs.groupby("article_id").size()
    sentences = analysis.sentences.groupby("article_id").size()
    overview = articles[["article_id", "title", "date", "outlet", "n_words"]].copy()
    overview["paragraphs"] = overview["article_id"].map(paragraphs).fillna(0).astype("int64")
    overview["sentences"] = overview["article_id"].map(sentences).fillna(0).astype("int64")
    overview["words_per_sentence"] = (overview["n_words"] / overview["sentences"].where(
        overview["sentences"] > 0)).round(1)
    return overview.rename(columns={"n_words": "words"}).sort_values("article_id", ignore_index=True)


def sentence_lengths(analysis: Analysis) -> pd.Series:
    """Words per sentence, over the whole corpus."""
    return analysis.sentences["text"].str.split().str.len().rename("words")


def coverage(analysis: Analysis) -> dict[str, int]:
    """How many articles have a date, an outlet and a url, and how many distinct outlets."""
    articles = analysis.articles
    return {"articles": len(articles), "with_date": int(articles["date"].notna().sum()),
            "with_outlet": int(articles["outlet"].notna().sum()),
            "with_url": int(articles["url"].notna().sum()),
            "outlets": int(articles["outlet"].nunique())}


def corpus_summary(analysis: Analysis) -> list[str]:
    """Headline findings about the corpus, as sentences."""
    articles = analysis.articles
    known = coverage(analysis)
    lines = [f"{len(articles):,} article(s), {int(articles['n_words'].sum()):,} words, "
             f"{len(analysis.paragraphs):,} paragraphs and {len(analysis.sentences):,} sentences."]
    if len(articles):
        lengths = sentence_lengths(analysis)
        lines.append(f"A typical sentence has {lengths.median():.0f} words; "
                     f"the longest has {lengths.max():.0f}.")
    if known["with_date"]:
        dates = articles["date"].dropna()
        lines.append(f"Dates run from {dates.min():%Y-%m-%d} to {dates.max():%Y-%m-%d} "
                     f"({known['with_date']:,} articles dated).")
    else:
        lines.append("No article has a date.")
    lines.append(f"{known['outlets']:,} outlet(s) named." if known["outlets"] else "No outlet is named.")
    skipped = int((analysis.problems["action"] == "skipped").sum())
    repaired = int((analysis.problems["action"] == "repaired").sum())
    lines.append(f"{skipped:,} input(s) skipped and {repaired:,} repaired (see the problems table)."
                 if skipped or repaired else "No input was skipped or repaired.")
    return lines
