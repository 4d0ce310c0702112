"""The accuracy notebook's helpers: committed benchmark results and the seed checked by hand."""

from __future__ import annotations

import pytest

from helpers import accuracy


@pytest.fixture(scope="module")
def results():
    found = accuracy.load_results()
    assert {"quotes_polnear", "treaties", "sentiment", "entities", "identity"} <= set(found)
    return found


def test_the_seed_matches_the_reading_by_hand(seed_analysis):
    quotes = accuracy.seed_quote_check(seed_analysis)
    assert len(quotes) == 14 and quotes["found"].all() and quotes["right"].all()
    treaties = accuracy.seed_treaty_check(seed_analysis)
    assert treaties["right"].all()


def test_a_wrong_speaker_is_reported_as_wrong(seed_analysis):
    broken = seed_analysis.quotes.copy()
    broken["speaker_name"] = broken["speaker_name"].replace("Antony Blinken", "Someone Else")
    regressed = type(seed_analysis)(**{**seed_analysis.__dict__, "quotes": broken})
    check = accuracy.seed_quote_check(regressed)
    assert not check[check["expected speaker"] == "Antony Blinken"]["right"].any()


def test_figure_tables_are_read_from_the_results(results):
    quotes = accuracy.quote_figures(results["quotes_polnear"])
    assert {"this project", "textacy"} <= set(quotes["system"])
    assert quotes["F1 (overlap > 0.3)"].between(0, 1).all()
    assert set(accuracy.treaty_figures(results["treaties"])["set"]) >= {"dev"}
    sentiment = accuracy.sentiment_figures(results["sentiment"])
    assert {"always-neutral", "vader"} <= set(sentiment["method"])
    assert len(accuracy.entity_figures(results["entities"])) >= 5


def test_throughput_figures_show_both_peak_memory_sums_and_tolerate_older_results():
    run = {"seconds": 10.0, "tokens_per_second": 100, "peak_memory_mb": 900, "peak_pss_mb": 700}
    table = accuracy.throughput_figures({"bare_spacy": {"seconds": 8.0, "tokens_per_second": 125},
                                         "cold_1_worker": run, "cold_2_workers": {**run, "peak_pss_mb": None}})
    assert list(table["run"]) == ["bare spaCy nlp.pipe", "analysis, 1 process, no cache",
                                  "analysis, 2 processes, no cache"]
    assert table.loc[1, "peak memory (MB)"] == 900 and table.loc[1, "shared pages counted once (MB)"] == 700
    assert table["shared pages counted once (MB)"].isna().tolist() == [True, False, True]


def test_headline_findings_name_each_analysis(results):
    lines = accuracy.findings(results)
    assert [line.split()[0] for line in lines][:4] == ["Direct", "Treaty", "Sentiment", "Who"]


def test_sentiment_errors_are_summarised_without_article_text(results):
    confusion = accuracy.sentiment_confusion(results["sentiment"])
    assert list(confusion.index) == list(confusion.columns) == ["negative", "neutral", "positive"]
    errors = accuracy.sentiment_errors(results["sentiment"])
    assert list(errors.columns) == ["id", "from", "to", "gold", "predicted"]
    assert (errors["gold"] != errors["predicted"]).all()


def test_treaty_figures_show_every_set_with_its_status(results):
    figures = accuracy.treaty_figures(results["treaties"])
    assert figures["set"].tolist()[:3] == ["dev", "dev\N{NO-BREAK SPACE}2", "test\N{NO-BREAK SPACE}(seen)"]
    statuses = figures.groupby("set")["status"].apply(list).to_dict()
    assert statuses["dev"] == ["tuning"] and statuses["test\N{NO-BREAK SPACE}(seen)"] == ["seen"]
    assert statuses["held-out\N{NO-BREAK SPACE}1"] == ["seen", "held-out, first run, before the fixes it prompted"]
    assert "held-out, scored on earlier code" in statuses["held-out\N{NO-BREAK SPACE}2"]
    assert len(figures) == len(set(zip(figures["set"], figures["status"])))  # one row per scoring
    errors = accuracy.treaty_errors(results["treaties"])
    assert {"set", "status", "gold", "predicted"} <= set(errors.columns)


def treaty_results(**sets: str) -> dict:
    """Treaty results with one figure per named set, given its status."""
    figures = {"precision": 0.9, "recall": 0.8, "gold": 10}
    return {name: {"status": status, "treaty": figures, "treaty_and_provision": figures, "errors": []}
            for name, status in sets.items()}


def test_the_treaty_headline_uses_the_clean_held_out_figure_when_there_is_one():
    seen_only = treaty_results(dev="tuning", heldout="seen")
    seen_only["heldout_first_run"] = {**treaty_results(x="held-out")["x"], "superseded_by": "heldout"}
    [line] = accuracy.findings({"treaties": seen_only})
    assert line.startswith("Treaty references (dev, tuning)")
    [line] = accuracy.findings({"treaties": {**seen_only, **treaty_results(heldout2="held-out")}})
    assert line.startswith("Treaty references (held-out\N{NO-BREAK SPACE}2, held-out)")


