"""No input stops a run: the guard around every loader and extractor, and the command line
on a folder that mixes good articles with every malformed and pathological case."""

from __future__ import annotations

import time

import pandas as pd
import pytest

import helpers
from helpers import analysis, articles
from helpers.analysis import TABLE_NAMES
from helpers.articles import iter_articles
from helpers.guard import Problems, TooSlow, guarded
from tests.conftest import SEEDS
from tests.pathological import write_bad_inputs
from tests.test_analysis import cli


def busy(seconds: float = 30) -> None:
    """Python code that runs for `seconds` unless stopped (the guard stops it between bytecodes)."""
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        pass


def rows(problems: Problems) -> list[tuple[str, str]]:
    return [(row["problem"], row["action"]) for row in problems.rows]


# --- the guard --------------------------------------------------------------------------

def test_guard_turns_an_exception_a_recursion_limit_and_an_overrun_into_rows():
    problems = Problems()

    def deep(n):
        return deep(n + 1)

    assert guarded(lambda: 1 / 0, "a", problems) is None
    assert guarded(lambda: deep(0), "b", problems) is None
    started = time.monotonic()
    assert guarded(busy, "c", problems, budget=0.3) is None
    assert time.monotonic() - started < 5
    assert guarded(lambda: 42, "d", problems, budget=5) == 42
    assert rows(problems) == [("malformed", "skipped"), ("too-large", "skipped"), ("too-slow", "skipped")]
    assert problems.rows[0]["detail"].startswith("ZeroDivisionError: division by zero")


def test_an_overrun_is_not_swallowed_by_the_step_and_never_fires_after_it():
    problems = Problems()

    def swallowing():
        try:
            busy()
        except Exception:  # a step's own handler must not hide the budget
            return "swallowed"

    assert guarded(swallowing, "a", problems, budget=0.2) is None
    assert rows(problems) == [("too-slow", "skipped")]
    for _ in range(2000):  # steps that end right at their budget leave nothing pending
        guarded(lambda: None, "b", problems, budget=0.0001)
    busy(0.3)  # a stray TooSlow would be raised here
    assert len(problems.rows) == 1


def test_an_inner_guard_leaves_the_overrun_to_the_outer_one():
    problems = Problems()
    inner = []

    def outer_step():
        inner.append(guarded(busy, "inner", problems, budget=60))
        return "finished"

    assert guarded(outer_step, "outer", problems, budget=0.3) is None
    assert inner == [] and [row["source"] for row in problems.rows] == ["outer"]
    assert issubclass(TooSlow, BaseException) and not issubclass(TooSlow, Exception)


# --- every loader -----------------------------------------------------------------------

GOOD = {".txt": "Title\n\nThe mayor said the bridge would reopen.",
        ".json": '{"title": "Title", "text": "The mayor said the bridge would reopen."}',
        ".jsonl": '{"text": "The mayor said the bridge would reopen."}\n',
        ".csv": 'title,text\nTitle,"The mayor said the bridge would reopen."\n',
        ".html": "<html><head><title>Title</title></head><body><article><p>The mayor said the "
                 "bridge would reopen after months of repairs, and the council agreed with her "
                 "that the work was done well.</p></article></body></html>"}
READERS = {".txt": "_txt", ".json": "_json", ".jsonl": "_jsonl", ".csv": "_csv", ".html": "_html"}


def unflagged(problems: Problems) -> list[dict]:
    """The rows other than `short` flags (these test articles are a sentence long)."""
    return [row for row in problems.rows if row["action"] != "flagged"]


@pytest.mark.parametrize("suffix", GOOD)
@pytest.mark.parametrize("failure, code", [(RecursionError, "too-large"), (ValueError, "malformed"),
                                           (None, "too-slow")])
def test_each_loader_failing_on_one_file_costs_only_that_file(tmp_path, monkeypatch, suffix, failure, code):
    for name in ("a", "bad", "c"):
        (tmp_path / f"{name}{suffix}").write_text(GOOD[suffix].replace("mayor", f"mayor {name}"))
    reader = getattr(articles.Reading, READERS[suffix])

    def breaking(reading, text):
        if reading.path.stem == "bad":
            if failure is None:
                busy()
            raise failure("broken on purpose")
        return reader(reading, text)

    monkeypatch.setattr(articles.Reading, READERS[suffix], breaking)
    monkeypatch.setattr(articles, "budget_for", lambda size: 0.5)
    problems = Problems()
    found = list(iter_articles(tmp_path, problems))
    assert sorted(article["source_path"].split("/")[-1].split("#")[0] for article in found) == [
        f"a{suffix}", f"c{suffix}"]
    assert [(row["source"], row["problem"]) for row in unflagged(problems)] == [
        (str(tmp_path / f"bad{suffix}"), code)]


