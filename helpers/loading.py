"""Articles and problems as DataFrames, without parsing."""

from __future__ import annotations

import pandas as pd

from helpers import tables
from helpers.articles import InputError, Problems, iter_articles


def read_articles(inputs) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The `articles` and `problems` tables for `inputs` (files, folders, globs or a list)."""
    problems = Problems()
    records = list(iter_articles(inputs, problems))
    if not records:
        details = "; ".join(f"{row['source']}: {row['problem']}" for row in problems.rows[:3])
        raise InputError(f"no articles found in {inputs}" + (f" ({details})" if details else ""))
    return tables.frame("articles", records), tables.frame("problems", problems.rows)


def load_articles(inputs) -> pd.DataFrame:
    """The `articles` table for `inputs`; `read_articles` also returns what was skipped."""
    return read_articles(inputs)[0]
