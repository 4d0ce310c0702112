"""Train the stance models shipped in helpers/data/ (one per word vectors).

    .venv/bin/python scripts/train_stance.py                # fit, write helpers/data/stance_minilm.json
    .venv/bin/python scripts/train_stance.py --estimate     # first compare settings on dev

A stance model is the target-sentiment model (`helpers.target_model.TargetModel`: the same
features, the same JSON) fitted for another question: the attitude of a speaker to an
entity named in their own statement (`helpers.stances`). NewsMTSC (sentiment towards a
mention, news sentences; train and dev, as scripts/train_sentiment.py reads them) teaches it
the language of praise and blame; the stance training sets teach it what a stance is
("the FBI is investigating X" reported by a journalist is neutral towards X):
`benchmarks/annotations/stance_train_*.csv`, hand-annotated statements of PolNeAR train and
BBC politics articles (STANCE_GUIDELINES.md), each row weighted STANCE_WEIGHT times.

C and STANCE_WEIGHT were chosen with `--estimate`: each candidate is fitted without the
development set and scored (macro-F1 over the annotated target mentions) on
`stance_dev.csv`, written to benchmarks/results/stance_train.json. With MiniLM vectors the
stance rows help (0.625 at C 0.03, weight 30, against 0.557–0.59 with NewsMTSC alone); with
spaCy's tok2vec vectors they did not (0.52 either way), so the fast path (`target-lr`) judges
stances with the target-sentiment model itself and only `stance-minilm` is shipped. The shipped model is
fitted without the development set too, so `benchmarks/stance.py --set dev` scores it on
statements it never saw (though its settings were chosen there). Blind sets are never read.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from sklearn.metrics import f1_score

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from stance import ANNOTATIONS, SHARED, read_annotations  # noqa: E402
from train_sentiment import DATA, DEV, POLARITY, RESULTS, TRAIN, fit, read_rows, save, span_features  # noqa: E402
from train_sentiment import featurise as featurise_newsmtsc  # noqa: E402

from helpers.sentiment import MODEL_FILES, STANCE_MODELS, mention_span, model_path  # noqa: E402

STANCE_WEIGHT = 30.0
C = 0.03
CANDIDATES = {"C": (0.01, 0.03, 0.1), "stance_weight": (0.0, 3.0, 10.0, 30.0)}
TRAINING_SETS = "stance_train_*.csv"
DEVELOPMENT_SET = "stance_dev.csv"


def stance_rows(paths: list[Path]) -> list[dict]:
    """The annotated (statement, target) rows with a target, of the given files."""
    return [row for path in paths for row in read_annotations(path)
            if row["stance"] != "none" and row["target_start"] is not None]


def featurise_stances(rows: list[dict], vector_source: str) -> list[dict[str, float]]:
    """Features of each row's target mention in its article, parsed by the project's pipeline
    as an analysis parses it."""
    from helpers.loading import load_articles
    from helpers.pipeline import load_model, parse

    paths = sorted({row["path"] for row in rows})
    articles = load_articles([str(SHARED / path) for path in paths]).to_dict("records")
    by_stem = {Path(path).stem: path for path in paths}
    docs = {by_stem[article["article_id"]]: doc
            for article, doc in zip(articles, parse([a["text"] for a in articles], load_model()))}
    spans = [mention_span(docs[row["path"]], row["target_start"], row["target_end"]) for row in rows]
    sentences = list({(id(span.doc), span.sent.start): span.sent for span in spans if span is not None}.values())
    return span_features(spans, sentences, vector_source)


def training_data(vector_source: str) -> tuple[list[dict], list[str], list[dict], list[str], list[str]]:
    """NewsMTSC features and labels, then the stance training sets', and their file names."""
    newsmtsc = [row for name in TRAIN + DEV for row in read_rows(DATA / name)]
    files = sorted(ANNOTATIONS.glob(TRAINING_SETS))
    stances = stance_rows(files)
    return (featurise_newsmtsc(newsmtsc, vector_source), [POLARITY[row["polarity"]] for row in newsmtsc],
            featurise_stances(stances, vector_source), [row["stance"] for row in stances],
            [path.name for path in files])


def fit_stance(newsmtsc: tuple[list, list], stances: tuple[list, list], c: float, stance_weight: float):
    """One model on NewsMTSC and the stance rows, each stance row weighted `stance_weight`
    times (0: NewsMTSC alone, the target-sentiment model's data)."""
    features, labels = newsmtsc
    weights = [1.0] * len(features)
    if stance_weight:
        features, labels = features + stances[0], labels + stances[1]
        weights += [stance_weight] * len(stances[0])
    return fit(features, labels, weights, c)


def estimate(newsmtsc, stances, development) -> dict:
    results = []
    for c in CANDIDATES["C"]:
        for stance_weight in CANDIDATES["stance_weight"]:
            vectorizer, classifier = fit_stance(newsmtsc, stances, c, stance_weight)
            predicted = classifier.predict(vectorizer.transform(development[0]))
            results.append({"C": c, "stance_weight": stance_weight,
                            "dev_macro_f1": round(float(f1_score(development[1], predicted, average="macro")), 4)})
            print(results[-1], flush=True)
    return {"development_set": DEVELOPMENT_SET, "dev_mentions": len(development[1]),
            "scored": "macro-F1 over the annotated target mentions (first mention of each target)",
            "candidates": results}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--method", choices=STANCE_MODELS, default="stance-minilm")
    parser.add_argument("--estimate", action="store_true", help="first compare the candidate settings on dev")
    parser.add_argument("--out", type=Path, help="where to write the model (default: the shipped file)")
    args = parser.parse_args()
    vector_source = MODEL_FILES[args.method][1]
    if not DATA.is_dir() or not SHARED.is_dir():
        print("NewsMTSC or ../shared not found; nothing to train.")
        return 1
    newsmtsc_features, newsmtsc_labels, stance_features, stance_labels, files = training_data(vector_source)
    newsmtsc, stances = (newsmtsc_features, newsmtsc_labels), (stance_features, stance_labels)
    if args.estimate:
        development_rows = stance_rows([ANNOTATIONS / DEVELOPMENT_SET])
        development = (featurise_stances(development_rows, vector_source), [row["stance"] for row in development_rows])
        result = {"method": args.method, "training_sets": files, "stance_rows": len(stance_labels),
                  **estimate(newsmtsc, stances, development)}
        path = RESULTS / "stance_train.json"
        saved = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        saved[args.method] = result
        path.write_text(json.dumps(saved, indent=2) + "\n", encoding="utf-8")
    vectorizer, classifier = fit_stance(newsmtsc, stances, C, STANCE_WEIGHT)
    out = args.out or model_path(args.method)
    trained_on = " + ".join([f"NewsMTSC {name}" for name in TRAIN + DEV] + files)
    save(vectorizer, classifier, out, trained_on, args.method, c=C, stance_weight=STANCE_WEIGHT)
    print(f"wrote {out} ({len(vectorizer.vocabulary_)} features, {len(newsmtsc_labels)} NewsMTSC rows, "
          f"{len(stance_labels)} stance rows x {STANCE_WEIGHT})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
