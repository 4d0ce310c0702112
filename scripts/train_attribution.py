"""Train the attribution model shipped as helpers/data/attribution_model.json.

    .venv/bin/python scripts/train_attribution.py                  # fit on PolNeAR train, write the model
    .venv/bin/python scripts/train_attribution.py --estimate       # also score thresholds on dev
    .venv/bin/python scripts/train_attribution.py --limit 40 --out /tmp/m.json   # a quick subset

PolNeAR (../shared/data/polnear, one annotation file per article as the benchmark reads it)
gives the examples: every candidate cue word of `helpers.quotes.learned` is positive when it is
the head word of a gold cue, and for each gold cue every candidate content is positive when it
is the one that matches the gold content best. Two logistic regressions (scikit-learn,
liblinear, L2, deterministic) are fitted; features seen fewer than MIN_COUNT times are
dropped and weights rounded, so the JSON stays small and the same run gives the same file.

The threshold on the cue probability was chosen on dev with `--estimate` (all-attribution F1
at overlap 0.3 of rules + model, `benchmarks/quotes_polnear.py`'s scoring); test is never read.
Parses are cached under --cache (default: a folder in the system's temporary directory).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from quotes_polnear import POLNEAR, add_article, gold_files, read_relations, tally_parts  # noqa: E402

from helpers.quotes import learned  # noqa: E402

C = 0.3
MIN_COUNT = 3
THRESHOLD = 0.3
DIGITS = 4
# The shipped file also holds a summary of the model fitted on the first CHECK_ARTICLES train
# articles, so that a test can check in seconds that this script still makes the same model.
CHECK_ARTICLES = 20
CHECK_WEIGHTS = 40
THRESHOLDS = (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="only the first N train articles")
    parser.add_argument("--out", type=Path, default=learned.MODEL_FILE)
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "helpers-attribution")
    parser.add_argument("--threshold", type=float, default=THRESHOLD)
    parser.add_argument("--estimate", action="store_true", help="score cue thresholds on dev")
    options = parser.parse_args()
    if not POLNEAR.is_dir():
        print("PolNeAR is not present: nothing to train on.", file=sys.stderr)
        return 1
    cue_rows, content_rows, check = [], [], None
    for number, (reader, relations) in enumerate(readers("train", options.limit, options.cache), 1):
        cues, contents = examples(reader, relations)
        cue_rows += cues
        content_rows += contents
        if number == CHECK_ARTICLES:
            check = {"articles": number, "cue": summary(fit(cue_rows)), "content": summary(fit(content_rows))}
    model = {"source": f"scripts/train_attribution.py on PolNeAR v1.0.0 train "
                       f"({'first %d articles' % options.limit if options.limit else 'all articles'}, "
                       f"one annotation file each); threshold chosen on dev",
             "C": C, "min_count": MIN_COUNT, "threshold": options.threshold,
             "cue": fit(cue_rows), "content": fit(content_rows)}
    if check is not None:
        model["check"] = check
    options.out.write_text(json.dumps(model, sort_keys=True, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{len(cue_rows)} cue and {len(content_rows)} content examples; "
          f"{len(model['cue']['weights'])} + {len(model['content']['weights'])} weights -> {options.out}")
    if options.estimate:
        print(json.dumps(estimate(options.cache, model), indent=2))
    return 0


def readers(split: str, limit: int | None, cache: Path):
    """(Reader, gold relations) per article of a split, parsed as an analysis parses it."""
    from spacy.tokens import DocBin

    from helpers.analysis import EXTRACTORS
    from helpers.articles import count_words, normalise_newlines
    from helpers.pipeline import load_model, model_id, parse
    from helpers.quotes.reader import Reader
    from helpers.structure import Context

    pairs = gold_files(split)[:limit]
    texts = [normalise_newlines(path.read_text(encoding="utf-8")) for path, _ in pairs]
    nlp = load_model()
    stored = cache / f"{model_id(nlp)}-{split}-{limit or 'all'}.spacy"
    if stored.exists():
        docs = list(DocBin().from_disk(stored).get_docs(nlp.vocab))
    else:
        docs = list(parse(texts, nlp))
        cache.mkdir(parents=True, exist_ok=True)
        DocBin(docs=docs).to_disk(stored)
    for (path, annotation), text, doc in zip(pairs, texts, docs):
        article = {"article_id": path.stem, "title": text.split("\n", 1)[0], "text": text,
                   "source_path": str(path), "date": None, "outlet": None, "url": None,
                   "n_words": count_words(text)}
        context = Context(article, doc)
        for name, extractor in EXTRACTORS:
            if name == "quotes":
                break
            context.tables[name] = extractor(context)
        yield Reader(context), read_relations(annotation)


def gold_cue_heads(reader, relations: list[dict]) -> dict[int, dict]:
    """Token index of each gold cue's head word -> its relation."""
    heads = {}
    for relation in relations:
        if not relation["cue"]:
            continue
        start, end = relation["cue"][0]
        tokens = [t for t in reader.doc[reader.token_at(start):reader.token_at(max(start, end - 1)) + 1]
                  if t.idx < end and start < t.idx + len(t.text)]
        inside = {t.i for t in tokens}
        candidates = [t for t in tokens if t.pos_ in learned.CUE_POS] or tokens
        roots = [t for t in candidates if t.head.i not in inside or t.head.i == t.i] or candidates
        if roots:
            heads.setdefault(roots[0].i, relation)
    return heads


