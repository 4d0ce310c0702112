"""Loading articles: every format, every kind of bad input, and the offset invariants."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import helpers
from helpers.articles import InputError, Problems, iter_articles, paragraph_spans, read_file
from tests.conftest import FIXTURES, SEED_FILE, SEEDS

ARTICLES = FIXTURES / "articles"


def load(inputs):
    """Articles and problems, without the `short` flags the tiny fixtures here all raise
    (tests/test_exports.py checks those)."""
    articles, problems = helpers.read_articles(inputs)
    return articles, problems[problems["action"] != "flagged"].reset_index(drop=True)


def problem_rows(problems: pd.DataFrame) -> set[tuple[str, str]]:
    return {(Path(row.source.split("#")[0]).name, row.problem) for row in problems.itertuples()}


def test_txt_text_is_the_whole_file_and_title_the_first_line():
    articles = helpers.load_articles(SEED_FILE)
    row = articles.iloc[0]
    assert row.article_id == SEED_FILE.stem
    assert row.text == SEED_FILE.read_text(encoding="utf-8")
    assert row.title.startswith("Blinken: NATO Looking at More Permanent Troop Deployments")
    assert row.n_words == len(row.text.split())


def test_fixture_folder_loads_every_format_and_reports_the_rest():
    articles, problems = load(ARTICLES)
    assert sorted(articles.article_id) == [
        "csv-1", "csv-2", "feed-1", "feed-3", "harbour", "page", "wire-1", "wire-2"]
    assert problem_rows(problems) == {("feed.jsonl", "malformed"), ("notes.docx", "unsupported")}
    assert (problems.action == "skipped").all()


def test_metadata_csv_beside_txt_fills_date_outlet_and_url():
    articles, _ = load(ARTICLES / "harbour.txt")
    row = articles.iloc[0]
    assert row.date == pd.Timestamp("2024-03-05")
    assert (row.outlet, row.url) == ("The Coastal Times", "https://example.org/harbour")


def test_json_field_names_and_nested_outlet_are_understood():
    articles, _ = load(ARTICLES / "wire.json")
    first, second = articles.set_index("article_id").loc[["wire-1", "wire-2"]].itertuples()
    assert first.title == "Grain Exports Resume"
    assert first.text == "Grain Exports Resume\n\nGrain exports resumed on Monday.\n\nOfficials said ships left port at dawn."
    assert first.outlet == "Wire Service" and first.url == "https://example.org/grain"
    assert first.date == pd.Timestamp("2024-05-01 08:30:00")
    assert second.date == pd.Timestamp("2024-05-02") and second.outlet == "Wire Service"


def test_json_object_and_list_under_a_key(tmp_path):
    (tmp_path / "one.json").write_text('{"title": "Solo", "text": "One article only."}')
    (tmp_path / "many.json").write_text('{"articles": [{"text": "First."}, {"text": "Second."}]}')
    articles, problems = load(tmp_path)
    assert sorted(articles.article_id) == ["many-1", "many-2", "one"]
    assert problems.empty


def test_jsonl_malformed_line_skips_only_that_record():
    articles, problems = load(ARTICLES / "feed.jsonl")
    assert sorted(articles.title) == ["Council Votes on Budget", "Library Reopens"]
    assert list(problems.source.str.rsplit("#", n=1).str[1]) == ["2"]


def test_csv_with_text_column_alias():
    articles, _ = load(ARTICLES / "export.csv")
    bridge = articles.set_index("article_id").loc["csv-1"]
    assert bridge.text == "Bridge Closed\n\nThe bridge will close for a week.\n\nDrivers should use the ring road."
    assert bridge.outlet == "Evening Post"


def test_csv_without_text_column_is_skipped_with_its_columns(tmp_path):
    (tmp_path / "counts.csv").write_text("city,population\nOslo,700000\n")
    (tmp_path / "ok.txt").write_text("Title\n\nBody.")
    _, problems = load(tmp_path)
    row = problems.iloc[0]
    assert (row.problem, row.action) == ("no-text-column", "skipped")
    assert "city" in row.detail and "population" in row.detail


def test_html_keeps_main_text_and_drops_scripts_styles_and_navigation():
    articles, _ = load(ARTICLES / "nested" / "page.html")
    text = articles.iloc[0].text
    assert "national award" in text and "forty thousand visitors" in text
    for unwanted in ("tracking code", "should never appear", "color: red", "Weather"):
        assert unwanted not in text


@pytest.mark.parametrize("content", [b"", b"   \n\n\t  \n"])
def test_empty_or_whitespace_file_is_skipped(tmp_path, content):
    (tmp_path / "blank.txt").write_bytes(content)
    (tmp_path / "ok.txt").write_text("Title\n\nBody.")
    articles, problems = load(tmp_path)
    assert list(articles.article_id) == ["ok"]
    assert problem_rows(problems) == {("blank.txt", "empty")}


def test_binary_file_is_skipped(tmp_path):
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (tmp_path / "ok.txt").write_text("Title\n\nBody.")
    _, problems = load(tmp_path)
    assert problem_rows(problems) == {("image.txt", "binary")}


def test_windows_1252_text_is_repaired(tmp_path):
    (tmp_path / "legacy.txt").write_bytes("Prices\n\nTea costs £3 – “cheap”.".encode("cp1252"))
    articles, problems = load(tmp_path)
    assert articles.iloc[0].text == "Prices\n\nTea costs £3 – “cheap”."
    assert problem_rows(problems) == {("legacy.txt", "undecodable")}
    assert problems.iloc[0].action == "repaired" and "Windows-1252" in problems.iloc[0].detail


def test_byte_order_mark_and_crlf_and_cr_are_normalised_silently(tmp_path):
    (tmp_path / "crlf.txt").write_bytes("\ufeffTitle\r\n\r\nOne.\r\nTwo.".encode("utf-8"))
    (tmp_path / "cr.txt").write_bytes(b"Other\r\rThree.")
    articles, problems = load(tmp_path)
    texts = dict(zip(articles.article_id, articles.text))
    assert texts == {"crlf": "Title\n\nOne.\nTwo.", "cr": "Other\n\nThree."}
    assert problems.empty


def test_malformed_json_is_skipped(tmp_path):
    (tmp_path / "broken.json").write_text('{"title": "x", "text": ')
    (tmp_path / "ok.txt").write_text("Title\n\nBody.")
    _, problems = load(tmp_path)
    assert problem_rows(problems) == {("broken.json", "malformed")}


def test_unreadable_file_is_skipped(tmp_path, monkeypatch):
    locked = tmp_path / "locked.txt"
    locked.write_text("Title\n\nBody.")
    (tmp_path / "ok.txt").write_text("Other\n\nText.")
    real_read = Path.read_bytes

    def refuse(path):
        if path.name == "locked.txt":
            raise PermissionError(13, "Permission denied")
        return real_read(path)

    monkeypatch.setattr(Path, "read_bytes", refuse)
    articles, problems = load(tmp_path)
    assert list(articles.article_id) == ["ok"]
    assert problem_rows(problems) == {("locked.txt", "unreadable")}


def test_same_article_twice_is_loaded_once(tmp_path):
    (tmp_path / "a.txt").write_text("Title\n\nBody.")
    (tmp_path / "b.txt").write_text("Title\n\nBody.")
    articles, problems = load(tmp_path)
    assert list(articles.article_id) == ["a"]
    assert problem_rows(problems) == {("b.txt", "duplicate")}
    assert "article a" in problems.iloc[0].detail


def test_same_id_with_different_text_is_renamed(tmp_path):
    (tmp_path / "x").mkdir()
    (tmp_path / "y").mkdir()
    (tmp_path / "x" / "story.txt").write_text("One\n\nFirst text.")
    (tmp_path / "y" / "story.txt").write_text("Two\n\nSecond text.")
    articles, problems = load(tmp_path)
    assert sorted(articles.article_id) == ["story", "story-2"]
    assert problems.iloc[0].action == "repaired"


def test_unreadable_date_is_reported_and_left_empty(tmp_path):
    (tmp_path / "a.json").write_text('{"text": "Body.", "date": "the day after tomorrow"}')
    articles, problems = load(tmp_path)
    assert pd.isna(articles.iloc[0].date)
    assert problem_rows(problems) == {("a.json", "bad-date")}


def test_glob_and_list_inputs():
    by_glob, _ = load(str(ARTICLES / "**" / "*.html"))
    assert list(by_glob.article_id) == ["page"]
    by_list, _ = load([ARTICLES / "harbour.txt", SEED_FILE])
    assert sorted(by_list.article_id) == ["000_badd61db92428ef2", "harbour"]


def test_missing_path_and_empty_folder_raise_input_error(tmp_path):
    with pytest.raises(InputError, match="no such file or folder"):
        load(tmp_path / "nowhere")
    with pytest.raises(InputError, match="no file matches"):
        load(str(tmp_path / "*.txt"))
    with pytest.raises(InputError, match="no articles found"):
        load(tmp_path)


def test_paragraphs_split_on_blank_lines_or_else_lines():
    text = "Title\n\n  First para\ncontinues.\n\n\nSecond.  \n"
    assert [text[s:e] for s, e in paragraph_spans(text)] == ["Title", "First para\ncontinues.", "Second."]
    lines = "a\nb\n c"
    assert [lines[s:e] for s, e in paragraph_spans(lines)] == ["a", "b", "c"]


def test_read_file_never_raises_for_bad_content(tmp_path):
    problems = Problems()
    for name, data in [("a.json", b"\xff\xfe\x00"), ("b.csv", b'"unterminated\n'), ("c.html", b"<html></html>")]:
        (tmp_path / name).write_bytes(data)
        read_file(tmp_path / name, problems)
    assert len(problems.rows) == 3


def test_every_article_of_the_shared_corpora_loads_with_true_offsets(shared_dir):
    problems = Problems()
    count = 0
    for corpus in ("bbc-news", "whitehouse-briefings"):
        for article in iter_articles(shared_dir / "corpus" / corpus / "articles", problems):
            count += 1
            text = article["text"]
            assert article["title"] and text.startswith(article["title"])
            spans = paragraph_spans(text)
            assert spans[0][0] == 0 and all(text[s:e].strip() == text[s:e] for s, e in spans)
            assert article["date"] or corpus == "bbc-news"
    assert count >= 2225 + 1685 - len([r for r in problems.rows if r["action"] == "skipped"])
    assert all(row["problem"] in {"duplicate", "undecodable"} for row in problems.rows)


def test_seed_copy_matches_shared_seed(shared_dir):
    assert (SEEDS / SEED_FILE.name).read_bytes() == (shared_dir / "seeds" / SEED_FILE.name).read_bytes()
