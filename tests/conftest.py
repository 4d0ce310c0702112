"""Shared fixtures: paths, a private cache, and the seed article analysed once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
SEEDS = ROOT / "seeds"
SEED_FILE = SEEDS / "000_badd61db92428ef2.txt"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session", autouse=True)
def private_cache(tmp_path_factory):
    """Every test run caches into its own folder, never the user's."""
    folder = tmp_path_factory.mktemp("cache")
    patch = pytest.MonkeyPatch()
    patch.setenv("HELPERS_CACHE_DIR", str(folder))
    yield folder
    patch.undo()


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """`../shared` beside the repository; tests that need it skip cleanly without it."""
    if not SHARED.is_dir():
        pytest.skip("../shared is not present")
    return SHARED


@pytest.fixture(scope="session")
def nlp():
    from helpers.pipeline import load_model

    return load_model()


@pytest.fixture(scope="session")
def seed_analysis(private_cache):
    import helpers

    return helpers.analyze(SEEDS)


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED_FILE.read_text(encoding="utf-8")


def analyse_text(text: str, nlp, article_id: str = "fixture", target_method: str | None = None
                 ) -> dict[str, list[dict]]:
    """Every extractor's records for a text written in a test (no files, no cache)."""
    from helpers.analysis import extract_article
    from helpers.articles import count_words

    article = {"article_id": article_id, "title": text.split("\n", 1)[0], "text": text,
               "source_path": f"{article_id}.txt", "date": None, "outlet": None, "url": None,
               "n_words": count_words(text)}
    found, problems = extract_article(article, nlp(text), target_method=target_method)
    assert not problems, problems
    return found


def entity_rows(*rows):
    """An `entities` table from (article_id, label, canonical, role, sentence, paragraph) rows."""
    from helpers import tables

    columns = ["article_id", "label", "canonical", "role", "sentence", "paragraph"]
    return tables.frame("entities", [dict(zip(columns, row)) | {"start_char": i, "end_char": i + 1}
                                     for i, row in enumerate(rows)])
