"""Pathological but legitimate articles analysed in time linear in their size.

    .venv/bin/python benchmarks/pathological.py      # about 10 minutes on 2 busy cores

Times each case of `tests/pathological.py` (an article of 2 million characters with no
blank line, thousands of quotation marks that pair with nothing, one sentence of 50,000
words, a paragraph of one sentence repeated) at two sizes, the second twice the first:
parsing and every extractor, as `python -m helpers analyze` runs them on one article, with
the time of each step. The goal is a ratio of at most 2.5 between the two sizes (2.0 is
linear). Each case is first run once small, so that loading models is not timed. Writes
`benchmarks/results/pathological.json`. Needs nothing from ../shared.
"""

from __future__ import annotations

import json
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from helpers.analysis import EXTRACTORS, extract_article  # noqa: E402
from helpers.articles import count_words  # noqa: E402
from helpers.pipeline import load_model, parse  # noqa: E402
from tests.pathological import CASES  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "pathological.json"
GOAL = 2.5


def timed(text: str, nlp) -> dict[str, float]:
    """Seconds to parse `text` and to run each extractor on it (and their total)."""
    started = time.perf_counter()
    doc = next(parse([text], nlp))
    seconds = {"parse": time.perf_counter() - started}
    article = {"article_id": "case", "title": "", "text": text, "source_path": "case.txt",
               "date": None, "outlet": None, "url": None, "n_words": count_words(text)}
    marks = []

    def timing(extractor):
        def run(context):
            started = time.perf_counter()
            try:
                return extractor(context)
            finally:
                marks.append(time.perf_counter() - started)
        return run

    import helpers.analysis as analysis

    original = analysis.EXTRACTORS
    analysis.EXTRACTORS = tuple((name, timing(extractor)) for name, extractor in original)
    try:
        _, problems = extract_article(article, doc)
    finally:
        analysis.EXTRACTORS = original
    if problems:
        raise SystemExit(f"the analysis reported problems: {problems}")
    seconds.update(zip((name for name, _ in EXTRACTORS), marks))
    seconds["total"] = sum(seconds.values())
    return {step: round(value, 3) for step, value in seconds.items()}


def main() -> int:
    nlp = load_model()
    results = {"goal": f"time at twice the size / time at the size <= {GOAL}",
               "machine": f"{platform.processor() or platform.machine()}, Python {platform.python_version()}",
               "cases": {}}
    for name, builder, sizes in CASES:
        timed(builder(max(sizes[0] // 100, 1)), nlp)  # warm up: models, word lists
        runs = []
        for size in sizes:
            text = builder(size)
            seconds = timed(text, nlp)
            runs.append({"size": size, "chars": len(text), "seconds": seconds})
            print(f"{name} size {size:,} ({len(text):,} characters): {seconds['total']:.1f} s",
                  file=sys.stderr, flush=True)
        ratios = {step: round(runs[1]["seconds"][step] / runs[0]["seconds"][step], 2)
                  for step in runs[0]["seconds"] if runs[0]["seconds"][step] >= 0.05}
        results["cases"][name] = {"runs": runs, "ratio": ratios["total"], "step_ratios": ratios,
                                  "linear": ratios["total"] <= GOAL}
        print(f"{name}: ratio {ratios['total']}", file=sys.stderr, flush=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps({name: case["ratio"] for name, case in results["cases"].items()}))
    return 0 if all(case["linear"] for case in results["cases"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
