"""How far each analysis can be trusted: benchmark results and the seed checked by hand.

The figures come from `benchmarks/results/*.json`, written by the benchmark scripts; this
module only reads and arranges them. The hand check is computed live from an analysis, so a
regression shows up as a changed table.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd

from helpers.analysis import Analysis
from helpers.display import Findings

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
SEED_BY_HAND = ROOT / "benchmarks" / "annotations" / "seed_by_hand.csv"
SEED_ARTICLE = ROOT / "seeds" / "000_badd61db92428ef2.txt"


def load_results(folder: Path = RESULTS) -> dict[str, dict]:
    """Every benchmark's results, by file name without `.json`."""
    return {path.stem: json.loads(path.read_text()) for path in sorted(folder.glob("*.json"))}


BENCHMARKS = {"quotes_polnear": "quotes and speakers (PolNeAR)", "identity": "who is who (blind sets)",
              "entities": "entities (BBC News)", "treaties": "treaty references",
              "sentiment": "sentiment (NewsMTSC)", "sentiment_cv": "the fast sentiment model's settings",
              "sentiment_cv_minilm": "the accurate sentiment model's settings", "stance": "stances",
              "stance_train": "the stance model's settings", "throughput": "speed",
              "pathological": "speed on hostile input"}


def results_note(results: dict[str, dict]) -> str:
    """One sentence naming the benchmarks whose results were found."""
    if not results:
        return "No benchmark results were found: run `make benchmarks` (it needs the gold data in ../shared)."
    names = [BENCHMARKS.get(name, name) for name in sorted(results, key=lambda n: list(BENCHMARKS).index(n)
                                                             if n in BENCHMARKS else len(BENCHMARKS))]
    return f"Results of {len(names)} benchmarks were read: {', '.join(names)}."


def _expected(table: str) -> pd.DataFrame:
    expected = pd.read_csv(SEED_BY_HAND, comment="#", dtype=str, keep_default_na=False)
    return expected[expected["table"] == table].reset_index(drop=True)


def seed_quote_check(analysis: Analysis) -> pd.DataFrame:
    """Each quote of the seed as annotated by hand beside what the analysis found."""
    quotes = analysis.quotes
    rows = []
    for want in _expected("quotes").itertuples():
        content = quotes["text"].str.strip(" “”\"'").str.removeprefix("that ")
        found = quotes[(quotes["kind"] == want.kind) & content.str.startswith(want.starts_with)]
        got = found.iloc[0] if len(found) else None
        speaker = None if got is None or pd.isna(got["speaker_name"]) else got["speaker_name"]
        rows.append({"kind": want.kind, "quote begins": f"{want.starts_with} …",  # a prefix: it may end mid-word
                     "expected speaker": want.expected_speaker, "found speaker": speaker,
                     "found": got is not None,
                     "right": got is not None and speaker == want.expected_speaker
                     and got["speaker_type"] == want.expected_speaker_type})
    return pd.DataFrame(rows)


def seed_treaty_check(analysis: Analysis) -> pd.DataFrame:
    """Each treaty reference of the seed as annotated by hand beside what was found."""
    refs = analysis.treaty_refs
    rows = []
    for want in _expected("treaty_refs").itertuples():
        phrase = want.starts_with  # the whole reference, or a part of it, counts as found
        found = refs[refs["text"].map(lambda text, phrase=phrase: phrase in text or text in phrase)]
        got = found.iloc[0] if len(found) else None
        rows.append({"expected": want.starts_with, "treaty_id": want.treaty_id,
                     "provision": want.provision,
                     "found": None if got is None else got["text"],
                     "right": got is not None and got["treaty_id"] == want.treaty_id
                     and got["provision"] == want.provision})
    return pd.DataFrame(rows)


def _splits(results: dict) -> list[str]:
    return [split for split in ("dev", "test") if split in results]


