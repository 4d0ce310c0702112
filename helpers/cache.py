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
import os
import shutil
import tempfile
import uuid
import warnings
from functools import cache
from pathlib import Path

import pandas as pd
import platformdirs
from spacy.language import Language
from spacy.tokens import Doc, DocBin

from helpers import tables

CACHE_ENV = "HELPERS_CACHE_DIR"
PACKAGE_DIR = Path(__file__).resolve().parent


def cache_dir() -> Path:
    return Path(os.environ.get(CACHE_ENV) or platformdirs.user_cache_dir("news-helpers"))


@cache
def extractors_version() -> str:
    """A hash of every source and data file of the package: any change invalidates tables."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE_DIR.rglob("*")):
        if path.is_file() and path.suffix in {".py", ".csv", ".txt", ".json", ".tsv", ".joblib", ".npz"}:
            digest.update(str(path.relative_to(PACKAGE_DIR)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def chunk_key(model: str, articles: list[dict]) -> str:
    digest = hashlib.sha256(model.encode())
    for article in articles:
        digest.update(b"\0" + article["article_id"].encode() + b"\0" + article["text"].encode())
    return digest.hexdigest()[:32]


def write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


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
    """A folder of finished chunks: `root/<key>/<table>.parquet`, complete once `DONE` exists."""

    MARKER = "DONE"

    def __init__(self, root: Path):
        self.root = Path(root)

    def has(self, key: str) -> bool:
        return (self.root / key / self.MARKER).exists()

    def get(self, key: str) -> dict[str, pd.DataFrame] | None:
        folder = self.root / key
        if not self.has(key):
            return None
        try:
            names = (folder / self.MARKER).read_text().split()
            return {name: tables.frame(name, pd.read_parquet(folder / f"{name}.parquet"))
                    for name in names}
        except Exception as error:  # damaged: compute again
            warnings.warn(f"ignoring damaged cached tables {key} ({error}); they will be rebuilt",
                          stacklevel=2)
            shutil.rmtree(folder, ignore_errors=True)
            return None

    def put(self, key: str, frames: dict[str, pd.DataFrame]) -> None:
        """Write a chunk's tables into a temporary folder, then rename it into place."""
        self.root.mkdir(parents=True, exist_ok=True)
        staging = self.root / f".{key}.{uuid.uuid4().hex}.tmp"
        staging.mkdir()
        try:
            for name, frame in frames.items():
                frame.to_parquet(staging / f"{name}.parquet", index=False)
            (staging / self.MARKER).write_text("\n".join(frames))
            try:
                os.replace(staging, self.root / key)
            except OSError:  # another run finished the same chunk first: keep theirs
                shutil.rmtree(staging, ignore_errors=True)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
