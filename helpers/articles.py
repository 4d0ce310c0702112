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

from helpers.exports import (ROLES, FieldError, check_fields, clean_body, clean_title,
                             empty_text_fields, pick, strip_boilerplate)

SUPPORTED_SUFFIXES = (".txt", ".json", ".jsonl", ".csv", ".html", ".htm")
METADATA_FILE = "metadata.csv"
MAX_FILE_BYTES = 200 * 1024 * 1024

# Short bodies are kept but flagged: under this many words (headline aside) an item is more
# likely a photo caption, a teaser or a stub than an article.
SHORT_WORDS = 40
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

def iter_articles(inputs, problems: Problems, fields: dict[str, str] | None = None) -> Iterator[dict]:
    """Article records from `inputs`, one at a time, each once.

    `fields` names the export's fields by role ({"text": "summary", "outlet": "rights"};
    dotted paths reach into nested objects); a record without them falls back to the usual
    names. Articles whose text was already seen are reported as `duplicate`; an id already
    taken by another text gets a numbered suffix; a very short body is flagged.
    """
    try:
        fields = check_fields(fields)
    except FieldError as error:
        raise InputError(str(error)) from None
    files = resolve_inputs(inputs)
    seen_texts: dict[str, str] = {}
    seen_ids: set[str] = set()
    metadata_cache: dict[Path, dict[str, dict]] = {}
    for path in files:
        if _is_metadata_file(path):
            continue
        metadata = _metadata_beside(path, metadata_cache, problems)
        for record in read_file(path, problems, metadata, fields):
            noted = record.pop("_noted", False)
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
            if not noted:
                _flag_if_short(record, problems)
            seen_ids.add(record["article_id"])
            seen_texts[digest] = record["article_id"]
            yield record


def _flag_if_short(record: dict, problems: Problems) -> None:
    body_words = record["n_words"] - (count_words(record["title"]) if record["text"].startswith(record["title"]) else 0)
    if body_words < SHORT_WORDS:
        problems.add(record["source_path"], "short",
                     f"{body_words} word{'s' if body_words != 1 else ''} besides the headline: a caption, "
                     "teaser or stub rather than an article; kept", "flagged")


def read_file(path: Path, problems: Problems, metadata: dict[str, dict] | None = None,
              fields: dict[str, str] | None = None) -> list[dict]:
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
    if suffix == ".txt":
        return _read_txt(text, path, problems, metadata or {})
    if suffix in (".html", ".htm"):
        return _read_html(text, path, problems)
    reader = {".json": _read_json, ".jsonl": _read_jsonl, ".csv": _read_csv}[suffix]
    return reader(text, path, Records(path, problems, check_fields(fields)))


def _read_txt(text: str, path: Path, problems: Problems, metadata: dict) -> list[dict]:
    if not text.strip():
        problems.add(str(path), "empty", "the file holds only whitespace", "skipped")
        return []
    title = text.lstrip().split("\n", 1)[0].strip()
    extra = metadata.get(path.stem, {})
    return [_article(path.stem, title, text, str(path), extra.get("date"),
                     extra.get("source"), extra.get("url"))]


def _read_json(text: str, path: Path, records: Records) -> list[dict]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        records.problems.add(str(path), "malformed",
                             f"not valid JSON: {error.msg} at line {error.lineno}", "skipped")
        return []
    if isinstance(data, dict):
        nested = next((data[k] for k in data if k.lower() in LIST_KEYS and isinstance(data[k], list)),
                      None)
        if nested is not None and pick(data, "text", records.fields).value is None:
            data = nested
    if isinstance(data, dict):
        return records.read([(None, data)])
    if not isinstance(data, list):
        records.problems.add(str(path), "malformed",
                             "JSON holds neither an article object nor a list", "skipped")
        return []
    return records.read(list(enumerate(data, 1)))


def _read_jsonl(text: str, path: Path, records: Records) -> list[dict]:
    numbered = []
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            numbered.append((number, json.loads(line)))
        except json.JSONDecodeError as error:
            records.problems.add(f"{path}#{number}", "malformed", f"not valid JSON: {error.msg}",
                                 "skipped")
    return records.read(numbered)


def _read_csv(text: str, path: Path, records: Records) -> list[dict]:
    csv.field_size_limit(MAX_FILE_BYTES)
    try:
        reader = csv.DictReader(io.StringIO(text))
        columns = reader.fieldnames or []
        rows = list(reader)
    except csv.Error as error:
        records.problems.add(str(path), "malformed", f"not valid CSV: {error}", "skipped")
        return []
    header = dict.fromkeys(columns, "x")
    if pick(header, "text", records.fields).value is None and pick(header, "teaser", {}).value is None:
        records.problems.add(str(path), "no-text-column",
                             f"no text column among: {', '.join(columns) or '(none)'}; "
                             "name yours with --text-field (fields= in Python)", "skipped")
        return []
    return records.read([(n + 2, row) for n, row in enumerate(rows)])