def quote_figures(results: dict) -> pd.DataFrame:
    """Quote attribution on PolNeAR: ours and textacy, direct quotes, reported speech (no
    quotation marks) and all attributions; where the run measured it, the rules alone beside
    what the project runs (rules + the learned model)."""
    rows = []
    scopes = (("direct quotes", "direct_quotes"), ("indirect only", "indirect_only"),
              ("all attributions", "all_attributions"))
    for split in _splits(results):
        figures = results[split]
        # a run from before the learned model scored the rules alone, and says so
        ours = "this project" if "rules" in figures else "this project, rules alone"
        systems = [(ours, scope, figures.get(key)) for scope, key in scopes]
        if "rules" in figures:  # a run that also scored the rules alone
            systems += [("this project, rules alone", scope, figures["rules"].get(key)) for scope, key in scopes]
        if isinstance(textacy := figures.get("textacy"), dict):  # else a note that it was not installed
            systems.append(("textacy", "direct quotes", textacy.get("direct_quotes")))
        for system, scope, figures in systems:
            if not figures:
                continue
            lenient, strict = figures["overlap>0.3"], figures["overlap>0.8"]
            rows.append({"split": split, "system": system, "quotes": scope, "gold": figures["gold"],
                         "precision": lenient["precision"], "recall": lenient["recall"],
                         "F1 (overlap > 0.3)": lenient["f1"], "F1 (overlap > 0.8)": strict["f1"],
                         "speaker accuracy": figures.get("speaker_accuracy")})
    return pd.DataFrame(rows).round(3)


def _treaty_sets(results: dict) -> list[str]:
    """The treaty benchmark's scored sets, in the order of its results: each has a status
    (tuning, seen or held-out), and a figure superseded by a later run of the same set says so."""
    return [name for name, figures in results.items() if isinstance(figures, dict) and "treaty" in figures]


def _treaty_set_name(split: str) -> str:
    """A set's name as a reader says it: "heldout2_before_issue_16" -> "held-out 2",
    "test_seen" -> "test (seen)"; what the suffix said is in the set's status."""
    base = re.sub(r"_(first_run|before_\w+)$", "", split)
    if base == "test_seen":
        return "test\N{NO-BREAK SPACE}(seen)"
    match = re.fullmatch(r"([a-z]+?)(\d*)", base)
    if not match:
        return split.replace("_", " ")
    word, number = match.groups()
    if word == "heldout":  # the first held-out set has no number of its own
        word, number = "held-out", number or "1"
    return f"{word}\N{NO-BREAK SPACE}{number}" if number else word  # never "held-out" above "2"


def _treaty_status(figures: dict) -> str:
    status = figures.get("status", "")
    if "scored_before" in figures:  # a set scored again since, with nothing tuned on it
        return f"{status}, scored on earlier code"
    return f"{status}, first run, before the fixes it prompted" if "superseded_by" in figures else status


def treaty_figures(results: dict) -> pd.DataFrame:
    """Treaty references against every annotated set, with its status: a match needs the
    span and the treaty, and, in the last two columns, the provision (article) too."""
    rows = []
    for split in _treaty_sets(results):
        treaty, provision = results[split]["treaty"], results[split]["treaty_and_provision"]
        rows.append({"set": _treaty_set_name(split), "status": _treaty_status(results[split]),
                     "gold references": treaty["gold"], "precision": treaty["precision"],
                     "recall": treaty["recall"], "precision with provision": provision["precision"],
                     "recall with provision": provision["recall"]})
    return pd.DataFrame(rows).round(3)


def treaty_recall_by_coverage(results: dict) -> pd.DataFrame:
    """Recall on references to instruments in the shipped treaty list and to the others, per
    set: what the rules miss, apart from what the list lacks."""
    rows = [{"set": _treaty_set_name(split), "status": _treaty_status(results[split]), "instruments": group,
             "gold references": figures["gold"], "found": figures["found"], "recall": figures["recall"]}
            for split in _treaty_sets(results)
            for group, figures in results[split].get("recall_by_coverage", {}).items()]
    return pd.DataFrame(rows, columns=["set", "status", "instruments", "gold references", "found",
                                       "recall"]).round(3)


def treaty_unlisted_found(results: dict) -> pd.DataFrame:
    """Per set with instruments outside the treaty list: how many of them are found at least once."""
    rows = [{"set": _treaty_set_name(split), "status": _treaty_status(results[split]),
             "instruments outside the list": found["total"],
             "found at least once": found["found"], "share": found["share"]}
            for split in _treaty_sets(results) if (found := results[split].get("unlisted_instruments_found"))]
    return pd.DataFrame(rows, columns=["set", "status", "instruments outside the list", "found at least once",
                                       "share"])