@pytest.mark.parametrize("suffix", [".json", ".jsonl", ".csv"])
def test_one_record_failing_costs_only_that_record(tmp_path, monkeypatch, suffix):
    texts = ["The mayor said one thing.", "The mayor said a bad thing.", "The mayor said another."]
    if suffix == ".json":
        content = "[" + ",".join(f'{{"text": "{t}"}}' for t in texts) + "]"
    elif suffix == ".jsonl":
        content = "\n".join(f'{{"text": "{t}"}}' for t in texts)
    else:
        content = "text\n" + "\n".join(f'"{t}"' for t in texts)
    (tmp_path / f"records{suffix}").write_text(content)
    build = articles.Reading._record

    def breaking(reading, item, fallback_id, source, parse=None):
        if "bad" in str(item):
            raise KeyError("broken on purpose")
        return build(reading, item, fallback_id, source, parse)

    monkeypatch.setattr(articles.Reading, "_record", breaking)
    problems = Problems()
    found = list(iter_articles(tmp_path, problems))
    assert [a["text"] for a in found] == [texts[0], texts[2]]
    [row] = unflagged(problems)
    assert row["problem"] == "malformed" and row["source"].endswith(f"records{suffix}#2" if suffix != ".csv"
                                                                    else "records.csv#3")
    assert "KeyError" in row["detail"]


def test_a_json_array_nested_20000_deep_is_too_large_and_a_deep_json_line_costs_one_record(tmp_path):
    (tmp_path / "deep.json").write_text("[" * 20_000 + "]" * 20_000)
    (tmp_path / "lines.jsonl").write_text('{"text": "First."}\n' + "[" * 20_000 + "]" * 20_000
                                          + '\n{"text": "Third."}\n')
    problems = Problems()
    found = list(iter_articles(tmp_path, problems))
    assert [a["text"] for a in found] == ["First.", "Third."]
    assert [(row["source"].split("/")[-1], row["problem"]) for row in unflagged(problems)] == [
        ("deep.json", "too-large"), ("lines.jsonl#2", "too-large")]


def test_a_broken_metadata_file_is_reported_once_and_the_articles_still_load(tmp_path, monkeypatch):
    (tmp_path / "metadata.csv").write_text("id,date\na,2024-01-01\n")
    for name in ("a", "b"):
        (tmp_path / f"{name}.txt").write_text(f"Title {name}\n\nThe mayor spoke.")
    monkeypatch.setattr(articles, "_read_metadata", lambda path, problems: [][1] if path.exists() else {})
    problems = Problems()
    assert len(list(iter_articles(tmp_path, problems))) == 2
    assert [(row["source"].split("/")[-1], row["problem"]) for row in unflagged(problems)] == [
        ("metadata.csv", "malformed")]


# --- every extractor --------------------------------------------------------------------

@pytest.mark.parametrize("failing", [name for name, _ in analysis.EXTRACTORS])
def test_each_extractor_failing_costs_only_its_own_rows(monkeypatch, seed_analysis, failing):
    def broken(context):
        raise RuntimeError("broken on purpose")

    monkeypatch.setattr(analysis, "EXTRACTORS", tuple((name, broken if name == failing else extractor)
                                                      for name, extractor in analysis.EXTRACTORS))
    result = helpers.analyze(SEEDS, cache=False)
    [row] = result.problems.itertuples()
    assert row.problem == "extractor-failed" and row.action == "skipped"
    assert row.detail.startswith(f"{failing}: RuntimeError: broken on purpose")
    assert getattr(result, failing).empty
    assert len(result.articles) == 1
    for name, _ in analysis.EXTRACTORS:  # an extractor that reads the failed one's rows may differ
        if name in ("paragraphs", "sentences", "treaty_refs") and name != failing:
            pd.testing.assert_frame_equal(getattr(result, name), getattr(seed_analysis, name))


