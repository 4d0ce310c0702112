"""Caches of parsed docs (spaCy `DocBin`) and of extracted tables (Parquet), never pickle.

Work is cached per chunk of articles. A chunk's key hashes its articles' ids and texts with
the model's name and version; parsed docs are stored under that key, tables under the key
plus the extractors' version (a hash of the package's code and data), so changing an
extractor re-extracts from cached parses without parsing again. Every file is written to a
temporary name and renamed, so a reader never sees half a file; a file that is truncated or
corrupt anyway is reported with a warning, ignored and rebuilt.
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import IO

import fsspec
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import platformdirs
from spacy.language import Language
from spacy.tokens import Doc, DocBin

from helpers import tables

CACHE_ENV = "HELPERS_CACHE_DIR"
PACKAGE_DIR = Path(__file__).resolve().parent


def cache_dir() -> Path:
    return Path(os.environ.get(CACHE_ENV) or platformdirs.user_cache_dir("news-helpers"))


# Modules that only present tables: changing them must not invalidate cached tables.
PRESENTATION_MODULES = {"__main__.py", "accuracy.py", "display.py", "explorer.py", "overview.py",
                        "plots.py", "report.py", "sentiment_report.py", "treaty_report.py"}


@cache
def extractors_version() -> str:
    """A hash of the package's extraction code and data: any change there invalidates tables."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE_DIR.rglob("*")):
        if (path.is_file() and path.suffix in {".py", ".csv", ".txt", ".json", ".tsv"}
                and path.name not in PRESENTATION_MODULES):
            digest.update(str(path.relative_to(PACKAGE_DIR)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def chunk_key(model: str, articles: list[dict], every_field: bool = False) -> str:
    """A chunk's key from its ids and texts, or (`every_field`) from every field of its articles."""
    digest = hashlib.sha256(model.encode())
    for article in articles:
        digest.update(b"\0" + article["article_id"].encode() + b"\0" + article["text"].encode())
        if every_field:
            digest.update(json.dumps(article, sort_keys=True, default=str).encode())
    return digest.hexdigest()[:32]


@contextmanager
def atomic_open(filesystem: fsspec.AbstractFileSystem, path: str) -> Iterator[IO[bytes]]:
    """A file to write `path` through, on any fsspec filesystem: it is written under a
    temporary name and renamed into place only when the block completes, so a reader never
    sees half a file and a failure leaves nothing behind."""
    temporary = f"{path}.{uuid.uuid4().hex}.tmp"
    try:
        with filesystem.open(temporary, "wb") as file:
            yield file
    except BaseException:
        if filesystem.exists(temporary):
            filesystem.rm(temporary)
        raise
    filesystem.mv(temporary, path)


def write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_open(fsspec.filesystem("file"), str(path)) as file:
        file.write(data)


class DocCache:
    """Parsed docs of a chunk, one `DocBin` file per chunk."""

    def __init__(self, root: Path):
        self.root = root

    def _path(self, key: str) -> Path:
        return self.root / "docs" / key[:2] / f"{key}.spacy"

    def get(self, key: str, nlp: Language, expected: int) -> list[Doc] | None:
        path = self._path(key)
        if not path.exists():
            return None
        try:
            docs = list(DocBin(store_user_data=True).from_bytes(path.read_bytes()).get_docs(nlp.vocab))
            if len(docs) != expected:
                raise ValueError(f"{len(docs)} docs where {expected} were expected")
            return docs
        except Exception as error:  # any damage to the file means: parse again
            warnings.warn(f"ignoring a damaged cache file {path.name} ({error}); it will be rebuilt",
                          stacklevel=2)
            return None

    def put(self, key: str, docs: list[Doc]) -> None:
        write_atomically(self._path(key), DocBin(store_user_data=True, docs=docs).to_bytes())


class TableStore:
    """Finished chunks' tables: `root/<key>/<table>.parquet`, complete once `root/<key>/DONE` exists.

    `root` is a local folder or any fsspec URL (a shared store for a Dask cluster). Each file
    is written under a temporary name and renamed; the `DONE` marker is written last, so a
    chunk interrupted half-way is simply not there.
    """

    MARKER = "DONE"

    def __init__(self, root: str | Path):
        self.filesystem, self.root = fsspec.core.url_to_fs(str(root))

    def _path(self, key: str, name: str = "") -> str:
        return "/".join(part for part in (self.root, key, name) if part)

    def has(self, key: str) -> bool:
        return self.filesystem.exists(self._path(key, self.MARKER))

    def names(self, key: str) -> list[str]:
        with self.filesystem.open(self._path(key, self.MARKER), "r") as marker:
            return marker.read().split()

    def read(self, key: str, name: str) -> pd.DataFrame:
        with self.filesystem.open(self._path(key, f"{name}.parquet"), "rb") as file:
            return tables.frame(name, pd.read_parquet(file))

    def schema(self, key: str, name: str) -> pa.Schema:
        with self.filesystem.open(self._path(key, f"{name}.parquet"), "rb") as file:
            return pq.read_schema(file)

    def intact(self, key: str) -> bool:
        """The chunk is complete and every file has its Parquet footer; damage is removed."""
        if not self.has(key):
            return False
        try:
            for name in self.names(key):
                self.schema(key, name)
            return True
        except Exception as error:  # truncated or overwritten: compute again
            self._discard(key, error)
            return False

    def get(self, key: str) -> dict[str, pd.DataFrame] | None:
        if not self.has(key):
            return None
        try:
            return {name: self.read(key, name) for name in self.names(key)}
        except Exception as error:
            self._discard(key, error)
            return None

    def _discard(self, key: str, error: Exception) -> None:
        warnings.warn(f"ignoring damaged cached tables {key} ({error}); they will be rebuilt",
                      stacklevel=3)
        self.filesystem.rm(self._path(key), recursive=True)

    def put(self, key: str, frames: dict[str, pd.DataFrame]) -> None:
        self.filesystem.makedirs(self._path(key), exist_ok=True)
        for name, frame in frames.items():
            self._write(self._path(key, f"{name}.parquet"), frame.to_parquet(index=False))
        self._write(self._path(key, self.MARKER), "\n".join(frames).encode())

    def _write(self, path: str, data: bytes) -> None:
        with atomic_open(self.filesystem, path) as file:
            file.write(data)

    def remove(self) -> None:
        if self.filesystem.exists(self.root):
            self.filesystem.rm(self.root, recursive=True)
