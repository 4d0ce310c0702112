"""Speed and memory of the whole analysis against bare spaCy, measured in one run.

    .venv/bin/python benchmarks/throughput.py            # the fixed sample (about 3 minutes a run)
    .venv/bin/python benchmarks/throughput.py --full     # also the whole White House corpus

Runs, on the same texts: bare `nlp.pipe` with the same model (the ceiling, timed before and
after the rest, and the mean taken), then `python -m helpers analyze` end to end with the
cache off, with `--workers 2`, once more with the cache on to fill it, warm (everything
cached), and with the cache off and the fast model of sentiment towards entities
(`--target-sentiment target-lr`; the default is target-minilm).

Peak memory is the largest sum of resident memory over the run's process tree
(`peak_memory_mb`), and the largest sum of proportional set sizes (`peak_pss_mb`): resident
memory counts the pages that forked workers share with the main process once in each of
them, PSS shares them out, so its sum is what the tree takes from the machine.
Writes `benchmarks/results/throughput.json`. Needs `../shared/corpus`; says so and exits 0
without it.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
RESULTS = ROOT / "benchmarks" / "results" / "throughput.json"
SAMPLE = {"bbc-news": 300, "whitehouse-briefings": 40}  # the first N articles of each, by name


def sample_folder(folder: Path) -> int:
    """Links to a fixed sample of the shared corpora (never copied into the project)."""
    count = 0
    for corpus, n in SAMPLE.items():
        target = folder / corpus
        target.mkdir()
        for path in sorted((CORPUS / corpus / "articles").glob("*.txt"))[:n]:
            (target / path.name).symlink_to(path)
            count += 1
        (target / "metadata.csv").symlink_to(CORPUS / corpus / "metadata.csv")
    return count


def bare_spacy(texts: list[str], model: str) -> dict:
    import spacy

    nlp = spacy.load(model)
    started = time.perf_counter()
    tokens = sum(len(doc) for doc in nlp.pipe(texts, batch_size=32))
    seconds = time.perf_counter() - started
    return {"seconds": round(seconds, 2), "tokens": tokens, "tokens_per_second": round(tokens / seconds)}


def run_cli(args: list[str], cache_dir: Path) -> dict:
    """One end-to-end `python -m helpers analyze` run: wall time and peak memory of its tree."""
    env = {**os.environ, "HELPERS_CACHE_DIR": str(cache_dir)}
    started = time.perf_counter()
    process = psutil.Popen([sys.executable, "-m", "helpers", "analyze", *args], cwd=ROOT, env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = peak_pss = 0
    while process.poll() is None:
        rss, pss = _tree_memory(process)
        peak, peak_pss = max(peak, rss), max(peak_pss, pss)
        time.sleep(0.2)
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"analyze failed: {process.stderr.read().decode()[-2000:]}")
    return {"seconds": round(seconds, 2), "peak_memory_mb": round(peak / 2**20),
            "peak_pss_mb": round(peak_pss / 2**20)}


def _tree_memory(process: psutil.Process) -> tuple[int, int]:
    """Summed resident memory and summed proportional set size of a process and its children."""
    rss = pss = 0
    for member in [process, *process.children(recursive=True)]:
        try:
            memory = member.memory_full_info()
        except psutil.Error:
            continue
        rss, pss = rss + memory.rss, pss + memory.pss
    return rss, pss


def _default_method() -> str:
    from helpers.target_model import DEFAULT_TARGET_METHOD

    return DEFAULT_TARGET_METHOD


def whole_corpus(scratch: Path) -> dict:
    """The whole White House corpus (1,685 transcripts) with two workers, cache off."""
    full = CORPUS / "whitehouse-briefings"
    run = run_cli([str(full), "--out", str(scratch / "full"), "--no-cache", "--workers", "2"],
                  scratch / "cache")
    return {**run, "documents": len(list((full / "articles").glob("*.txt"))), "target_sentiment": _default_method()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="also run the whole White House corpus")
    parser.add_argument("--full-only", action="store_true",
                        help="only the whole White House corpus; keep the sample's last figures")
    args = parser.parse_args()
    if not CORPUS.is_dir():
        print(f"skipped: {CORPUS} is not present (the benchmark needs ../shared/corpus)")
        return 0
    from helpers import load_articles
    from helpers.pipeline import model_name

    model = model_name()
    if args.full_only:
        results = json.loads(RESULTS.read_text())
        with tempfile.TemporaryDirectory() as scratch:
            results["whitehouse_full"] = whole_corpus(Path(scratch))
        RESULTS.write_text(json.dumps(results, indent=2) + "\n")
        print(f"whole White House corpus: {results['whitehouse_full']}")
        return 0
    results: dict = {"model": model, "machine": {"cores": os.cpu_count()}}
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        sample = scratch / "sample"
        sample.mkdir()
        documents = sample_folder(sample)
        texts = load_articles(sample)["text"].tolist()
        results["sample"] = {"documents": documents, "characters": sum(map(len, texts)),
                             "corpora": SAMPLE}
        print(f"sample: {documents} documents, {results['sample']['characters']:,} characters")
        first_bare = bare_spacy(texts, model)
        print(f"bare nlp.pipe: {first_bare}")
        tokens = first_bare["tokens"]
        cache = scratch / "cache"
        runs = {
            "cold_1_worker": ["--no-cache"],
            "cold_2_workers": ["--no-cache", "--workers", "2"],
            "fill_cache": [],
            "warm": [],
            "cold_1_worker_fast_sentiment": ["--no-cache", "--target-sentiment", "target-lr"],
        }
        for name, extra in runs.items():
            run = run_cli([str(sample), "--out", str(scratch / name), *extra], cache)
            run["tokens_per_second"] = round(tokens / run["seconds"])
            results[name] = run
            print(f"{name}: {run}")
        # Bare spaCy's time on this machine varied by 7% from one run of the benchmark to the
        # next, so it is timed before and after the analyses and the ratios use the mean.
        last_bare = bare_spacy(texts, model)
        print(f"bare nlp.pipe again: {last_bare}")
        seconds = round((first_bare["seconds"] + last_bare["seconds"]) / 2, 2)
        results["bare_spacy"] = bare = {"seconds": seconds, "tokens": tokens,
                                        "tokens_per_second": round(tokens / seconds),
                                        "runs_seconds": [first_bare["seconds"], last_bare["seconds"]]}
        results["ratios"] = {
            "analysis_vs_bare_spacy": round(bare["seconds"] / results["cold_1_worker"]["seconds"], 3),
            "analysis_with_fast_sentiment_vs_bare_spacy": round(
                bare["seconds"] / results["cold_1_worker_fast_sentiment"]["seconds"], 3),
            "two_workers_vs_one": round(results["cold_1_worker"]["seconds"] / results["cold_2_workers"]["seconds"], 3),
            "cold_vs_warm": round(results["cold_1_worker"]["seconds"] / results["warm"]["seconds"], 1),
        }
        articles_per_second = documents / results["cold_2_workers"]["seconds"]
        results["cost"] = {
            "articles_per_second_one_machine": round(articles_per_second, 2),
            "machine_hours_per_million_articles": round(1e6 / articles_per_second / 3600, 1),
        }
        if args.full:
            results["whitehouse_full"] = whole_corpus(scratch)
            print(f"whole White House corpus: {results['whitehouse_full']}")
        elif RESULTS.exists():  # keep the last full-corpus figure when only the sample ran
            previous = json.loads(RESULTS.read_text()).get("whitehouse_full")
            if previous:
                results["whitehouse_full"] = previous
    print(json.dumps(results["ratios"], indent=2))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
