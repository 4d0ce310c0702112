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

from helpers.cleaning import clean_fields, decode, normalise_newlines
from helpers.exports import (ROLES, FieldError, check_fields, clean_body, clean_title,
                             empty_text_fields, pick, strip_boilerplate)
from helpers.guard import Problems, budget_for, guarded
from helpers.html_text import main_text

SUPPORTED_SUFFIXES = (".txt", ".json", ".jsonl", ".csv", ".html", ".htm")
METADATA_FILE = "metadata.csv"
MAX_FILE_BYTES = 200 * 1024 * 1024

# Short bodies are kept but flagged: under this many words (headline aside) an item is more
# likely a photo caption, a teaser or a stub than an article.
SHORT_WORDS = 40
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
    reading = Reading(path, problems, metadata or {}, check_fields(fields))
    pending = guarded(reading.pending, source, problems, budget=budget) or []
    records = [guarded(build, record_source, problems, budget=budget) for record_source, build in pending]
    reading.report_fields_not_found()
    return [record for record in records if record is not None]


class Reading:
    """One file read into pending records: (source, a function building that record).

    Building is deferred so that `read_file` can guard each record on its own. For JSON,
    JSON Lines and CSV files it also counts, per role, the records that lack a field the
    user named, so that one `field-not-found` row per file says so.
    """

    def __init__(self, path: Path, problems: Problems, metadata: dict, fields: dict[str, str]):
        self.path, self.problems, self.metadata, self.fields = path, problems, metadata, fields
        self.source = str(path)
        self.objects = 0
        self.missing = {role: 0 for role in fields}

    def pending(self) -> list[tuple[str, partial]]:
        try:
            data = self.path.read_bytes()
        except OSError as error:
            self.problems.add(self.source, "unreadable", error.strerror or str(error), "skipped")
            return []
        if not data.strip():
            self.problems.add(self.source, "empty", "the file is empty or only whitespace", "skipped")
            return []
        text = decode(data, self.source, self.problems)
        if text is None:
            return []
        reader = {".txt": self._txt, ".json": self._json, ".jsonl": self._jsonl,
                  ".csv": self._csv, ".html": self._html, ".htm": self._html}[self.path.suffix.lower()]
        return reader(text)

    def report_fields_not_found(self) -> None:
        for role, count in self.missing.items():
            if self.objects and count == self.objects:
                self.problems.add(self.source, "field-not-found",
                                  f"no record has the {role} field {self.fields[role]!r}; "
                                  "the usual field names were used", "repaired")

    # --- one reader per format: text -> pending records ---------------------------------

    def _txt(self, text: str) -> list[tuple[str, partial]]:
        extra = self.metadata.get(self.path.stem, {})
        return [(self.source, partial(_article, self.problems, self.source, self.path.stem, None, text,
                                      extra.get("date"), extra.get("source"), extra.get("url")))]

    def _html(self, text: str) -> list[tuple[str, partial]]:
        document = main_text(text)
        if document is None:
            self.problems.add(self.source, "empty", "no main text found in the HTML", "skipped")
            return []
        body, removed = strip_boilerplate(document.text)
        _report_boilerplate(self.source, removed, self.problems)
        return [(self.source, partial(_article, self.problems, self.source, self.path.stem,
                                      document.title, body, document.date, document.sitename,
                                      document.url))]

    def _json(self, text: str) -> list[tuple[str, partial]]:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            self.problems.add(self.source, "malformed",
                              f"not valid JSON: {error.msg} at line {error.lineno}", "skipped")
            return []
        if isinstance(data, dict):
            nested = next((data[k] for k in data if k.lower() in LIST_KEYS and isinstance(data[k], list)),
                          None)
            if nested is not None and pick(data, "text", self.fields).value is None:
                data = nested
        if isinstance(data, dict):
            return self._records([(None, data)])
        if not isinstance(data, list):
            self.problems.add(self.source, "malformed",
                              "JSON holds neither an article object nor a list", "skipped")
            return []
        return self._records(list(enumerate(data, 1)))

    def _jsonl(self, text: str) -> list[tuple[str, partial]]:
        lines = [(number, line) for number, line in enumerate(text.split("\n"), 1) if line.strip()]
        return self._records(lines, parse=_json_line)

    def _csv(self, text: str) -> list[tuple[str, partial]]:
        csv.field_size_limit(MAX_FILE_BYTES)
        try:
            reader = csv.DictReader(io.StringIO(text))
            columns = reader.fieldnames or []
            rows = list(reader)
        except csv.Error as error:
            self.problems.add(self.source, "malformed", f"not valid CSV: {error}", "skipped")
            return []
        header = dict.fromkeys(columns, "x")
        if pick(header, "text", self.fields).value is None and pick(header, "teaser", {}).value is None:
            self.problems.add(self.source, "no-text-column",
                              f"no text column among: {', '.join(columns) or '(none)'}; "
                              "name yours with --text-field (fields= in Python)", "skipped")
            return []
        return self._records([(n + 2, row) for n, row in enumerate(rows)])

    # --- records of JSON, JSON Lines and CSV files ----------------------------------------

    def _records(self, numbered: list[tuple[int | None, object]], parse=None) -> list[tuple[str, partial]]:
        width = len(str(max((n for n, _ in numbered if n is not None), default=1)))
        pending = []
        for number, item in numbered:
            source = self.source if number is None else f"{self.path}#{number}"
            fallback_id = self.path.stem if number is None else f"{self.path.stem}-{number:0{width}d}"
            pending.append((source, partial(self._record, item, fallback_id, source, parse)))
        return pending

    def _record(self, item, fallback_id: str, source: str, parse=None) -> dict | None:
        if parse is not None:
            item = parse(item, source, self.problems)
            if item is UNREADABLE:  # already reported
                return None
        if not isinstance(item, dict):
            self.problems.add(source, "malformed", "the record is not an object", "skipped")
            return None
        self.objects += 1
        parts = {role: pick(item, role, self.fields) for role in ROLES}
        for role in self.missing:
            self.missing[role] += parts[role].named_missing
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
        record = _article(self.problems, source, parts["id"].value or fallback_id,
                          clean_title(parts["title"].value), body.text, parts["date"].value,
                          parts["outlet"].value, parts["url"].value)
        if record is not None:
            record["truncated"] = body.missing_chars is not None
            record["_noted"] = noted
        return record


def _json_line(line: str, source: str, problems: Problems) -> object:
    try:
        return json.loads(line)
    except json.JSONDecodeError as error:
        problems.add(source, "malformed", f"not valid JSON: {error.msg}", "skipped")
        return UNREADABLE


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
            "outlet": _outlet_name(fields["outlet"]), "url": fields["url"] or None,
            "n_words": count_words(text), "truncated": False}


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
