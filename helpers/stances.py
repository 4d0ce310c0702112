"""Who says what about whom: the `stances` table, and the summaries the notebook shows.

A stance joins three steps that already exist: a statement of the `quotes` table (with its
speaker, named by the identity layer), the entities it speaks about (the named mentions
inside the statement and the pronouns inside it that stand for someone named:
`identity.references`), and the sentiment model's judgement of each such mention in its
sentence (`sentiment.score_mentions`). One row per (statement, target): a target named
twice in a statement is judged by the mean of its mentions.
"""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np
import pandas as pd

from helpers.display import UNKNOWN_SPEAKER, Findings, count, signed
from helpers.identity.references import TARGET_TYPES, Reference, References
from helpers.quotes.marks import article_quoting
from helpers.sentiment import DEFAULT_TARGET_METHOD, LABELS, STANCE_METHOD, load_target_model, score_mentions
from helpers.structure import Context

# A word's push (log-odds of positive against negative) below this is not evidence.
EVIDENCE_MIN_WEIGHT = 0.1
EVIDENCE_WORDS = 3
Z_95 = 1.96


def extract_stances(context: Context) -> list[dict]:
    """Records of the `stances` table for one article (reads its `quotes` records)."""
    quotes = context.tables.get("quotes") or []
    if not quotes:
        return []
    references = References(context, context.identity, article_quoting(context)[1])
    statements = []
    for quote in quotes:
        found = [ref for ref in references.within(quote["start_char"], quote["end_char"], quote.get("speaker_name"))
                 if not _speaks_for(context, quote, ref)]
        if found:
            statements.append((quote, found))
    if not statements:
        return []
    model = load_target_model(STANCE_METHOD[context.target_method or DEFAULT_TARGET_METHOD])
    spans = [(ref.start, ref.end) for _, found in statements for ref in found]
    judged = iter(score_mentions([(context.doc, spans)], model.method, explain=True,
                                 rows_of=context.sentence_rows)[0])
    rows = []
    for quote, found in statements:
        by_target: dict[str, list[tuple[Reference, dict]]] = defaultdict(list)
        for ref in found:
            by_target[ref.canonical].append((ref, next(judged)))
        for target, mentions in by_target.items():
            rows.append(_row(context, quote, target, mentions, model))
    return rows


def _speaks_for(context: Context, quote: dict, ref: Reference) -> bool:
    """Whether the target is the speaker's own side as the attribution names it ("a Pentagon
    spokesman" speaking of the Pentagon)."""
    if ref.form != "name":
        return False
    described = " ".join(filter(None, (quote.get("speaker"), quote.get("speaker_role")))).lower()
    return bool(described) and (context.text[ref.start:ref.end].lower() in described
                                or ref.canonical.lower() in described)


def _row(context: Context, quote: dict, target: str, mentions: list[tuple[Reference, dict]], model) -> dict:
    first = mentions[0][0]
    judged = [result for _, result in mentions if not result["flag"]]
    if judged:
        probabilities = np.mean([result["probabilities"] for result in judged], axis=0)
        label = model.classes[int(np.argmax(probabilities))]
        score = float(probabilities[model.classes.index("positive")] - probabilities[model.classes.index("negative")])
    else:
        label, score = "neutral", 0.0
    return {"article_id": context.article_id, "quote_id": quote["quote_id"],
            "speaker_name": quote.get("speaker_name"), "speaker_type": quote.get("speaker_type"),
            "target": target, "target_type": TARGET_TYPES[first.label],
            "target_start_char": first.start, "target_end_char": first.end,
            "target_text": context.text[first.start:first.end],
            "score": round(score, 4), "label": label,
            "evidence": _evidence(context, mentions), "method": model.method}


