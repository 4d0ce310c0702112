"""The learned attribution model beside the quote rules (`helpers/quotes/learned.py`): what it
adds, that it leaves the rules' rows alone, its plain-JSON weights, and that
scripts/train_attribution.py still makes it."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from tests.conftest import FIXTURES, ROOT, analyse_text
from helpers.quotes import extract_quotes, learned


def quotes_both_ways(text: str, nlp) -> tuple[list[dict], list[dict]]:
    """The quote rows of a text with the rules alone and with rules + model."""
    from helpers.analysis import EXTRACTORS
    from helpers.articles import count_words
    from helpers.structure import Context

    article = {"article_id": "fixture", "title": text.split("\n", 1)[0], "text": text,
               "source_path": "fixture.txt", "date": None, "outlet": None, "url": None,
               "n_words": count_words(text)}
    out = []
    for use_model in (False, True):
        context = Context(article, nlp(text))
        for name, extractor in EXTRACTORS:
            if name == "quotes":
                break
            context.tables[name] = extractor(context)
        out.append(extract_quotes(context, learned=use_model))
    return out[0], out[1]


@pytest.mark.parametrize("sentence, cue, speaker, content", [
    ("Polls show Clinton with a narrow lead in Ohio and Florida.", "show", "Polls", "a narrow lead in Ohio"),
    ("Trump vowed to build a wall on the southern border.", "vowed", "Trump", "to build a wall"),
    ("Clinton's claim that the economy is stronger than ever drew criticism.", "claim", "Clinton",
     "the economy is stronger"),
    ("The report found that most of the money went to consultants.", "found", "The report",
     "most of the money went to consultants"),
    ("The senator denied any wrongdoing in the matter.", "denied", "The senator", "any wrongdoing"),
])
def test_the_model_finds_reports_the_rules_miss(nlp, sentence, cue, speaker, content):
    rules, combined = quotes_both_ways(f"Title\n\n{sentence}", nlp)
    assert not any(content in row["text"] for row in rules)
    [row] = [row for row in combined if content in row["text"]]
    assert (row["attribution"], row["kind"], row["cue"], row["speaker"]) == ("model", "indirect", cue, speaker)


def test_the_model_leaves_the_rules_rows_as_they_are(nlp):
    for path in sorted(FIXTURES.glob("quotes_*.txt")):
        rules, combined = quotes_both_ways(path.read_text(encoding="utf-8"), nlp)
        # numbered after the model's rows join them: the rest must be the same
        kept = [{k: v for k, v in r.items() if k != "quote_id"} for r in combined if r["attribution"] != "model"]
        assert kept == [{k: v for k, v in r.items() if k != "quote_id"} for r in rules], path.name


def test_model_rows_take_no_word_that_another_row_holds(nlp):
    for path in sorted(FIXTURES.glob("quotes_*.txt")):
        rows = analyse_text(path.read_text(encoding="utf-8"), nlp, path.stem)["quotes"]
        for row in (r for r in rows if r["attribution"] == "model"):
            for other in (r for r in rows if r is not row):
                overlap = min(row["end_char"], other["end_char"]) - max(row["start_char"], other["start_char"])
                assert overlap <= 0.3 * (row["end_char"] - row["start_char"]), (row["text"], other["text"])
                assert not other["start_char"] <= row["cue_start_char"] < other["end_char"]


def test_a_lower_threshold_finds_more_and_none_finds_nothing(nlp):
    from helpers.quotes.reader import Reader
    from helpers.structure import Context

    text = ("Title\n\nThe mayor vowed to fix the roads. Critics doubt the plan will work, "
            "and the union wants higher pay.")
    context = Context({"article_id": "a", "title": "Title", "text": text}, nlp(text))
    reader = Reader(context)
    counts = [len(learned.learned_reports(reader, [], threshold=t)) for t in (1.0, 0.5, 0.05)]
    assert counts[0] == 0 and counts[0] <= counts[1] <= counts[2] and counts[2] >= 2


def test_an_article_without_sentences_gives_no_model_rows(nlp):
    for text in ("Title", "Title\n\n…", "Title\n\n“ ” , ."):
        rows = analyse_text(text, nlp)["quotes"]
        assert not [r for r in rows if r["attribution"] == "model"]


def test_the_weights_are_plain_json_that_say_where_they_come_from():
    model = json.loads(learned.MODEL_FILE.read_text(encoding="utf-8"))
    assert "PolNeAR" in model["source"] and "train" in model["source"]
    assert 0 < model["threshold"] < 1
    for part in ("cue", "content"):
        assert isinstance(model[part]["bias"], float)
        assert len(model[part]["weights"]) > 1000
        assert all(isinstance(w, float) for w in model[part]["weights"].values())


def test_training_script_reproduces_the_shipped_model(shared_dir, tmp_path):
    """A fit on the first train articles (seconds, not the minutes of the whole corpus) gives
    the summary the shipped model holds of the same fit, and the same settings."""
    shipped = json.loads(learned.MODEL_FILE.read_text(encoding="utf-8"))
    articles = shipped["check"]["articles"]
    out = tmp_path / "model.json"
    subprocess.run([sys.executable, str(ROOT / "scripts" / "train_attribution.py"), "--limit", str(articles),
                    "--out", str(out), "--cache", str(tmp_path / "cache")], check=True, capture_output=True)
    rebuilt = json.loads(out.read_text())
    assert {k: rebuilt[k] for k in ("C", "min_count", "threshold")} == \
        {k: shipped[k] for k in ("C", "min_count", "threshold")}
    assert rebuilt["check"]["articles"] == articles
    for part in ("cue", "content"):
        want, got = shipped["check"][part], rebuilt[part]
        assert len(got["weights"]) == want["n_weights"]
        assert np.isclose(got["bias"], want["bias"], atol=1e-3)
        assert all(np.isclose(got["weights"][name], w, atol=1e-3) for name, w in want["weights"].items())


def test_the_model_adds_no_statement_by_i_or_we_thinking_aloud(nlp):
    text = ("Press briefing\n\n"
            "MR. EARNEST: We saw that that's what they were able to successfully do in Syria. "
            "And we saw they capitalized on some weakness and instability inside of Iraq to spread there. "
            "I just want to make sure all of you had a chance to make note of it.")
    _, with_model = quotes_both_ways(text, nlp)
    model_rows = [row for row in with_model if row["attribution"] == "model"]
    assert all((row["speaker"] or "").lower() not in learned.FIRST_AND_SECOND_PERSON for row in model_rows)
