"""The one place that turns records into DataFrames: every table's columns and dtypes.

Extractors return plain dicts; `frame()` gives them the contract's column order and dtypes
(pandas `string`, nullable `Int64`), so a table built from records, read back from Parquet or
built with no rows at all looks the same.
"""

from __future__ import annotations

import pandas as pd

STR, INT, NULLABLE_INT, FLOAT, BOOL, DATE = "string", "int64", "Int64", "float64", "boolean", "datetime64[us]"

SCHEMAS: dict[str, dict[str, str]] = {
    "articles": {
        "article_id": STR, "title": STR, "text": STR, "source_path": STR, "date": DATE,
        "outlet": STR, "url": STR, "n_words": INT,
        "truncated": BOOL,  # beyond the contract: the provider cut the text (NewsAPI's "[+N chars]")
    },
    "paragraphs": {
        "article_id": STR, "paragraph": INT, "start_char": INT, "end_char": INT, "text": STR,
    },
    "sentences": {
        "article_id": STR, "sentence": INT, "paragraph": INT, "start_char": INT,
        "end_char": INT, "text": STR,
    },
    "quotes": {
        "article_id": STR, "quote_id": STR, "kind": STR, "start_char": INT, "end_char": INT,
        "text": STR, "paragraph": INT, "speaker": STR, "speaker_start_char": NULLABLE_INT,
        "speaker_end_char": NULLABLE_INT, "speaker_name": STR, "speaker_role": STR,
        "speaker_type": STR, "cue": STR, "cue_start_char": NULLABLE_INT,
        "cue_end_char": NULLABLE_INT, "cue_lemma": STR,
    },
    "entities": {
        "article_id": STR, "start_char": INT, "end_char": INT, "text": STR, "label": STR,
        "canonical": STR, "sentence": INT, "paragraph": INT,
    },
    "treaty_refs": {
        "article_id": STR, "start_char": INT, "end_char": INT, "text": STR, "treaty_id": STR,
        "treaty": STR, "provision": STR, "listed": BOOL,
    },
    "sentiment": {
        "article_id": STR, "level": STR, "unit": STR, "start_char": NULLABLE_INT,
        "end_char": NULLABLE_INT, "score": FLOAT, "label": STR, "method": STR,
    },
    "stances": {
        "article_id": STR, "quote_id": STR, "speaker_name": STR, "speaker_type": STR, "target": STR,
        "target_type": STR, "target_start_char": INT, "target_end_char": INT, "score": FLOAT,
        "label": STR, "evidence": STR, "method": STR,
    },
    "problems": {"source": STR, "problem": STR, "detail": STR, "action": STR},
}

# Tables an extractor fills, in the order they are computed; `articles` and `problems` come
# from the loader.
SORT_KEYS: dict[str, list[str]] = {
    "articles": ["article_id"],
    "paragraphs": ["article_id", "paragraph"],
    "sentences": ["article_id", "sentence"],
    "quotes": ["article_id", "start_char", "end_char"],
    "entities": ["article_id", "start_char", "end_char"],
    "treaty_refs": ["article_id", "start_char", "end_char", "provision"],
    "sentiment": ["article_id", "level", "start_char", "unit", "method"],
    "stances": ["article_id", "quote_id", "target_start_char", "target"],
    "problems": ["source", "problem"],
}


def frame(table: str, records: list[dict] | pd.DataFrame) -> pd.DataFrame:
    """Records (or a DataFrame) -> the table with its schema's columns first, typed and sorted.

    Extra columns an extractor adds are kept after the contract's, in the order given.
    """
    schema = SCHEMAS[table]
    data = records if isinstance(records, pd.DataFrame) else pd.DataFrame.from_records(list(records))
    for column in schema:
        if column not in data:
            data[column] = None
    extra = [c for c in data.columns if c not in schema]
    data = data[list(schema) + extra]
    for column, dtype in schema.items():
        data[column] = _as_dtype(data[column], dtype)
    for column in extra:  # text read back from Parquet is pandas' `str`; keep one string dtype
        values = data[column]
        if isinstance(values.dtype, pd.StringDtype) or (
                values.dtype == object and values.map(_is_text_or_null).all()):
            data[column] = values.astype(STR)
    keys = [k for k in SORT_KEYS[table] if k in data]
    return data.sort_values(keys, kind="stable", na_position="first").reset_index(drop=True)


def empty(table: str) -> pd.DataFrame:
    return frame(table, [])


def _as_dtype(column: pd.Series, dtype: str) -> pd.Series:
    if dtype == DATE:
        return pd.to_datetime(column, utc=True, format="ISO8601").dt.tz_localize(None).astype(DATE)
    return column.astype(dtype)


def _is_text_or_null(value) -> bool:
    return value is None or isinstance(value, str) or (isinstance(value, float) and value != value)
