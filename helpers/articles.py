"""Files -> the `articles` table, plus a `problems` row for every input skipped or repaired.

Every reader turns one file into zero or more article records (plain dicts with the
`articles` columns) and reports trouble through a `Problems` list; nothing here raises for
bad content. Reading a file and building each of its records run under the guard of
`helpers.guard`, and every text and title is cleaned by `helpers.cleaning` first. Only a path that does not exist, or inputs with no article at all, raise
`InputError`, which the command line turns into one line on stderr.
"""

from __future__ import annotations

import csv
import glob
import hashlib
import io
import json
import re
from collections.abc import Iterable, Iterator
from functools import partial
from pathlib import Path

import pandas as pd

from helpers.cleaning import clean_fields, decode
from helpers.guard import Problems, budget_for, guarded
from helpers.html_text import main_text

SUPPORTED_SUFFIXES = (".txt", ".json", ".jsonl", ".csv", ".html", ".htm")
METADATA_FILE = "metadata.csv"
MAX_FILE_BYTES = 200 * 1024 * 1024

# Field names that JSON and CSV exports of news commonly use (NewsAPI, GDELT, Common Crawl
# news extractors, newspaper3k/news-please, Kaggle news sets), checked case-insensitively in order.
FIELD_NAMES = {
    "text": ("text", "body", "content", "article", "full_text", "fulltext", "maintext",
             "article_text", "articlebody", "story", "text_content", "body_text"),
    "title": ("title", "headline", "heading", "head", "name_of_article"),
    "date": ("date", "published", "published_at", "publishedat", "publish_date", "pubdate",
             "date_publish", "date_published", "publication_date", "datetime", "created_at",
             "timestamp", "time"),
    "outlet": ("outlet", "source", "publisher", "publication", "site_name", "sitename",
               "source_name", "newspaper", "media", "domain"),
    "url": ("url", "link", "href", "source_url", "permalink", "uri", "web_url"),
    "id": ("article_id", "id", "guid", "uuid", "doc_id", "_id", "key"),
}
LIST_KEYS = ("articles", "data", "items", "results", "documents", "docs", "records")

# What a record that could not be parsed becomes (`None` is a JSON value: null).
UNREADABLE = object()

PARAGRAPH_BREAK = re.compile(r"\n[ \t\f\v]*\n\s*")
LINE_BREAK = re.compile(r"\n\s*")


