"""Runs an analysis: articles in chunks, each chunk parsed and extracted (from the cache when
it can), in this process, in local worker processes, or as tasks on a Dask cluster.

A chunk is the unit of work everywhere: what a worker receives, what the cache stores, what
a progress bar counts and what a resumed run skips. Whoever runs a chunk writes its tables
to a `TableStore` (the output folder's `.parts/`, or the cache) and hands back only its key,
so the main process never holds more than a few chunks of text at once. The final tables are
assembled from the stored chunks, streamed into one Parquet file per table.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import itertools
import json
import sys
import tempfile
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import fsspec
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from spacy.tokens import Doc

from helpers import tables
from helpers.analysis import FINALIZED, TABLE_NAMES, Analysis, extract_article, finalize_tables
from helpers.articles import InputError, Problems, iter_articles
from helpers.cache import (DocCache, TableStore, atomic_open, cache_dir, chunk_key,
                           extractors_version)
from helpers.pipeline import PARSE_SETTINGS, load_model, model_id, model_name, parse_ahead
from helpers.sentiment import DEFAULT_TARGET_METHOD, FAST_TARGET_METHOD, load_target_model
from helpers.treaty_texts import save_quoted_wording, texts_folder

CHUNK_CHARS = 250_000
CHUNK_ARTICLES = 500
PROGRESS_MIN_ARTICLES = 50
PARTS_FOLDER = ".parts"
MALLOC_ARENAS = 2
M_ARENA_MAX = -8  # glibc's mallopt parameter (malloc.h)


@dataclass(frozen=True)
class Job:
    """What every chunk of one run shares; small, so it travels to workers cheaply."""

    model: str  # the name to load
    model_id: str  # name and version, part of every chunk's key
    version: str  # the extractors' version
    parts: str  # where finished chunks go: a folder or an fsspec URL
    cache: bool
    target_method: str = DEFAULT_TARGET_METHOD  # the model of sentiment towards entities


def analyze(inputs, *, model: str | None = None, workers: int = 1, dask: str | None = None,
            cache: bool = True, out: str | Path | None = None, progress: bool | None = None,
            chunk_chars: int = CHUNK_CHARS, limit: int | None = None,
            target_method: str = DEFAULT_TARGET_METHOD, fields: dict[str, str] | None = None) -> Analysis:
    """Load `inputs`, parse them with one spaCy pipeline and extract every table.

    `workers` local processes, or `dask` (a scheduler address, or "local"), share the
    chunks. With `out` (a folder or fsspec URL), the tables are written there as Parquet,
    streamed chunk by chunk, and a run that was interrupted resumes where it stopped.
    `limit` analyses only the first articles found. `target_method` picks the model of
    sentiment towards entities: `target-minilm` (default, more accurate) or `target-lr`
    (faster). `fields` names an export's fields by role
    when the usual names miss them ({"text": "summary"}; see `helpers.read_articles`).
    """
    if out is not None:
        write_analysis(inputs, out, model=model, workers=workers, dask=dask, cache=cache,
                       progress=progress, chunk_chars=chunk_chars, limit=limit,
                       target_method=target_method, fields=fields)
        return Analysis.load(out)
    with tempfile.TemporaryDirectory(prefix="helpers-") as scratch:
        parts = str(cache_dir() / "tables") if cache else scratch
        job, keys, problems = _run_all(inputs, model, parts, cache, workers, dask, progress,
                                       chunk_chars, limit, target_method, fields)
        store = TableStore(parts)
        frames = {name: _concat(store, keys, name) for name in TABLE_NAMES}
    frames["problems"] = _all_problems(problems, frames["problems"])
    frames.update(finalize_tables(frames))
    return Analysis.from_tables(frames, model=job.model_id)


def write_analysis(inputs, out: str | Path, *, model: str | None = None, workers: int = 1,
                   dask: str | None = None, cache: bool = True, progress: bool | None = None,
                   chunk_chars: int = CHUNK_CHARS, limit: int | None = None,
                   target_method: str = DEFAULT_TARGET_METHOD, fields: dict[str, str] | None = None
                   ) -> dict[str, int]:
    """Run the analysis and write one Parquet file per table into `out`; rows per table."""
    filesystem, root = fsspec.core.url_to_fs(str(out))
    parts = f"{str(out).rstrip('/')}/{PARTS_FOLDER}"
    job, keys, problems = _run_all(inputs, model, parts, cache, workers, dask, progress,
                                   chunk_chars, limit, target_method, fields)
    store = TableStore(parts)
    counts = {}
    finalized = finalize_tables({name: _concat(store, keys, name) for name in FINALIZED})
    for name in TABLE_NAMES:
        if name == "problems":
            frame = _all_problems(problems, _concat(store, keys, name))
        elif name in finalized:
            frame = finalized[name]
        else:
            counts[name] = _stream_table(store, keys, name, filesystem, f"{root}/{name}.parquet")
            continue
        counts[name] = len(frame)
        _write_parquet(filesystem, f"{root}/{name}.parquet", pa.Table.from_pandas(frame, preserve_index=False))
    summary = json.dumps({"model": job.model_id, "tables": counts}, indent=2)
    with filesystem.open(f"{root}/analysis.json", "w") as file:
        file.write(summary)
    if texts_folder() is not None:  # quoted treaty wording, when official texts are configured
        tables_read = {name: pd.read_parquet(f"{out}/{name}.parquet") for name in ("quotes", "treaty_refs")}
        save_quoted_wording(SimpleNamespace(**tables_read), out)
    store.remove()
    return counts


def run_chunk(articles: list[dict], job: Job) -> str:
    """Parse and extract one chunk of articles and store its tables; returns the chunk's key.

    Safe to run twice (a retried Dask task, a resumed run): a stored chunk is not redone.
    """
    # Tables depend on every field of the articles (a date changes which treaty "START" is),
    # parses only on their texts.
    key = f"{chunk_key(job.model_id, articles, every_field=True)}-{job.version}"
    if job.target_method != FAST_TARGET_METHOD:  # target-lr keeps the keys it always had
        key += f"-{job.target_method}"
    parts = TableStore(job.parts)
    if parts.intact(key):
        return key
    cached = TableStore(cache_dir() / "tables") if job.cache else None
    if cached and cached.root != parts.root and (frames := cached.get(key)) is not None:
        parts.put(key, frames)
        return key
    frames = extract_chunk(articles, job)
    parts.put(key, frames)
    if cached and cached.root != parts.root:
        cached.put(key, frames)
    return key


def extract_chunk(articles: list[dict], job: Job) -> dict[str, pd.DataFrame]:
    """Every table for a chunk of articles, parsing only what the doc cache lacks. Articles
    are parsed in a background thread while the ones already parsed are extracted."""
    limit_malloc_arenas()
    nlp = load_model(job.model)
    docs_key = chunk_key(f"{job.model_id}/{PARSE_SETTINGS}", articles)
    doc_cache = DocCache(cache_dir()) if job.cache else None
    docs = doc_cache.get(docs_key, nlp, len(articles)) if doc_cache else None
    to_cache = doc_cache is not None and docs is None  # parsed now, kept for the doc cache
    if docs is None:
        docs = parse_ahead((article["text"] for article in articles), nlp)
    parsed: list[Doc] = []
    records: dict[str, list[dict]] = {name: [] for name in TABLE_NAMES}
    records["articles"] = articles
    for article, doc in zip(articles, docs, strict=True):
        if to_cache:
            parsed.append(doc)
        found, failures = extract_article(article, doc, job.target_method)
        for name, rows in found.items():
            records[name].extend(rows)
        records["problems"].extend(failures)
    if to_cache:
        doc_cache.put(docs_key, parsed)
    return {name: tables.frame(name, rows) for name, rows in records.items()}


@functools.cache
def limit_malloc_arenas() -> None:
    """At most MALLOC_ARENAS malloc arenas in this process, on glibc (elsewhere nothing).

    glibc gives threads that allocate at once arenas of their own (up to eight per core)
    and hands little of their free memory back: with the parse-ahead thread, onnxruntime's
    and the tokenizer's, one process analysing 150 White House transcripts peaked at
    1,017 MB, and at 893 MB with two arenas, in the same time."""
    try:
        ctypes.CDLL(ctypes.util.find_library("c")).mallopt(M_ARENA_MAX, MALLOC_ARENAS)
    except (OSError, AttributeError, TypeError):  # not glibc: its allocator is left as it is
        pass


def _run_all(inputs, model, parts, cache, workers, dask, progress, chunk_chars, limit,
             target_method, fields):
    name = model_name(model)
    load_target_model(target_method)  # a wrong name or a missing encoder fails before any parsing
    job = Job(name, model_id(load_model(name)), extractors_version(), str(parts), cache,
              target_method)
    problems = Problems()
    chunks = _chunks(itertools.islice(iter_articles(inputs, problems, fields), limit), chunk_chars)
    keys = list(_run(chunks, job, workers, dask, progress))
    if not keys:
        raise InputError(f"no articles found in {_describe(inputs)}")
    return job, keys, problems


def _chunks(records: Iterable[dict], chunk_chars: int) -> Iterator[list[dict]]:
    chunk: list[dict] = []
    size = 0
    for record in records:
        chunk.append(record)
        size += len(record["text"])
        if size >= chunk_chars or len(chunk) >= CHUNK_ARTICLES:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def _run(chunks: Iterator[list[dict]], job: Job, workers: int, dask: str | None,
         progress: bool | None) -> Iterator[str]:
    bar = _ProgressBar(progress)
    try:
        if dask:
            yield from _run_on_dask(chunks, job, dask, bar)
        elif workers > 1:
            yield from _run_in_processes(chunks, job, workers, bar)
        else:
            for chunk in chunks:
                yield run_chunk(chunk, job)
                bar.update(len(chunk))
    finally:
        bar.close()


def _run_in_processes(chunks, job: Job, workers: int, bar) -> Iterator[str]:
    with ProcessPoolExecutor(max_workers=workers, initializer=load_model,
                             initargs=(job.model,)) as pool:
        submissions = ((len(chunk), pool.submit(run_chunk, chunk, job)) for chunk in chunks)
        yield from _in_order(submissions, 2 * workers, bar)


def _run_on_dask(chunks, job: Job, address: str, bar) -> Iterator[str]:
    from distributed import Client, LocalCluster

    cluster = (LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                            dashboard_address=None) if address == "local" else None)
    try:
        with Client(cluster or address) as client:
            # pure=False: a retried task (its worker died) runs again, and run_chunk is idempotent
            submissions = ((len(chunk), client.submit(run_chunk, chunk, job, pure=False))
                           for chunk in chunks)
            workers = max(len(client.scheduler_info()["workers"]), 1)
            yield from _in_order(submissions, 4 * workers, bar)
    finally:
        if cluster:
            cluster.close()


def _in_order(submissions: Iterator[tuple[int, object]], window: int, bar) -> Iterator[str]:
    """Results of submitted chunks in submission order, with at most `window` in flight,
    so the texts held in memory stay bounded."""
    pending: deque = deque()
    for submission in submissions:
        pending.append(submission)
        if len(pending) > window:
            yield _finish(pending.popleft(), bar)
    while pending:
        yield _finish(pending.popleft(), bar)


def _finish(submission: tuple[int, object], bar) -> str:
    size, future = submission
    key = future.result()
    bar.update(size)
    return key


def _concat(store: TableStore, keys: list[str], name: str) -> pd.DataFrame:
    found = [part for key in keys if name in store.names(key) and len(part := store.read(key, name))]
    return tables.frame(name, pd.concat(found, ignore_index=True)) if found else tables.empty(name)


def _stream_table(store: TableStore, keys: list[str], name: str, filesystem, path: str) -> int:
    """Concatenate a table's chunks into one Parquet file, one chunk in memory at a time."""
    present = [key for key in keys if name in store.names(key)]
    schemas = [store.schema(key, name) for key in present]
    schema = (pa.unify_schemas(schemas, promote_options="permissive") if schemas
              else pa.Schema.from_pandas(tables.empty(name), preserve_index=False))
    rows = 0
    with atomic_open(filesystem, path) as file, pq.ParquetWriter(file, schema) as writer:
        for key in present:
            part = store.read(key, name)
            if len(part):
                rows += len(part)
                writer.write_table(_conform(part, schema))
        if not rows:
            writer.write_table(schema.empty_table())
    return rows