def test_an_extractor_over_its_time_budget_is_stopped_and_the_run_goes_on(monkeypatch, seed_analysis):
    def stuck(context):
        busy()
        return []

    monkeypatch.setattr(analysis, "EXTRACTORS", tuple((name, stuck if name == "quotes" else extractor)
                                                      for name, extractor in analysis.EXTRACTORS))
    monkeypatch.setattr(analysis, "budget_for", lambda chars: 1.0)
    started = time.monotonic()
    result = helpers.analyze(SEEDS, cache=False)
    assert time.monotonic() - started < 25
    [row] = result.problems.itertuples()
    assert (row.problem, row.detail) == ("too-slow", "quotes: stopped after 1 s")
    pd.testing.assert_frame_equal(result.entities, seed_analysis.entities)


# --- the command line on everything at once -----------------------------------------------

def test_cli_on_a_json_array_nested_20000_deep_exits_0_with_the_other_tables(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "deep.json").write_text("[" * 20_000 + "]" * 20_000)
    (folder / "story.txt").write_text("Bridge Reopens\n\nThe mayor said the bridge would reopen.")
    result = cli("analyze", str(folder), str(SEEDS), "--out", str(tmp_path / "out"), "--no-cache")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    out = helpers.Analysis.load(tmp_path / "out")
    assert sorted(out.articles.article_id) == ["000_badd61db92428ef2", "story"]
    assert list(out.problems[["problem", "action"]].itertuples(index=False, name=None)) == [
        ("too-large", "skipped"), ("short", "flagged")]
    assert len(out.sentences) == 17 + 2 and len(out.quotes) > 5


@pytest.fixture(scope="module")
def mixed_runs(tmp_path_factory):
    """`analyze` on good articles alone, and on the same with every bad case beside them."""
    root = tmp_path_factory.mktemp("mixed")
    good = root / "good"
    good.mkdir()
    (good / "seed.txt").write_text((SEEDS / "000_badd61db92428ef2.txt").read_text(encoding="utf-8"),
                                   encoding="utf-8")
    (good / "bridge.txt").write_text("Bridge Reopens\n\nThe mayor, Rosa Delgado, said the bridge "
                                     "would reopen on Monday. “It is safe,” she said.")
    expected = write_bad_inputs(root / "bad")
    runs = {}
    for name, inputs in (("good", [good]), ("mixed", [good, root / "bad"])):
        result = cli("analyze", *map(str, inputs), "--out", str(root / name), "--no-cache")
        assert result.returncode == 0, result.stderr
        runs[name] = helpers.Analysis.load(root / name)
    return runs, expected, root / "bad"


def test_every_bad_input_is_an_article_or_a_problems_row(mixed_runs):
    runs, expected, bad = mixed_runs
    mixed = runs["mixed"]
    for name, outcome in expected.items():
        source = str(bad / name)
        read = mixed.articles[mixed.articles.source_path.str.split("#").str[0] == source]
        reported = mixed.problems[mixed.problems.source.str.split("#").str[0] == source]
        if outcome == "article":
            assert len(read), name
        else:
            assert list(reported.problem) == [outcome] and read.empty, (name, reported)
    for row in mixed.articles.itertuples():  # no control character reaches a table
        assert not any(ord(c) < 32 and c not in "\t\n" for c in row.text + row.title), row.article_id
    repaired = mixed.problems[mixed.problems.action == "repaired"]
    assert set(repaired.problem) == {"control-characters"}
    assert {source.split("/")[-1] for source in repaired.source} == {"ansi.txt", "records.jsonl#4", "rows.csv#4"}
    assert mixed.problems.problem.tolist().count("malformed") == 3  # broken.json, two JSON lines


def test_the_good_articles_tables_are_the_same_with_or_without_the_bad_ones(mixed_runs):
    runs, _, _ = mixed_runs
    good, mixed = runs["good"], runs["mixed"]
    ids = set(good.articles.article_id)
    for name in TABLE_NAMES:
        if name == "problems":
            continue
        ours = getattr(mixed, name)
        ours = ours[ours.article_id.isin(ids)].reset_index(drop=True)
        pd.testing.assert_frame_equal(ours, getattr(good, name), obj=name)
    assert set(good.problems.action) <= {"flagged"}  # short articles, kept


def test_pathological_texts_have_true_offsets(mixed_runs):
    runs, _, _ = mixed_runs
    mixed = runs["mixed"]
    texts = mixed.articles.set_index("article_id")["text"]
    for name in ("paragraphs", "sentences", "quotes", "entities", "treaty_refs"):
        for row in getattr(mixed, name).itertuples():
            assert row.text == texts[row.article_id][row.start_char:row.end_char], (name, row)
    assert {"no-blank-line", "unbalanced-quotes", "long-sentence", "repeated-sentence"} <= set(texts.index)
