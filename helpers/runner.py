"""Runs an analysis: articles in chunks, each chunk parsed and extracted (from the cache when
it can), in this process, in local worker processes, or as tasks on a Dask cluster.

A chunk is the unit of work everywhere: it is what a worker process or a Dask task receives,
what the cache stores, and what a progress bar counts.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pandas as pd

from helpers import tables
from helpers.analysis import FINALIZERS, Analysis, extract_article
from helpers.articles import InputError, Problems, iter_articles
from helpers.cache import DocCache, TableStore, cache_dir, chunk_key, extractors_version
from helpers.pipeline import load_model, model_id, model_name, parse

CHUNK_CHARS = 1_000_000
CHUNK_ARTICLES = 500
PROGRESS_MIN_ARTICLES = 50


def analyze(inputs, *, model: str | None = None, workers: int = 1, dask: str | None = None,
            cache: bool = True, out: str | Path | None = None, progress: bool | None = None,
            chunk_chars: int = CHUNK_CHARS) -> Analysis:
    """Load `inputs`, parse them with one spaCy pipeline and extract every table.

    `workers` local processes, or `dask` (a scheduler address, or "local"), share the
    chunks. With `out`, the tables are also written there as Parquet.
    """
    name = model_name(model)
    load_model(name)  # fail early, in this process, if the model is missing
    problems = Problems()
    articles: list[dict] = []
    chunks = _chunks(_collect(iter_articles(inputs, problems), articles), chunk_chars)
    cache_root = cache_dir() if cache else None
    results = _run(chunks, name, cache_root, workers, dask, progress)
    frames = _combine(results)
    if not articles:
        raise InputError(f"no articles found in {_describe(inputs)}")
    frames["articles"] = tables.frame("articles", articles)
    frames["problems"] = tables.frame("problems", problems.rows + _rows(frames.get("problems")))
    for table, finalize in FINALIZERS.items():
        frames[table] = tables.frame(table, finalize(frames[table]))
    analysis = Analysis.from_tables(frames, model=model_id(load_model(name)))
    if out is not None:
        analysis.save(out)
    return analysis


def run_chunk(articles: list[dict], model: str, cache_root: Path | None) -> dict[str, pd.DataFrame]:
    """Parse and extract one chunk of articles; the unit of work for processes and Dask."""
    nlp = load_model(model)
    key = chunk_key(model_id(nlp), articles)
    store = TableStore(cache_root / "tables") if cache_root else None
    table_key = f"{key}-{extractors_version()}"
    if store and (found := store.get(table_key)) is not None:
        return found
    docs_cache = DocCache(cache_root) if cache_root else None
    docs = docs_cache.get(key, nlp, len(articles)) if docs_cache else None
    if docs is None:
        docs = list(parse((a["text"] for a in articles), nlp))
        if docs_cache:
            docs_cache.put(key, docs)
    records: dict[str, list[dict]] = defaultdict(list)
    for article, doc in zip(articles, docs):
        found, failures = extract_article(article, doc)
        for table, rows in found.items():
            records[table].extend(rows)
        records["problems"].extend(failures)
    frames = {table: tables.frame(table, rows) for table, rows in records.items()}
    frames.setdefault("problems", tables.empty("problems"))
    if store:
        store.put(table_key, frames)
    return frames


def _collect(records: Iterable[dict], into: list[dict]) -> Iterator[dict]:
    for record in records:
        into.append(record)
        yield record


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


def _run(chunks: Iterator[list[dict]], model: str, cache_root, workers: int, dask: str | None,
         progress: bool | None) -> list[dict[str, pd.DataFrame]]:
    bar = _ProgressBar(progress)
    try:
        if dask:
            return list(_run_on_dask(chunks, model, cache_root, dask, bar))
        if workers > 1:
            return list(_run_in_processes(chunks, model, cache_root, workers, bar))
        results = []
        for chunk in chunks:
            results.append(run_chunk(chunk, model, cache_root))
            bar.update(len(chunk))
        return results
    finally:
        bar.close()


def _run_in_processes(chunks, model, cache_root, workers, bar):
    with ProcessPoolExecutor(max_workers=workers, initializer=load_model,
                             initargs=(model,)) as pool:
        pending = []
        for chunk in chunks:
            pending.append((len(chunk), pool.submit(run_chunk, chunk, model, cache_root)))
            while len(pending) > 2 * workers:  # bound the texts held in flight
                size, future = pending.pop(0)
                yield future.result()
                bar.update(size)
        for size, future in pending:
            yield future.result()
            bar.update(size)


def _run_on_dask(chunks, model, cache_root, address, bar):
    from distributed import Client, LocalCluster

    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                           dashboard_address=None) if address == "local" else None
    with Client(cluster if cluster else address) as client:
        futures = [(len(chunk), client.submit(run_chunk, chunk, model, cache_root, pure=False))
                   for chunk in chunks]
        for size, future in futures:
            yield future.result()
            bar.update(size)
    if cluster:
        cluster.close()


def _combine(results: list[dict[str, pd.DataFrame]]) -> dict[str, pd.DataFrame]:
    combined = {}
    names = {name for result in results for name in result}
    for name in names:
        parts = [result[name] for result in results if name in result and len(result[name])]
        combined[name] = tables.frame(name, pd.concat(parts, ignore_index=True)) if parts else tables.empty(name)
    return combined


def _rows(frame: pd.DataFrame | None) -> list[dict]:
    return [] if frame is None else frame.astype(object).to_dict("records")


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
        if self.bar is None and (self.enabled or (self.enabled is None and self.count >= PROGRESS_MIN_ARTICLES)):
            from tqdm.auto import tqdm

            self.bar = tqdm(desc="articles analysed", unit="article", initial=self.count - n,
                            file=sys.stderr)
        if self.bar is not None:
            self.bar.update(n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
