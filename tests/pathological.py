"""Malformed and pathological inputs, written for the tests and `benchmarks/pathological.py`.

Texts are built from the seed article's own words (the project's sample corpus), so they
read like news: quotes, speakers, names, treaties. Each builder takes a size and returns
the same text for the same size.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

SEED_FILE = Path(__file__).resolve().parents[1] / "seeds" / "000_badd61db92428ef2.txt"
SENTENCE = ("Blinken said NATO would defend every inch of its territory under Article 5 of the "
            "North Atlantic Treaty, and he told Landsbergis that “Russia will fail.” ")


def _body() -> list[str]:
    """The seed article's paragraphs after its headline."""
    text = SEED_FILE.read_text(encoding="utf-8")
    return [p.strip() for p in text.split("\n\n")[1:] if p.strip()]


def _repeat_to(pieces: list[str], count: int) -> list[str]:
    return [pieces[i % len(pieces)] for i in range(count)]


def no_blank_line(chars: int) -> str:
    """An article of `chars` characters with no line break at all: the seed's paragraphs
    run together, over and over."""
    body = " ".join(_body())
    return (" ".join([body] * (chars // (len(body) + 1) + 1)))[:chars].rstrip()


def unbalanced_quotes(marks: int) -> str:
    """The seed's words with its quotation marks taken out and `marks` marks put back where
    they pair with nothing: an opening mark before every fifth word, a straight one after
    every seventh (so most never close)."""
    words = re.sub(r"[“”\"]", "", " ".join(_body())).split()
    out, placed, i = [], 0, 0
    while placed < marks:
        word = words[i % len(words)]
        if i % 5 == 0:
            word, placed = "“" + word, placed + 1
        if i % 7 == 3 and placed < marks:
            word, placed = word + '"', placed + 1
        out.append(word)
        i += 1
    return "Quotes Left Open\n\n" + " ".join(out) + "."


def long_sentence(words: int) -> str:
    """One sentence of `words` words: the seed's sentences joined by commas."""
    body = re.sub(r"[.!?](?=[”\"]?\s)", ",", " ".join(_body())).split()
    return "One Sentence\n\n" + " ".join(_repeat_to(body, words)) + "."


def repeated_sentence(times: int) -> str:
    """A paragraph of one sentence written `times` times."""
    return "The Same Again\n\n" + (SENTENCE * times).rstrip()


# (name, builder, two sizes: the second twice the first) timed by the benchmark
CASES = (
    ("no-blank-line", no_blank_line, (1_000_000, 2_000_000)),
    ("unbalanced-quotes", unbalanced_quotes, (10_000, 20_000)),
    ("long-sentence", long_sentence, (25_000, 50_000)),
    ("repeated-sentence", repeated_sentence, (2_000, 4_000)),
)


def write_bad_inputs(folder: Path, scale: float = 0.05) -> dict[str, str]:
    """Every malformed and pathological case as files in `folder`; the pathological texts
    at `scale` times the benchmark's first size. Returns file name -> what the run should
    make of it: `article` (read, repaired or not) or a problem code (skipped)."""
    folder.mkdir(parents=True, exist_ok=True)
    expected = {}

    def write(name: str, data: str | bytes, outcome: str) -> None:
        path = folder / name
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
        expected[name] = outcome

    write("deep.json", "[" * 20_000 + "]" * 20_000, "too-large")
    write("deep-record.jsonl", '{"text": "A record that reads well enough to be an article."}\n'
                               + "[" * 20_000 + "]" * 20_000 + "\n", "article")
    write("broken.json", '{"text": "never closed', "malformed")
    write("binary.txt", bytes(range(256)) * 4, "binary")
    write("empty.txt", "  \n", "empty")
    story = "Talks Resume\n\nThe minister said the talks on the treaty would resume in Geneva."
    write("utf16.txt", story.replace("Resume", "Resume in UTF-16").encode("utf-16"), "article")
    write("utf16be.txt", b"\xfe\xff" + story.replace("Geneva", "Bern").encode("utf-16-be"), "article")
    write("utf32.txt", story.replace("Geneva", "Vienna").encode("utf-32"), "article")
    write("bom.txt", b"\xef\xbb\xbf" + story.replace("Geneva", "Oslo").encode(), "article")
    write("ansi.txt", "\x1b[31mRed Alert\x1b[0m\n\nThe minister\x07 said the bell rang in Rome.",
          "article")
    write("separators.txt", "Headline Runs On\u2029The minister said the talks went on.\u2028"
                            "A second line.\fA new page.", "article")
    write("nested.html", "<html><head><title>Deep Page</title></head><body>" + "<div>" * 3000
          + "<p>" + "The minister said the talks would resume next week in Lisbon. " * 5 + "</p>"
          + "</div>" * 3000 + "</body></html>", "article")
    write("records.jsonl", "\n".join([json.dumps({"id": "ok-1", "text": "The envoy said the deal held."}),
                                      "{not json", json.dumps([1, 2]),
                                      json.dumps({"id": "ok-2", "title": "Bell\u0007",
                                                  "text": "The envoy said the truce held."})]),
          "article")
    write("rows.csv", 'id,title,text\nc-1,First,"The mayor said the bridge would reopen."\n'
                      'c-2,Second,\nc-3,"Third\x1b[1m","The council said it would not."\n', "article")
    for name, builder, sizes in CASES:
        write(f"{name}.txt", builder(max(int(sizes[0] * scale), 1)), "article")
    return expected