class InputError(Exception):
    """The inputs hold nothing usable: a missing path, or no article at all."""


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """Half-open spans of the paragraphs of `text`, stripped of surrounding whitespace.

    Paragraphs are separated by blank lines; a text with no blank line at all (common in
    JSON and CSV bodies) has one paragraph per line.
    """
    separator = PARAGRAPH_BREAK if PARAGRAPH_BREAK.search(text) else LINE_BREAK
    spans = []
    start = 0
    for match in separator.finditer(text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return [trimmed for span in spans if (trimmed := _strip_span(text, *span))]


def _strip_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if end > start else None


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def count_words(text: str) -> int:
    return len(text.split())


# --- finding files --------------------------------------------------------------------------

def resolve_inputs(inputs: str | Path | Iterable[str | Path]) -> list[Path]:
    """Files named by `inputs` (files, folders read recursively, globs), in a stable order."""
    if isinstance(inputs, (str, Path)):
        inputs = [inputs]
    files: list[Path] = []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            files.extend(_files_in(path))
        elif path.exists():
            files.append(path)
        elif glob.has_magic(str(item)):
            matches = sorted(glob.glob(str(item), recursive=True))
            if not matches:
                raise InputError(f"no file matches {item}")
            for match in map(Path, matches):
                files.extend(_files_in(match) if match.is_dir() else [match])
        else:
            raise InputError(f"no such file or folder: {item}")
    seen = set()
    return [f for f in files if not (f in seen or seen.add(f))]


def _files_in(folder: Path) -> list[Path]:
    found = []
    for path in sorted(folder.rglob("*")):
        hidden = any(part.startswith(".") for part in path.relative_to(folder).parts)
        if path.is_file() and not hidden:
            found.append(path)
    return found


def _is_metadata_file(path: Path) -> bool:
    return path.name == METADATA_FILE


# --- reading --------------------------------------------------------------------------------

def iter_articles(inputs, problems: Problems) -> Iterator[dict]:
    """Article records from `inputs`, one at a time, each once.

    Articles whose text was already seen are reported as `duplicate`; an id already taken by
    another text gets a numbered suffix.
    """
    files = resolve_inputs(inputs)
    seen_texts: dict[str, str] = {}
    seen_ids: set[str] = set()
    metadata_cache: dict[Path, dict[str, dict]] = {}
    for path in files:
        if _is_metadata_file(path):
            continue
        metadata = _metadata_beside(path, metadata_cache, problems)
        for record in read_file(path, problems, metadata):
            digest = text_hash(record["text"])
            if digest in seen_texts:
                problems.add(record["source_path"], "duplicate",
                             f"same text as article {seen_texts[digest]}", "skipped")
                continue
            article_id = record["article_id"]
            if article_id in seen_ids:
                suffix = 2
                while f"{article_id}-{suffix}" in seen_ids:
                    suffix += 1
                problems.add(record["source_path"], "duplicate-id",
                             f"id {article_id} already used; renamed {article_id}-{suffix}",
                             "repaired")
                record["article_id"] = f"{article_id}-{suffix}"
            seen_ids.add(record["article_id"])
            seen_texts[digest] = record["article_id"]
            yield record


def read_file(path: Path, problems: Problems, metadata: dict[str, dict] | None = None) -> list[dict]:
    """Article records from one file; problems are reported, never raised.

    Reading the file (decoding, parsing JSON or CSV) runs under one guard, and building each
    record (each JSON object, JSON line, CSV row) under one guard of its own, so a record
    that breaks, or a file nested too deeply to parse, costs only itself.
    """
    source = str(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        problems.add(source, "unsupported",
                     f"extension {suffix or '(none)'} is not one of {', '.join(SUPPORTED_SUFFIXES)}",
                     "skipped")
        return []
    try:
        size = path.stat().st_size
    except OSError as error:
        problems.add(source, "unreadable", error.strerror or str(error), "skipped")
        return []
    if size > MAX_FILE_BYTES:
        problems.add(source, "too-large", f"{size:,} bytes; the limit is {MAX_FILE_BYTES:,}", "skipped")
        return []
    budget = budget_for(size)
    pending = guarded(lambda: _pending_records(path, problems, metadata or {}), source, problems,
                      budget=budget) or []
    records = (guarded(build, record_source, problems, budget=budget) for record_source, build in pending)
    return [record for record in records if record is not None]


def _pending_records(path: Path, problems: Problems, metadata: dict) -> list[tuple[str, partial]]:
    """(source, a function building that record) for each record of the file."""
    source = str(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        problems.add(source, "unreadable", error.strerror or str(error), "skipped")
        return []
    if not data.strip():
        problems.add(source, "empty", "the file is empty or only whitespace", "skipped")
        return []
    text = decode(data, source, problems)
    if text is None:
        return []
    reader = {".txt": _read_txt, ".json": _read_json, ".jsonl": _read_jsonl,
              ".csv": _read_csv, ".html": _read_html, ".htm": _read_html}[path.suffix.lower()]
    return reader(text, path, problems, metadata)


def _read_txt(text: str, path: Path, problems: Problems, metadata: dict) -> list[tuple[str, partial]]:
    extra = metadata.get(path.stem, {})
    return [(str(path), partial(_article, problems, str(path), path.stem, None, text, extra.get("date"),
                                extra.get("source"), extra.get("url")))]


def _read_json(text: str, path: Path, problems: Problems, metadata: dict) -> list[tuple[str, partial]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        problems.add(str(path), "malformed", f"not valid JSON: {error.msg} at line {error.lineno}",
                     "skipped")
        return []
    if isinstance(data, dict):
        nested = next((data[k] for k in data if k.lower() in LIST_KEYS and isinstance(data[k], list)),
                      None)
        if nested is not None and _field(data, "text") is None:
            data = nested
    if isinstance(data, dict):
        return [(str(path), partial(_from_mapping, data, path.stem, str(path), problems))]
    if not isinstance(data, list):
        problems.add(str(path), "malformed", "JSON holds neither an article object nor a list",
                     "skipped")
        return []
    return _from_records(path, problems, list(enumerate(data, 1)))


def _read_jsonl(text: str, path: Path, problems: Problems, metadata: dict) -> list[tuple[str, partial]]:
    lines = [(number, line) for number, line in enumerate(text.split("\n"), 1) if line.strip()]
    return _from_records(path, problems, lines, parse=_json_line)


def _json_line(line: str, source: str, problems: Problems) -> object:
    try:
        return json.loads(line)
    except json.JSONDecodeError as error:
        problems.add(source, "malformed", f"not valid JSON: {error.msg}", "skipped")
        return UNREADABLE


def _read_csv(text: str, path: Path, problems: Problems, metadata: dict) -> list[tuple[str, partial]]:
    csv.field_size_limit(MAX_FILE_BYTES)
    try:
        reader = csv.DictReader(io.StringIO(text))
        columns = reader.fieldnames or []
        rows = list(reader)
    except csv.Error as error:
        problems.add(str(path), "malformed", f"not valid CSV: {error}", "skipped")
        return []
    if _field(dict.fromkeys(columns, "x"), "text") is None:
        problems.add(str(path), "no-text-column",
                     f"no text column among: {', '.join(columns) or '(none)'}", "skipped")
        return []
    return _from_records(path, problems, [(n + 2, row) for n, row in enumerate(rows)])


def _read_html(text: str, path: Path, problems: Problems, metadata: dict) -> list[tuple[str, partial]]:
    document = main_text(text)
    if document is None:
        problems.add(str(path), "empty", "no main text found in the HTML", "skipped")
        return []
    return [(str(path), partial(_article, problems, str(path), path.stem, document.title,
                                document.text, document.date, document.sitename, document.url))]


def _from_records(path: Path, problems: Problems, numbered: list[tuple[int, object]],
                  parse=None) -> list[tuple[str, partial]]:
    width = len(str(max((n for n, _ in numbered), default=1)))
    return [(f"{path}#{number}", partial(_from_record, item, f"{path.stem}-{number:0{width}d}",
                                         f"{path}#{number}", problems, parse))
            for number, item in numbered]


def _from_record(item, fallback_id: str, source: str, problems: Problems, parse=None) -> dict | None:
    if parse is not None:
        item = parse(item, source, problems)
        if item is UNREADABLE:  # already reported
            return None
    if not isinstance(item, dict):
        problems.add(source, "malformed", "the record is not an object", "skipped")
        return None
    return _from_mapping(item, fallback_id, source, problems)


def _from_mapping(item: dict, fallback_id: str, source: str, problems: Problems) -> dict | None:
    body = _field(item, "text")
    if body is None:
        problems.add(source, "no-text", f"no text field among: {', '.join(map(str, item))}",
                     "skipped")
        return None
    if isinstance(body, list):
        body = "\n\n".join(str(part) for part in body)
    outlet = _field(item, "outlet")
    if isinstance(outlet, dict):  # NewsAPI: {"id": ..., "name": ...}
        outlet = outlet.get("name") or outlet.get("id")
    return _article(problems, source, _as_text(_field(item, "id")) or fallback_id,
                    _as_text(_field(item, "title")) or "", str(body), _as_text(_field(item, "date")),
                    _as_text(outlet), _as_text(_field(item, "url")))


def _with_title(title: str, body: str) -> str:
    """The headline becomes paragraph 0, as in the `.txt` layout, unless the body starts with it."""
    if not title or body.startswith(title):
        return body
    return f"{title}\n\n{body}"


def _iso_date(value: str | None, source: str, problems: Problems) -> str | None:
    """A date in any common notation -> ISO 8601 in UTC, or None (reported) when unreadable."""
    if value is None:
        return None
    try:
        stamp = pd.Timestamp(value)
    except (ValueError, TypeError, OverflowError):
        problems.add(source, "bad-date", f"date {value!r} not understood; left empty", "repaired")
        return None
    if pd.isna(stamp):
        return None
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert("UTC").tz_localize(None)
    return stamp.isoformat()


def _field(item: dict, name: str):
    lowered = {str(key).lower(): key for key in item}
    for candidate in FIELD_NAMES[name]:
        key = lowered.get(candidate)
        if key is not None and item[key] not in (None, ""):
            return item[key]
    return None


def _as_text(value) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _article(problems: Problems, source: str, article_id, title: str | None, body: str, date,
             outlet, url) -> dict | None:
    """An article record, its fields cleaned. A title (JSON, CSV, HTML) becomes paragraph 0
    of the text; without one (`.txt`), the text is the whole file and its first line the title."""
    fields = clean_fields({"article_id": str(article_id), "title": title, "text": body, "date": date,
                           "outlet": outlet, "url": url}, source, problems)
    text = fields["text"]
    if not text.strip():
        problems.add(source, "empty", "the text is empty or only whitespace", "skipped")
        return None
    if title is None:
        fields["title"] = text.lstrip().split("\n", 1)[0].strip()
    else:
        text = _with_title(fields["title"], text.strip())
    return {"article_id": fields["article_id"], "title": fields["title"], "text": text,
            "source_path": source, "date": _iso_date(fields["date"], source, problems),
            "outlet": fields["outlet"] or None, "url": fields["url"] or None,
            "n_words": count_words(text)}


def _metadata_beside(path: Path, cache: dict, problems: Problems) -> dict[str, dict]:
    """`metadata.csv` (id,title,date,source,url) in a `.txt` file's folder or the one above
    (the layout `corpus/metadata.csv` + `corpus/articles/*.txt`), keyed by id."""
    if path.suffix.lower() != ".txt":
        return {}
    for folder in (path.parent, path.parent.parent):
        if folder not in cache:
            where = folder / METADATA_FILE
            cache[folder] = guarded(lambda: _read_metadata(where, problems), str(where), problems) or {}
        if path.stem in cache[folder]:
            return cache[folder]
    return {}


def _read_metadata(path: Path, problems: Problems) -> dict[str, dict]:
    if not path.is_file():
        return {}
    try:
        text = decode(path.read_bytes(), str(path), problems) or ""
        return {row["id"]: row for row in csv.DictReader(io.StringIO(text)) if row.get("id")}
    except (OSError, csv.Error, KeyError) as error:
        problems.add(str(path), "malformed", f"metadata not read: {error}", "skipped")
        return {}
