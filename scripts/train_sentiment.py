"""Train the target-sentiment model shipped in helpers/data/target_sentiment.json.

    .venv/bin/python scripts/train_sentiment.py            # train on NewsMTSC train, write the model
    .venv/bin/python scripts/train_sentiment.py --tune     # also score a grid of C on rw/mt dev

Data: ../shared/data/newsmtsc/flat-rw/train.jsonl (NewsMTSC, MIT). Only train is used for
fitting and only dev for choosing C; test is left to benchmarks/sentiment_newsmtsc.py.
The result is deterministic (lbfgs on a fixed feature order).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from helpers.pipeline import load_model  # noqa: E402
from helpers.sentiment import (LABELS, MODEL_PATH, SKIPPED_FOR_TARGETS, merged_features,  # noqa: E402
                               mention_features, mention_span)

DATA = ROOT.parent / "shared" / "data" / "newsmtsc"
POLARITY = {-1: "negative", 0: "neutral", 1: "positive"}
C = 0.1
MIN_COUNT = 2


def read_rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def featurise(rows: list[dict]) -> list[dict[str, float]]:
    """Merged features of every row's mention; sentences are parsed once each, as for
    `target_sentiment`."""
    nlp = load_model()
    sentences = sorted({row["sentence"] for row in rows})
    with nlp.select_pipes(disable=list(SKIPPED_FOR_TARGETS)):
        docs = dict(zip(sentences, nlp.pipe(sentences, batch_size=64)))
    features = []
    for row in rows:
        span = mention_span(docs[row["sentence"]], row["from"], row["to"])
        features.append(merged_features(mention_features(span)) if span is not None else {})
    return features


def fit(features: list[dict[str, float]], labels: list[str], c: float):
    counts = Counter(name for row in features for name in row)
    kept = [{k: v for k, v in row.items() if counts[k] >= MIN_COUNT} for row in features]
    vectorizer = DictVectorizer(sort=True)
    matrix = vectorizer.fit_transform(kept)
    classifier = LogisticRegression(C=c, max_iter=3000)
    classifier.fit(matrix, labels)
    return vectorizer, classifier


def scores(vectorizer, classifier, features, labels) -> tuple[float, float]:
    predicted = classifier.predict(vectorizer.transform(features))
    return f1_score(labels, predicted, average="macro"), accuracy_score(labels, predicted)


def save(vectorizer: DictVectorizer, classifier: LogisticRegression, path: Path) -> None:
    classes = list(classifier.classes_)
    assert classes == list(LABELS), classes
    weights = {name: [round(float(w), 5) for w in classifier.coef_[:, column]]
               for name, column in sorted(vectorizer.vocabulary_.items())
               if np.abs(classifier.coef_[:, column]).max() >= 1e-4}
    model = {"classes": classes, "intercept": [round(float(b), 5) for b in classifier.intercept_],
             "trained_on": "NewsMTSC flat-rw/train.jsonl", "C": C, "min_count": MIN_COUNT,
             "weights": weights}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(model, separators=(",", ":"), sort_keys=True) + "\n", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tune", action="store_true", help="score a grid of C on dev first")
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    args = parser.parse_args()
    if not DATA.is_dir():
        print(f"NewsMTSC not found at {DATA}; nothing to train.")
        return 1
    train = read_rows(DATA / "flat-rw" / "train.jsonl")
    train_features = featurise(train)
    train_labels = [POLARITY[row["polarity"]] for row in train]
    if args.tune:
        dev = {name: read_rows(DATA / name / "dev.jsonl") for name in ("flat-rw", "flat-mt")}
        dev_features = {name: featurise(rows) for name, rows in dev.items()}
        for c in (0.1, 0.3, 1.0):
            vectorizer, classifier = fit(train_features, train_labels, c)
            line = [f"C={c:<5}"]
            for name, rows in dev.items():
                f1, accuracy = scores(vectorizer, classifier, dev_features[name],
                                      [POLARITY[row["polarity"]] for row in rows])
                line.append(f"{name} dev F1m {f1:.3f} acc {accuracy:.3f}")
            print("  ".join(line), flush=True)
    vectorizer, classifier = fit(train_features, train_labels, C)
    save(vectorizer, classifier, args.out)
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.1f} MB, "
          f"{len(vectorizer.vocabulary_)} features, C={C})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
