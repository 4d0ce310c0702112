"""Decoding and cleaning, in one place: bytes -> text -> the text every offset points into.

`decode` turns a file's bytes into text: a byte-order mark of UTF-8, UTF-16 or UTF-32 picks
the encoding and is dropped; otherwise UTF-8, then Windows-1252 or Latin-1 (reported as
`undecodable`, repaired); CRLF and CR become LF; binary files are skipped.

`clean` makes an article's text (or title) what the tables are built from: Unicode line
separators, NEL and vertical tabs become a line break; paragraph separators and form feeds a
paragraph break (a blank line, as between paragraphs of a `.txt` file); ANSI escape
sequences and every other control character but tab and newline are removed, with a
`control-characters` row (repaired) saying how many. Structured files (JSON, CSV) are
cleaned field by field after parsing, never as raw text: a break inserted into a raw
JSON Lines or CSV file would split a record.
"""

from __future__ import annotations

import re

from helpers.guard import Problems

# Longest first: the UTF-32 LE mark starts with the UTF-16 LE one.
BYTE_ORDER_MARKS = ((b"\x00\x00\xfe\xff", "utf-32-be"), (b"\xff\xfe\x00\x00", "utf-32-le"),
                    (b"\xfe\xff", "utf-16-be"), (b"\xff\xfe", "utf-16-le"))
BREAKS = str.maketrans({"\u2028": "\n", "\x85": "\n", "\v": "\n", "\u2029": "\n\n", "\f": "\n\n"})
# CSI sequences (colours, cursor moves: ESC [ 31 m) and two-character escapes, bounded so a
# stray ESC never makes the pattern scan far.
ANSI_ESCAPE = re.compile(r"\x1b(?:\[[0-?]{0,32}[ -/]{0,8}[@-~]|[@-Z\\-_])")
# C0 and C1 controls but tab and newline (CR, VT, FF and NEL are breaks by then), DEL, and
# byte-order marks left inside the text (concatenated files).
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ufeff]")


def decode(data: bytes, source: str, problems: Problems) -> str | None:
    """Bytes -> text with LF line ends and no byte-order mark, or None when it is not text."""
    text = _decode_marked(data)
    if text is None:
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
    text = text.lstrip("\ufeff")  # a mark written twice
    if _looks_binary(text):
        problems.add(source, "binary", "mostly control characters: not a text file", "skipped")
        return None
    return normalise_newlines(text)


def _decode_marked(data: bytes) -> str | None:
    for mark, encoding in BYTE_ORDER_MARKS:
        if data.startswith(mark):
            try:
                return data[len(mark):].decode(encoding)
            except UnicodeDecodeError:
                return None
    return None


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


def clean(text: str) -> tuple[str, int]:
    """The text with breaks normalised and control characters removed, and how many
    characters were removed."""
    text = normalise_newlines(text).translate(BREAKS)
    kept = CONTROL.sub("", ANSI_ESCAPE.sub("", text))
    return kept, len(text) - len(kept)


def clean_fields(fields: dict[str, str | None], source: str, problems: Problems) -> dict[str, str | None]:
    """`clean` applied to each field of one article, with one `control-characters` row for
    all of them. A title or other one-line field keeps no line break."""
    cleaned, removed = {}, 0
    for name, value in fields.items():
        if value is not None:
            value, count = clean(value)
            removed += count
            if name != "text":
                value = " ".join(line.strip() for line in value.split("\n") if line.strip())
        cleaned[name] = value
    if removed:
        problems.add(source, "control-characters",
                     f"removed {removed:,} control character{'s' if removed > 1 else ''}", "repaired")
    return cleaned
