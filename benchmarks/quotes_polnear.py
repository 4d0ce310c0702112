"""Score the `quotes` table against PolNeAR attribution relations (../shared/data/polnear).

    .venv/bin/python benchmarks/quotes_polnear.py [--split dev] [--limit N]

Gold: one .ann per article (the lexicographically smallest name, as SOURCE.md advises).
- Direct quotes: gold relations whose content contains a quotation mark. Each gold quote is
  matched to at most one predicted one, greedily by overlap / gold length; a match counts
  above 0.3 and, separately, above 0.8. Speaker accuracy: among matches at 0.3, the share
  whose predicted speaker mention overlaps the gold source by a character (or both have none).
- Indirect only: the same against gold relations whose content holds no quotation mark, with
  the predicted relations holding no direct row.
- All attributions: the same against every gold relation, with every predicted row.
- Each figure twice, side by side: the rules alone (`rules`) and rules + the learned model
  (`rules+model`, `helpers/quotes/learned.py`), which is what the project runs; the top-level
  `direct_quotes`, `indirect_only`, `all_attributions` and `speed` repeat rules + model.
- Our rows become relations as PolNeAR annotates them: pieces of one quote that share a cue
  (a split quote, a continuation in the same paragraph) are one relation, their content the
  union of the pieces.
- textacy's `direct_quotations` runs on the same parsed docs when textacy is importable.
- Speaker names: `annotations/polnear_speaker_names.csv` (train), the share of annotated
  quotes whose predicted `speaker_name` equals the hand-written full name.
- Speed: quote extraction time as a share of parse time, for each variant, and the model's
  own cost (rules + model minus rules alone).
Writes `results/quotes_polnear.json` (the split's figures under its name).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
POLNEAR = ROOT.parent / "shared" / "data" / "polnear"
RESULTS = ROOT / "benchmarks" / "results" / "quotes_polnear.json"
NAMES = ROOT / "benchmarks" / "annotations" / "polnear_speaker_names.csv"
QUOTE_CHARS = "\"“”"
THRESHOLDS = (0.3, 0.8)
METHOD = {
    "command": ".venv/bin/python benchmarks/quotes_polnear.py --split {train,dev,test} | --names-only",
    "gold": "PolNeAR v1.0.0, one .ann per article (smallest file name); direct = relations whose "
            "content contains a quotation mark",
    "predicted relations": "rows of the quotes table sharing a cue are one relation (split quotes, "
                           "continuations, a mixed quote's direct and indirect rows); direct = "
                           "relations holding a direct row",
    "matching": "greedy one-to-one by overlap / gold length, counted above 0.3 and above 0.8",
    "speaker_accuracy": "matches at 0.3 whose predicted speaker mention overlaps the gold source "
                        "by a character (or both are missing)",
    "indirect_only": "gold relations whose content has no quotation mark, against predicted relations "
                     "without a direct row",
    "variants": "rules = extract_quotes(learned=False); rules+model = what the project runs "
                "(attribution = 'model' rows from helpers/quotes/learned.py); top-level figures "
                "repeat rules+model",
    "speed": "quote extraction (entities and treaty refs excluded) / nlp.pipe parse time; "
             "model_share_of_parse = (rules+model - rules) / parse time",
    "textacy": "textacy.extract.triples.direct_quotations on the same Doc objects, when textacy "
               "is importable (benchmarks/requirements.txt)",
    "speaker_names": "benchmarks/annotations/polnear_speaker_names.csv (train, annotated by hand): "
                     "share of quotes whose speaker_name equals the annotated full name",
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="dev", choices=("train", "dev", "test"))
    parser.add_argument("--limit", type=int, default=None, help="only the first N articles")
    parser.add_argument("--names-only", action="store_true",
                        help="only the speaker-name check on train")
    options = parser.parse_args()
    if not POLNEAR.is_dir():
        print(f"PolNeAR is not present at {POLNEAR.relative_to(ROOT.parent)}: nothing to score.")
        return 0
    sys.path.insert(0, str(ROOT))
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    if options.names_only:
        results["speaker_names"] = score_speaker_names()
    else:
        results[options.split] = score_split(options.split, options.limit)
        if options.split == "train" or "speaker_names" not in results:
            results["speaker_names"] = score_speaker_names()
    results["method"] = METHOD
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    print(json.dumps({k: results[k] for k in results if k in (options.split, "speaker_names")},
                     indent=2))
    return 0


# ------------------------------------------------------------------ gold

def gold_files(split: str) -> list[tuple[Path, Path]]:
    """(text, annotation) per article, one annotator per article."""
    texts = sorted((POLNEAR / split / "text").glob("*.txt"))
    annotations = sorted((POLNEAR / split / "attributions").glob("*.ann"))
    pairs = []
    for text in texts:
        own = [a for a in annotations if a.stem.rsplit("_", 1)[0] == text.stem]
        if own:
            pairs.append((text, own[0]))
    return pairs


def read_relations(path: Path) -> list[dict]:
    """Gold relations: {"content": [(start, end)...], "source": [...], "cue": [...]}."""
    spans: dict[str, list[tuple[int, int]]] = {}
    relations = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("T") and "\t" in line:
            name, label_offsets = line.split("\t")[:2]
            offsets = label_offsets.split(" ", 1)[1]
            spans[name] = [tuple(int(x) for x in part.split()) for part in offsets.split(";")]
        elif line.startswith("E") and "\t" in line:
            relations.append(line.split("\t")[1].split())
    gold = []
    for roles in relations:
        relation = {"content": [], "source": [], "cue": []}
        for role in roles:
            kind, target = role.split(":")
            kind = kind.rstrip("0123456789").lower()
            if kind in relation and target in spans:
                relation[kind].extend(spans[target])
        if relation["content"]:
            gold.append(relation)
    return gold


# ------------------------------------------------------------------ predictions

def predicted_relations(rows: list[dict], kinds: tuple[str, ...]) -> list[dict]:
    """Rows of the quotes table as PolNeAR relations: rows that share a cue are one relation
    (a split quote, its continuations, a mixed quote's clause and quoted words), and
    `kinds` keeps the relations holding a row of one of those kinds."""
    grouped: dict[tuple, dict] = {}
    for row in rows:
        key = ("cue", row["cue_start_char"]) if row["cue_start_char"] is not None \
            else ("row", row["start_char"])
        relation = grouped.setdefault(key, {"content": [], "source": [], "cue": [], "kinds": set()})
        relation["content"].append((row["start_char"], row["end_char"]))
        relation["kinds"].add(row["kind"])
        if row["speaker_start_char"] is not None and not relation["source"]:
            relation["source"].append((row["speaker_start_char"], row["speaker_end_char"]))
    return [r for r in grouped.values() if r["kinds"] & set(kinds)]


def textacy_relations(doc) -> list[dict] | None:
    """textacy's direct quotations as relations; None when it gives up on the document."""
    from textacy.extract.triples import direct_quotations

    try:
        triples = list(direct_quotations(doc))
    except Exception:  # textacy raises on an odd number of quotation marks
        return None
    relations = []
    for triple in triples:
        speaker = [(t.idx, t.idx + len(t.text)) for t in triple.speaker]
        relations.append({"content": [(triple.content.start_char, triple.content.end_char)],
                          "source": [(min(s for s, _ in speaker), max(e for _, e in speaker))]
                          if speaker else [], "cue": []})
    return relations


# ------------------------------------------------------------------ scoring

def chars(spans: list[tuple[int, int]]) -> set[int]:
    return {i for start, end in spans for i in range(start, end)}


def match(gold: list[dict], predicted: list[dict], threshold: float) -> list[tuple[int, int]]:
    """Greedy one-to-one matching by overlap / gold length, best pairs first."""
    gold_chars = [chars(g["content"]) for g in gold]
    predicted_chars = [chars(p["content"]) for p in predicted]
    pairs = []
    for g, gc in enumerate(gold_chars):
        for p, pc in enumerate(predicted_chars):
            if gc and pc and not gc.isdisjoint(pc):
                ratio = len(gc & pc) / len(gc)
                if ratio > threshold:
                    pairs.append((ratio, g, p))
    used_gold, used_predicted, matched = set(), set(), []
    for _, g, p in sorted(pairs, key=lambda x: (-x[0], x[1], x[2])):
        if g not in used_gold and p not in used_predicted:
            used_gold.add(g)
            used_predicted.add(p)
            matched.append((g, p))
    return matched


class Tally:
    def __init__(self):
        self.counts = {"gold": 0, "predicted": 0, "speaker_right": 0,
                       **{f"matched_{t}": 0 for t in THRESHOLDS}}

    def add(self, gold: list[dict], predicted: list[dict]) -> None:
        self.counts["gold"] += len(gold)
        self.counts["predicted"] += len(predicted)
        for threshold in THRESHOLDS:
            pairs = match(gold, predicted, threshold)
            self.counts[f"matched_{threshold}"] += len(pairs)
            if threshold == THRESHOLDS[0]:
                self.counts["speaker_right"] += sum(
                    speaker_right(gold[g]["source"], predicted[p]["source"]) for g, p in pairs)

    def figures(self) -> dict:
        out = {"gold": self.counts["gold"], "predicted": self.counts["predicted"]}
        for threshold in THRESHOLDS:
            tp = self.counts[f"matched_{threshold}"]
            precision = tp / self.counts["predicted"] if self.counts["predicted"] else 0.0
            recall = tp / self.counts["gold"] if self.counts["gold"] else 0.0
            f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
            out[f"overlap>{threshold}"] = {"matched": tp, "precision": round(precision, 4),
                                           "recall": round(recall, 4), "f1": round(f1, 4)}
        matched = self.counts[f"matched_{THRESHOLDS[0]}"]
        out["speaker_accuracy"] = round(self.counts["speaker_right"] / matched, 4) if matched else 0.0
        return out


def speaker_right(gold: list[tuple[int, int]], predicted: list[tuple[int, int]]) -> bool:
    if not gold or not predicted:
        return not gold and not predicted
    return not chars(gold).isdisjoint(chars(predicted))


def is_direct(relation: dict, text: str) -> bool:
    return any(mark in text[s:e] for s, e in relation["content"] for mark in QUOTE_CHARS)


# ------------------------------------------------------------------ runs

def analyse(pairs: list[tuple[Path, Path]]):
    """Parse every text once and extract quotes with the rules alone and with rules + model.
    Returns [(text path, article text, gold, rules rows, rules + model rows, doc)], the parse
    time and the extraction time of each variant."""
    from helpers.analysis import EXTRACTORS
    from helpers.articles import count_words, normalise_newlines
    from helpers.pipeline import load_model, parse
    from helpers.quotes import extract_quotes
    from helpers.structure import Context

    nlp = load_model()
    texts = [normalise_newlines(path.read_text(encoding="utf-8")) for path, _ in pairs]
    started = time.perf_counter()
    docs = list(parse(texts, nlp))
    parse_seconds = time.perf_counter() - started
    seconds = {"rules": 0.0, "rules+model": 0.0}
    out = []
    for (path, annotation), text, doc in zip(pairs, texts, docs):
        article = {"article_id": path.stem, "title": text.split("\n", 1)[0], "text": text,
                   "source_path": str(path), "date": None, "outlet": None, "url": None,
                   "n_words": count_words(text)}
        rows = {}
        for variant in seconds:
            context = Context(article, doc)  # a fresh one, so neither run reuses the other's work
            for name, extractor in EXTRACTORS:
                if name == "quotes":
                    break
                context.tables[name] = extractor(context)
            started = time.perf_counter()
            rows[variant] = extract_quotes(context, learned=variant == "rules+model")
            seconds[variant] += time.perf_counter() - started
        out.append((path, text, read_relations(annotation), rows["rules"], rows["rules+model"], doc))
    return out, parse_seconds, seconds


def score_split(split: str, limit: int | None) -> dict:
    pairs = gold_files(split)[:limit]
    analysed, parse_seconds, seconds = analyse(pairs)
    tallies = {variant: tally_parts() for variant in seconds}
    textacy_direct, textacy_gave_up = Tally(), 0
    have_textacy = textacy_available()
    for _, text, gold, rules, combined, doc in analysed:
        gold_direct = [g for g in gold if is_direct(g, text)]
        add_article(tallies["rules"], text, gold, rules)
        add_article(tallies["rules+model"], text, gold, combined)
        if have_textacy:
            theirs = textacy_relations(doc)
            if theirs is None:
                textacy_gave_up += 1
                theirs = []
            textacy_direct.add(gold_direct, theirs)
    result = {"articles": len(analysed), "parse_seconds": round(parse_seconds, 2)}
    for variant, tally in tallies.items():
        result[variant] = {part: t.figures() for part, t in tally.items()}
        result[variant]["speed"] = {"quote_extraction_seconds": round(seconds[variant], 3),
                                    "quote_extraction_share_of_parse": round(seconds[variant] / parse_seconds, 4)}
    result["rules+model"]["speed"]["model_share_of_parse"] = round(
        (seconds["rules+model"] - seconds["rules"]) / parse_seconds, 4)
    # the figures of what the project runs (rules + model), where readers of earlier runs look
    shipped = result["rules+model"]
    result.update({part: shipped[part] for part in ("direct_quotes", "indirect_only", "all_attributions")})
    result["speed"] = {"parse_seconds": result["parse_seconds"], **shipped["speed"]}
    if have_textacy:
        import textacy

        result["textacy"] = {"version": textacy.__version__,
                             "direct_quotes": textacy_direct.figures(),
                             "articles_given_up": textacy_gave_up}
    else:
        result["textacy"] = "not importable: install benchmarks/requirements.txt to compare"
    return result


def tally_parts() -> dict[str, Tally]:
    return {part: Tally() for part in ("direct_quotes", "indirect_only", "all_attributions")}


def add_article(tallies: dict[str, Tally], text: str, gold: list[dict], rows: list[dict]) -> None:
    """Count one article's rows against its gold relations: direct quotes, indirect only
    (gold without a quotation mark against predicted relations without a direct row) and all."""
    tallies["direct_quotes"].add([g for g in gold if is_direct(g, text)], predicted_relations(rows, ("direct",)))
    tallies["indirect_only"].add([g for g in gold if not is_direct(g, text)],
                                 [r for r in predicted_relations(rows, ("indirect",)) if "direct" not in r["kinds"]])
    tallies["all_attributions"].add(gold, predicted_relations(rows, ("direct", "indirect")))


def textacy_available() -> bool:
    try:
        import textacy.extract.triples  # noqa: F401
    except ImportError:
        return False
    return True


def score_speaker_names() -> dict | str:
    """Share of hand-annotated train quotes whose predicted speaker_name is the annotated one."""
    if not NAMES.exists():
        return "no annotation file"
    with NAMES.open(encoding="utf-8") as handle:
        items = list(csv.DictReader(line for line in handle if not line.startswith("#")))
    paths = sorted({item["path"] for item in items})
    pairs = [(POLNEAR / path, gold_files_for(POLNEAR / path)) for path in paths]
    analysed, _, _ = analyse(pairs)
    rows_by_path = {str(path.relative_to(POLNEAR)): rows for path, _, _, _, rows, _ in analysed}
    right, wrong = 0, []
    for item in items:
        start, end = int(item["quote_start"]), int(item["quote_end"])
        rows = [r for r in rows_by_path[item["path"]] if r["kind"] == "direct"
                and r["start_char"] < end and start < r["end_char"]]
        best = max(rows, key=lambda r: min(end, r["end_char"]) - max(start, r["start_char"]),
                   default=None)
        predicted = best["speaker_name"] if best else None
        if predicted == item["speaker_name"]:
            right += 1
        else:
            wrong.append({"path": item["path"], "quote_start": start,
                          "expected": item["speaker_name"], "predicted": predicted})
    return {"annotated": len(items), "right": right,
            "share_right": round(right / len(items), 4) if items else 0.0, "wrong": wrong}


def gold_files_for(text: Path) -> Path:
    folder = text.parent.parent / "attributions"
    return sorted(folder.glob(f"{text.stem}_*.ann"))[0]


if __name__ == "__main__":
    sys.exit(main())