def _evidence(context: Context, mentions: list[tuple[Reference, dict]]) -> str:
    """The words outside the target's mentions that pushed hardest, strongest first:
    "destroying −0.84, freezing −0.31". Function words ("the", "to") are left out: their
    contextual vectors carry weight, but a reader cannot check them as evidence."""
    doc = context.doc
    inside = {token.i for ref, _ in mentions for token in doc.char_span(ref.start, ref.end, alignment_mode="expand") or ()}
    pushes: dict[str, float] = defaultdict(float)  # a word written twice pushes once, by its sum
    for _, result in mentions:
        for token, weight in result.get("weights", {}).items():
            if token not in inside and not (doc[token].is_punct or doc[token].is_stop):
                pushes[doc[token].text] += weight / len(mentions)
    strongest = sorted(((word, weight) for word, weight in pushes.items() if abs(weight) >= EVIDENCE_MIN_WEIGHT),
                       key=lambda item: (-abs(item[1]), item[0]))[:EVIDENCE_WORDS]
    return ", ".join(f"{word} {weight:+.2f}".replace("-", "−") for word, weight in strongest)


# --------------------------------------------------------------------------------------
# Summaries for the notebook (tables in, tables out)

def stance_table(analysis) -> pd.DataFrame:
    """The stances as a reader scans them: speaker, target, label, score and evidence, by
    article and position; a quote whose speaker is not named says so."""
    shown = analysis.stances[["speaker_name", "target", "target_type", "label", "score", "evidence", "article_id"]]
    return shown.assign(speaker_name=shown["speaker_name"].astype(object).fillna(UNKNOWN_SPEAKER))


def stance_pairs(analysis, min_statements: int = 1) -> pd.DataFrame:
    """One row per (named speaker, target): how many statements, how many of each label, and
    the balance (positive − negative) / statements with an approximate 95% interval (each
    count smoothed by one, normal approximation: with few statements the interval is wide)."""
    stances = analysis.stances.dropna(subset=["speaker_name"])
    columns = ["speaker", "target", "target_type", "statements", *LABELS, "balance", "low", "high"]
    if stances.empty:
        return pd.DataFrame(columns=columns)
    counts = stances.groupby(["speaker_name", "target", "target_type"])["label"].value_counts().unstack(fill_value=0)
    counts = counts.reindex(columns=list(LABELS), fill_value=0).reset_index().rename_axis(columns=None)
    counts = counts.rename(columns={"speaker_name": "speaker"})
    counts["statements"] = counts[list(LABELS)].sum(axis=1)
    intervals = [_balance_interval(row.positive, row.negative, row.statements) for row in counts.itertuples()]
    counts["balance"] = (counts["positive"] - counts["negative"]) / counts["statements"]
    counts["low"], counts["high"] = zip(*intervals)
    counts = counts[counts["statements"] >= min_statements]
    counts[["balance", "low", "high"]] = counts[["balance", "low", "high"]].round(2)
    return counts[columns].sort_values(["statements", "speaker", "target"], ascending=[False, True, True]
                                       ).reset_index(drop=True)


def _balance_interval(positive: int, negative: int, statements: int) -> tuple[float, float]:
    n = statements + 2
    p_pos, p_neg = (positive + 1) / n, (negative + 1) / n
    centre = p_pos - p_neg
    spread = Z_95 * math.sqrt(max(p_pos + p_neg - centre ** 2, 0.0) / n)
    return max(centre - spread, -1.0), min(centre + spread, 1.0)


def extreme_pairs(analysis, side: str, limit: int = 5) -> pd.DataFrame:
    """The `limit` most negative (`side="negative"`) or most positive pairs, surest first (by
    the interval's bound nearest to neutral), each with its strongest statement."""
    pairs = stance_pairs(analysis)
    if side == "negative":
        pairs = pairs[pairs["negative"] > pairs["positive"]].sort_values(
            ["high", "statements", "speaker", "target"], ascending=[True, False, True, True])
    else:
        pairs = pairs[pairs["positive"] > pairs["negative"]].sort_values(
            ["low", "statements", "speaker", "target"], ascending=[False, False, True, True])
    pairs = pairs.head(limit).reset_index(drop=True)
    pairs["strongest statement"] = [_strongest_statement(analysis, row.speaker, row.target, side)
                                    for row in pairs.itertuples()]
    return pairs[["speaker", "target", "statements", "negative", "positive", "balance", "low", "high",
                  "strongest statement"]]