def _read_html(text: str, path: Path, problems: Problems) -> list[dict]:
    import trafilatura  # slow to import; only HTML needs it

    document = trafilatura.bare_extraction(text, with_metadata=True, include_comments=False,
                                           include_tables=False)
    body = getattr(document, "text", None) if document else None
    if not body or not body.strip():
        problems.add(str(path), "empty", "no main text found in the HTML", "skipped")
        return []
    body = "\n\n".join(line.strip() for line in body.split("\n") if line.strip())
    body, removed = strip_boilerplate(body)
    _report_boilerplate(str(path), removed, problems)
    title = (document.title or "").strip()
    return [_article(path.stem, title, _with_title(title, body), str(path), document.date,
                     _outlet_name(document.sitename), document.url)]


@dataclass
class Records:
    """Turns the records of one JSON, JSONL or CSV file into articles, reporting per record
    what was skipped or repaired, and once per file a field the user named that no record has."""

    path: Path
    problems: Problems
    fields: dict[str, str]

    def read(self, numbered: list[tuple[int | None, object]]) -> list[dict]:
        width = len(str(max((n for n, _ in numbered if n is not None), default=1)))
        found, objects, missing = [], 0, {role: 0 for role in self.fields}
        for number, item in numbered:
            source = str(self.path) if number is None else f"{self.path}#{number}"
            if not isinstance(item, dict):
                self.problems.add(source, "malformed", "the record is not an object", "skipped")
                continue
            objects += 1
            fallback_id = self.path.stem if number is None else f"{self.path.stem}-{number:0{width}d}"
            record = self._article(item, fallback_id, source, missing)
            if record:
                found.append(record)
        for role, count in missing.items():
            if objects and count == objects:
                self.problems.add(str(self.path), "field-not-found",
                                  f"no record has the {role} field {self.fields[role]!r}; "
                                  "the usual field names were used", "repaired")
        return found

    def _article(self, item: dict, fallback_id: str, source: str, missing: dict[str, int]) -> dict | None:
        parts = {role: pick(item, role, self.fields) for role in ROLES}
        for role in missing:
            missing[role] += parts[role].named_missing
        text = parts["text"]
        noted = False
        if text.value is None and (teaser := pick(item, "teaser", {})).value is not None:
            empty = ", ".join(empty_text_fields(item)[:3]) or "no text field"
            self.problems.add(source, "teaser-only",
                              f"{empty}: empty; the {teaser.name} (a summary, not the article) "
                              "is used as the text", "repaired")
            text, noted = teaser, True
        if text.value is None:
            empty = empty_text_fields(item)
            detail = (f"the text fields are empty ({', '.join(empty)})" if empty else
                      f"no text field among: {', '.join(map(str, item))}; name yours with --text-field")
            self.problems.add(source, "no-text", detail, "skipped")
            return None
        body = clean_body(normalise_newlines(text.value).strip())
        if body.missing_chars is not None:
            self.problems.add(source, "truncated",
                              f"the provider cut the text ({body.missing_chars:,} characters missing); "
                              "its marker was removed and the article is marked truncated", "repaired")
            noted = True
        _report_boilerplate(source, body.removed, self.problems)
        if not body.text.strip():
            self.problems.add(source, "empty", "the text field is empty", "skipped")
            return None
        title = clean_title(parts["title"].value)
        record = _article(parts["id"].value or fallback_id, title, _with_title(title, body.text.strip()),
                          source, parts["date"].value, _outlet_name(parts["outlet"].value),
                          parts["url"].value)
        record["truncated"] = body.missing_chars is not None
        record["_noted"] = noted
        return record


def _report_boilerplate(source: str, removed: list[str], problems: Problems) -> None:
    if removed:
        shown = "; ".join(f"'{_clipped(line, 40)}'" for line in removed[:3])
        problems.add(source, "boilerplate",
                     f"{len(removed)} paragraph{'s' if len(removed) != 1 else ''} of site furniture "
                     f"dropped: {shown}", "repaired")


def _clipped(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width].rsplit(" ", 1)[0] + " …"


def _with_title(title: str, body: str) -> str:
    """The headline becomes paragraph 0, as in the `.txt` layout, unless the body starts with it
    as a paragraph of its own; a headline run into the first sentence is split off."""
    if not title:
        return body
    if body.startswith(title):
        rest = body[len(title):]
        if not rest or rest.startswith("\n"):
            return body
        if rest[0].isspace():
            return f"{title}\n\n{rest.lstrip()}"
    return f"{title}\n\n{body}"


def _outlet_name(value: str | None) -> str | None:
    """An outlet as a reader names it: a bare domain or a site's address without `www.`."""
    if not value:
        return None
    value = value.strip()
    if re.fullmatch(r"(https?://)?[\w.-]+\.[a-z]{2,}/?", value, re.I):
        value = re.sub(r"^(https?://)?(www\.)?", "", value, flags=re.I).rstrip("/")
    return value or None


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


def _article(article_id, title, text, source_path, date, outlet, url) -> dict:
    return {"article_id": str(article_id), "title": title, "text": text,
            "source_path": source_path, "date": date or None, "outlet": outlet or None,
            "url": url or None, "n_words": count_words(text), "truncated": False}


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
