"""Articles and problems as DataFrames, without parsing."""

from __future__ import annotations

import pandas as pd

from helpers import tables
from helpers.articles import InputError, Problems, iter_articles


def read_articles(inputs, fields: dict[str, str] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The `articles` and `problems` tables for `inputs` (files, folders, globs or a list).

    `fields` names an export's fields by role when the usual names do not find them:
    {"text": "summary", "title": "headline.basic", "date": "first_published", "outlet":
    "brand", "url": "canonical_url", "id": "story_id"} (dotted paths reach into nested
    objects; a record without the named field falls back to the usual names).
    """
    problems = Problems()
    records = list(iter_articles(inputs, problems, fields))
    if not records:
        details = "; ".join(f"{row['source']}: {row['problem']}" for row in problems.rows[:3])
        raise InputError(f"no articles found in {inputs}" + (f" ({details})" if details else ""))
    return tables.frame("articles", records), tables.frame("problems", problems.rows)


def load_articles(inputs, fields: dict[str, str] | None = None) -> pd.DataFrame:
    """The `articles` table for `inputs`; `read_articles` also returns what was skipped."""
    return read_articles(inputs, fields)[0]
