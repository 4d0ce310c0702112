"""Resumable runs, atomic output files, and the same tables from local processes and Dask."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import pandas as pd
import pyarrow.parquet as pq
import pytest

from helpers import runner
from helpers.analysis import TABLE_NAMES, Analysis
from tests.conftest import ROOT, SEED_FILE

PARAGRAPH = ("The minister said on {day} that talks with {country} would continue. "
             "“We will not give up,” she added, according to officials.")
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
COUNTRIES = ("France", "Japan", "Kenya", "Brazil", "Canada", "India")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """Forty small, distinct articles: one chunk each with a small `chunk_chars`."""
    folder = tmp_path_factory.mktemp("corpus")
    for n in range(40):
        paragraphs = [PARAGRAPH.format(day=DAYS[(n + k) % 5], country=COUNTRIES[(n * k) % 6])
                      for k in range(3)]
        (folder / f"story-{n:02d}.txt").write_text(f"Story {n}\n\n" + "\n\n".join(paragraphs))
    return folder


@pytest.fixture(scope="module")
def uninterrupted(corpus, tmp_path_factory):
    out = tmp_path_factory.mktemp("reference")
    runner.write_analysis(corpus, out, cache=False, chunk_chars=300)
    return Analysis.load(out)


def assert_same_tables(left: Analysis, right: Analysis) -> None:
    for name in TABLE_NAMES:
        pd.testing.assert_frame_equal(getattr(left, name), getattr(right, name), obj=name)


def test_a_crashed_run_resumes_with_only_the_unfinished_chunks(corpus, uninterrupted, tmp_path, monkeypatch):
    out = tmp_path / "out"
    real_extract = runner.extract_chunk
    calls = []

    def crash_after_ten(articles, job):
        if len(calls) == 10:
            raise RuntimeError("power cut")
        calls.append(articles[0]["article_id"])
        return real_extract(articles, job)

    monkeypatch.setattr(runner, "extract_chunk", crash_after_ten)
    with pytest.raises(RuntimeError, match="power cut"):
        runner.write_analysis(corpus, out, cache=False, chunk_chars=300)
    assert not list(out.glob("*.parquet"))  # nothing under a final name yet
    done_before = set(calls)
    calls.clear()
    monkeypatch.setattr(runner, "extract_chunk", lambda a, j: (calls.append(a[0]["article_id"]), real_extract(a, j))[1])
    runner.write_analysis(corpus, out, cache=False, chunk_chars=300)
    assert len(calls) == 30 and not done_before & set(calls)
    assert_same_tables(Analysis.load(out), uninterrupted)
    assert not (out / runner.PARTS_FOLDER).exists()


def test_kill_9_part_way_then_rerun_gives_identical_tables(corpus, uninterrupted, tmp_path):
    out = tmp_path / "out"
    command = [sys.executable, "-m", "helpers", "analyze", str(corpus), "--out", str(out),
               "--no-cache", "--chunk-chars", "300"]
    process = subprocess.Popen(command, cwd=ROOT, stderr=subprocess.DEVNULL)
    parts = out / runner.PARTS_FOLDER
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list(parts.glob("*/DONE"))) < 3:
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.wait()
    finished = len(list(parts.glob("*/DONE")))
    assert 3 <= finished < 40, "the run was not interrupted part way"
    assert not list(out.glob("*.parquet"))
    rerun = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    assert_same_tables(Analysis.load(out), uninterrupted)


def test_a_failed_final_write_leaves_no_file_under_its_final_name(corpus, tmp_path, monkeypatch):
    def broken_write(self, table, *args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(pq.ParquetWriter, "write_table", broken_write)
    with pytest.raises(OSError, match="disk full"):
        runner.write_analysis(SEED_FILE, tmp_path / "out", cache=False)
    assert not [p.name for p in (tmp_path / "out").iterdir() if not p.name.startswith(".")]


def test_dask_local_cluster_gives_the_same_tables(corpus, uninterrupted, tmp_path):
    out = tmp_path / "out"
    runner.write_analysis(corpus, out, cache=False, chunk_chars=300, dask="local")
    assert_same_tables(Analysis.load(out), uninterrupted)


def test_a_dask_worker_killed_mid_run_loses_and_duplicates_nothing(corpus, uninterrupted, tmp_path):
    from distributed import Client, LocalCluster

    out = tmp_path / "out"
    parts = out / runner.PARTS_FOLDER
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        victim = next(iter(client.run(os.getpid).values()))
        errors = []

        def run():
            try:
                runner.write_analysis(corpus, out, cache=False, chunk_chars=300,
                                      dask=cluster.scheduler_address)
            except Exception as error:  # surfaced by the assertion below
                errors.append(error)

        thread = threading.Thread(target=run)
        thread.start()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and len(list(parts.glob("*/DONE"))) < 3:
            time.sleep(0.01)
        os.kill(victim, signal.SIGKILL)
        thread.join(timeout=300)
    assert not errors
    assert_same_tables(Analysis.load(out), uninterrupted)


ARENAS_AFTER_THREADS = """
import ctypes, sys, threading
if sys.argv[1] == "limited":
    from helpers.runner import limit_malloc_arenas
    limit_malloc_arenas()
def allocate():
    for _ in range(500):
        [bytearray(200_000) for _ in range(5)]
threads = [threading.Thread(target=allocate) for _ in range(8)]
for thread in threads: thread.start()
for thread in threads: thread.join()
ctypes.CDLL(None).malloc_stats()
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc only")
def test_a_run_keeps_to_two_malloc_arenas_however_many_threads_allocate():
    def arenas(mode: str) -> int:
        done = subprocess.run([sys.executable, "-c", ARENAS_AFTER_THREADS, mode], cwd=ROOT,
                              capture_output=True, text=True, check=True)
        return sum(line.startswith("Arena ") for line in done.stderr.splitlines())

    if arenas("default") <= 2:
        pytest.skip("this C library does not give threads arenas of their own")
    assert arenas("limited") == 2