def _strongest_statement(analysis, speaker: str, target: str, side: str) -> str:
    stances = analysis.stances
    rows = stances[(stances["speaker_name"] == speaker) & (stances["target"] == target)]
    ordered = rows.sort_values(["score", "quote_id"], ascending=[side == "negative", True])
    quote = analysis.quotes.set_index("quote_id").loc[ordered.iloc[0]["quote_id"]]
    return quote["text"]


def stance_matrix(analysis, speakers: int = 8, targets: int = 5) -> pd.DataFrame:
    """The balance of each of the most quoted speakers towards each of the most spoken-about
    targets (rows and columns ordered by statements; blank where a speaker never speaks of
    the target); the other speakers and targets are summed into one last row and column.
    Six columns are as many as a figure's labels leave room for at 13 points on a phone."""
    pairs = stance_pairs(analysis)
    if pairs.empty:
        return pd.DataFrame()
    top_speakers = _most(pairs, "speaker", speakers)
    top_targets = _most(pairs, "target", targets)
    other_speakers, other_targets = "(other speakers)", "(other targets)"
    pairs = pairs.assign(
        speaker=pairs["speaker"].where(pairs["speaker"].isin(top_speakers), other_speakers),
        target=pairs["target"].where(pairs["target"].isin(top_targets), other_targets))
    grouped = pairs.groupby(["speaker", "target"])[["positive", "negative", "statements"]].sum()
    balance = ((grouped["positive"] - grouped["negative"]) / grouped["statements"]).round(2).unstack()
    order_rows = [s for s in [*top_speakers, other_speakers] if s in balance.index]
    order_columns = [t for t in [*top_targets, other_targets] if t in balance.columns]
    return balance.reindex(index=order_rows, columns=order_columns).rename_axis(index="speaker", columns=None)


def _most(pairs: pd.DataFrame, column: str, limit: int) -> list[str]:
    totals = pairs.groupby(column)["statements"].sum()
    return sorted(totals.index, key=lambda name: (-totals[name], name))[:limit]


def top_pairs(analysis, limit: int = 15) -> tuple[pd.DataFrame, dict]:
    """The `limit` pairs with most statements (for the network figure) and what the rest
    holds: {"pairs": n, "statements": n}."""
    pairs = stance_pairs(analysis)
    shown = pairs.head(limit)
    rest = pairs.iloc[limit:]
    return shown, {"pairs": len(rest), "statements": int(rest["statements"].sum())}


def findings(analysis) -> Findings:
    """The stances' closing findings, as sentences (see `display.Findings`)."""
    stances = analysis.stances
    if stances.empty:
        return Findings(["No statement in this corpus names someone it speaks about, so there is no stance to report."])
    named = stances.dropna(subset=["speaker_name"])
    counts = stances["label"].value_counts()
    lines = [f"{count(len(stances), 'stance')} in {count(stances['quote_id'].nunique(), 'statement')} "
             f"({', '.join(f'{int(counts.get(label, 0)):,} {label}' for label in LABELS)}); "
             f"{len(named):,} of them by a named speaker."]
    for side in ("negative", "positive"):
        pairs = extreme_pairs(analysis, side, limit=1)
        if not pairs.empty:
            row = pairs.iloc[0]
            lines.append(f"Most {side}: {row.speaker} about {row.target} ({count(row.statements, 'statement')}, "
                         f"{row.negative:,} negative, {row.positive:,} positive; balance {signed(row.balance)}, "
                         f"95% interval {signed(row.low)} to {signed(row.high)}).")
    return Findings(lines)
