"""Files -> the `articles` table, plus a `problems` row for every input skipped or repaired.

Every reader turns one file into zero or more article records (plain dicts with the
`articles` columns) and reports trouble through a `Problems` list; nothing here raises for
bad content. Only a path that does not exist, or inputs with no article at all, raise
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
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

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

PARAGRAPH_BREAK = re.compile(r"\n[ \t\f\v]*\n\s*")
LINE_BREAK = re.compile(r"\n\s*")


class InputError(Exception):
    """The inputs hold nothing usable: a missing path, or no article at all."""


@dataclass
class Problems:
    """Collects one row per input that was skipped or repaired."""

    rows: list[dict] = field(default_factory=list)

    def add(self, source: str, problem: str, detail: str, action: str) -> None:
        self.rows.append({"source": source, "problem": problem, "detail": detail, "action": action})


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


# --- decoding -------------------------------------------------------------------------------

def decode(data: bytes, source: str, problems: Problems) -> str | None:
    """Bytes -> text with LF line ends and no byte-order mark, or None when it is not text."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return normalise_newlines(data.decode("utf-16"))
        except UnicodeDecodeError:
            pass
    if b"\x00" in data:
        problems.add(source, "binary", "contains NUL bytes: not a text file", "skipped")
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        text = _decode_legacy(data)
        encoding = "Windows-1252" if text is not None else "Latin-1"
        if text is None:
            text = data.decode("latin-1")
        problems.add(source, "undecodable",
                     f"not valid UTF-8 (byte {error.start}); decoded as {encoding}", "repaired")
    if _looks_binary(text):
        problems.add(source, "binary", "mostly control characters: not a text file", "skipped")
        return None
    return normalise_newlines(text)


def _decode_legacy(data: bytes) -> str | None:
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return None


def _looks_binary(text: str) -> bool:
    sample = text[:4096]
    control = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\n\r\t\f\v")
    return bool(sample) and control / len(sample) > 0.1


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


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
            record["date"] = _iso_date(record["date"], record["source_path"], problems)
            seen_ids.add(record["article_id"])
            seen_texts[digest] = record["article_id"]
            yield record


def read_file(path: Path, problems: Problems, metadata: dict[str, dict] | None = None) -> list[dict]:
    """Article records from one file; problems are reported, never raised."""
    source = str(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        problems.add(source, "unsupported",
                     f"extension {suffix or '(none)'} is not one of {', '.join(SUPPORTED_SUFFIXES)}",
                     "skipped")
        return []
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            problems.add(source, "too-large",
                         f"{size:,} bytes; the limit is {MAX_FILE_BYTES:,}", "skipped")
            return []
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
              ".csv": _read_csv, ".html": _read_html, ".htm": _read_html}[suffix]
    return reader(text, path, problems, metadata or {})


def _read_txt(text: str, path: Path, problems: Problems, metadata: dict) -> list[dict]:
    if not text.strip():
        problems.add(str(path), "empty", "the file holds only whitespace", "skipped")
        return []
    title = text.lstrip().split("\n", 1)[0].strip()
    extra = metadata.get(path.stem, {})
    return [_article(path.stem, title, text, str(path), extra.get("date"),
                     extra.get("source"), extra.get("url"))]


def _read_json(text: str, path: Path, problems: Problems, metadata: dict) -> list[dict]:
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
        record = _from_mapping(data, path.stem, str(path), problems)
        return [record] if record else []
    if not isinstance(data, list):
        problems.add(str(path), "malformed", "JSON holds neither an article object nor a list",
                     "skipped")
        return []
    return _from_records(enumerate(data, 1), path, problems)


def _read_jsonl(text: str, path: Path, problems: Problems, metadata: dict) -> list[dict]:
    def records():
        for number, line in enumerate(text.split("\n"), 1):
            if not line.strip():
                continue
            try:
                yield number, json.loads(line)
            except json.JSONDecodeError as error:
                problems.add(f"{path}#{number}", "malformed", f"not valid JSON: {error.msg}",
                             "skipped")
    return _from_records(records(), path, problems)


def _read_csv(text: str, path: Path, problems: Problems, metadata: dict) -> list[dict]:
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
    return _from_records(((n + 2, row) for n, row in enumerate(rows)), path, problems)


def _read_html(text: str, path: Path, problems: Problems, metadata: dict) -> list[dict]:
    import trafilatura  # slow to import; only HTML needs it

    document = trafilatura.bare_extraction(text, with_metadata=True, include_comments=False,
                                           include_tables=False)
    body = getattr(document, "text", None) if document else None
    if not body or not body.strip():
        problems.add(str(path), "empty", "no main text found in the HTML", "skipped")
        return []
    body = "\n\n".join(line.strip() for line in body.split("\n") if line.strip())
    title = (document.title or "").strip()
    return [_article(path.stem, title, _with_title(title, body), str(path), document.date,
                     document.sitename, document.url)]


def _from_records(numbered: Iterable[tuple[int, object]], path: Path, problems: Problems) -> list[dict]:
    records = list(numbered)
    width = len(str(max((n for n, _ in records), default=1)))
    found = []
    for number, item in records:
        source = f"{path}#{number}"
        if not isinstance(item, dict):
            problems.add(source, "malformed", "the record is not an object", "skipped")
            continue
        record = _from_mapping(item, f"{path.stem}-{number:0{width}d}", source, problems)
        if record:
            found.append(record)
    return found


def _from_mapping(item: dict, fallback_id: str, source: str, problems: Problems) -> dict | None:
    body = _field(item, "text")
    if body is None:
        problems.add(source, "no-text", f"no text field among: {', '.join(map(str, item))}",
                     "skipped")
        return None
    if isinstance(body, list):
        body = "\n\n".join(str(part) for part in body)
    body = normalise_newlines(str(body)).strip()
    if not body:
        problems.add(source, "empty", "the text field is empty", "skipped")
        return None
    title = _as_text(_field(item, "title")) or ""
    outlet = _field(item, "outlet")
    if isinstance(outlet, dict):  # NewsAPI: {"id": ..., "name": ...}
        outlet = outlet.get("name") or outlet.get("id")
    article_id = _as_text(_field(item, "id")) or fallback_id
    return _article(article_id, title, _with_title(title, body), source,
                    _as_text(_field(item, "date")), _as_text(outlet), _as_text(_field(item, "url")))


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


def _article(article_id, title, text, source_path, date, outlet, url) -> dict:
    return {"article_id": str(article_id), "title": title, "text": text,
            "source_path": source_path, "date": date or None, "outlet": outlet or None,
            "url": url or None, "n_words": count_words(text)}


def _metadata_beside(path: Path, cache: dict, problems: Problems) -> dict[str, dict]:
    """`metadata.csv` (id,title,date,source,url) in a `.txt` file's folder or the one above
    (the layout `corpus/metadata.csv` + `corpus/articles/*.txt`), keyed by id."""
    if path.suffix.lower() != ".txt":
        return {}
    for folder in (path.parent, path.parent.parent):
        if folder not in cache:
            cache[folder] = _read_metadata(folder / METADATA_FILE, problems)
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