def _clean_treaty_set(results: dict) -> str:
    """The set whose figure describes the extractor as it is: the latest held-out set not
    superseded, else the dev set."""
    clean = [split for split in _treaty_sets(results) if results[split].get("status") == "held-out"
             and "superseded_by" not in results[split] and "scored_before" not in results[split]]
    return clean[-1] if clean else "dev"


def sentiment_figures(results: dict) -> pd.DataFrame:
    """Sentiment towards a mention on NewsMTSC: our models beside VADER and always-neutral.
    Where the shipped models were trained on a split (dev), their figures there are left out
    and the estimates made without it are shown: a model fitted on train alone, and
    cross-validation."""
    rows = []
    estimates = results.get("estimate") or {}
    for split, methods in results["results"].items():
        for method, figures in methods.items():
            if not (isinstance(figures, dict) and "macro_f1" in figures):
                continue
            if method.startswith("target-") and methods.get("target_models_in_sample"):
                trained = estimates.get(method, {}).get("train_only_model", {})
                figures = trained.get(f"flat-{split.replace('-', '/')}")
                method = f"{method} (fitted on train only)"
                if figures is None:
                    continue
            rows.append({"split": split, "method": method, "targets": methods.get("rows"),
                         "macro-F1": figures["macro_f1"], "accuracy": figures["accuracy"]})
    for method, estimate in sorted(estimates.items()):
        if cv := estimate.get("cross_validation"):
            rows.append({"split": f"train, {cv['folds']}-fold cross-validation", "method": method,
                         "targets": None, "macro-F1": cv["macro_f1_mean"], "accuracy": cv["accuracy_mean"]})
    return pd.DataFrame(rows).round(3)


STANCE_STATUS = {"dev": "dev (tuned on)", "blind": "annotated blind, scored once"}


def stance_figures(results: dict) -> pd.DataFrame:
    """Per stance set and way in (the annotated statements given, or the quotes step's own),
    how well targets are found and how well the stance towards each is judged, beside two
    baselines: the statement's tone given to every target, and always neutral."""
    rows = []
    for name in [s for s in ("dev", "blind") if s in results]:
        figures = results[name]
        stages = [(f"given statements, {method}", part) for method, part in figures["given_statements"].items()]
        stages.append(("end to end", figures["end_to_end"]))
        for stage, part in stages:
            macro = part["stance_macro_f1"]
            rows.append({"set": name, "status": STANCE_STATUS[name], "statements": stage,
                         "target precision": part["target_precision"], "target recall": part["target_recall"],
                         "stance macro-F1": macro["model"], "statement tone": macro["statement-tone"],
                         "always neutral": macro["always-neutral"]})
    return pd.DataFrame(rows)


def entity_figures(results: dict) -> pd.DataFrame:
    """What the entity benchmark measured on its corpus, as label/value rows."""
    labels = {"articles": "articles", "mentions": "entity mentions",
              "mentions_per_second": "mentions per second (parsed docs)",
              "entity_share_of_parse_percent": "entity time, % of parse time",
              "person_mentions": "PERSON mentions",
              "joined_after_corpus_finalizer_share": "surname-only PERSON mentions joined to a full name",
              "distinct_people": "distinct people"}
    return pd.DataFrame([{"measure": label, "value": _readable(results[key])}
                         for key, label in labels.items() if key in results])


