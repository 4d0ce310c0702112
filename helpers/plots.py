"""The figures the notebooks draw. Each function takes tables and returns a matplotlib Axes,
or, when the corpus gives nothing to compare, shows one sentence saying so (`display.note`)
and returns None: no chart of a single bar, dot or month.

One look for every figure, made to be read on a phone as well as a desktop: figures are
FIGURE_WIDTH inches wide and every text is at least MIN_FONT points, so that a figure
shrunk to a 390-pixel phone screen (about PHONE_WIDTH_PX pixels of content) still shows text
of 9 points or more; categories are horizontal bars, largest first, the top few and the rest
as "other"; dates are a real time axis (months without articles are gaps); counts get
whole-number ticks; legends sit outside the data. Notebooks assign the result (`ax =
plots....`): a trailing `;` does not silence it under nbval, which runs cells without storing
history, so the Axes repr would differ from the stored output.
"""

from __future__ import annotations

import textwrap

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import display
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.ticker import MaxNLocator, PercentFormatter

from helpers.display import clip_at_word, note, period_frequency, signed

FIGURE_WIDTH = 5.0  # inches
DPI = 100
MIN_FONT = 13  # points, for every text in a figure
# The width a figure gets in a rendered report on a 390-pixel phone screen (measured: 367 px
# of the page's 390); at 13 points a 5-inch figure's text then shows at 9.5 points or more.
PHONE_WIDTH_PX = 365
plt.rcParams.update({
    "figure.figsize": (FIGURE_WIDTH, 3.4), "figure.dpi": DPI, "savefig.dpi": DPI,
    "font.size": MIN_FONT, "axes.titlesize": MIN_FONT + 1, "axes.labelsize": MIN_FONT,
    "xtick.labelsize": MIN_FONT, "ytick.labelsize": MIN_FONT, "legend.fontsize": MIN_FONT,
    "figure.titlesize": MIN_FONT + 1, 
    "axes.spines.top": False, "axes.spines.right": False, "figure.constrained_layout.use": True,
    "svg.hashsalt": "news-helpers",
})
COLOR = "#3b6ea8"
OTHER_COLOR = "#9aa5b1"
SERIES_COLORS = ("#3b6ea8", "#d1a054", "#4f9d69", "#b8505e", "#7b68a6", "#4aa3a8", "#8c6d46", "#6b7280")
TITLE_CHARS = 46  # characters of a title line at MIN_FONT + 1 points, bold, on FIGURE_WIDTH
LABEL_CHARS = 26  # category labels longer than this are clipped at a word


def _axes(ax=None, rows: int | None = None):
    """An Axes of the standard width, tall enough for `rows` horizontal bars or heatmap rows."""
    if ax is not None:
        return ax
    height = 3.4 if rows is None else max(2.2, 0.42 * rows + 1.3)
    return plt.subplots(figsize=(FIGURE_WIDTH, height))[1]


def _nothing(sentence: str) -> None:
    display(note(sentence))


def _short(label, width: int = LABEL_CHARS) -> str:
    return clip_at_word(" ".join(str(label).split()), width).replace(" …", "…")


def _title(ax, title: str) -> None:
    """The figure's title at its left edge, above everything (an axes title starts after the
    y labels and runs off a narrow figure), wrapped to the figure's width."""
    ax.figure.suptitle(textwrap.fill(title, TITLE_CHARS), x=0.01, ha="left", fontweight="bold")


def _fit_labels(ax) -> None:
    """Widen the x axis until the labels written after the bars end inside the axes (the
    layout engine does not see them, and a figure cropped wider would shrink on a phone)."""
    renderer = ax.figure.canvas.get_renderer()
    ax.set_xlim(0, ax.get_xlim()[1])
    for _ in range(4):
        ax.figure.draw_without_rendering()  # lays the figure out, so the axes have their final size
        box = ax.get_window_extent(renderer)
        right = max((text.get_window_extent(renderer).x1 for text in ax.texts), default=box.x1)
        if right <= box.x1:
            return
        low, high = ax.get_xlim()
        ax.set_xlim(low, high * (right - box.x0) / box.width * 1.02)