def test_the_treaty_headline_separates_what_the_list_lacks_from_what_the_rules_miss():
    held_out = treaty_results(heldout2="held-out")
    held_out["heldout2"]["recall_by_coverage"] = {"in the list": {"recall": 0.81},
                                                  "not in the list": {"recall": 0.0}}
    [line] = accuracy.findings({"treaties": held_out})
    assert line.endswith("recall 0.80 (0.81 on instruments in the treaty list, 0.00 on those outside it).")


def test_the_share_of_instruments_outside_the_list_found_and_no_held_out_errors():
    sets = treaty_results(dev2="tuning", heldout2="held-out")
    sets["dev2"]["unlisted_instruments_found"] = {"found": 18, "total": 19, "share": 0.947}
    sets["heldout2"]["errors"] = [{"path": "p", "start_char": 0, "end_char": 1, "gold": "x",
                                   "predicted": None, "form": "name"}]
    table = accuracy.treaty_unlisted_found(sets)
    assert table[["set", "found at least once", "share"]].values.tolist() == [["dev\N{NO-BREAK SPACE}2", 18, 0.947]]
    assert accuracy.treaty_errors(sets).empty


def test_treaty_recall_by_coverage_has_a_row_per_set_and_group():
    held_out = treaty_results(dev="tuning", heldout2="held-out")
    held_out["heldout2"]["recall_by_coverage"] = {
        "in the list": {"found": 35, "gold": 43, "recall": 0.814},
        "not in the list": {"found": 0, "gold": 48, "recall": 0.0}}
    table = accuracy.treaty_recall_by_coverage(held_out)
    assert table[["set", "instruments", "found", "gold references"]].values.tolist() == [
        ["held-out\N{NO-BREAK SPACE}2", "in the list", 35, 43],
        ["held-out\N{NO-BREAK SPACE}2", "not in the list", 0, 48]]


def test_sentiment_figures_never_show_the_shipped_model_on_its_own_training_rows():
    figures = {"macro_f1": 0.97, "accuracy": 0.97}
    results = {"results": {"rw-dev": {"rows": 343, "vader": {"macro_f1": 0.5, "accuracy": 0.5},
                                      "target-lr": figures, "target-minilm": figures,
                                      "target_models_in_sample": True},
                           "rw-test": {"rows": 803, "target-lr": {"macro_f1": 0.68, "accuracy": 0.69},
                                       "target_models_in_sample": False}},
               "estimate": {"target-lr": {
                   "train_only_model": {"flat-rw/dev": {"macro_f1": 0.72, "accuracy": 0.74}},
                   "cross_validation": {"folds": 5, "macro_f1_mean": 0.67, "accuracy_mean": 0.68}}}}
    table = accuracy.sentiment_figures(results)
    assert 0.97 not in set(table["macro-F1"])  # target-minilm has no estimate for dev: left out
    assert table[["split", "method", "macro-F1"]].values.tolist() == [
        ["rw-dev", "vader", 0.5], ["rw-dev", "target-lr (fitted on train only)", 0.72],
        ["rw-test", "target-lr", 0.68], ["train, 5-fold cross-validation", "target-lr", 0.67]]


def test_identity_figures_put_the_blind_set_beside_the_tuning_sets(results):
    table = accuracy.identity_figures(results["identity"])
    assert list(table.columns)[:4] == ["measure", "blind set 2", "blind set 1", "tuning sets"]
    right = table.set_index("measure").loc["speaker name right"]
    assert 0 < right["blind set 2"] <= 1 and 0 < right["tuning sets"] <= 1
    errors = accuracy.identity_errors(results["identity"])
    assert set(errors["table"]) == {"quotes", "entities"} and errors["expected"].notna().all()
    assert any(line.startswith("Who is who, on a set annotated blind") for line in accuracy.findings(results))


def test_a_held_out_set_scored_again_keeps_its_earlier_figure_apart():
    sets = treaty_results(dev="tuning", heldout2="held-out")
    sets["heldout2_before_issue_16"] = {**treaty_results(x="held-out")["x"], "scored_before": "issue 16"}
    figures = accuracy.treaty_figures(sets)
    assert figures[["set", "status"]].values.tolist()[1:] == [
        ["held-out\N{NO-BREAK SPACE}2", "held-out"],
        ["held-out\N{NO-BREAK SPACE}2", "held-out, scored on earlier code"]]
    [line] = accuracy.findings({"treaties": sets})
    assert line.startswith("Treaty references (held-out\N{NO-BREAK SPACE}2, held-out)")


def test_stance_figures_label_dev_and_blind_sets_and_keep_the_baselines(results):
    stage = results["stance"]["dev"]["given_statements"]
    figures = accuracy.stance_figures({"dev": results["stance"]["dev"], "blind": results["stance"]["dev"]})
    assert list(figures["status"].unique()) == ["dev (tuned on)", "annotated blind, scored once"]
    assert len(figures) == 2 * (len(stage) + 1)
    assert figures[["stance macro-F1", "statement tone", "always neutral"]].stack().between(0, 1).all()
    line = next(line for line in accuracy.findings(results) if line.startswith("Stances"))
    assert "dev (tuned on)" in line or "blind" in line