def identity_figures(results: dict) -> pd.DataFrame:
    """Who is who, on the blind sets (annotated without seeing the output, each scored once:
    set 2 on the final code, set 1 before the last fixes) beside the tuning sets and the code
    before the identity layer: speaker names, canonical names by type, clustering, agreement."""
    columns = {"blind2": "blind set 2", "blind": "blind set 1", "tuning": "tuning sets",
               "blind2_at_fd92c69": "blind set 2, before this layer"}
    sets = [name for name in columns if name in results]
    rows = []

    def add(measure: str, pick) -> None:
        row = {"measure": measure}
        for name in sets:
            try:
                row[columns[name]] = pick(results[name])
            except (KeyError, TypeError):
                row[columns[name]] = None
        rows.append(row)

    add("quotes annotated (matched)", lambda r: f"{r['speaker_names']['annotated']} ({r['speaker_names']['matched']})")
    add("speaker name right", lambda r: r["speaker_names"]["accuracy"])
    add("entity mentions annotated (found)", lambda r: f"{r['entity_names']['annotated']} ({r['entity_names']['matched']})")
    add("canonical name right", lambda r: r["entity_names"]["accuracy"])
    kinds = {"person": "people", "organization": "organisations", "country": "countries",
             "group": "groups", "place": "places"}
    for kind, plural in kinds.items():
        add(f"  {plural}", lambda r, kind=kind: r["entity_names"]["by_type"][kind]["accuracy"])
    add("clustering, B-cubed F1 (people, organisations)", lambda r: r["entity_names"]["b_cubed_f1"])
    add("quotes agreeing with the entity under the speaker", lambda r: r["agreement"]["agree"])
    add("identity time, % of parse time", lambda r: r["speed"]["identity_share_of_parse_percent"])
    return pd.DataFrame(rows)


def identity_errors(results: dict, which: str = "blind2", limit: int = 6) -> pd.DataFrame:
    """A few wrong speaker names and canonical names of one set, with what was expected."""
    errors = results.get(f"{which}_errors", {})
    speakers = [{"table": "quotes", "path": e["path"], "written": e.get("mention"), "expected": e["expected"],
                 "predicted": e["predicted"]} for e in _one_per_document(errors.get("speaker_names", []), limit)]
    entities = [{"table": "entities", "path": e["path"], "written": e.get("type"), "expected": e["expected"],
                 "predicted": e["predicted"]} for e in _one_per_document(errors.get("entity_names", []), limit)]
    table = pd.DataFrame(speakers + entities, columns=["table", "path", "written", "expected", "predicted"])
    table["path"] = table["path"].str.rsplit("/", n=1).str[-1]
    return table


def _one_per_document(errors: list[dict], limit: int) -> list[dict]:
    """Up to `limit` errors, the first of each document, so that one article does not fill the table."""
    seen, chosen = set(), []
    for error in errors:
        if error["path"] not in seen:
            seen.add(error["path"])
            chosen.append(error)
    return chosen[:limit]


def _readable(value: float) -> str:
    return f"{value:,}" if float(value).is_integer() else f"{value:,.3g}"


def treaty_errors(results: dict, limit: int = 4) -> pd.DataFrame:
    """Missed or wrongly linked treaty references, up to `limit` from each tuning or seen set with
    its status; a held-out set's errors are not shown, so that nobody tunes on them."""
    rows = [{"set": _treaty_set_name(split), "status": _treaty_status(results[split]), **error}
            for split in _treaty_sets(results) if results[split].get("status") != "held-out"
            for error in results[split].get("errors", [])[:limit]]
    return pd.DataFrame(rows, columns=["set", "status", "path", "start_char", "end_char",
                                       "gold", "predicted", "form"])


def throughput_figures(results: dict) -> pd.DataFrame:
    """Speed of the whole analysis against bare spaCy on the same texts, in one run. Peak
    memory is summed over the run's processes; the pages that forked workers share with the
    main process count once in the last column, in each of them in the one before."""
    runs = [("bare spaCy nlp.pipe", "bare_spacy"), ("analysis, 1 process, no cache", "cold_1_worker"),
            ("analysis, 2 processes, no cache", "cold_2_workers"), ("analysis, warm cache", "warm"),
            ("analysis, 1 process, no cache, target-lr (fast)", "cold_1_worker_fast_sentiment")]
    rows = [{"run": label, "seconds": results[key]["seconds"],
             "tokens per second": results[key]["tokens_per_second"],
             "peak memory (MB)": results[key].get("peak_memory_mb"),
             "shared pages counted once (MB)": results[key].get("peak_pss_mb")}
            for label, key in runs if key in results]
    return pd.DataFrame(rows)