def _integer_ticks(axis) -> None:
    axis.set_major_locator(MaxNLocator(integer=True, nbins="auto"))


def histogram(values: pd.Series, title: str, xlabel: str, bins: int = 20, ax=None):
    """Distribution of one numeric column (counts on the y axis); a sentence when there are
    fewer than two values."""
    present = values.dropna()
    if len(present) < 2:
        _nothing(f"Only {len(present)} value{'s' if len(present) != 1 else ''}: there is no distribution to draw.")
        return None
    ax = _axes(ax)
    ax.hist(present, bins=min(bins, max(int(present.nunique()), 1)), color=COLOR, edgecolor="white")
    _title(ax, title)
    ax.set(xlabel=xlabel, ylabel="count")
    _integer_ticks(ax.yaxis)
    return ax


def bar_counts(counts: pd.Series, title: str, xlabel: str = "count", top: int = 12, other: bool = True,
               what: str = "categories", ax=None):
    """Horizontal bars for a count per label, largest at the top: the `top` labels and, with
    `other`, the rest summed in one grey bar; each bar labelled with its count. A sentence
    instead when there are fewer than two labels."""
    counts = counts[counts > 0]
    if len(counts) < 2:
        _nothing(f"Fewer than two {what} to compare, so there is no chart.")
        return None
    ordered = counts.sort_index().sort_values(ascending=False, kind="stable")
    shown = ordered.head(top)
    labels = [_short(label) for label in shown.index]
    values = list(shown.to_numpy())
    colors = [COLOR] * len(values)
    rest = ordered.iloc[top:]
    if other and len(rest):
        labels.append(f"other {len(rest)} {what}")
        values.append(rest.sum())
        colors.append(OTHER_COLOR)
    ax = _axes(ax, rows=len(values))
    positions = np.arange(len(values))[::-1]
    ax.barh(positions, values, color=colors, height=0.7)
    ax.set_yticks(positions, labels)
    for y, value in zip(positions, values):
        ax.annotate(f"{value:,}", (value, y), xytext=(3, 0), textcoords="offset points", va="center")
    _title(ax, title)
    ax.set(xlabel=xlabel)
    _fit_labels(ax)
    _integer_ticks(ax.xaxis)
    ax.tick_params(axis="y", length=0)
    return ax


def counts_over_time(dates: pd.Series, title: str, what: str = "articles", ax=None):
    """Dated rows per period on a real time axis (the period chosen from the span): empty
    periods stay empty, so gaps show as gaps. A sentence when every date falls in one period."""
    present = pd.to_datetime(dates.dropna())
    if present.empty:
        _nothing(f"No {what} carry a date, so there is nothing to plot over time.")
        return None
    freq, name = period_frequency(present)
    periods = present.dt.to_period(freq)
    if periods.nunique() < 2:
        _nothing(f"Every dated {_singular(what)} falls in the same {name} ({periods.iloc[0]}), "
                 "so there is no change over time to show.")
        return None
    counts = periods.value_counts().sort_index()
    starts = counts.index.to_timestamp()
    width = {"D": 0.8, "W": 5.5, "M": 24, "Y": 300}[freq]
    ax = _axes(ax)
    ax.bar(starts, counts.to_numpy(), width=width, align="edge", color=COLOR)
    _title(ax, title)
    ax.set(ylabel=f"{what} per {name}")
    _date_axis(ax)
    _integer_ticks(ax.yaxis)
    return ax


def _date_axis(ax) -> None:
    locator = mdates.AutoDateLocator(minticks=3, maxticks=6)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def _singular(what: str) -> str:
    return what[:-1] if what.endswith("s") else what


