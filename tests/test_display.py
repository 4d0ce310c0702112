"""How notebooks show tables, findings and notes (helpers/display.py)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from helpers.display import Findings, clip_at_word, count, escape_markdown, note, table


def cells(html: str) -> list[str]:
    return re.findall(r"<td[^>]*>(.*?)</td>", html, re.S)


def test_numbers_dates_and_missing_values_read_as_a_person_would_write_them():
    frame = pd.DataFrame({"words": pd.array([1234, None], dtype="Int64"), "quotes": [343.0, np.nan],
                          "score": [-0.2167, 0.5], "date": pd.to_datetime(["2020-01-19 14:30", None]),
                          "outlet": ["BBC News", None], "truncated": [True, False]})
    html = table(frame, "Example")._repr_html_()
    assert cells(html) == ["1,234", "343", "−0.22", "19 Jan 2020", "BBC News", "yes",
                           "", "", "+0.50", "", "", "no"]
    for raw in ("NaN", "&lt;NA&gt;", "NaT", "343.0", "00:00"):
        assert raw not in html
    assert 'class="nh-num"' in html
    counts = table(pd.DataFrame({"targets": [343.0, np.nan], "macro-F1": [0.7612, 0.5]}), "Counts")._repr_html_()
    assert cells(counts) == ["343", "0.76", "", "0.50"]  # a count is no score: no sign


def test_a_table_of_scores_signs_every_number_whatever_its_columns_are_named():
    by_outlet = pd.DataFrame({"Russia": [-0.37, np.nan], "United States": [0.15, 1.0]},
                             index=pd.Index(["BBC News", "The White House"], name="outlet"))
    assert cells(table(by_outlet, "By outlet", index=True)._repr_html_()) == [
        "BBC News", "−0.37", "0.15", "The White House", "", "1.00"]
    assert cells(table(by_outlet, "By outlet", index=True, scores=True)._repr_html_()) == [
        "BBC News", "−0.37", "+0.15", "The White House", "", "+1.00"]


def test_long_text_is_clipped_at_a_word_with_the_whole_text_a_hover_or_tap_away():
    quote = "We will not accept any agreement that leaves our farmers without a market for the harvest this year"
    html = table(pd.DataFrame({"text": [quote], "who": ["Ann"], "kind": ["direct"]}), "Quotes", clip=40)._repr_html_()
    shown = re.search(r"<summary[^>]*>(.*?)</summary>", html).group(1)
    assert shown == "We will not accept any agreement that …"
    assert f'title="{quote}"' in html and f"</summary>{quote}</details>" in html
    assert clip_at_word("Short enough", 40) == "Short enough"


def test_the_caption_says_how_many_rows_are_shown_of_how_many():
    frame = pd.DataFrame({"article_id": [f"a{i}" for i in range(28)]})
    assert "first 20 of 28 articles" in table(frame, "The articles", what="articles")._repr_html_()
    assert "all 28 articles" in table(frame, "The articles", what="articles", limit=None)._repr_html_()
    assert "1 treaty" in table(frame.head(1), "Cited", what="treaties")._repr_html_()
    empty = table(frame.head(0), "Provisions cited", what="provisions")._repr_html_()
    assert "none in this corpus" in empty and "<table" not in empty


def test_identifiers_are_shortened_and_wide_tables_become_cards_on_a_phone():
    ids = pd.DataFrame({"article_id": ["5f1c0b7e2a9d4c1e8f3a6b2d9c0e1f47"], "title": ["Grain"], "words": [69]})
    html = table(ids, "Ids")._repr_html_()
    assert ">5f1c0b7e2a9d4…1f47<" in html and 'title="5f1c0b7e2a9d4c1e8f3a6b2d9c0e1f47"' in html
    assert '<table class="nh-table">' in html  # three narrow columns fit a phone
    wide = ids.assign(outlet="valleyherald.example.org", date=pd.Timestamp("2020-01-19"))
    html = table(wide, "Ids")._repr_html_()
    assert 'class="nh-table nh-cards"' in html and 'data-label="article id"' in html
    assert '<table class="nh-table">' in table(wide[["title", "words"]], "Two columns")._repr_html_()
    assert "@media (max-width:40rem)" in html and "overflow-x:auto" in html


def test_article_text_is_escaped_everywhere():
    hostile = '<img src=x onerror="alert(1)"><script>alert(2)</script>'
    html = table(pd.DataFrame({"text": [hostile * 3], "who": [hostile]}), hostile)._repr_html_()
    assert "<img" not in html and "<script>" not in html and "&lt;script&gt;" in html
    assert "<script" not in escape_markdown(hostile) and "&lt;img" in escape_markdown(hostile)


def test_findings_and_notes_render_as_markdown_prose():
    found = Findings(["3 quotes by *Ann* [link](x)", "1. not a list number"])
    markdown = found._repr_markdown_()
    assert markdown.splitlines() == ["- 3 quotes by \\*Ann\\* \\[link\\](x)", "- 1\\. not a list number"]
    assert repr(found) == "- 3 quotes by *Ann* [link](x)\n- 1. not a list number"
    assert note("No outlet is named.")._repr_markdown_() == "No outlet is named."
    assert (count(1, "treaty reference"), count(2, "treaty reference"), count(3, "person")) == (
        "1 treaty reference", "2 treaty references", "3 people")


def test_plain_text_fallback_has_no_python_repr():
    frame = pd.DataFrame({"name": ["Ann"], "share": [np.nan]})
    text = repr(table(frame, "Shares", what="names"))
    assert text.startswith("Shares (1 name)") and "NaN" not in text


def test_a_score_that_rounds_to_zero_is_written_without_a_sign():
    from helpers.display import signed

    assert [signed(-0.001), signed(0.004), signed(-0.3, 1), signed(0.26)] == ["0.00", "0.00", "−0.3", "+0.26"]
    shown = str(table(pd.DataFrame({"speaker": ["A", "B"], "score": [-0.001, -0.2]}), "Scores")._repr_html_())
    assert "−0.00" not in shown and "−0.20" in shown


def test_decimals_given_for_a_column_keep_whole_balances_as_decimals():
    frame = pd.DataFrame({"speaker": ["A", "B"], "Russia": [-1.0, 0.0], "count": [-1.0, 2.0]})
    shown = str(table(frame, "Balances", decimals={"Russia": 2})._repr_html_())
    assert "−1.00" in shown and ">−1<" in shown and "-1" not in shown


def test_a_long_article_is_marked_up_to_the_paragraph_of_its_last_shown_quote():
    from helpers.quotes import tables as quote_tables

    paragraphs = [f"Minister {i} said “we will act {i}” today." for i in range(30)]
    text = "\n\n".join(paragraphs)
    starts = [text.index(f"we will act {i}”") for i in range(30)]
    quotes = pd.DataFrame({"article_id": "briefing", "start_char": starts,
                           "end_char": [s + len(f"we will act {i}") for i, s in enumerate(starts)],
                           "speaker": "Minister", "speaker_name": None, "speaker_role": None, "kind": "direct",
                           "text": "we will act"})
    articles = pd.DataFrame({"article_id": ["briefing"], "title": [None], "text": [text]})
    caption, marked = quote_tables.marked_article(quotes, articles, limit=12)
    assert str(caption) == "briefing: 30 quotes; the first 12 are marked below, up to the end of their paragraph."
    assert marked.count("<mark") == 12 and "Minister 11 said" in marked and "Minister 12" not in marked
    caption, marked = quote_tables.marked_article(quotes, articles, limit=40)
    assert str(caption) == "briefing: 30 quotes." and marked.count("<mark") == 30