def findings(results: dict[str, dict], seed: Analysis | None = None) -> Findings:
    """The accuracy notebook's closing findings: one sentence per analysis, from whichever
    benchmark results exist, and with `seed` (the sample article analysed now) how many of
    its hand-checked quotes have the right speaker."""
    lines = []
    if quotes := results.get("quotes_polnear"):
        split = "test" if "test" in quotes else "dev"
        ours = quotes[split]["direct_quotes"]
        line = (f"Direct quotes on PolNeAR {split}: F1 {ours['overlap>0.3']['f1']:.2f} at overlap 0.3, "
                f"speaker right for {ours['speaker_accuracy']:.0%} of matched quotes")
        textacy = quotes[split].get("textacy")
        if isinstance(textacy, dict) and (textacy := textacy.get("direct_quotes")):
            line += f" (textacy: F1 {textacy['overlap>0.3']['f1']:.2f})"
        lines.append(line + ".")
    if treaties := results.get("treaties"):
        split = _clean_treaty_set(treaties)
        figures = treaties[split]["treaty_and_provision"]
        line = (f"Treaty references ({_treaty_set_name(split)}, {treaties[split]['status']}): precision "
                f"{figures['precision']:.2f}, recall {figures['recall']:.2f}")
        coverage = treaties[split].get("recall_by_coverage", {})
        if listed := coverage.get("in the list"):
            line += f" ({listed['recall']:.2f} on instruments in the treaty list"
            if outside := coverage.get("not in the list"):
                line += f", {outside['recall']:.2f} on those outside it"
            line += ")"
        lines.append(line + ".")
    if sentiment := results.get("sentiment"):
        split = next((s for s in ("rw-test", "rw-dev") if s in sentiment["results"]), None)
        if split:
            methods = sentiment["results"][split]
            ours = ", ".join(f"{method} {figures['macro_f1']:.2f}" for method, figures in methods.items()
                             if method.startswith("target-"))
            lines.append(f"Sentiment towards a mention on NewsMTSC {split}: macro-F1 {ours} "
                         f"(VADER {methods['vader']['macro_f1']:.2f}).")
    if identity := results.get("identity", {}).get("blind2"):
        lines.append(f"Who is who, on a set annotated blind: speaker names right for "
                     f"{identity['speaker_names']['accuracy']:.0%} of matched quotes, canonical names for "
                     f"{identity['entity_names']['accuracy']:.0%} of entity mentions (organisations "
                     f"{identity['entity_names']['by_type']['organization']['accuracy']:.0%}).")
    elif entities := results.get("entities"):
        lines.append(f"Entities: {entities['joined_after_corpus_finalizer_share']:.0%} of surname-only "
                     f"mentions joined to a full name on {entities['corpus']}.")
    if stance := results.get("stance"):
        name = "blind" if "blind" in stance else "dev"
        best = max(stance[name]["given_statements"].items(), key=lambda item: item[1]["stance_macro_f1"]["model"])
        lines.append(f"Stances ({STANCE_STATUS[name]}): targets found with precision "
                     f"{best[1]['target_precision']:.2f} and recall {best[1]['target_recall']:.2f} in annotated "
                     f"statements; the stance towards each judged with macro-F1 "
                     f"{best[1]['stance_macro_f1']['model']:.2f} ({best[0]}; the statement's tone scores "
                     f"{best[1]['stance_macro_f1']['statement-tone']:.2f}).")
    if speed := results.get("throughput"):
        lines.append(f"Speed: the whole analysis runs at {speed['ratios']['analysis_vs_bare_spacy']:.0%} "
                     "of bare spaCy's throughput.")
    if seed is not None:
        right = seed_quote_check(seed)["right"]
        lines.append(f"On the sample article, {int(right.sum())} of {len(right)} hand-checked quotes have "
                     "the right speaker.")
    return Findings(lines)


def sentiment_confusion(results: dict, split: str = "rw-test") -> pd.DataFrame:
    """Gold label (rows) against the target model's label (columns) on a held-out split."""
    table = pd.DataFrame(results["results"].get(split, {}).get("confusion", {})).T
    table.index.name, table.columns.name = "gold", "predicted"
    return table


def sentiment_errors(results: dict, split: str = "rw-test", limit: int = 8) -> pd.DataFrame:
    """Mentions the target model got wrong on a held-out split: NewsMTSC ids and the mention's
    offsets in its sentence, no text."""
    errors = pd.DataFrame(results["results"].get(split, {}).get("errors", []),
                          columns=["id", "from", "to", "gold", "predicted"])
    return errors.head(limit)
