"""Figures hold up on any corpus and any screen: legible on a phone, real time axes, whole-number
ticks for counts, a sentence instead of a chart when there is nothing to compare."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from PIL import Image  # noqa: E402

from helpers import plots  # noqa: E402

PHONE_MIN_PX = 12  # 9 points in CSS pixels


@pytest.fixture
def shown(monkeypatch):
    """The notes a plot function displays instead of drawing."""
    notes = []
    monkeypatch.setattr(plots, "display", notes.append)
    return notes


def saved_width(ax) -> int:
    """The figure's width in pixels as the notebook stores it (the inline backend crops tightly)."""
    buffer = io.BytesIO()
    ax.figure.savefig(buffer, format="png", bbox_inches="tight")
    return Image.open(buffer).width


def smallest_text_on_a_phone(ax) -> float:
    """The smallest visible text of a figure, in CSS pixels, once scaled to a phone's width."""
    scale = min(1.0, plots.PHONE_WIDTH_PX / saved_width(ax))
    sizes = [text.get_fontsize() for text in ax.figure.findobj(matplotlib.text.Text)
             if text.get_visible() and text.get_text().strip()]
    return min(sizes) * plots.DPI / 72 * scale


def every_figure():
    dates = pd.Series(pd.to_datetime(["2019-11-04", "2020-01-19", "2020-01-20", "2020-03-03", "2021-06-14"]))
    outlets = pd.Series({f"Outlet number {i} with a long name": 20 - i for i in range(15)})
    summary = pd.DataFrame({"who": ["Michael Howard", "Antonia Bernath", "a Google spokesperson"],
                            "direct_words": [67, 65, 29], "indirect": [7, 0, 1]})
    matrix = pd.DataFrame([[0, 3, 0], [3, 0, 1], [0, 1, 0]], index=list("ABC"), columns=list("ABC"))
    shares = pd.DataFrame({"Russia": [10.0, None, 5.0], "North Atlantic Treaty Organization": [2.0, None, 7.0]},
                          index=pd.to_datetime(["2022-01-01", "2022-02-01", "2022-03-01"]))
    entity_scores = pd.DataFrame({"entity": ["Russia", "Ukraine"], "target": [-0.4, 0.2], "tone": [-0.3, 0.1]})
    arc = pd.DataFrame({"paragraph": [0, 1, 2], "score": [0.0, -0.5, 0.4], "label": ["neutral", "negative", "positive"]})
    refs = pd.DataFrame({"article_id": ["a", "b", "c"], "treaty": ["North Atlantic Treaty"] * 2 + ["Paris Agreement"]})
    articles = pd.DataFrame({"article_id": ["a", "b", "c"], "date": pd.to_datetime(["2020-01-01", "2020-05-01", "2020-09-01"])})
    return {
        "histogram": lambda: plots.histogram(pd.Series([1, 5, 9, 30, 12]), "Words per sentence", "words"),
        "outlets": lambda: plots.bar_counts(outlets, "Articles per outlet", "articles", what="outlets"),
        "over time": lambda: plots.counts_over_time(dates, "Articles over time"),
        "speakers": lambda: plots.quoted_words_by_speaker(summary),
        "heatmap": lambda: plots.cooccurrence_heatmap(matrix, "Named together"),
        "shares over time": lambda: plots.shares_over_time(shares, "Share over time"),
        "shares by outlet": lambda: plots.shares_by_category(shares.fillna(0).set_axis(["X", "Y", "Z"]), "Share by outlet"),
        "entity bars": lambda: plots.entity_sentiment_bars(entity_scores),
        "tone arc": lambda: plots.tone_arc(arc),
        "treaties over time": lambda: plots.treaty_references_over_time(refs, articles),
    }


@pytest.mark.parametrize("name", list(every_figure()))
def test_every_figure_reads_at_nine_points_on_a_phone(name):
    ax = every_figure()[name]()
    try:
        assert smallest_text_on_a_phone(ax) >= PHONE_MIN_PX, name
    finally:
        plt.close(ax.figure)


def test_categories_show_the_top_and_the_rest_as_other_with_whole_number_ticks():
    counts = pd.Series({f"outlet {i}": 20 - i for i in range(15)})
    ax = plots.bar_counts(counts, "Articles per outlet", "articles", top=5, what="outlets")
    ticks = sorted(zip(ax.get_yticks(), (label.get_text() for label in ax.get_yticklabels())))
    assert ticks[0][1] == "other 10 outlets" and ticks[-1][1] == "outlet 0"  # largest at the top
    assert all(tick == int(tick) for tick in ax.get_xticks())
    plt.close(ax.figure)


def test_time_axis_is_real_and_gaps_stay_gaps():
    dates = pd.Series(pd.to_datetime(["2020-01-05", "2020-01-20", "2020-07-03", "2021-02-01"]))
    ax = plots.counts_over_time(dates, "Articles over time")
    bars = ax.patches
    assert len(bars) == 3  # January, July and the next February: no bars for the empty months
    lefts = sorted(matplotlib.dates.num2date(bar.get_x()).date().isoformat() for bar in bars)
    assert lefts == ["2020-01-01", "2020-07-01", "2021-02-01"]
    assert ax.patches[0].get_height() == 2
    plt.close(ax.figure)


def test_nothing_to_compare_is_said_in_one_sentence(shown):
    plt.close("all")
    assert plots.counts_over_time(pd.Series(pd.to_datetime(["2020-01-05", "2020-01-05"])), "Over time") is None
    assert plots.bar_counts(pd.Series({"BBC News": 12}), "Per outlet", what="outlets") is None
    refs = pd.DataFrame({"article_id": ["a"], "treaty": ["Paris Agreement"]})
    articles = pd.DataFrame({"article_id": ["a"], "date": pd.to_datetime(["2021-06-14"])})
    assert plots.treaty_references_over_time(refs, articles) is None
    assert [str(note) for note in shown] == [
        "Every dated article falls in the same day (2020-01-05), so there is no change over time to show.",
        "Fewer than two outlets to compare, so there is no chart.",
        "Every dated treaty reference falls in the same day (2021-06-14), so there is no change over time to show."]
    assert plt.get_fignums() == []  # and no empty figure is left to show


def test_a_sparse_heatmap_keeps_only_names_named_together():
    matrix = pd.DataFrame([[0, 2, 0], [2, 0, 0], [0, 0, 0]], index=list("ABC"), columns=list("ABC"))
    ax = plots.cooccurrence_heatmap(matrix, "Named together")
    assert [label.get_text() for label in ax.get_yticklabels()] == ["A", "B"]
    plt.close(ax.figure)


def test_legends_sit_outside_the_data():
    shares = pd.DataFrame({"Russia": [10.0, 5.0], "Ukraine": [2.0, 7.0]},
                          index=pd.to_datetime(["2022-01-01", "2022-03-01"]))
    ax = plots.shares_over_time(shares, "Share over time")
    ax.figure.canvas.draw()
    [legend] = ax.figure.legends
    assert legend.get_window_extent().y1 <= ax.get_window_extent().y0  # below the plot
    plt.close(ax.figure)
