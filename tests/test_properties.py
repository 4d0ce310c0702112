"""Property-based tests (hypothesis) on random input: loaders, quote-mark pairing, treaty and
entity extraction never raise, keep every offset true and account for every input.

Example counts are small so that the whole file runs in well under a minute; a failure
hypothesis finds is shrunk and printed, and kept in its example database for the next run.
"""

from __future__ import annotations

import json
import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers.articles import Problems, iter_articles, paragraph_spans
from helpers.cleaning import clean, decode
from helpers.quotes.marks import MARKS, find_pieces
from tests.conftest import analyse_text

# Text that looks a little like news, with every kind of trouble mixed in: quotation marks
# of all styles, treaty words, capitalised names, breaks and separators, control characters.
WORDS = ["the", "said", "NATO", "Article", "5", "of", "North", "Atlantic", "Treaty", "Blinken",
         "Russia", "Mr.", "he", "she", "“", "”", '"', "„", "«", "»", "'", "(", ")", ".", ",",
         "\n", "\n\n", "\u2028", "\u2029", "\f", "\t", "\x1b[31m", "\x07", "\ufeff", "New", "START",
         "Paris", "Agreement", "UN", "Charter", "Chapter", "VII", "é", "—"]
newsy = st.lists(st.sampled_from(WORDS) | st.text(string.ascii_letters, min_size=1, max_size=8),
                 max_size=60).map(" ".join)
any_text = newsy | st.text(max_size=200)
FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
PARSED = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def accounted(folder, problems: Problems, found: list[dict]) -> set[str]:
    """Every source an article or a problems row came from."""
    return {a["source_path"] for a in found} | {row["source"] for row in problems.rows}


# --- decoding and loading -----------------------------------------------------------------

@FAST
@given(data=st.binary(max_size=300))
def test_decode_never_raises_and_leaves_no_carriage_return(data):
    text = decode(data, "x", Problems())
    assert text is None or "\r" not in text


@FAST
@given(text=any_text)
def test_clean_leaves_only_tab_and_newline_among_control_characters(text):
    cleaned, removed = clean(text)
    assert not any((ord(c) < 32 or 0x7f <= ord(c) <= 0x9f) and c not in "\t\n" for c in cleaned)
    assert "\u2028" not in cleaned and "\u2029" not in cleaned and removed >= 0


@FAST
@given(body=any_text, title=any_text, encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-32",
                                                                 "utf-16-be"]))
def test_a_txt_file_is_an_article_or_a_problem_and_its_paragraphs_are_true(tmp_path_factory, body, title,
                                                                         encoding):
    folder = tmp_path_factory.mktemp("txt")
    data = f"{title}\n\n{body}".encode(encoding, errors="replace")
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    (folder / "a.txt").write_bytes(data)
    problems = Problems()
    found = list(iter_articles(folder, problems))
    assert str(folder / "a.txt") in accounted(folder, problems, found)
    for article in found:
        assert "\r" not in article["text"] and "\ufeff" not in article["text"]
        assert "\n" not in article["title"]
        for start, end in paragraph_spans(article["text"]):
            assert article["text"][start:end].strip() == article["text"][start:end]


json_values = st.recursive(st.none() | st.booleans() | st.integers() | any_text,
                           lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
                               st.sampled_from(["text", "title", "date", "id", "source", "x"]),
                               inner, max_size=4),
                           max_leaves=12)


@FAST
@given(records=st.lists(json_values, min_size=1, max_size=6))
def test_every_json_line_is_an_article_or_a_problem(tmp_path_factory, records):
    folder = tmp_path_factory.mktemp("jsonl")
    lines = [json.dumps(record) for record in records]
    (folder / "a.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    problems = Problems()
    found = list(iter_articles(folder, problems))
    sources = accounted(folder, problems, found)
    duplicates = {row["source"] for row in problems.rows if row["problem"] == "duplicate"}
    for number in range(1, len(lines) + 1):
        assert f"{folder / 'a.jsonl'}#{number}" in sources | duplicates or str(folder / "a.jsonl") in sources


@FAST
@given(rows=st.lists(st.tuples(any_text, any_text), min_size=1, max_size=5), raw=st.booleans())
def test_a_csv_file_never_raises_and_each_row_is_accounted_for(tmp_path_factory, rows, raw):
    import csv
    import io

    folder = tmp_path_factory.mktemp("csv")
    if raw:  # not even quoted properly
        content = "title,text\n" + "\n".join(f"{a},{b}" for a, b in rows)
    else:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["title", "text"])
        writer.writerows(rows)
        content = out.getvalue()
    (folder / "a.csv").write_text(content, encoding="utf-8")
    problems = Problems()
    found = list(iter_articles(folder, problems))
    assert accounted(folder, problems, found)
    assert all(article["text"].strip() for article in found)


@FAST
@given(body=any_text, depth=st.integers(0, 400))
def test_an_html_page_never_raises(tmp_path_factory, body, depth):
    import html

    folder = tmp_path_factory.mktemp("html")
    page = ("<html><body>" + "<div>" * depth + f"<p>{html.escape(body)}</p>" + "</div>" * depth
            + "</body></html>")
    (folder / "a.html").write_text(page, encoding="utf-8")
    problems = Problems()
    found = list(iter_articles(folder, problems))
    assert str(folder / "a.html") in accounted(folder, problems, found)


# --- quote-mark pairing -------------------------------------------------------------------

@FAST
@given(text=any_text | st.text(alphabet=MARKS + " ab.,\n", max_size=120))
def test_quoted_pieces_are_true_ordered_and_inside_their_paragraphs(text):
    text, _ = clean(text)
    paragraphs = paragraph_spans(text)
    pieces = find_pieces(text, paragraphs)
    for piece in pieces:
        assert 0 <= piece.start < piece.end <= len(text)
        assert piece.open_mark < piece.start or text[piece.open_mark] not in MARKS
        assert piece.close_mark is None or piece.end <= piece.close_mark
        start, end = paragraphs[piece.paragraph]
        assert start <= piece.start and piece.end <= end
    assert all(a.end <= b.start for a, b in zip(pieces, pieces[1:]))


# --- treaty references and entities on parsed random text -------------------------------------

@PARSED
@given(text=newsy)
def test_extractors_on_random_text_never_fail_and_keep_offsets_true(nlp, text):
    text, _ = clean(text)
    if not text.strip():
        return
    found = analyse_text(text, nlp)  # fails on any `problems` row
    for name in ("treaty_refs", "entities", "quotes", "sentences", "paragraphs"):
        for row in found[name]:
            assert row["text"] == text[row["start_char"]:row["end_char"]], (name, row)
    for row in found["stances"]:
        assert 0 <= row["target_start_char"] < row["target_end_char"] <= len(text)