def cooccurrence_heatmap(matrix: pd.DataFrame, title: str, ax=None):
    """A square table of co-occurrence counts (from `entities.cooccurrence_matrix`) as a
    heatmap, each cell labelled with its count; names that share no unit with another are
    left out. A sentence when fewer than two names are ever named together."""
    linked = matrix.loc[matrix.sum(axis=1) > 0, matrix.sum(axis=0) > 0] if matrix.size else matrix
    if len(linked) < 2:
        _nothing("No two of the most mentioned names share a sentence, so there is no pattern to map.")
        return None
    counts = linked.where(linked > 0)
    peak = counts.max().max()
    return _labelled_heatmap(_axes(ax, rows=len(linked) + 2), counts, title, "Blues", (0, None),
                             lambda value: f"{value:,.0f}", lambda value: value > peak / 2)


def _labelled_heatmap(ax, frame: pd.DataFrame, title: str, cmap, limits: tuple, label, dark):
    """`frame` as a heatmap with its index and columns as tick labels and each non-blank
    cell written as `label(value)`, in white where `dark(value)`."""
    values = frame.to_numpy(dtype=float)
    ax.imshow(values, cmap=cmap, vmin=limits[0], vmax=limits[1], aspect="auto")
    ax.set_xticks(range(len(frame.columns)), [_short(c, 18) for c in frame.columns], rotation=50,
                  ha="right", rotation_mode="anchor")
    ax.set_yticks(range(len(frame.index)), [_short(i, 22) for i in frame.index])
    for (row, column), value in np.ndenumerate(values):
        if not np.isnan(value):
            ax.text(column, row, label(value), ha="center", va="center",
                    color="white" if dark(value) else "#111827")
    _title(ax, title)
    ax.spines[:].set_visible(False)
    ax.tick_params(length=0)
    return ax


def shares_over_time(shares: pd.DataFrame, title: str, ylabel: str = "share of mentions", ax=None):
    """One line per column over a real time axis (rows: period starts, as from
    `entities.attention(by="date")`); periods without articles are gaps in the lines."""
    ax = _axes(ax)
    for color, column in zip(SERIES_COLORS, shares.columns):
        ax.plot(shares.index, shares[column].to_numpy(), marker="o", color=color, label=_short(column, 22))
    _title(ax, title)
    ax.set(ylabel=ylabel)
    ax.yaxis.set_major_formatter(PercentFormatter(decimals=0))
    _date_axis(ax)
    _legend_below(ax, len(shares.columns))
    return ax


def shares_by_category(shares: pd.DataFrame, title: str, ax=None):
    """A heatmap of shares (%) with categories such as outlets as rows and names as columns
    (from `entities.attention(by="outlet")`), each cell labelled."""
    peak = np.nanmax(shares.to_numpy(dtype=float)) if shares.size else 0
    return _labelled_heatmap(_axes(ax, rows=len(shares) + 2), shares, title, "Blues", (0, None),
                             lambda value: f"{value:.0f}%", lambda value: value > peak / 2)


def _legend_below(ax, entries: int) -> None:
    """The legend under the plot, outside the data; constrained layout makes room for it."""
    ax.figure.legend(*ax.get_legend_handles_labels(), frameon=False, loc="outside lower left",
                     ncols=min(entries, 2), handlelength=1.2, columnspacing=1.0)


def quoted_words_by_speaker(summary: pd.DataFrame, top: int = 12, ax=None):
    """Words each speaker is quoted with directly, and their indirect quotes, for the `top`
    speakers of `quotes.speaker_summary`."""
    shown = summary[summary["direct_words"] + summary["indirect"] > 0].head(top)
    if shown.empty:
        _nothing("No speaker is quoted, so there is no chart.")
        return None
    ax = _axes(ax, rows=len(shown))
    positions = np.arange(len(shown))[::-1]
    words = shown["direct_words"].to_numpy()
    ax.barh(positions, words, color=COLOR, height=0.7)
    ax.set_yticks(positions, [_short(who) for who in shown["who"]])
    _title(ax, "Who is quoted, and how much")
    ax.set(xlabel="words in direct quotes")
    for y, count, indirect in zip(positions, words, shown["indirect"]):
        label = f"{count:,}" + (f" (+{indirect} indirect)" if indirect else "")
        ax.annotate(label, (count, y), xytext=(3, 0), textcoords="offset points", va="center")
    _fit_labels(ax)
    _integer_ticks(ax.xaxis)
    ax.tick_params(axis="y", length=0)
    return ax


