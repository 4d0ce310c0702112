"""Who is who: speaker names, entity canonical names, clustering and quote/entity agreement.

    .venv/bin/python benchmarks/identity.py --set {blind,blind2,tuning} [--no-speed]
    .venv/bin/python benchmarks/identity.py --set blind2 --compare-with fd92c69

Annotations in `benchmarks/annotations/` (offsets into files under ../shared; see
IDENTITY_GUIDELINES.md):
- `blind`: `identity_blind_speakers_*.csv` and `identity_blind_entities_*.csv`, annotated by
  helpers who never saw the extractor's output. Scored once, at the end of the identity work
  (commit 9ba43c1); a later run writes `blind_rescored` instead, which is not a blind figure
  once the blind errors have been looked at.
- `blind2`: `identity_blind2_*.csv`, a second blind set annotated after the tuning was done
  (PolNeAR test, BBC News, White House), scored once on the final code.
- `tuning`: `polnear_speaker_names.csv` (PolNeAR train speakers), `identity_tuning_speakers_*.csv`
  and `identity_tuning_entities*.csv`; the developers look at these while tuning.

Figures:
- speaker names: gold quotes matched to a predicted direct quote (overlap at least 0.3 of
  the gold quote); the share whose `speaker_name` equals the annotated name (or one of its
  `also_accept` forms; an unnamed source must get no name). Names are compared without case,
  full stops and typographic apostrophes.
- entity canonical names: gold mentions overlapped by a predicted entity row; the share whose
  `canonical` equals the annotated name, overall and by annotated type; `coverage` is the
  share of gold mentions that a predicted row overlaps at all (NER recall).
- B-cubed F1 over matched person and organisation mentions, across the whole set (the same
  entity must carry the same name in every article): gold clusters by annotated name,
  predicted clusters by `canonical`.
- agreement: among quotes whose speaker mention ends in an entity mention (its head; group
  words and document speakers aside), the share whose `speaker_name` is that entity's
  canonical name (must be 1.0).
- `--compare-with COMMIT`: the same speaker and entity scores for the helpers of an earlier
  commit, from a temporary git worktree, written as `<set>_at_<commit>`.
- speed: identity time (the per-article identity layer) as a share of `nlp.pipe` parse time
  on the same articles, in one run.
Writes `results/identity.json` (the set's figures under its name).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# `--compare-with` scores another checkout's helpers: this script runs again with its root here
sys.path.insert(0, os.environ.get("IDENTITY_HELPERS_ROOT", str(ROOT)))
SHARED = ROOT.parent / "shared"
ANNOTATIONS = ROOT / "benchmarks" / "annotations"
RESULTS = ROOT / "benchmarks" / "results" / "identity.json"
MATCH_SHARE = 0.3
CLUSTERED_TYPES = ("person", "organization")
METHOD = {
    "command": ".venv/bin/python benchmarks/identity.py --set {blind,blind2,tuning} [--compare-with COMMIT]",
    "compare_with": "<set>_at_<commit>: the same scoring of an earlier commit's helpers (fd92c69: before the "
                    "identity layer), from a temporary git worktree",
    "speaker_names": "gold quotes matched to a predicted direct quote at overlap >= 0.3 of the gold "
                     "quote; share whose speaker_name equals the annotated name or an also_accept "
                     "form (case, full stops and apostrophes ignored; an unnamed source must get none)",
    "entity_names": "gold mentions overlapped by a predicted entity row; share whose canonical equals "
                    "the annotated name; coverage = gold mentions overlapped at all",
    "b_cubed": "over matched person and organisation mentions of the whole set: gold clusters by "
               "annotated name, predicted clusters by canonical",
    "agreement": "quotes whose speaker mention ends in an entity mention (group words and documents aside): "
                 "share whose speaker_name is that entity's canonical",
    "speed": "identity layer time / nlp.pipe parse time on the same articles, one process",
    "blind": "blind set 1, scored once, at commit 9ba43c1, before anyone looked at its errors",
    "blind2": "blind set 2, annotated after the tuning was done and scored once, on the final code",
    "blind_rescored": "the blind set again after fixes suggested by its errors: not a blind figure",
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", dest="which", default="tuning", choices=("blind", "blind2", "tuning"))
    parser.add_argument("--no-speed", action="store_true", help="skip the timing run")
    parser.add_argument("--errors", type=int, default=0, help="print this many errors of each kind")
    parser.add_argument("--compare-with", metavar="COMMIT",
                        help="also score the helpers of an earlier commit (a temporary git worktree)")
    parser.add_argument("--print-only", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if not SHARED.is_dir():
        print("../shared is not present: nothing to score.")
        return 0
    if options.compare_with:  # only the earlier commit: the current code's figures stay as scored
        results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
        key = f"{options.which}_at_{options.compare_with}"
        results[key] = earlier_commit(options.compare_with, options.which)
        results["method"] = METHOD
        RESULTS.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
        print(json.dumps(results[key], indent=2))
        return 0
    speakers, entities = annotation_sets(options.which)
    paths = sorted({row["path"] for row in speakers + entities})
    analysis = analyse(paths)
    figures = {
        "articles": len(paths),
        "speaker_names": score_speakers(speakers, analysis),
        "entity_names": score_entities(entities, analysis),
    }
    if options.print_only:  # an earlier commit's helpers, run by --compare-with
        print(json.dumps(strip_errors(figures)))
        return 0
    figures["agreement"] = agreement(analysis)
    if not options.no_speed:
        figures["speed"] = speed(paths)
    if options.errors:
        show_errors(figures, options.errors)
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    key = options.which
    if key.startswith("blind") and key in results:
        key += "_rescored"  # the blind figure stays the one scored first, before any look at its errors
    results[key] = strip_errors(figures)
    results[key + "_errors"] = errors_only(figures)
    results["method"] = METHOD
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    print(json.dumps(results[key], indent=2))
    return 0


# ------------------------------------------------------------------ annotations

def read_annotations(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(line for line in handle if not line.startswith("#")))
    for row in rows:
        if not row["path"].startswith(("data/", "corpus/")):  # the older PolNeAR-relative file
            row["path"] = "data/polnear/" + row["path"]
    return rows


def annotation_sets(which: str) -> tuple[list[dict], list[dict]]:
    if which in ("blind", "blind2"):
        stem = "identity_blind" if which == "blind" else "identity_blind2"
        speakers = [r for f in sorted(ANNOTATIONS.glob(f"{stem}_speakers*.csv")) for r in read_annotations(f)]
        entities = [r for f in sorted(ANNOTATIONS.glob(f"{stem}_entities*.csv")) for r in read_annotations(f)]
    else:
        speakers = read_annotations(ANNOTATIONS / "polnear_speaker_names.csv")
        speakers += [r for f in sorted(ANNOTATIONS.glob("identity_tuning_speakers_*.csv")) for r in read_annotations(f)]
        entities = [r for f in sorted(ANNOTATIONS.glob("identity_tuning_entities*.csv")) for r in read_annotations(f)]
    return speakers, entities


def analyse(paths: list[str]):
    import helpers

    analysis = helpers.analyze([str(SHARED / path) for path in paths], progress=False)
    source_of = {Path(p).stem: p for p in paths}
    analysis.path_of = dict(zip(analysis.articles["article_id"],
                                analysis.articles["article_id"].map(source_of)))
    return analysis


# ------------------------------------------------------------------ scoring

def normalised(name) -> str:
    if name is None or name != name or str(name).strip() == "":
        return ""
    name = str(name).replace("’", "'").replace(".", "").lower()
    return " ".join(re.sub(r"\s*-\s*", "-", name).split())


def accepted(row: dict, name_column: str) -> set[str]:
    forms = {normalised(row[name_column])}
    forms |= {normalised(form) for form in (row.get("also_accept") or "").split("|") if form.strip()}
    return forms


def rows_by_path(table, analysis) -> dict[str, list[dict]]:
    found = defaultdict(list)
    for row in table.to_dict("records"):
        found[analysis.path_of.get(row["article_id"])].append(row)
    return found


def overlap(a_start, a_end, b_start, b_end) -> int:
    return max(0, min(a_end, b_end) - max(a_start, b_start))


def score_speakers(gold: list[dict], analysis) -> dict:
    quotes = rows_by_path(analysis.quotes[analysis.quotes["kind"] == "direct"], analysis)
    matched, right, wrong = 0, 0, []
    by_type = defaultdict(lambda: [0, 0])
    for item in gold:
        start, end = int(item["quote_start"]), int(item["quote_end"])
        best = max(quotes[item["path"]], key=lambda r: overlap(start, end, r["start_char"], r["end_char"]),
                   default=None)
        if best is None or overlap(start, end, best["start_char"], best["end_char"]) < MATCH_SHARE * (end - start):
            continue
        matched += 1
        kind = item.get("speaker_type") or "person"
        by_type[kind][1] += 1
        if normalised(best["speaker_name"]) in accepted(item, "speaker_name"):
            right += 1
            by_type[kind][0] += 1
        else:
            wrong.append({"path": item["path"], "quote_start": start, "expected": item["speaker_name"],
                          "predicted": best["speaker_name"], "mention": best["speaker"]})
    return {"annotated": len(gold), "matched": matched, "right": right,
            "accuracy": round(right / matched, 4) if matched else None,
            "by_type": {k: {"matched": n, "accuracy": round(r / n, 4)} for k, (r, n) in sorted(by_type.items())},
            "errors": wrong}


def score_entities(gold: list[dict], analysis) -> dict:
    predicted = rows_by_path(analysis.entities, analysis)
    by_type = defaultdict(lambda: [0, 0, 0])  # right, matched, annotated
    pairs, wrong = [], []
    for item in gold:
        start, end, kind = int(item["start"]), int(item["end"]), item["type"]
        by_type[kind][2] += 1
        best = max(predicted[item["path"]], key=lambda r: overlap(start, end, r["start_char"], r["end_char"]),
                   default=None)
        if best is None or overlap(start, end, best["start_char"], best["end_char"]) == 0:
            continue
        by_type[kind][1] += 1
        if normalised(best["canonical"]) in accepted(item, "canonical"):
            by_type[kind][0] += 1
        else:
            wrong.append({"path": item["path"], "start": start, "type": kind, "expected": item["canonical"],
                          "predicted": best["canonical"], "label": best["label"]})
        if kind in CLUSTERED_TYPES:
            pairs.append((normalised(item["canonical"]), normalised(best["canonical"])))
    right = sum(r for r, _, _ in by_type.values())
    matched = sum(m for _, m, _ in by_type.values())
    annotated = sum(a for _, _, a in by_type.values())
    return {"annotated": annotated, "matched": matched, "coverage": round(matched / annotated, 4) if annotated else None,
            "accuracy": round(right / matched, 4) if matched else None,
            "by_type": {k: {"annotated": a, "matched": m, "accuracy": round(r / m, 4) if m else None}
                        for k, (r, m, a) in sorted(by_type.items())},
            "b_cubed_f1": b_cubed(pairs), "errors": wrong}


def b_cubed(pairs: list[tuple[str, str]]) -> float | None:
    """B-cubed F1 of (gold cluster, predicted cluster) labels, one pair per mention."""
    if not pairs:
        return None
    gold_size, predicted_size, both = defaultdict(int), defaultdict(int), defaultdict(int)
    for gold, predicted in pairs:
        gold_size[gold] += 1
        predicted_size[predicted] += 1
        both[(gold, predicted)] += 1
    precision = sum(both[p] / predicted_size[p[1]] for p in pairs) / len(pairs)
    recall = sum(both[p] / gold_size[p[0]] for p in pairs) / len(pairs)
    return round(2 * precision * recall / (precision + recall), 4)


def agreement(analysis) -> dict:
    """Quotes whose speaker mention overlaps an entity mention carry its canonical name."""
    from helpers.identity import speaker_entity_disagreements

    disagreements, checked = speaker_entity_disagreements(analysis.quotes, analysis.entities)
    return {"quotes_checked": checked, "agree": round(1 - len(disagreements) / checked, 4) if checked else None,
            "errors": disagreements.to_dict("records")}


def earlier_commit(commit: str, which: str) -> dict:
    """The same figures (without agreement and speed) for the helpers of `commit`, from a
    temporary git worktree and a cache of its own."""
    with tempfile.TemporaryDirectory(prefix="identity-") as scratch:
        tree = Path(scratch) / "tree"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--quiet", "--detach", str(tree), commit], check=True)
        try:
            environment = {**os.environ, "IDENTITY_HELPERS_ROOT": str(tree), "HELPERS_CACHE_DIR": str(Path(scratch) / "cache")}
            done = subprocess.run([sys.executable, __file__, "--set", which, "--print-only"], env=environment,
                                  capture_output=True, text=True, check=True)
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], check=True)
    return {"commit": commit, **json.loads(done.stdout.strip().splitlines()[-1])}


# ------------------------------------------------------------------ speed

def speed(paths: list[str]) -> dict:
    from helpers.identity import identify
    from helpers.loading import load_articles
    from helpers.pipeline import load_model, parse
    from helpers.structure import Context

    articles = load_articles([str(SHARED / p) for p in paths]).to_dict("records")
    nlp = load_model()
    started = time.perf_counter()
    docs = list(parse([a["text"] for a in articles], nlp))
    parse_seconds = time.perf_counter() - started
    started = time.perf_counter()
    for article, doc in zip(articles, docs):
        identify(Context(article, doc))
    identity_seconds = time.perf_counter() - started
    return {"parse_seconds": round(parse_seconds, 2), "identity_seconds": round(identity_seconds, 3),
            "identity_share_of_parse_percent": round(100 * identity_seconds / parse_seconds, 2),
            "goal_share_of_parse_percent": 5.0}


# ------------------------------------------------------------------ output

def strip_errors(figures: dict) -> dict:
    return {k: ({kk: vv for kk, vv in v.items() if kk != "errors"} if isinstance(v, dict) else v)
            for k, v in figures.items()}


def errors_only(figures: dict) -> dict:
    return {k: v["errors"] for k, v in figures.items() if isinstance(v, dict) and "errors" in v}


def show_errors(figures: dict, count: int) -> None:
    for name, errors in errors_only(figures).items():
        print(f"--- {name}: {len(errors)} errors")
        for error in errors[:count]:
            print("   ", error)


if __name__ == "__main__":
    sys.exit(main())
