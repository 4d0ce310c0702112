"""Train the target-sentiment models shipped in helpers/data/ (one per method).

    .venv/bin/python scripts/train_sentiment.py --method target-minilm        # fit on train + dev, write it
    .venv/bin/python scripts/train_sentiment.py --method target-minilm --cv   # first estimate it without test

The methods differ only in their word vectors (`sentiment.TARGET_MODELS`): `target-lr`
(helpers/data/target_sentiment.json) uses the tok2vec embedding layer, `target-minilm`
(helpers/data/target_sentiment_minilm.json) the MiniLM encoder of helpers/encoder.py.

Data: ../shared/data/newsmtsc/ (NewsMTSC, MIT): flat-rw/train.jsonl, flat-rw/dev.jsonl and
flat-mt/dev.jsonl. The hyperparameters (C, MIN_COUNT, and VECTOR_SCALE / VECTOR_WINDOW in
helpers/word_vectors.py) were chosen by grouped 5-fold cross-validation on train (the
sentences of one article, or of one AllSides story, in one fold) together with rw and mt
dev, never on test. With them fixed, the shipped model is fitted on train + both dev
sets (their `trained_on`); so its own dev figures are in-sample, and `--cv` reports the
honest estimate: cross-validation on train, and a model fitted on train alone scored on
rw and mt dev. It writes benchmarks/results/sentiment_cv[_minilm].json. Test is never read
here. The encoder's layer (`helpers.encoder.LAYERS`) was chosen the same way. The result is
deterministic (lbfgs to convergence on a fixed feature order, word vectors on CPU): byte for
byte on one machine, and within 0.001 on every weight when BLAS runs with another number of
threads.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections import Counter
from pathlib import Path

import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import GroupKFold

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from helpers.encoder import BACKEND_ENV  # noqa: E402
from helpers.pipeline import DEFAULT_MODEL, load_model, model_id  # noqa: E402
from helpers.mention_features import mention_features  # noqa: E402
from helpers.sentiment import mention_span, parse_for_targets  # noqa: E402
from helpers.target_model import (FAST_TARGET_METHOD, MODEL_FILES, TARGET_MODELS,  # noqa: E402
                                  merged_features, model_path)
from helpers.tone import LABELS  # noqa: E402
from helpers.word_vectors import (VECTOR_GROUPS, VECTOR_SCALE, VECTOR_WINDOW,  # noqa: E402
                                  mention_vectors, sentence_rows, vector_features)

# The models are fitted on the reference encoder's float32 vectors (NumPy), so that they do
# not depend on which backend this machine has; the int8 backend that serves them moved
# NewsMTSC dev by less than 0.005 macro-F1 (helpers/encoder_onnx.py). train_stance.py
# imports this module, so the same holds for the stance models.
os.environ[BACKEND_ENV] = "numpy"

DATA = ROOT.parent / "shared" / "data" / "newsmtsc"
RESULTS = ROOT / "benchmarks" / "results"
POLARITY = {-1: "negative", 0: "neutral", 1: "positive"}
TRAIN = ("flat-rw/train.jsonl",)
DEV = ("flat-rw/dev.jsonl", "flat-mt/dev.jsonl")
C = 0.1
MIN_COUNT = 2
FOLDS = 5
# lbfgs runs to convergence: some word-vector dimensions are almost constant, so at
# scikit-learn's default tolerance (1e-4) the fit stopped at different points of a flat
# valley when the vectors differed in the last bits (BLAS run with another number of
# threads), and rebuilding the model changed its weights.
TOLERANCE = 1e-8
VECTOR_NAME = re.compile(rf"^({'|'.join(VECTOR_GROUPS)}):(\d+)$")


def read_rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def cv_group(row_id: str) -> str:
    """The group of a row for cross-validation: its POLUSA article, or its AllSides story
    (`allsides_<article>_<story>_...`: one story's articles from several outlets)."""
    parts = row_id.split("_")
    return f"allsides-{parts[2]}" if parts[0] == "allsides" else f"{parts[0]}-{parts[2]}"


def featurise(rows: list[dict], vector_source: str) -> list[dict[str, float]]:
    """Merged features of every row's mention, word vectors included; sentences are parsed
    and encoded once each, as for `target_sentiment`."""
    texts = sorted({row["sentence"] for row in rows})
    docs = dict(zip(texts, parse_for_targets(texts)))
    sentences = [sentence for text in texts for sentence in docs[text].sents]
    spans = [mention_span(docs[row["sentence"]], row["from"], row["to"]) for row in rows]
    return span_features(spans, sentences, vector_source)


def span_features(spans: list, sentences: list, vector_source: str) -> list[dict[str, float]]:
    """Merged features of each mention span (an empty dict for None), with the word vectors
    of its sentence; `sentences` (every span's among them) are encoded once, in that order."""
    vectors_of = {(id(sentence.doc), sentence.start): rows
                  for sentence, rows in zip(sentences, sentence_rows(sentences, vector_source))}
    features = []
    for span in spans:
        if span is None:
            features.append({})
            continue
        vectors = mention_vectors(span, vectors_of[id(span.doc), span.sent.start])
        features.append({**merged_features(mention_features(span)), **vector_features(vectors)})
    return features


def fit(features: list[dict[str, float]], labels: list[str], weights: list[float] | None = None, c: float = C):
    counts = Counter(name for row in features for name in row)
    kept = [{k: v for k, v in row.items() if counts[k] >= MIN_COUNT} for row in features]
    vectorizer = DictVectorizer(sort=True)
    matrix = vectorizer.fit_transform(kept)
    classifier = LogisticRegression(C=c, max_iter=3000, tol=TOLERANCE)
    classifier.fit(matrix, labels, sample_weight=weights)
    return vectorizer, classifier


def scores(vectorizer, classifier, features, labels) -> dict[str, float]:
    predicted = classifier.predict(vectorizer.transform(features))
    return {"macro_f1": round(f1_score(labels, predicted, average="macro"), 4),
            "accuracy": round(accuracy_score(labels, predicted), 4)}


def estimate(train: list[dict], features: list[dict], labels: list[str], dev: dict) -> dict:
    """Grouped k-fold cross-validation on train, and a train-only model on each dev set."""
    labels_array = np.array(labels)
    folds = []
    for number, (fitted, held) in enumerate(GroupKFold(n_splits=FOLDS).split(
            features, labels, [cv_group(row["id"]) for row in train])):
        vectorizer, classifier = fit([features[i] for i in fitted], labels_array[fitted])
        folds.append(scores(vectorizer, classifier, [features[i] for i in held],
                            list(labels_array[held])))
        print(f"fold {number}: {folds[-1]}", flush=True)
    f1s = [fold["macro_f1"] for fold in folds]
    vectorizer, classifier = fit(features, labels)
    result = {"cross_validation": {"folds": FOLDS, "grouped_by": "article (POLUSA) or story (AllSides)",
                                   "macro_f1_mean": round(float(np.mean(f1s)), 4),
                                   "macro_f1_std": round(float(np.std(f1s)), 4),
                                   "accuracy_mean": round(float(np.mean([f["accuracy"] for f in folds])), 4),
                                   "per_fold": folds},
              "train_only_model": {name: scores(vectorizer, classifier, dev_features, dev_labels)
                                   for name, (dev_features, dev_labels) in dev.items()},
              "C": C, "min_count": MIN_COUNT, "tolerance": TOLERANCE, "vector_scale": VECTOR_SCALE,
              "vector_window": VECTOR_WINDOW}
    return result


def vectors_from(vector_source: str) -> str:
    if vector_source == "minilm":
        from helpers.encoder import NAME

        return f"{NAME}, mean of each token's word pieces"
    return f"{model_id(load_model(DEFAULT_MODEL))} tok2vec embedding layer"


def save(vectorizer: DictVectorizer, classifier: LogisticRegression, path: Path,
         trained_on: str, method: str, c: float = C, **settings) -> None:
    """The model as JSON (`settings`: more hyperparameters to record)."""
    classes = list(classifier.classes_)
    assert classes == list(LABELS), classes
    weights, vectors = {}, {}
    for name, column in sorted(vectorizer.vocabulary_.items()):
        row = [round(float(w), 5) for w in classifier.coef_[:, column]]
        match = VECTOR_NAME.match(name)
        if match:
            vectors.setdefault(match.group(1), {})[int(match.group(2))] = row
        elif np.abs(classifier.coef_[:, column]).max() >= 1e-4:
            weights[name] = row
    vectors = {group: [by_index[i] for i in range(len(by_index))] for group, by_index in vectors.items()}
    model = {"classes": classes, "intercept": [round(float(b), 5) for b in classifier.intercept_],
             "trained_on": trained_on, "C": c, "min_count": MIN_COUNT, "method": method, **settings,
             "vector_source": MODEL_FILES[method][1],
             "vectors_from": vectors_from(MODEL_FILES[method][1]),
             "vector_scale": VECTOR_SCALE, "vector_window": VECTOR_WINDOW,
             "weights": weights, "vectors": vectors}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(model, separators=(",", ":"), sort_keys=True) + "\n", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cv", action="store_true",
                        help="first estimate the model by cross-validation on train and on dev")
    parser.add_argument("--method", choices=TARGET_MODELS, default=FAST_TARGET_METHOD)
    parser.add_argument("--out", type=Path, help="where to write the model (default: the shipped file)")
    args = parser.parse_args()
    out = args.out or model_path(args.method)
    vector_source = TARGET_MODELS[args.method][1]
    if not DATA.is_dir():
        print(f"NewsMTSC not found at {DATA}; nothing to train.")
        return 1
    train = [row for name in TRAIN for row in read_rows(DATA / name)]
    dev = {name: read_rows(DATA / name) for name in DEV}
    train_features = featurise(train, vector_source)
    train_labels = [POLARITY[row["polarity"]] for row in train]
    dev_features = {name: featurise(rows, vector_source) for name, rows in dev.items()}
    dev_labels = {name: [POLARITY[row["polarity"]] for row in rows] for name, rows in dev.items()}
    if args.cv:
        result = estimate(train, train_features, train_labels,
                          {name.split(".")[0]: (dev_features[name], dev_labels[name]) for name in DEV})
        result = {"method": args.method, **result}
        suffix = "" if args.method == FAST_TARGET_METHOD else f"_{vector_source}"
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / f"sentiment_cv{suffix}.json").write_text(json.dumps(result, indent=2) + "\n",
                                                             encoding="utf-8")
        cv = result["cross_validation"]
        print(f"CV macro-F1 {cv['macro_f1_mean']:.4f} ± {cv['macro_f1_std']:.4f}; train-only model on dev: "
              + ", ".join(f"{name} {s['macro_f1']:.4f}" for name, s in result["train_only_model"].items()))
    features = train_features + [row for name in DEV for row in dev_features[name]]
    labels = train_labels + [label for name in DEV for label in dev_labels[name]]
    vectorizer, classifier = fit(features, labels)
    save(vectorizer, classifier, out, " + ".join(f"NewsMTSC {name}" for name in TRAIN + DEV), args.method)
    print(f"wrote {out} ({out.stat().st_size / 1e6:.1f} MB, "
          f"{len(vectorizer.vocabulary_)} features, C={C}, {len(labels)} rows)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