def treaty_reference_counts(summary: pd.DataFrame, top: int = 12, ax=None):
    """References per treaty (from `treaty_report.treaty_summary`), the `top` most cited."""
    counts = pd.Series(summary["references"].to_numpy(), index=summary["treaty"])
    return bar_counts(counts, "Which treaties are invoked", "references", top=top, what="treaties", ax=ax)


def treaty_references_over_time(treaty_refs: pd.DataFrame, articles: pd.DataFrame, top: int = 4, ax=None):
    """References per period for the `top` most cited treaties on a real time axis (undated
    articles left out); a sentence when the references fall in fewer than two periods."""
    dated = treaty_refs.merge(articles[["article_id", "date"]], on="article_id").dropna(subset=["date"])
    if dated.empty:
        _nothing("No treaty reference is in a dated article, so references cannot be followed over time.")
        return None
    freq, name = period_frequency(dated["date"])
    periods = dated["date"].dt.to_period(freq)
    if periods.nunique() < 2:
        _nothing(f"Every dated treaty reference falls in the same {name} ({periods.iloc[0]}), "
                 "so there is no change over time to show.")
        return None
    leaders = dated["treaty"].value_counts().sort_index().sort_values(ascending=False, kind="stable").head(top).index
    every_period = pd.period_range(periods.min(), periods.max(), freq=freq)
    table = (dated.assign(period=periods)[dated["treaty"].isin(leaders)]
             .groupby(["period", "treaty"]).size().unstack(fill_value=0)
             .reindex(every_period, fill_value=0))
    ax = _axes(ax)
    starts = table.index.to_timestamp()
    for color, treaty in zip(SERIES_COLORS, leaders):
        values = table[treaty].to_numpy()
        ax.plot(starts, values, color=color, linewidth=1.2, label=_short(treaty, 30))
        ax.scatter(starts[values > 0], values[values > 0], color=color, s=22, zorder=3)  # periods with references
    _title(ax, "Treaty references over time")
    ax.set(ylabel=f"references per {name}")
    _date_axis(ax)
    _integer_ticks(ax.yaxis)
    ax.set_ylim(bottom=0)
    _legend_below(ax, len(leaders))
    return ax


SENTIMENT_COLORS = {"negative": "#c2410c", "neutral": "#9ca3af", "positive": "#15803d"}
# Balance from -1 (all negative) through 0 (grey, still visible) to 1 (all positive).
BALANCE_COLORS = LinearSegmentedColormap.from_list(
    "balance", [SENTIMENT_COLORS["negative"], "#d1d5db", SENTIMENT_COLORS["positive"]])


def tone_arc(arc: pd.DataFrame, title: str = "Tone paragraph by paragraph", ax=None):
    """Paragraph tone (from `sentiment_report.tone_arc`): a bar per paragraph coloured by label."""
    ax = _axes(ax)
    ax.bar(arc["paragraph"].to_numpy(), arc["score"].to_numpy(),
           color=[SENTIMENT_COLORS[label] for label in arc["label"]])
    ax.axhline(0, color="#374151", linewidth=0.8)
    _title(ax, title)
    ax.set(xlabel="paragraph (0 is the headline)", ylabel="tone (−1 to 1)", ylim=(-1.05, 1.05))
    _integer_ticks(ax.xaxis)
    return ax


