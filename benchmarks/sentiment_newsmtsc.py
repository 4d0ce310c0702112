"""Sentiment towards a mention, scored on NewsMTSC, beside two baselines on the same rows.

    .venv/bin/python benchmarks/sentiment_newsmtsc.py              # dev and test
    .venv/bin/python benchmarks/sentiment_newsmtsc.py --split dev  # while tuning: dev only

Data: ../shared/data/newsmtsc/flat-{rw,mt}/{dev,test}.jsonl (one target mention per row).
Methods, all on the same rows:
- `always-neutral`: the majority class of the real-world split.
- `vader`: VADER's compound score of the whole sentence, positive above 0.05, negative
  below -0.05 (VADER's convention); it cannot tell whom the sentence is aimed at.
- `target-lr` and `target-minilm`: the two shipped target models (scripts/train_sentiment.py;
  `target-minilm` is the one `helpers.target_sentiment` uses, `target-lr` the analysis's
  default). Each is fitted on NewsMTSC train + rw dev + mt dev, so its dev figures here are
  in-sample: the honest estimate without test is `estimate` (from `scripts/train_sentiment.py
  --method M --cv`: grouped 5-fold cross-validation on train, and a model fitted on train
  alone scored on rw and mt dev), copied from results/sentiment_cv[_minilm].json.
Metrics: macro-F1 over the three classes (NewsMTSC's primary metric) and accuracy.
Speed of each target model, parsing included, on rw test (or rw dev with --split dev):
mentions per second through `sentiment.score_targets`, one call per sentence with all its
mentions (as `helpers.target_sentiment`), and through `sentiment.score_targets_many`, all
sentences at once. Both by the wall clock and by this process's CPU time: other work on the
machine slows the first but not the second.
Writes `results/sentiment.json`; with `--split dev`, test figures already there are kept
under `previous_model_test` (they belong to the models that were measured on test), and any
run keeps that record. Confusion counts and a few errors of `target_sentiment`'s model are
recorded on rw test, its out-of-sample split (NewsMTSC ids and the mention's offsets in
its sentence, no text).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

from sklearn.metrics import accuracy_score, f1_score

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "newsmtsc"
RESULTS = ROOT / "benchmarks" / "results" / "sentiment.json"
CV_RESULTS = {"target-lr": ROOT / "benchmarks" / "results" / "sentiment_cv.json",
              "target-minilm": ROOT / "benchmarks" / "results" / "sentiment_cv_minilm.json"}
POLARITY = {-1: "negative", 0: "neutral", 1: "positive"}
SETS = ("flat-rw", "flat-mt")


def read_rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def by_sentence(rows: list[dict]) -> dict[str, list[int]]:
    """Row numbers grouped by sentence, in first-seen order."""
    groups: dict[str, list[int]] = defaultdict(list)
    for number, row in enumerate(rows):
        groups[row["sentence"]].append(number)
    return groups


def predict_target(rows: list[dict], method: str) -> tuple[list[str], dict[str, float]]:
    """Labels of one target model, one sentence at a time as `helpers.target_sentiment`
    scores, and mentions per second (wall, CPU)."""
    from helpers.sentiment import score_targets

    predicted: list[str | None] = [None] * len(rows)
    with Stopwatch(len(rows)) as speed:
        for sentence, numbers in by_sentence(rows).items():
            scored = score_targets(sentence, [(rows[n]["from"], rows[n]["to"]) for n in numbers], method)
            for number, row in zip(numbers, scored):
                predicted[number] = row["label"]
    return predicted, speed.rates


def batched_speed(rows: list[dict], method: str) -> dict[str, float]:
    """Mentions per second (wall, CPU) scoring every sentence in one `score_targets_many` call."""
    from helpers.sentiment import score_targets_many

    groups = by_sentence(rows)
    with Stopwatch(len(rows)) as speed:
        score_targets_many([(sentence, [(rows[n]["from"], rows[n]["to"]) for n in numbers])
                            for sentence, numbers in groups.items()], method)
    return speed.rates


class Stopwatch:
    """Wall-clock and process CPU time of a block, as items per second."""

    def __init__(self, items: int):
        self.items = items
        self.rates: dict[str, float] = {}

    def __enter__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc):
        wall, cpu = time.perf_counter() - self.wall, time.process_time() - self.cpu
        self.rates = {"mentions_per_second_wall": round(self.items / wall, 1),
                      "mentions_per_second_cpu": round(self.items / cpu, 1)}


def predict_vader(rows: list[dict]) -> list[str]:
    from helpers.tone import VADER_THRESHOLD, _vader, label_for

    return [label_for(_vader().polarity_scores(row["sentence"])["compound"], VADER_THRESHOLD)
            for row in rows]


def metrics(gold: list[str], predicted: list[str]) -> dict[str, float]:
    return {"macro_f1": round(f1_score(gold, predicted, average="macro", labels=list(POLARITY.values()),
                                       zero_division=0), 4),
            "accuracy": round(accuracy_score(gold, predicted), 4)}


def confusion(gold: list[str], predicted: list[str]) -> dict[str, dict[str, int]]:
    """Counts by gold label (outer) and predicted label (inner)."""
    return {want: {got: sum(1 for g, p in zip(gold, predicted) if (g, p) == (want, got))
                   for got in POLARITY.values()} for want in POLARITY.values()}


def previous_test(scoring_test: bool) -> dict:
    """The previous model's test figures, kept once recorded. A run that does not score test
    records those of the results file as it stands (the model measured then)."""
    if not RESULTS.is_file():
        return {}
    old = json.loads(RESULTS.read_text(encoding="utf-8"))
    if "previous_model_test" in old or scoring_test:
        return old.get("previous_model_test", {})
    return {key: value for key, value in old.get("results", {}).items() if key.endswith("-test")}


def model_load_seconds(method: str) -> float:
    """Seconds to load a target model from disk in this process, its encoder included."""
    from helpers import sentiment
    from helpers.encoder import load_encoder

    started = time.perf_counter()
    model = sentiment.TargetModel.load(method)
    if model.vector_source == "minilm":
        load_encoder()
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--split", choices=("dev", "test", "all"), default="all")
    args = parser.parse_args()
    if not DATA.is_dir():
        print(f"NewsMTSC is not at {DATA.relative_to(ROOT.parent)}; nothing to benchmark.")
        return 0
    from helpers import sentiment
    from helpers.pipeline import load_model

    methods = tuple(sentiment.TARGET_MODELS)
    load_seconds = {method: model_load_seconds(method) for method in methods}
    load_model()
    splits = ("dev", "test") if args.split == "all" else (args.split,)
    results, speed = {}, {}
    for name in SETS:
        for split in splits:
            rows = read_rows(DATA / name / f"{split}.jsonl")
            gold = [POLARITY[row["polarity"]] for row in rows]
            predicted, rates = {}, {}
            for method in methods:
                predicted[method], rates[method] = predict_target(rows, method)
            key = f"{name.removeprefix('flat-')}-{split}"
            results[key] = {"rows": len(rows),
                            "always-neutral": metrics(gold, ["neutral"] * len(rows)),
                            "vader": metrics(gold, predict_vader(rows)),
                            **{method: metrics(gold, predicted[method]) for method in methods},
                            # dev rows are in the shipped models' training data
                            "target_models_in_sample": split == "dev"}
            if key == "rw-test":  # its kinds of mistakes, for the accuracy notebook (dev is in-sample)
                target = predicted[sentiment.ACCURATE_TARGET_METHOD]
                results[key]["confusion"] = confusion(gold, target)
                results[key]["errors"] = [
                    {"id": row["id"], "from": row["from"], "to": row["to"], "gold": want, "predicted": got}
                    for row, want, got in zip(rows, gold, target) if want != got][:10]
            if name == "flat-rw" and split == splits[-1]:
                speed = {"rows": key, "mentions": len(rows),
                         **{method: {"one_call_per_sentence": rates[method],
                                     "all_sentences_at_once": batched_speed(rows, method)}
                            for method in methods}}
    report = {"data": "NewsMTSC flat-rw / flat-mt (../shared/data/newsmtsc)",
              "metric": "macro-F1 over negative/neutral/positive, and accuracy",
              "results": results, "speed": speed,
              "dev_in_training": True,
              "estimate": {method: json.loads(path.read_text(encoding="utf-8"))
                           for method, path in CV_RESULTS.items() if path.is_file()},
              "models": {method: {"path": str(sentiment.model_path(method).relative_to(ROOT)),
                                  "megabytes": round(sentiment.model_path(method).stat().st_size / 1e6, 2),
                                  "load_seconds": round(load_seconds[method], 3)}
                         for method in methods}}
    if "test" not in splits and RESULTS.is_file():  # a dev run keeps the test figures already there
        recorded = json.loads(RESULTS.read_text(encoding="utf-8")).get("results", {})
        results.update({key: value for key, value in recorded.items() if key.endswith("-test")})
    if previous := previous_test(scoring_test="test" in splits):
        report["previous_model_test"] = previous
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    shown = ("always-neutral", "vader", *methods)
    print(f"{'rows':<10}{'n':>6}  " + "  ".join(f"{m:>22}" for m in shown))
    for key, result in results.items():
        cells = [f"F1m {result[m]['macro_f1']:.3f} acc {result[m]['accuracy']:.3f}" for m in shown]
        print(f"{key:<10}{result['rows']:>6}  " + "  ".join(f"{c:>22}" for c in cells))
    for method in methods:
        for way in ("one_call_per_sentence", "all_sentences_at_once"):
            rates = speed[method][way]
            print(f"{method} speed, {way.replace('_', ' ')}: {rates['mentions_per_second_wall']} mentions/s "
                  f"wall, {rates['mentions_per_second_cpu']} by CPU time ({speed['rows']}, parsing included)")
        if estimate := report["estimate"].get(method):
            cv = estimate["cross_validation"]
            print(f"{method} estimate: CV on train macro-F1 {cv['macro_f1_mean']:.4f} ± {cv['macro_f1_std']:.4f}; "
                  "train-only model on dev: " + ", ".join(
                      f"{name} {s['macro_f1']:.4f}" for name, s in estimate["train_only_model"].items()))
        model = report["models"][method]
        print(f"{method} model {model['megabytes']} MB, loads in {model['load_seconds']:.2f} s")
    print(f"wrote {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
