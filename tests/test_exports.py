"""Real news exports load: one fixture per shape (NewsAPI, NewsCatcher, news-please, a
GDELT-style CSV, a WordPress CMS export, HTML pages), each written for these tests."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

import helpers
from helpers.articles import InputError
from helpers.exports import clean_body, html_to_text, strip_boilerplate
from tests.conftest import FIXTURES, ROOT

EXPORTS = FIXTURES / "exports"


def read(name: str, **fields):
    articles, problems = helpers.read_articles(EXPORTS / name, fields=fields or None)
    return articles.set_index("article_id"), problems


def rows(problems: pd.DataFrame) -> list[tuple[str, str, str]]:
    """(record number or file, problem, action) per problems row."""
    return [(row.source.rsplit("#", 1)[-1] if "#" in row.source else "file", row.problem, row.action)
            for row in problems.itertuples()]


def test_newsapi_truncation_marker_is_cut_and_the_article_marked():
    articles, problems = read("newsapi.json")
    first = articles.loc["newsapi-1"]
    assert first.text.endswith('"We cannot wait for the…') and "[+" not in first.text
    assert bool(first.truncated) and not articles.loc["newsapi-2"].truncated
    assert ("1", "truncated", "repaired") in rows(problems)
    assert "1,259 characters missing" in problems.set_index("problem").loc["truncated"].iloc[0].detail
    assert articles.loc["newsapi-4"].text.endswith("said envoy Maria Ortega…")
    assert first.outlet == "Northern Wire" and first.date == pd.Timestamp("2020-01-20 09:15")
    assert "\r" not in first.text


def test_newsapi_null_content_falls_back_to_the_description_and_says_so():
    articles, problems = read("newsapi.json")
    strike = articles.loc["newsapi-2"]
    assert strike.text == ("Dock workers end strike after pay deal\n\nDock workers in Rotterdam ended a nine-day "
                           "strike on Tuesday after union leader Pieter Smit accepted a pay offer from the port "
                           "authority, ending delays for hundreds of ships.")
    teaser = problems[problems["problem"] == "teaser-only"].iloc[0]
    assert teaser.source.endswith("#2") and teaser.action == "repaired"
    assert "description" in teaser.detail and "content" in teaser.detail
    empty = problems[problems["problem"] == "no-text"].iloc[0]
    assert empty.source.endswith("#3") and empty.detail == "the text fields are empty (description, content)"


def test_newscatcher_text_is_its_summary_and_outlet_its_clean_url():
    articles, problems = read("newscatcher.json")
    grain = articles.loc["5f1c0b7e2a9d4c1e8f3a6b2d9c0e1f47"]
    assert grain.title == "Grain corridor reopens as ships leave Odesa"
    assert "a day of relief for the world" in grain.text and grain.outlet == "riverpost.example.org"
    assert grain.date == pd.Timestamp("2022-08-01 07:30") and grain.url.endswith("/grain-corridor")
    assert problems.empty


def test_news_please_maintext_and_source_domain_as_outlet():
    articles, _ = read("newsplease.json")
    row = articles.loc["newsplease"]
    assert row.outlet == "example-courier.org"  # source_domain without www.
    assert row.date == pd.Timestamp("2021-11-13 21:40")  # date_publish, not date_download
    assert row.text.startswith("Glasgow climate deal agreed after late change on coal\n\nNegotiators")


def test_gdelt_style_csv_ids_dates_outlets_and_urls():
    articles, problems = read("gdelt.csv")
    recount = articles.loc["20191104093000-17"]
    assert recount.date == pd.Timestamp("2019-11-04 09:30") and recount.outlet == "valleyherald.example.org"
    assert recount.url == "https://valleyherald.example.org/2019/11/04/election-count"
    assert rows(problems) == [("3", "short", "flagged"), ("4", "no-text", "skipped")]
    assert problems.iloc[0].detail.startswith("20 words besides the headline")


def test_wordpress_export_html_bodies_become_paragraphs():
    articles, problems = read("wordpress.json")
    library = articles.loc["4812"]
    assert library.title == "Town library reopens after “a long winter”"
    assert library.text.split("\n\n") == [
        "Town library reopens after “a long winter”",
        "The town library reopened on Tuesday after a two-year renovation, with a new children’s wing and longer opening hours.",
        "“People have waited a long winter for this,” said the head librarian, Grace Okafor. “We want everyone to feel at home here.”",
        "The council spent £2.4 million on the building, mayor David Lowe said, and will keep it open on Sundays from June."]
    assert library.date == pd.Timestamp("2023-05-09 16:20")  # date_gmt
    assert rows(problems) == [("1", "boilerplate", "repaired")]
    assert "Sign up for our weekly newsletter" in problems.iloc[0].detail


def test_html_boilerplate_is_dropped_and_a_caption_page_flagged():
    articles, problems = read("wire-story.html")
    text = articles.loc["wire-story"].text
    assert "Josep Borrell" in text and "nuclear deal could still be saved." in text
    for furniture in ("Our Standards", "Reporting by", "World News Wire 2020", "Submit your letter"):
        assert furniture not in text
    assert rows(problems) == [("file", "boilerplate", "repaired")]
    caption, flagged = read("photo-caption.html")
    assert caption.loc["photo-caption"].text.startswith("In pictures: flooding in the valley\n\nResidents")
    assert rows(flagged) == [("file", "short", "flagged")]


def test_every_shape_loads_together():
    articles, problems = helpers.read_articles(EXPORTS)
    assert len(articles) == 12 and articles["outlet"].notna().sum() == 10
    assert set(problems["action"]) == {"skipped", "repaired", "flagged"}


def test_user_named_fields_win_and_fall_back_per_record():
    articles, problems = read("newscatcher.json", text="excerpt", outlet="rights")
    grain = articles.loc["5f1c0b7e2a9d4c1e8f3a6b2d9c0e1f47"]
    farmers = articles.loc["a07d3e9b6c2f4e10b8d1c5f7e2a9b3c6"]
    assert grain.text.endswith("The first grain ship in months left Odesa on Monday.")
    assert grain.outlet == "riverpost.example.org"  # from `rights`
    assert farmers.outlet == "fieldtimes.example.org"  # `rights` is null here: clean_url
    assert rows(problems) == [("1", "short", "flagged"), ("2", "short", "flagged")]  # excerpts are short


def test_user_named_nested_fields_and_a_field_no_record_has(tmp_path):
    (tmp_path / "cms.json").write_text(
        '[{"story_id": "s1", "headlines": {"basic": "Port reopens"}, "brand": "Coast Daily",'
        ' "body": {"html": "<p>The port reopened on Friday.</p><p>Ships queued outside.</p>"},'
        ' "first_published": "2024-02-02T10:00:00Z"}]')
    articles, problems = helpers.read_articles(tmp_path, fields={
        "id": "story_id", "title": "headlines.basic", "text": "body.html", "outlet": "brand",
        "date": "first_published", "url": "canonical_url"})
    row = articles.iloc[0]
    assert (row.article_id, row.title, row.outlet) == ("s1", "Port reopens", "Coast Daily")
    assert row.text == "Port reopens\n\nThe port reopened on Friday.\n\nShips queued outside."
    assert row.date == pd.Timestamp("2024-02-02 10:00")
    missing = problems[problems["problem"] == "field-not-found"].iloc[0]
    assert "'canonical_url'" in missing.detail and missing.action == "repaired"


def test_an_unknown_field_role_is_an_input_error():
    with pytest.raises(InputError, match="unknown field role body"):
        helpers.load_articles(EXPORTS / "gdelt.csv", fields={"body": "Content"})


def test_a_csv_without_a_text_column_says_how_to_name_one(tmp_path):
    (tmp_path / "gkg.csv").write_text("GKGRECORDID,DATE,Extracted\n1,20200101000000,Some words here.\n")
    _, problems = helpers.read_articles([tmp_path / "gkg.csv", EXPORTS / "newsplease.json"])
    assert "--text-field" in problems.iloc[0].detail
    articles, _ = helpers.read_articles(tmp_path / "gkg.csv", fields={"text": "Extracted"})
    assert articles.iloc[0].text == "Some words here."


def test_command_line_takes_field_names(tmp_path):
    (tmp_path / "gkg.csv").write_text("GKGRECORDID,DATE,Extracted\n1,20200101000000,Some words here.\n")
    command = [sys.executable, "-m", "helpers", "analyze", str(tmp_path / "gkg.csv"), "--out",
               str(tmp_path / "out"), "--no-cache", "--text-field", "Extracted"]
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert pd.read_parquet(tmp_path / "out" / "articles.parquet")["text"].tolist() == ["Some words here."]


def test_cleaning_pieces():
    assert clean_body("Short text... [+1,200 chars]").missing_chars == 1200
    assert clean_body("No marker here [+ nothing]").missing_chars is None
    assert html_to_text("<p>A&amp;B\n  said</p><script>x()</script><figure>pic</figure><p>C</p>") == "A&B said\n\nC"
    text, removed = strip_boilerplate("Copyright lawyers welcomed the ruling on Monday.\n\nCopyright 2021 The Daily")
    assert text == "Copyright lawyers welcomed the ruling on Monday." and removed == ["Copyright 2021 The Daily"]
