"""The quotes/entities/treaties explorer: its choices, its context rows, its static fallback."""

from __future__ import annotations

import helpers
from helpers import explorer
from tests.conftest import FIXTURES


def test_choices_are_ranked_by_frequency(seed_analysis):
    options = explorer.choices(seed_analysis)
    assert set(options) == {"speaker", "entity", "treaty"}
    counts = seed_analysis.entities["canonical"].value_counts()
    assert [counts[v] for v in options["entity"]] == sorted(counts, reverse=True)


def test_every_mention_is_shown_in_its_context(seed_analysis):
    top = explorer.choices(seed_analysis)["entity"][0]
    rows = explorer.in_context(seed_analysis, "entity", top)
    assert len(rows) == (seed_analysis.entities["canonical"] == top).sum()
    text = seed_analysis.articles.iloc[0].text
    one_line = " ".join(text.replace("\n\n", " ¶ ").split())
    for row in rows.itertuples():
        assert "\n" not in row.before + row.match + row.after
        assert " ".join(f"{row.before.lstrip('…')}{row.match}{row.after.rstrip('…')}".split()) in one_line


def test_static_view_escapes_article_text():
    hostile = helpers.analyze(FIXTURES / "malicious", cache=False)
    page = explorer.static_view(hostile)
    assert "<script" not in page and "<img" not in page


def test_explore_offers_a_widget_and_a_static_fallback(seed_analysis, monkeypatch):
    shown = []
    monkeypatch.setattr(explorer, "display", lambda bundle, raw: shown.append(bundle))
    explorer.explore(seed_analysis)
    [bundle] = shown
    assert explorer.WIDGET_MIMETYPE in bundle and '<table class="nh-table' in bundle["text/html"]
    assert "\\n" not in bundle["text/html"] and "entity: North Atlantic Treaty Organization" in bundle["text/html"]
