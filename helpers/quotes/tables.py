"""The quotes tables the notebooks show: speakers, cues, listings and closing findings."""

from __future__ import annotations

import pandas as pd

from helpers.display import UNKNOWN_SPEAKER, Findings, Note, Table, count, highlight, note, passage_end, table

MARKED_QUOTES = 12  # quotes marked in an article's text before the excerpt stops

def with_speaker_label(quotes: pd.DataFrame) -> pd.DataFrame:
    """The quotes with `who`: the resolved name, else the unnamed speaker's role ("a
    spokesman", "a reporter" for a briefing's "Q"), else the mention as written, else
    UNKNOWN_SPEAKER."""
    who = quotes["speaker_name"].fillna(quotes["speaker_role"]).fillna(quotes["speaker"]).fillna(UNKNOWN_SPEAKER)
    return quotes.assign(who=who.astype("string"),
                         words=quotes["text"].str.split().str.len().astype("int64"))


def speaker_summary(quotes: pd.DataFrame) -> pd.DataFrame:
    """One row per speaker: direct and indirect quotes, words in direct quotes, articles."""
    labelled = with_speaker_label(quotes)
    direct = labelled["kind"] == "direct"
    summary = labelled.assign(direct=direct, indirect=~direct,
                              direct_words=labelled["words"].where(direct, 0)).groupby("who").agg(
        speaker_type=("speaker_type", "first"), direct=("direct", "sum"),
        indirect=("indirect", "sum"), direct_words=("direct_words", "sum"),
        articles=("article_id", "nunique"))
    summary = summary.reset_index().sort_values(["direct_words", "direct", "who"],
                                                ascending=[False, False, True])
    return summary.reset_index(drop=True)


def most_quoted(quotes: pd.DataFrame) -> str | None:
    """The most quoted named speaker (most words in direct quotes, then most quotes, then by
    name): the one answer every notebook gives to "who is quoted most"."""
    named = quotes.dropna(subset=["speaker_name"])
    if named.empty:
        return None
    return str(speaker_summary(named)["who"].iloc[0])


def kinds_by_speaker_type(quotes: pd.DataFrame) -> pd.DataFrame:
    """Direct and indirect quotes per kind of speaker (person, organization, document,
    unknown), most quoted kind first."""
    counts = quotes.groupby(["speaker_type", "kind"]).size().unstack(fill_value=0)
    counts = counts.reindex(columns=["direct", "indirect"], fill_value=0).rename_axis(columns=None)
    counts["total"] = counts["direct"] + counts["indirect"]
    return (counts.reset_index().rename(columns={"speaker_type": "speaker"})
            .sort_values(["total", "speaker"], ascending=[False, True], ignore_index=True))


def cue_counts(quotes: pd.DataFrame) -> pd.DataFrame:
    """How often each cue lemma introduces a direct and an indirect quote."""
    cues = quotes.dropna(subset=["cue_lemma"])
    table = cues.pivot_table(index="cue_lemma", columns="kind", values="quote_id",
                             aggfunc="count", fill_value=0)
    for kind in ("direct", "indirect"):
        if kind not in table:
            table[kind] = 0
    table = table[["direct", "indirect"]].assign(total=lambda t: t["direct"] + t["indirect"])
    table.columns.name = None
    return table.reset_index().sort_values(["total", "cue_lemma"], ascending=[False, True],
                                           ignore_index=True)


def highlight_spans(quotes: pd.DataFrame, article_id: str) -> list[tuple[int, int, str]]:
    """(start, end, label) for every quote of one article, labelled "speaker · kind"."""
    rows = with_speaker_label(quotes[quotes["article_id"] == article_id])
    return [(int(r.start_char), int(r.end_char), f"{r.who} · {r.kind}") for r in rows.itertuples()]


def quote_listing(quotes: pd.DataFrame) -> pd.DataFrame:
    """Each speaker's quotes as a table: who, kind, cue and the whole quote, grouped by speaker,
    the most quoted first and quotes without a speaker last, each speaker's in article order
    (`display.table` clips long quotes at a word)."""
    labelled = with_speaker_label(quotes)
    quoted = labelled.groupby("who")["who"].transform("size")
    labelled = labelled.assign(_unknown=labelled["who"] == UNKNOWN_SPEAKER, _quoted=-quoted,
                               _key=labelled["who"].str.casefold())
    labelled = labelled.sort_values(["_unknown", "_quoted", "_key", "who", "article_id", "start_char"])
    return labelled[["who", "kind", "cue", "text"]].reset_index(drop=True)


def most_quoted_article(quotes: pd.DataFrame, articles: pd.DataFrame) -> str:
    """The article with the most quotes (the first article when none has any)."""
    if quotes.empty:
        return articles["article_id"].iloc[0]
    counts = quotes.groupby("article_id").size()
    return sorted(counts.index, key=lambda article: (-counts[article], article))[0]


