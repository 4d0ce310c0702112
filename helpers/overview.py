"""What is in a corpus: per-article sizes, which fields are known, what could not be read, and
the corpus notebook's closing findings."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from helpers.analysis import Analysis
from helpers.display import Findings, count


def article_overview(analysis: Analysis) -> pd.DataFrame:
    """One row per article: its size in words and sentences, and words per sentence (long
    ones mark transcripts and lists). Paragraphs are left to the findings, so that the table
    fits a laptop's screen."""
    articles = analysis.articles
    sentences = analysis.sentences.groupby("article_id").size()
    overview = articles[["article_id", "title", "date", "outlet", "n_words"]].copy()
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


def coverage_table(analysis: Analysis) -> pd.DataFrame:
    """How often each field is known: `field`, `articles` with it, `share` (%), and what it
    makes possible."""
    articles = analysis.articles
    total = max(len(articles), 1)
    uses = {"date": "articles over time", "outlet": "comparisons between outlets",
            "url": "links back to each article"}
    rows = [{"field": name, "articles": int(articles[name].notna().sum()),
             "share": round(100 * articles[name].notna().sum() / total, 1), "needed for": use}
            for name, use in uses.items()]
    if "truncated" in articles:
        rows.append({"field": "text cut by the provider", "articles": int(articles["truncated"].fillna(False).sum()),
                     "share": round(100 * articles["truncated"].fillna(False).sum() / total, 1),
                     "needed for": "knowing which texts are incomplete"})
    return pd.DataFrame(rows).rename(columns={"share": "share %"})


def problem_table(analysis: Analysis, corpus: str | Path | None = None) -> pd.DataFrame:
    """The `problems` table for reading: `file` (relative to the corpus folder), `record` (the
    record or line number in that file, blank for a whole file), `problem`, `detail`,
    `action`; skipped inputs first."""
    problems = analysis.problems
    split = problems["source"].str.rsplit("#", n=1, expand=True).reindex(columns=[0, 1])
    base = Path(corpus) if corpus is not None else None
    files = [_relative(path, base) for path in split[0]]
    table = pd.DataFrame({"file": files, "record": pd.to_numeric(split[1], errors="coerce").astype("Int64"),
                          "problem": problems["problem"], "detail": problems["detail"],
                          "action": problems["action"]})
    order = {"skipped": 0, "repaired": 1, "flagged": 2}
    return (table.assign(_order=table["action"].map(order).fillna(3))
            .sort_values(["_order", "file", "record", "problem"], na_position="first", kind="stable")
            .drop(columns="_order").reset_index(drop=True))


def _relative(path: str, base: Path | None) -> str:
    if base is None:
        return Path(path).name
    folder = base if base.is_dir() else base.parent
    relative = os.path.relpath(path, folder)
    return Path(path).name if relative.startswith("..") else relative


def findings(analysis: Analysis) -> Findings:
    """The corpus notebook's closing findings, computed from the tables."""
    articles = analysis.articles
    known = coverage(analysis)
    lines = [f"{count(len(articles), 'article')}, {int(articles['n_words'].sum()):,} words, "
             f"{len(analysis.paragraphs):,} paragraphs and {len(analysis.sentences):,} sentences."]
    if len(articles):
        lengths = sentence_lengths(analysis)
        lines.append(f"A typical sentence has {lengths.median():.0f} words; the longest has {lengths.max():.0f}.")
    if known["with_date"]:
        dates = articles["date"].dropna()
        lines.append(f"Dates run from {_day(dates.min())} to {_day(dates.max())} "
                     f"({known['with_date']:,} of {len(articles):,} articles dated).")
    else:
        lines.append("No article has a date.")
    if known["outlets"]:
        top = articles["outlet"].value_counts().sort_index().sort_values(ascending=False, kind="stable")
        lines.append(f"{count(known['outlets'], 'outlet')} named; the most frequent is {top.index[0]} "
                     f"({count(int(top.iloc[0]), 'article')}).")
    else:
        lines.append("No outlet is named.")
    actions = analysis.problems["action"].value_counts()
    done = [f"{int(actions[action]):,} {action}" for action in ("skipped", "repaired", "flagged") if action in actions]
    lines.append(f"Inputs set aside or changed: {', '.join(done)} (see What could not be read)."
                 if done else "No input was skipped, repaired or flagged.")
    return Findings(lines)



def _day(stamp: pd.Timestamp) -> str:
    return f"{stamp.day} {stamp:%B %Y}"
