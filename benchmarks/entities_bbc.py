"""Speed and name-joining of the entity step on the BBC News corpus (../shared/corpus/bbc-news).

    .venv/bin/python benchmarks/entities_bbc.py [--limit N]

Parses the articles once in this process (one spaCy pipeline, no cache), then times the
entity step alone (with the identity layer it reads) on the parsed docs (paragraphs and sentences are split beforehand, as in a
real run where they come first), and the corpus-wide finalizer. Reports:
- mentions per second of entity work, and entity time as a share of parse time (goal <= 5%);
- the share of PERSON mentions whose canonical name is fuller than what is written, and of
  those written as one word (a surname), the share joined to a fuller name within their
  article and after the corpus-wide finalizer.
Writes `results/entities.json`. Exits 0 with a message when ../shared is absent.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import spacy  # noqa: E402

from helpers import tables  # noqa: E402
from helpers.entities import extract_entities  # noqa: E402
from helpers.identity import finalize_names  # noqa: E402
from helpers.loading import load_articles  # noqa: E402
from helpers.pipeline import load_model, model_id, parse  # noqa: E402
from helpers.structure import Context  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "bbc-news"
RESULTS = ROOT / "benchmarks" / "results" / "entities.json"
GOAL_SHARE_OF_PARSE = 5.0


def main() -> int:
    options = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    options.add_argument("--limit", type=int, help="only the first N articles")
    limit = options.parse_args().limit
    if not CORPUS.is_dir():
        print(f"skipped: {CORPUS.relative_to(ROOT.parent)} is not present")
        return 0
    articles = load_articles(CORPUS).head(limit).astype(object).to_dict("records")
    nlp = load_model()

    started = time.perf_counter()
    docs = list(parse((article["text"] for article in articles), nlp))
    parse_seconds = time.perf_counter() - started

    contexts = [Context(article, doc) for article, doc in zip(articles, docs)]
    for context in contexts:  # done by the paragraph and sentence steps in a real run
        context.paragraphs, context.sentences  # noqa: B018
    started = time.perf_counter()
    records = [record for context in contexts for record in extract_entities(context)]
    entity_seconds = time.perf_counter() - started
    within_articles = tables.frame("entities", records)
    started = time.perf_counter()
    finalized, _ = finalize_names(within_articles)
    finalize_seconds = time.perf_counter() - started

    surname_only = (within_articles["label"] == "PERSON") & ~within_articles["text"].str.contains(" ")
    total_seconds = entity_seconds + finalize_seconds
    results = {
        "corpus": "bbc-news", "articles": len(articles),
        "tokens": sum(len(doc) for doc in docs), "model": model_id(nlp),
        "spacy": spacy.__version__, "python": platform.python_version(),
        "parse_seconds": round(parse_seconds, 2),
        "entity_seconds": round(entity_seconds, 3),
        "finalize_seconds": round(finalize_seconds, 3),
        "mentions": len(within_articles),
        "mentions_per_second": round(len(within_articles) / total_seconds),
        "entity_share_of_parse_percent": round(100 * total_seconds / parse_seconds, 2),
        "goal_share_of_parse_percent": GOAL_SHARE_OF_PARSE,
        "person_mentions": int((within_articles["label"] == "PERSON").sum()),
        "person_mentions_joined_to_fuller_name_share": _fuller_share(finalized),
        "surname_only_person_mentions": int(surname_only.sum()),
        "joined_within_article_share": _joined_share(within_articles, surname_only),
        "joined_after_corpus_finalizer_share": _joined_share(finalized, surname_only),
        "distinct_people": int(finalized.loc[finalized["label"] == "PERSON", "canonical"].nunique()),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    for key, value in results.items():
        print(f"{key:44} {value}")
    print(f"written to {RESULTS.relative_to(ROOT)}")
    return 0


def _fuller_share(entities) -> float:
    """Share of PERSON mentions whose canonical name has more words than what is written."""
    persons = entities[entities["label"] == "PERSON"]
    fuller = persons["canonical"].str.split().str.len() > persons["text"].str.split().str.len()
    return round(float(fuller.mean()), 3) if len(persons) else 0.0


def _joined_share(entities, surname_only) -> float:
    """Share of one-word PERSON mentions whose canonical name is longer than what is written."""
    joined = entities.loc[surname_only, "canonical"].str.contains(" ")
    return round(float(joined.mean()), 3) if len(joined) else 0.0


if __name__ == "__main__":
    sys.exit(main())
