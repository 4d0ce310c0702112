"""Reading the word lists, gazetteers and tables in `helpers/data/`.

Each file opens with comment lines (`# ...`) saying where it came from; they are skipped.
"""

from __future__ import annotations

import csv
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


def data_lines(name: str) -> list[str]:
    """The stripped, non-blank, non-comment lines of a text file in `helpers/data/`."""
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def data_rows(name: str) -> list[dict]:
    """The rows of a CSV file in `helpers/data/`, below its comment lines."""
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(line for line in handle if not line.startswith("#")))
