"""How far each analysis can be trusted: benchmark results and the seed checked by hand.

The figures come from `benchmarks/results/*.json`, written by the benchmark scripts; this
module only reads and arranges them. The hand check is computed live from an analysis, so a
regression shows up as a changed table.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from helpers.analysis import Analysis

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
SEED_BY_HAND = ROOT / "benchmarks" / "annotations" / "seed_by_hand.csv"


def load_results(folder: Path = RESULTS) -> dict[str, dict]:
    """Every benchmark's results, by file name without `.json`."""
    return {path.stem: json.loads(path.read_text()) for path in sorted(folder.glob("*.json"))}


def _expected(table: str) -> pd.DataFrame:
    expected = pd.read_csv(SEED_BY_HAND, comment="#", dtype=str, keep_default_na=False)
    return expected[expected["table"] == table].reset_index(drop=True)


def seed_quote_check(analysis: Analysis) -> pd.DataFrame:
    """Each quote of the seed as annotated by hand beside what the analysis found."""
    quotes = analysis.quotes
    rows = []
    for want in _expected("quotes").itertuples():
        content = quotes["text"].str.strip(" “”\"'").str.removeprefix("that ")
        found = quotes[(quotes["kind"] == want.kind) & content.str.startswith(want.starts_with)]
        got = found.iloc[0] if len(found) else None
        speaker = None if got is None or pd.isna(got["speaker_name"]) else got["speaker_name"]
        rows.append({"kind": want.kind, "quote begins": want.starts_with[:45],
                     "expected speaker": want.expected_speaker, "found speaker": speaker,
                     "found": got is not None,
                     "right": got is not None and speaker == want.expected_speaker
                     and got["speaker_type"] == want.expected_speaker_type})
    return pd.DataFrame(rows)


def seed_treaty_check(analysis: Analysis) -> pd.DataFrame:
    """Each treaty reference of the seed as annotated by hand beside what was found."""
    refs = analysis.treaty_refs
    rows = []
    for want in _expected("treaty_refs").itertuples():
        found = refs[refs["text"].str.contains(want.starts_with, regex=False)
                     | pd.Series([want.starts_with.startswith(t) for t in refs["text"]], dtype=bool, index=refs.index)]
        got = found.iloc[0] if len(found) else None
        rows.append({"expected": want.starts_with, "treaty_id": want.treaty_id,
                     "provision": want.provision,
                     "found": None if got is None else got["text"],
                     "right": got is not None and got["treaty_id"] == want.treaty_id
                     and got["provision"] == want.provision})
    return pd.DataFrame(rows)
