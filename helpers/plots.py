"""The figures the notebooks draw. Each function takes tables and returns a matplotlib Axes.

One look for every figure: muted colours, no top/right spines, labelled axes. Notebooks
assign the result (`ax = plots....`): a trailing `;` does not silence it under nbval, which
runs cells without storing history, so the Axes repr would differ from the stored output.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.colors import LinearSegmentedColormap

plt.rcParams.update({
    "figure.figsize": (8, 3.6), "figure.dpi": 100, "axes.spines.top": False,
    "axes.spines.right": False, "axes.titleweight": "bold", "axes.titlesize": 12,
    "svg.hashsalt": "news-helpers",
})
COLOR = "#3b6ea8"


def _axes(ax=None):
    return ax if ax is not None else plt.subplots()[1]


def histogram(values: pd.Series, title: str, xlabel: str, bins: int = 20, ax=None):
    """Distribution of one numeric column."""
    ax = _axes(ax)
    ax.hist(values.dropna(), bins=bins, color=COLOR, edgecolor="white")
    ax.set(title=title, xlabel=xlabel, ylabel="count")
    return ax


def bar_counts(counts: pd.Series, title: str, xlabel: str = "count", ax=None):
    """Horizontal bars for a count per label, largest at the top."""
    ax = _axes(ax)
    ordered = counts.sort_values()
    ax.barh([str(label) for label in ordered.index], ordered.to_numpy(), color=COLOR)
    ax.set(title=title, xlabel=xlabel)
    return ax


def counts_over_time(dates: pd.Series, title: str, freq: str = "MS", ax=None):
    """Articles (or any dated rows) per period."""
    ax = _axes(ax)
    per_period = dates.dropna().dt.to_period(freq[0]).value_counts().sort_index()
    ax.bar(per_period.index.astype(str), per_period.to_numpy(), color=COLOR)
    ax.set(title=title, ylabel="count")
    ax.tick_params(axis="x", rotation=45)
    return ax


def cooccurrence_heatmap(matrix: pd.DataFrame, title: str, ax=None):
    """A square table of co-occurrence counts as a heatmap, each cell labelled with its count."""
    if ax is None:
        size = max(4.0, 0.55 * len(matrix) + 2)
        ax = plt.subplots(figsize=(size + 1, size))[1]
    image = ax.imshow(matrix.to_numpy(), cmap="Blues")
    ax.set_xticks(range(len(matrix.columns)), [str(c) for c in matrix.columns], rotation=45, ha="right")
    ax.set_yticks(range(len(matrix.index)), [str(i) for i in matrix.index])
    peak = matrix.to_numpy().max() if matrix.size else 0
    for row, column in ((r, c) for r in range(len(matrix.index)) for c in range(len(matrix.columns))):
        value = matrix.iat[row, column]
        if value:
            ax.text(column, row, str(value), ha="center", va="center", fontsize=8,
                    color="white" if value > peak / 2 else "black")
    ax.figure.colorbar(image, ax=ax, shrink=0.8, label="shared units")
    ax.set(title=title)
    ax.spines[["left", "bottom"]].set_visible(False)
    return ax


def shares_by_group(shares: pd.DataFrame, title: str, ylabel: str = "% of entity mentions", ax=None):
    """One line per column across the rows (periods), or grouped bars when rows are categories
    such as outlets; `shares` as from `entities.attention`."""
    ax = _axes(ax)
    if shares.index.name == "date":
        shares.plot(kind="line", marker="o", ax=ax, colormap="tab10", rot=45)
    else:
        shares.plot(kind="bar", ax=ax, colormap="tab10", rot=45)
    ax.set(title=title, ylabel=ylabel, xlabel="")
    ax.legend(fontsize=8, frameon=False, bbox_to_anchor=(1.01, 1), loc="upper left")
    return ax


def quoted_words_by_speaker(summary: pd.DataFrame, top: int = 12, ax=None):
    """Words each speaker is quoted with directly, and their indirect quotes, for the `top`
    speakers of `quotes.speaker_summary`."""
    ax = _axes(ax)
    shown = summary.head(top).iloc[::-1]
    labels = [str(who) for who in shown["who"]]
    ax.barh(labels, shown["direct_words"].to_numpy(), color=COLOR)
    ax.set(title="Who is quoted, and how much", xlabel="words in direct quotes")
    for y, (words, indirect) in enumerate(zip(shown["direct_words"], shown["indirect"])):
        if indirect:
            ax.annotate(f"+{indirect} indirect", (words, y), xytext=(4, 0),
                        textcoords="offset points", va="center", fontsize=8)
    return ax


def treaty_reference_counts(summary: pd.DataFrame, top: int = 12, ax=None):
    """References per treaty (from `treaty_report.treaty_summary`), the `top` most cited."""
    ax = _axes(ax)
    shown = summary.head(top).iloc[::-1]
    ax.barh([_shortened(name) for name in shown["treaty"]], shown["references"].to_numpy(), color=COLOR)
    ax.set(title="Which treaties are invoked", xlabel="references")
    ax.xaxis.get_major_locator().set_params(integer=True)
    return ax


def treaty_references_over_time(treaty_refs: pd.DataFrame, articles: pd.DataFrame, top: int = 5,
                                freq: str = "M", ax=None):
    """References per period for the `top` most cited treaties; articles without a date are left out."""
    ax = _axes(ax)
    dated = treaty_refs.merge(articles[["article_id", "date"]], on="article_id").dropna(subset=["date"])
    leaders = dated["treaty"].value_counts().sort_index().sort_values(ascending=False, kind="stable").head(top).index
    periods = dated["date"].dt.to_period(freq)
    table = (dated.assign(period=periods)[dated["treaty"].isin(leaders)]
             .groupby(["period", "treaty"]).size().unstack(fill_value=0).sort_index())
    for treaty in leaders:
        ax.plot(table.index.astype(str), table[treaty].to_numpy(), marker="o", label=_shortened(treaty))
    ax.set(title="Treaty references over time", ylabel="references")
    ax.tick_params(axis="x", rotation=45)
    for label in ax.get_xticklabels():
        label.set_horizontalalignment("right")
    ax.legend(fontsize=8, frameon=False, loc="upper left")
    ax.figure.tight_layout()
    return ax


def _shortened(name: str, width: int = 40) -> str:
    return name if len(name) <= width else name[:width - 1] + "…"


SENTIMENT_COLORS = {"negative": "#c2410c", "neutral": "#9ca3af", "positive": "#15803d"}
# Balance from -1 (all negative) through 0 (grey, still visible) to 1 (all positive).
BALANCE_COLORS = LinearSegmentedColormap.from_list(
    "balance", [SENTIMENT_COLORS["negative"], "#d1d5db", SENTIMENT_COLORS["positive"]])


def tone_arc(arc: pd.DataFrame, title: str = "Tone paragraph by paragraph", ax=None):
    """Paragraph tone (from `sentiment.tone_arc`): a bar per paragraph coloured by label."""
    ax = _axes(ax)
    ax.bar(arc["paragraph"].to_numpy(), arc["score"].to_numpy(),
           color=[SENTIMENT_COLORS[label] for label in arc["label"]])
    ax.axhline(0, color="#374151", linewidth=0.8)
    ax.set(title=title, xlabel="paragraph", ylabel="tone (VADER, -1 to 1)", ylim=(-1.05, 1.05))
    ax.xaxis.get_major_locator().set_params(integer=True)
    return ax


def entity_sentiment_bars(table: pd.DataFrame, title: str = "Sentiment towards each entity", ax=None):
    """Two bars per entity (from `sentiment.entity_sentiment`): the target model's score and
    the VADER tone of the sentences that mention it."""
    ax = _axes(ax)
    shown = table.iloc[::-1]
    positions = range(len(shown))
    ax.barh([p + 0.2 for p in positions], shown["target"].to_numpy(), height=0.4, color=COLOR,
            label="towards the entity (target model)")
    ax.barh([p - 0.2 for p in positions], shown["tone"].to_numpy(), height=0.4, color="#d1a054",
            label="tone of its sentences (VADER)")
    ax.set_yticks(list(positions), [str(name) for name in shown["entity"]])
    ax.axvline(0, color="#374151", linewidth=0.8)
    ax.set(title=title, xlabel="score (-1 negative … 1 positive)", xlim=(-1.05, 1.05))
    ax.legend(fontsize=8, frameon=False, loc="lower right")
    return ax


def stance_network(pairs: pd.DataFrame, rest: dict | None = None, title: str = "Who speaks about whom", ax=None):
    """Speakers (left) linked to the targets they speak about (right), from
    `stances.top_pairs`: each line coloured by the pair's balance (red negative, green
    positive) and as thick as its number of statements; `rest` says what was left out."""
    speakers = _by_total(pairs, "speaker")
    targets = _by_total(pairs, "target")
    rows = max(len(speakers), len(targets), 1)
    if ax is None:
        ax = plt.subplots(figsize=(8, max(2.5, 0.42 * rows + 1.2)))[1]
    y_speaker = {name: rows - 1 - i * (rows - 1) / max(len(speakers) - 1, 1) for i, name in enumerate(speakers)}
    y_target = {name: rows - 1 - i * (rows - 1) / max(len(targets) - 1, 1) for i, name in enumerate(targets)}
    widest = max(pairs["statements"].max(), 1) if not pairs.empty else 1
    for row in pairs.sort_values("statements").itertuples():
        ax.plot([0, 1], [y_speaker[row.speaker], y_target[row.target]], color=BALANCE_COLORS((row.balance + 1) / 2),
                linewidth=1 + 5 * row.statements / widest, solid_capstyle="round", alpha=0.85)
    for names, x, align in ((y_speaker, -0.02, "right"), (y_target, 1.02, "left")):
        ax.scatter([x + (0.02 if align == "right" else -0.02)] * len(names), list(names.values()),
                   color="#374151", s=12, zorder=3)
        for name, y in names.items():
            ax.text(x, y, _shortened(str(name), 28), ha=align, va="center", fontsize=9)
    ax.set(xlim=(-0.75, 1.75), ylim=(-0.8, rows - 0.2), title=title)
    ax.axis("off")
    ax.text(0, rows - 0.25, "speakers", ha="right", fontsize=9, color="#6b7280")
    ax.text(1, rows - 0.25, "spoken about", ha="left", fontsize=9, color="#6b7280")
    note = "line colour: red = negative, green = positive; width: statements"
    if rest and rest.get("pairs"):
        note += f"; not shown: {rest['pairs']} pairs, {rest['statements']} statements"
    ax.text(0.5, -0.75, note, ha="center", fontsize=8, color="#6b7280")
    return ax


def _by_total(pairs: pd.DataFrame, column: str) -> list[str]:
    totals = pairs.groupby(column)["statements"].sum() if not pairs.empty else pd.Series(dtype=int)
    return sorted(totals.index, key=lambda name: (-totals[name], name))


def stance_heatmap(matrix: pd.DataFrame, title: str = "Balance of each speaker towards each target", ax=None):
    """The speaker × target balance table of `stances.stance_matrix` (−1 all negative … 1 all
    positive; blank where the speaker never speaks of the target), each cell labelled."""
    if ax is None:
        ax = plt.subplots(figsize=(max(5.0, 0.7 * len(matrix.columns) + 3), max(2.5, 0.45 * len(matrix) + 1.5)))[1]
    values = matrix.to_numpy(dtype=float)
    image = ax.imshow(values, cmap=BALANCE_COLORS, vmin=-1, vmax=1, aspect="auto")
    ax.set_xticks(range(len(matrix.columns)), [_shortened(str(c), 22) for c in matrix.columns],
                  rotation=40, ha="right")
    ax.set_yticks(range(len(matrix.index)), [_shortened(str(i), 28) for i in matrix.index])
    for (row, column), value in pd.DataFrame(values).stack().dropna().items():
        ax.text(column, row, f"{value:+.1f}", ha="center", va="center", fontsize=8,
                color="white" if abs(value) > 0.6 else "#111827")
    ax.figure.colorbar(image, ax=ax, fraction=0.04, label="balance")
    ax.set(title=title)
    ax.spines[:].set_visible(False)
    return ax
