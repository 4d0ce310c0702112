"""The figures the notebooks draw. Each function takes tables and returns a matplotlib Axes.

One look for every figure: muted colours, no top/right spines, labelled axes.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

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