def _conform(frame: pd.DataFrame, schema: pa.Schema) -> pa.Table:
    table = pa.Table.from_pandas(frame, preserve_index=False)
    columns = [table.column(f.name).cast(f.type) if f.name in table.column_names
               else pa.nulls(len(table), f.type) for f in schema]
    return pa.Table.from_arrays(columns, schema=schema)


def _write_parquet(filesystem, path: str, table: pa.Table) -> None:
    with atomic_open(filesystem, path) as file:
        pq.write_table(table, file)


def _all_problems(loader: Problems, extraction: pd.DataFrame) -> pd.DataFrame:
    rows = loader.rows + extraction.astype(object).to_dict("records")
    return tables.frame("problems", rows)


def _describe(inputs) -> str:
    if isinstance(inputs, (str, Path)):
        return str(inputs)
    return ", ".join(map(str, inputs))


class _ProgressBar:
    """A tqdm bar once a run passes PROGRESS_MIN_ARTICLES articles (or always/never if asked)."""

    def __init__(self, enabled: bool | None):
        self.enabled = enabled
        self.count = 0
        self.bar = None

    def update(self, n: int) -> None:
        self.count += n
        wanted = self.enabled or (self.enabled is None and self.count >= PROGRESS_MIN_ARTICLES)
        if self.bar is None and wanted:
            from tqdm.auto import tqdm

            self.bar = tqdm(desc="articles analysed", unit="article", initial=self.count - n,
                            file=sys.stderr)
        if self.bar is not None:
            self.bar.update(n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            print(f"{self.count:,} articles analysed", file=sys.stderr)