def marked_article(quotes: pd.DataFrame, articles: pd.DataFrame, limit: int = MARKED_QUOTES) -> tuple[Note, str]:
    """The most quoted article with its quotes marked: a sentence naming it, and the HTML of
    its text up to the end of the paragraph of its `limit`-th quote (a briefing of 200
    quotes would fill a phone's screen fifty times over)."""
    article_id = most_quoted_article(quotes, articles)
    article = articles.set_index("article_id").loc[article_id]
    spans = highlight_spans(quotes, article_id)
    end = passage_end(article["text"], spans, limit)
    shown = sum(1 for _, span_end, _ in spans if span_end <= end)
    title = f"“{article['title']}” ({article_id})" if pd.notna(article["title"]) else article_id
    sentence = f"{title}: {count(len(spans), 'quote')}"
    if shown < len(spans):
        sentence += f"; the first {shown} are marked below, up to the end of their paragraph"
    return note(sentence + "."), highlight(article["text"], spans, end=end)


def speakers_compared(quotes: pd.DataFrame, articles: pd.DataFrame, top: int = 10,
                      max_columns: int = 6) -> list[Table | Note]:
    """Words in direct quotes of the most quoted speakers, across articles and across outlets,
    as tables to show; a sentence instead of a table when the corpus cannot support the
    comparison."""
    if quotes["article_id"].nunique() < 2:
        return [note("This corpus has quotes from a single article, so there is nothing to compare "
                     "across articles or outlets.")]
    labelled = with_speaker_label(quotes)
    leaders = speaker_summary(quotes)["who"].head(top)
    direct = labelled[labelled["who"].isin(leaders) & (labelled["kind"] == "direct")]
    per_article = direct.pivot_table(index="who", columns="article_id", values="words",
                                     aggfunc="sum", fill_value=0)
    if per_article.shape[1] > max_columns:  # too many articles for columns: how widely, how much
        per_article = (per_article.assign(articles=(per_article > 0).sum(axis=1), words=per_article.sum(axis=1))
                       [["articles", "words"]].sort_values(["words", "articles"], ascending=False))
    shown = [table(per_article.rename_axis(index="speaker", columns=None), "Words in direct quotes, by article",
                   what="speakers", index=True)]
    outlets = articles.set_index("article_id")["outlet"]
    with_outlet = direct.assign(outlet=direct["article_id"].map(outlets)).dropna(subset=["outlet"])
    if with_outlet["outlet"].nunique() < 2:
        return shown + [note("The articles do not name at least two outlets, so speakers are not "
                             "compared by outlet.")]
    per_outlet = with_outlet.pivot_table(index="who", columns="outlet", values="words", aggfunc="sum", fill_value=0)
    per_outlet = per_outlet[per_outlet.sum().sort_values(ascending=False, kind="stable").index[:max_columns]]
    return shown + [table(per_outlet.rename_axis(index="speaker", columns=None),
                          "Words in direct quotes, by outlet", what="speakers", index=True)]


def findings(quotes: pd.DataFrame) -> Findings:
    """The quotes notebook's closing findings, computed from the quotes table."""
    if quotes.empty:
        return Findings(["No quotes were found in this corpus."])
    summary = speaker_summary(quotes)
    direct = int((quotes["kind"] == "direct").sum())
    leader = most_quoted(quotes)
    lead = summary[summary["who"] == leader].iloc[0] if leader else summary.iloc[0]
    share = lead["direct_words"] / max(summary["direct_words"].sum(), 1)
    top_cue = cue_counts(quotes).iloc[0]
    articles = quotes["article_id"].nunique()
    lines = [f"{len(quotes):,} quotes in {articles:,} article{'s' if articles != 1 else ''}: {direct:,} direct, "
             f"{len(quotes) - direct:,} indirect, from {len(summary):,} speakers.",
             f"Most quoted: {lead['who']} ({lead['direct']} direct, {lead['indirect']} indirect; "
             f"{share:.0%} of all words in direct quotes).",
             f"Most common cue: “{top_cue['cue_lemma']}” ({top_cue['total']:,} quotes); "
             f"quotes without a speaker: {int(quotes['speaker'].isna().sum()):,}."]
    named = set(quotes["speaker_name"].dropna())
    documents = summary[(summary["speaker_type"] == "document") & summary["who"].isin(named)]["who"]  # most quoted first
    if len(documents):
        more = f" and {len(documents) - 5} more" if len(documents) > 5 else ""
        lines.append("Documents quoted: " + ", ".join(documents.head(5)) + more + ".")
    return Findings(lines)
