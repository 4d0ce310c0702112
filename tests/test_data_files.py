"""The word lists and tables in helpers/data/: each says where it came from, and is read
without that line."""

from __future__ import annotations

import pytest

from helpers.data_files import DATA, data_lines, data_rows

WORD_FILES = sorted(path.name for path in DATA.iterdir() if path.suffix in {".csv", ".txt"})


@pytest.mark.parametrize("name", WORD_FILES)
def test_data_files_say_where_they_come_from(name):
    first_line = (DATA / name).read_text(encoding="utf-8").splitlines()[0]
    assert first_line.startswith("# ") and "general knowledge" in first_line


def test_comment_lines_are_skipped():
    assert "mr" in data_lines("honorifics.txt") and not any(line.startswith("#") for line in data_lines("honorifics.txt"))
    rows = data_rows("speaker_words.csv")
    assert set(rows[0]) >= {"word", "kind"} and all(not row["word"].startswith("#") for row in rows)
