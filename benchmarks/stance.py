"""Who says what about whom: targets found in statements, and the stance towards each.

    .venv/bin/python benchmarks/stance.py --set {dev,blind} [--errors N]

Annotations in `benchmarks/annotations/` (offsets into files under ../shared; see
STANCE_GUIDELINES.md): one row per (statement, target) with the statement's span, its
speaker, the target's mention inside it, the target's canonical name and the stance
(`none` rows: a statement with no target).
- `dev`: `stance_dev.csv` (PolNeAR train), looked at while tuning.
- `blind`: `stance_blind_polnear.csv` (PolNeAR dev) and `stance_blind_bbc.csv` (BBC
  politics), annotated by a helper who never saw the extractor's output; scored once, on the
  final code.

Two ways in, side by side:
- `given statements`: the stance step run on the annotated statements with the annotated
  speaker, so the figures measure the step itself (targets and stances), not quote finding;
- `end to end`: the statements the quotes step found (a gold statement is found when
  predicted quotes cover at least 0.3 of it; the predicted targets counted are those whose
  mention lies inside the gold statement).
Targets: a predicted target matches a gold one of the same statement when their names are
equal (without case, full stops, a leading "the"; known aliases mapped to one name), or when
its mention overlaps the gold mention and that mention is a name (not a pronoun). Precision
and recall over (statement, target) pairs. Stance: macro-F1 over matched pairs, for each
stance model (`target-lr` on the fast path, `stance-minilm` on the accurate one) and two baselines on the same pairs: the statement's overall tone (VADER) given
to every target in it, and always neutral. Cost: the stance step's time as a share of
`nlp.pipe` parse time on the same articles, in one run (the run's default target model).
Writes `results/stance.json` (the set's figures under its name).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared"
ANNOTATIONS = ROOT / "benchmarks" / "annotations"
RESULTS = ROOT / "benchmarks" / "results" / "stance.json"
SETS = {"dev": ("stance_dev.csv",), "blind": ("stance_blind_polnear.csv", "stance_blind_bbc.csv")}
COVERED_SHARE = 0.3
LABELS = ("negative", "neutral", "positive")
PRONOUNS = {"he", "him", "his", "she", "her", "hers", "they", "them", "their", "theirs", "it", "its"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=sorted(SETS), default="dev")
    parser.add_argument("--errors", type=int, default=0, help="print this many errors of each kind")
    args = parser.parse_args()
    sources = [ANNOTATIONS / name for name in SETS[args.set]]
    if not SHARED.exists() or not all(source.exists() for source in sources):
        print(f"skipped: needs ../shared and {', '.join(str(s.relative_to(ROOT)) for s in sources)}")
        return 0
    gold = [row for source in sources for row in read_annotations(source)]
    figures = score(gold, args.errors)
    figures["annotations"] = [source.name for source in sources]
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results[args.set] = figures
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(figures, indent=2, ensure_ascii=False))
    return 0


def read_annotations(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(line for line in handle if not line.startswith("#")))
    for row in rows:
        for column in ("statement_start", "statement_end", "target_start", "target_end"):
            row[column] = int(row[column]) if row[column] not in ("", None) else None
    return rows


# ------------------------------------------------------------------ running the helpers

def run(paths: list[str], methods: tuple[str, ...]) -> dict:
    """Parse the articles once; run every extractor (timing the stance step) with the default
    target model; then, per target model, the stance step on the annotated statements."""
    from helpers import tables
    from helpers.analysis import EXTRACTORS, finalize_tables
    from helpers.loading import load_articles
    from helpers.pipeline import load_model, parse
    from helpers.stances import extract_stances
    from helpers.structure import Context

    articles = load_articles([str(SHARED / p) for p in paths]).to_dict("records")
    path_of = {Path(p).stem: p for p in paths}
    nlp = load_model()
    started = time.perf_counter()
    docs = list(parse([a["text"] for a in articles], nlp))
    parse_seconds = time.perf_counter() - started
    records: dict[str, list[dict]] = defaultdict(list)
    contexts, stance_seconds = {}, 0.0
    for article, doc in zip(articles, docs):
        context = Context(article, doc)
        for name, extractor in EXTRACTORS:
            started = time.perf_counter()
            context.tables[name] = extractor(context)
            if name == "stances":
                stance_seconds += time.perf_counter() - started
            records[name].extend(context.tables[name])
        contexts[path_of[article["article_id"]]] = context
    frames = {name: tables.frame(name, rows) for name, rows in records.items()}
    frames.update(finalize_tables(frames))
    return {"contexts": contexts, "frames": frames, "path_of": path_of, "extract_stances": extract_stances,
            "cost": {"parse_seconds": round(parse_seconds, 2), "stance_seconds": round(stance_seconds, 3),
                     "stance_share_of_parse_percent": round(100 * stance_seconds / parse_seconds, 2),
                     "goal_share_of_parse_percent": 10.0}}


def stances_on_gold(run_result: dict, statements: dict, method: str) -> dict:
    """(path, statement_start, statement_end) -> the stance records of the step run on that
    annotated statement, with the annotated speaker."""
    found = {}
    for (path, start, end), rows in statements.items():
        context = run_result["contexts"][path]
        context.target_method = method
        speaker = rows[0]
        quote = {"quote_id": f"{path}:{start}", "start_char": start, "end_char": end,
                 "speaker_name": speaker["speaker_name"] or None, "speaker_type": "person",
                 "speaker": _span(context.text, speaker["speaker_start"], speaker["speaker_end"]),
                 "speaker_role": None}
        saved = context.tables["quotes"]
        context.tables["quotes"] = [quote]
        found[path, start, end] = run_result["extract_stances"](context)
        context.tables["quotes"] = saved
    return found


def _span(text: str, start, end) -> str | None:
    return text[int(start):int(end)] if start not in ("", None) and end not in ("", None) else None


def stances_end_to_end(run_result: dict, statements: dict) -> tuple[dict, int]:
    """The predicted stances inside each gold statement the quotes step found, and how many
    gold statements it found."""
    frames, path_of = run_result["frames"], run_result["path_of"]
    quotes = defaultdict(list)
    for row in frames["quotes"].to_dict("records"):
        quotes[path_of[row["article_id"]]].append(row)
    stances = defaultdict(list)
    for row in frames["stances"].to_dict("records"):
        stances[row["quote_id"]].append(row)
    found, covered = {}, 0
    for (path, start, end) in statements:
        overlapping = [q for q in quotes[path] if q["start_char"] < end and start < q["end_char"]]
        share = sum(min(end, q["end_char"]) - max(start, q["start_char"]) for q in overlapping) / max(end - start, 1)
        if share < COVERED_SHARE:
            continue
        covered += 1
        found[path, start, end] = [s for q in overlapping for s in stances[q["quote_id"]]
                                   if start <= s["target_start_char"] < end]
    return found, covered


def quote_tones(run_result: dict, statements: dict) -> dict:
    from helpers.sentiment import tone

    tones = {}
    for path, start, end in statements:
        text = run_result["contexts"][path].text
        tones[path, start, end] = tone(text[start:end])[1]
    return tones


# ------------------------------------------------------------------ scoring

def normalised(name) -> str:
    from helpers.identity.names import alias_key, aliases

    if name is None or name != name or str(name).strip() == "":
        return ""
    name = str(name).replace("’", "'").replace(".", "").strip()
    name = re.sub(r"^the\s+", "", name, flags=re.IGNORECASE)
    known = aliases().get(alias_key(name))
    if known:
        name = known[0]
    return " ".join(name.lower().split())


def match_targets(gold_rows: list[dict], predicted: list[dict], text: str) -> list[tuple[dict | None, dict | None]]:
    """(gold, predicted) pairs of one statement: matched, gold only, predicted only."""
    pairs, unmatched = [], list(predicted)
    for gold in gold_rows:
        match = None
        for candidate in unmatched:
            same_name = normalised(candidate["target"]) == normalised(gold["target"])
            same_mention = (gold["target_start"] is not None
                            and candidate["target_start_char"] < gold["target_end"]
                            and gold["target_start"] < candidate["target_end_char"]
                            and text[gold["target_start"]:gold["target_end"]].lower() not in PRONOUNS)
            if same_name or same_mention:
                match = candidate
                break
        if match is not None:
            unmatched.remove(match)
        pairs.append((gold, match))
    pairs.extend((None, candidate) for candidate in unmatched)
    return pairs


def macro_f1(pairs: list[tuple[str, str]]) -> float | None:
    if not pairs:
        return None
    scores = []
    for label in LABELS:
        tp = sum(1 for g, p in pairs if g == label and p == label)
        fp = sum(1 for g, p in pairs if g != label and p == label)
        fn = sum(1 for g, p in pairs if g == label and p != label)
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return round(sum(scores) / len(scores), 3)


def evaluate(gold_by_statement: dict, predicted: dict, texts: dict, tones: dict | None = None) -> dict:
    matched_pairs, gold_total, predicted_total, errors = [], 0, 0, defaultdict(list)
    for key, gold_rows in gold_by_statement.items():
        if key not in predicted:
            continue
        gold_targets = [g for g in gold_rows if g["stance"] != "none"]
        gold_total += len(gold_targets)
        predicted_total += len(predicted[key])
        for gold, found in match_targets(gold_targets, predicted[key], texts[key[0]]):
            if gold is not None and found is not None:
                matched_pairs.append((key, gold, found))
                if gold["stance"] != found["label"]:
                    errors["stance"].append((key, gold["target"], gold["stance"], found["label"], found["evidence"]))
            elif gold is not None:
                errors["missed"].append((key, gold["target"], gold["target_start"], gold["target_end"]))
            else:
                errors["spurious"].append((key, found["target"], found["target_start_char"], found["target_end_char"]))
    precision = len(matched_pairs) / predicted_total if predicted_total else None
    recall = len(matched_pairs) / gold_total if gold_total else None
    stance = {"model": macro_f1([(g["stance"], f["label"]) for _, g, f in matched_pairs]),
              "always-neutral": macro_f1([(g["stance"], "neutral") for _, g, f in matched_pairs])}
    if tones is not None:
        stance["statement-tone"] = macro_f1([(g["stance"], tones[key]) for key, g, f in matched_pairs])
    confusion = Counter((g["stance"], f["label"]) for _, g, f in matched_pairs)
    return {"gold_targets": gold_total, "predicted_targets": predicted_total, "matched": len(matched_pairs),
            "target_precision": _round(precision), "target_recall": _round(recall),
            "stance_macro_f1": stance,
            "gold_labels": dict(Counter(g["stance"] for _, g, _ in matched_pairs)),
            "confusion_gold_predicted": {f"{g}->{p}": n for (g, p), n in sorted(confusion.items())},
            "errors": {kind: sorted(rows, key=str) for kind, rows in errors.items()}}


def _round(value):
    return None if value is None else round(value, 3)


def score(gold: list[dict], show_errors: int) -> dict:
    from helpers.sentiment import ACCURATE_TARGET_METHOD, FAST_TARGET_METHOD, STANCE_METHOD

    methods = (FAST_TARGET_METHOD, ACCURATE_TARGET_METHOD)
    gold_by_statement = defaultdict(list)
    for row in gold:
        gold_by_statement[row["path"], row["statement_start"], row["statement_end"]].append(row)
    paths = sorted({row["path"] for row in gold})
    result = run(paths, methods)
    texts = {path: context.text for path, context in result["contexts"].items()}
    _check_hashes(gold, texts)
    tones = quote_tones(result, gold_by_statement)
    figures = {"documents": len(paths), "statements": len(gold_by_statement),
               "triples": sum(1 for row in gold if row["stance"] != "none"),
               "cost": result["cost"], "given_statements": {}}
    for method in methods:
        predicted = stances_on_gold(result, gold_by_statement, method)
        figures["given_statements"][STANCE_METHOD[method]] = evaluate(gold_by_statement, predicted, texts, tones)
    predicted, covered = stances_end_to_end(result, gold_by_statement)
    figures["end_to_end"] = {"statements_found": covered,
                             "statement_recall": round(covered / len(gold_by_statement), 3),
                             **evaluate(gold_by_statement, predicted, texts, tones)}
    if show_errors:
        for kind, rows in figures["given_statements"][STANCE_METHOD[FAST_TARGET_METHOD]]["errors"].items():
            print(f"== {kind} ({len(rows)})")
            for row in rows[:show_errors]:
                key = row[0]
                print(" ", key[0].rsplit("/", 1)[-1], row[1:], "|", texts[key[0]][key[1]:key[2]][:160].replace("\n", " "))
    for section in (*figures["given_statements"].values(), figures["end_to_end"]):
        section["errors"] = {kind: len(rows) for kind, rows in section["errors"].items()}
    return figures


def _check_hashes(gold: list[dict], texts: dict) -> None:
    """The annotations' offsets must still point at the spans they were made on."""
    wrong = 0
    for row in gold:
        if not row.get("span_sha1"):
            continue
        start, end = ((row["target_start"], row["target_end"]) if row["target_start"] is not None
                      else (row["statement_start"], row["statement_end"]))
        digest = hashlib.sha1(texts[row["path"]][start:end].encode("utf-8")).hexdigest()[:10]
        wrong += digest != row["span_sha1"]
    if wrong:
        print(f"warning: {wrong} annotation(s) whose span no longer matches its span_sha1")


if __name__ == "__main__":
    sys.exit(main())