def entity_sentiment_bars(table: pd.DataFrame, title: str = "Sentiment towards each entity", ax=None):
    """Two bars per entity (from `sentiment_report.entity_sentiment`): the target model's score and
    the VADER tone of the sentences that mention it; the legend below the bars."""
    if table.empty:
        _nothing("No entity has a sentiment score, so there is no chart.")
        return None
    ax = _axes(ax, rows=len(table) + 2)
    shown = table.iloc[::-1]
    positions = np.arange(len(shown))
    ax.barh(positions + 0.2, shown["target"].to_numpy(), height=0.4, color=COLOR,
            label="towards the entity (target model)")
    ax.barh(positions - 0.2, shown["tone"].to_numpy(), height=0.4, color="#d1a054",
            label="tone of its sentences (VADER)")
    ax.set_yticks(positions, [_short(name) for name in shown["entity"]])
    ax.axvline(0, color="#374151", linewidth=0.8)
    _title(ax, title)
    ax.set(xlabel="−1 negative … 1 positive", xlim=(-1.05, 1.05))
    ax.tick_params(axis="y", length=0)
    _legend_below(ax, 1)
    return ax


def stance_network(pairs: pd.DataFrame, rest: dict | None = None, title: str = "Who speaks about whom", ax=None):
    """Speakers (left) linked to the targets they speak about (right), from
    `stances.top_pairs`: each line coloured by the pair's balance (red negative, green
    positive) and as thick as its number of statements; `rest` says what was left out."""
    speakers = _by_total(pairs, "speaker")
    targets = _by_total(pairs, "target")
    rows = max(len(speakers), len(targets), 1)
    if ax is None:
        ax = plt.subplots(figsize=(FIGURE_WIDTH, max(2.8, 0.5 * rows + 1.6)))[1]
    y_speaker = {name: rows - 1 - i * (rows - 1) / max(len(speakers) - 1, 1) for i, name in enumerate(speakers)}
    y_target = {name: rows - 1 - i * (rows - 1) / max(len(targets) - 1, 1) for i, name in enumerate(targets)}
    widest = max(pairs["statements"].max(), 1) if not pairs.empty else 1
    for row in pairs.sort_values("statements").itertuples():
        ax.plot([0, 1], [y_speaker[row.speaker], y_target[row.target]], color=BALANCE_COLORS((row.balance + 1) / 2),
                linewidth=1 + 5 * row.statements / widest, solid_capstyle="round", alpha=0.85)
    for names, x, align in ((y_speaker, -0.03, "right"), (y_target, 1.03, "left")):
        ax.scatter([x + (0.03 if align == "right" else -0.03)] * len(names), list(names.values()),
                   color="#374151", s=12, zorder=3)
        for name, y in names.items():
            ax.text(x, y, _short(name, 18), ha=align, va="center")
    ax.set(xlim=(-1.1, 2.1), ylim=(-1.1, rows - 0.2))
    _title(ax, title)
    ax.axis("off")
    ax.text(0, rows - 0.25, "speakers", ha="right", color="#6b7280")
    ax.text(1, rows - 0.25, "spoken about", ha="left", color="#6b7280")
    note_text = "red: negative, green: positive; width: statements"
    if rest and rest.get("pairs"):
        note_text += f"\nnot shown: {rest['pairs']} pairs, {rest['statements']} statements"
    ax.text(0.5, -0.95, note_text, ha="center", va="top", color="#6b7280")
    return ax


def _by_total(pairs: pd.DataFrame, column: str) -> list[str]:
    totals = pairs.groupby(column)["statements"].sum() if not pairs.empty else pd.Series(dtype=int)
    return sorted(totals.index, key=lambda name: (-totals[name], name))


def stance_heatmap(matrix: pd.DataFrame, title: str = "Balance of each speaker towards each target", ax=None):
    """The speaker × target balance table of `stances.stance_matrix` (−1 all negative … 1 all
    positive; blank where the speaker never speaks of the target), each cell labelled."""
    return _labelled_heatmap(_axes(ax, rows=len(matrix) + 3), matrix, title, BALANCE_COLORS, (-1, 1),
                             lambda value: signed(value, 1) if round(value, 1) else "0",
                             lambda value: abs(value) > 0.6)