def examples(reader, relations: list[dict]) -> tuple[list, list]:
    """(features, label) rows for the cue model (the candidate cues the rules leave open,
    as at run time) and for the content model (every gold cue)."""
    from helpers.quotes import extract_quotes

    heads = gold_cue_heads(reader, relations)
    quoted = learned.quoted_sentence_starts(reader)
    found = rows_as_reports(reader, extract_quotes(reader.context, learned=False))
    cue_rows = [(learned.cue_features(reader, t, quoted), int(t.i in heads)) for t in learned.open_cues(reader, found)]
    content_rows = []
    for index, relation in sorted(heads.items()):
        cue = reader.doc[index]
        gold = {i for s, e in relation["content"] for i in range(s, e)}
        candidates = learned.content_candidates(reader, cue)
        overlap = {kind: jaccard(reader, span, gold) for kind, span in candidates.items()}
        best = max(overlap.values(), default=0.0)
        for kind, span in sorted(candidates.items()):
            label = int(best > 0.3 and overlap[kind] == best)
            content_rows.append((learned.content_features(reader, cue, kind, span), label))
    return cue_rows, content_rows


def summary(fitted: dict) -> dict:
    """What a test compares cheaply: the bias and the weights largest in size of a model
    fitted on the first CHECK_ARTICLES articles (`--limit` rebuilds it in seconds)."""
    top = sorted(fitted["weights"].items(), key=lambda item: (-abs(item[1]), item[0]))[:CHECK_WEIGHTS]
    return {"bias": fitted["bias"], "weights": dict(top), "n_weights": len(fitted["weights"])}


def jaccard(reader, span: tuple[int, int], gold: set[int]) -> float:
    first, last = span
    start, end = reader.doc[first].idx, reader.doc[last].idx + len(reader.doc[last].text)
    predicted = set(range(start, end))
    return len(predicted & gold) / len(predicted | gold) if gold else 0.0


def fit(rows: list[tuple[list[str], int]]) -> dict:
    """Logistic regression over binary features seen at least MIN_COUNT times."""
    import numpy
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    counts = Counter(f for features, _ in rows for f in set(features))
    names = sorted(f for f, n in counts.items() if n >= MIN_COUNT)
    index = {name: i for i, name in enumerate(names)}
    indptr, indices = [0], []
    for features, _ in rows:
        indices += sorted({index[f] for f in features if f in index})
        indptr.append(len(indices))
    matrix = csr_matrix((numpy.ones(len(indices)), indices, indptr), shape=(len(rows), len(names)))
    labels = numpy.array([label for _, label in rows])
    model = LogisticRegression(C=C, solver="liblinear", max_iter=1000, random_state=0)
    model.fit(matrix, labels)
    weights = {name: round(float(w), DIGITS) for name, w in zip(names, model.coef_[0])
               if round(float(w), DIGITS) != 0.0}
    return {"bias": round(float(model.intercept_[0]), DIGITS), "weights": weights}


def estimate(cache: Path, model: dict) -> dict:
    """All-attribution and indirect-only figures of rules + model on dev, per threshold."""
    from helpers.quotes import extract_quotes

    tallies = {threshold: tally_parts() for threshold in THRESHOLDS}
    for reader, gold in readers("dev", None, cache):
        rules = extract_quotes(reader.context, learned=False)
        found = rows_as_reports(reader, rules)
        for threshold in THRESHOLDS:
            extra = [learned_row(reader, report) for report in learned.learned_reports(reader, found, model, threshold)]
            add_article(tallies[threshold], reader.text, gold, rules + extra)
    return {str(threshold): {part: tally.figures() for part, tally in parts.items()}
            for threshold, parts in tallies.items()}


def rows_as_reports(reader, rows: list[dict]) -> list:
    from helpers.quotes.indirect import Report

    return [Report(r["start_char"], r["end_char"],
                   reader.doc[reader.token_at(r["cue_start_char"])] if r["cue_start_char"] is not None else None,
                   None, r["attribution"]) for r in rows]


def learned_row(reader, report) -> dict:
    start, end = reader.cue_span(report.cue)
    speaker = report.speaker or (None, None)
    return {"start_char": report.start, "end_char": report.end, "kind": "indirect",
            "cue_start_char": start, "speaker_start_char": speaker[0], "speaker_end_char": speaker[1]}


if __name__ == "__main__":
    sys.exit(main())
