"""Sentiment: the table's levels and values, target_sentiment, explanations, the model file."""

from __future__ import annotations

import json
import time

import numpy as np
import pandas as pd
import pytest
import spacy

import helpers
from helpers import sentiment
from helpers.pipeline import DEFAULT_MODEL, load_model
from tests.conftest import FIXTURES, ROOT, analyse_text

LEVELS = {"article", "paragraph", "sentence", "quote", "entity"}
TARGETS = json.loads((FIXTURES / "sentiment_targets.json").read_text(encoding="utf-8"))


def spans_of(text: str, mentions: list[str]) -> list[tuple[int, int]]:
    return [(text.index(m), text.index(m) + len(m)) for m in mentions]


# The table on the seed article

def test_seed_has_every_level(seed_analysis):
    table = seed_analysis.sentiment
    assert set(table["level"]) == LEVELS
    assert (table["level"] == "article").sum() == 1
    assert (table["level"] == "paragraph").sum() == len(seed_analysis.paragraphs)
    assert (table["level"] == "sentence").sum() == len(seed_analysis.sentences)


def test_seed_values_are_in_range(seed_analysis):
    table = seed_analysis.sentiment
    assert table["score"].between(-1, 1).all()
    assert set(table["label"]) <= {"negative", "neutral", "positive"}
    assert set(table["method"]) == {"vader", "target-minilm"}  # the default
    assert set(table.loc[table["method"] == "target-minilm", "level"]) == {"entity"}


def test_seed_units_point_at_their_rows(seed_analysis):
    table = seed_analysis.sentiment
    quotes = table[table["level"] == "quote"]
    assert set(quotes["unit"]) == set(seed_analysis.quotes["quote_id"])
    entities = table[table["level"] == "entity"]
    assert entities["start_char"].isna().all() and entities["end_char"].isna().all()
    assert {"Russia", "Ukraine", "North Atlantic Treaty Organization"} <= set(entities["unit"])
    starts = dict(zip(seed_analysis.sentences["sentence"].astype(str), seed_analysis.sentences["start_char"]))
    sentences = table[table["level"] == "sentence"]
    assert list(sentences["start_char"]) == [starts[unit] for unit in sentences["unit"]]


def test_label_agrees_with_score_for_tone(seed_analysis):
    table = seed_analysis.sentiment
    tone = table[table["method"] == "vader"]
    assert (tone["label"] == tone["score"].map(sentiment.label_for)).all()


def test_extraction_is_deterministic(nlp, seed_text):
    first = analyse_text(seed_text, nlp)["sentiment"]
    second = analyse_text(seed_text, nlp)["sentiment"]
    assert first == second and first


# Text that cannot be judged

@pytest.mark.parametrize(("text", "flag"), [
    ("", "empty"), ("   \n\n ", "empty"), ("12 34", "empty"), ("Tusk", "too-short"),
    ("Russia wins", "too-short"),
    ("Это очень плохо и ужасно сегодня", "not-english"),
    ("El gobierno de España anunció el lunes una nueva ayuda militar para Ucrania.", "not-english"),
])
def test_unjudged_text_is_neutral_with_a_flag(text, flag):
    assert sentiment.text_flag(text) == flag
    assert sentiment.tone(text) == (0.0, "neutral", flag)


def test_english_headline_is_judged():
    assert sentiment.text_flag("Russia Invades Ukraine") is None
    assert sentiment.tone("A terrible, brutal war")[1] == "negative"


def test_non_english_article_is_neutral_and_flagged(nlp):
    text = (FIXTURES / "sentiment_german.txt").read_text(encoding="utf-8")
    rows = analyse_text(text, nlp)["sentiment"]
    assert rows and all(row["label"] == "neutral" and row["score"] == 0 for row in rows)
    assert {row["flag"] for row in rows} == {"not-english"}


@pytest.mark.parametrize("text", ["", "   ", "Hi."])
def test_tiny_article_gives_rows_without_error(nlp, text):
    rows = analyse_text(text, nlp)["sentiment"]
    article = [row for row in rows if row["level"] == "article"]
    assert len(article) == 1 and article[0]["label"] == "neutral" and article[0]["flag"]


# Sentiment towards a mention

@pytest.mark.parametrize("case", TARGETS, ids=[case["text"][:30] for case in TARGETS])
def test_two_targets_in_one_sentence_get_their_own_labels(case):
    mentions = [mention for mention, _ in case["targets"]]
    expected = [label for _, label in case["targets"]]
    assert helpers.target_sentiment(case["text"], spans_of(case["text"], mentions)) == expected


def test_target_sentiment_edge_cases():
    assert helpers.target_sentiment("", [(0, 0)]) == ["neutral"]
    assert helpers.target_sentiment("Some text here.", []) == []
    text = "The minister praised the brave rescuers."
    assert helpers.target_sentiment(text, [(0, 0), (3, 3), (50, 60), (4, 12)])[:3] == ["neutral"] * 3


def test_target_sentiment_is_deterministic():
    case = TARGETS[0]
    spans = spans_of(case["text"], [m for m, _ in case["targets"]])
    first = sentiment.score_targets(case["text"], spans)
    assert all(sentiment.score_targets(case["text"], spans) == first for _ in range(3))
    assert all(-1 <= row["score"] <= 1 for row in first)


def test_many_texts_parsed_ahead_score_as_each_text_alone():
    items = [(case["text"], spans_of(case["text"], [m for m, _ in case["targets"]])) for case in TARGETS]
    items = (items * (sentiment.SCORED_TOGETHER // len(items) + 2))[:sentiment.SCORED_TOGETHER + 3]
    together = sentiment.score_targets_many(items)
    assert len(together) == len(items) > sentiment.SCORED_TOGETHER
    for (text, spans), rows in zip(items, together):
        alone = sentiment.score_targets(text, spans)
        assert [row["label"] for row in rows] == [row["label"] for row in alone]
        assert [row["score"] for row in rows] == pytest.approx([row["score"] for row in alone], abs=1e-4)


# Explanations

@pytest.mark.parametrize("method", sentiment.TARGET_MODELS)
def test_target_explanation_names_the_words_that_pushed(method):
    case = TARGETS[0]
    text = case["text"]
    (putin,) = spans_of(text, ["Putin"])
    weights = sentiment.explain_target(text, *putin, method)
    # The mention's own contextual vector (target-minilm) carries what the encoder read
    # around it, so the words to name are the others.
    words = {text[start:end]: weight for start, end, weight in weights if start not in range(*putin)}
    assert words["condemned"] < 0 and words["praised"] > 0
    assert min(words, key=words.get) in {"condemned", "brutal", "invasion"}
    assert all(0 <= start < end <= len(text) for start, end, _ in weights)


@pytest.mark.parametrize("method", sentiment.TARGET_MODELS)
def test_target_explanation_adds_up_to_the_score(method):
    """Every word's push, word vectors included, sums to the model's positive-minus-negative
    logit (less the intercept): the explanation is the model, not an approximation."""
    text = "The mayor thanked the volunteers, but critics accused the council of wasting money."
    doc = sentiment.parse_for_targets([text])[0]
    model = sentiment.load_target_model(method)
    positive, negative = model.classes.index("positive"), model.classes.index("negative")
    for mention in ("mayor", "volunteers", "council"):
        start = text.index(mention)
        span = sentiment.mention_span(doc, start, start + len(mention))
        rows = sentiment.sentence_rows([span.sent], model.vector_source)[0]
        features, vectors = sentiment.mention_features(span), sentiment.mention_vectors(span, rows)
        logits = model.logits(features, vectors)
        pushes = model.token_weights(features, vectors)
        expected = logits[positive] - logits[negative] - (model.intercept[positive] - model.intercept[negative])
        assert sum(pushes.values()) == pytest.approx(expected, abs=1e-6)
        assert set(vectors) == set(sentiment.VECTOR_GROUPS)


def test_a_sentences_words_kept_for_its_mentions_give_the_features_computed_afresh():
    from helpers.mention_features import SentenceWords

    text = ("Critics did not praise the mayor, and the council, which wasted money, "
            "blamed Russia and China for the brutal war.")
    doc = sentiment.parse_for_targets([text])[0]
    spans = [sentiment.mention_span(doc, text.index(m), text.index(m) + len(m))
             for m in ("Critics", "mayor", "council", "Russia", "China", "war")]
    words = SentenceWords(spans[0].sent)
    assert {doc[i].lower_ for i in words.valences} >= {"praise", "wasted", "blamed", "brutal", "war"}
    assert words.valences[text.split().index("praise")] < 0  # "did not praise"
    for span in spans:
        afresh = sentiment.mention_features(span)
        assert sentiment.mention_features(span, words) == afresh
        assert any(name.startswith("lex:") for name, _, _ in afresh)


@pytest.mark.parametrize("source", ["tok2vec", "minilm"])
def test_word_vectors_of_a_sentence_do_not_depend_on_its_neighbours(source):
    sentence = "Critics accused the council of wasting money."
    alone = sentiment.parse_for_targets([sentence])[0]
    longer = sentiment.parse_for_targets(["The mayor spoke on Monday. " + sentence])[0]
    (first,) = list(alone.sents)
    last = list(longer.sents)[-1]
    assert last.text == first.text
    rows_alone, rows_inside = sentiment.sentence_rows([first, last], source)
    assert rows_alone.shape == rows_inside.shape == (len(first), 96 if source == "tok2vec" else 384)
    assert abs(rows_alone - rows_inside).max() < 1e-5


def test_tone_explanation_follows_the_lexicon_and_negation():
    text = "The talks were not good; the shelling was terrible."
    words = {text[s:e]: w for s, e, w in sentiment.explain_tone(text)}
    assert words["good"] < 0 and words["terrible"] < 0
    assert sentiment.explain_tone("Great progress")[0][2] > 0


def test_explanation_html_escapes_article_text():
    text = 'He said <script>alert("x")</script> was a terrible idea.'
    rendered = sentiment.explanation_html(text, sentiment.explain_tone(text))
    assert "<script>" not in rendered and "&lt;script&gt;" in rendered
    assert "terrible" in rendered and "rgba(220,38,38" in rendered


# The model file

@pytest.mark.parametrize("method", sentiment.TARGET_MODELS)
def test_model_file_is_small_json_without_pickle(method):
    path = sentiment.model_path(method)
    assert path.stat().st_size < 20_000_000
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["classes"] == ["negative", "neutral", "positive"]
    assert set(data["vectors"]) == set(sentiment.VECTOR_GROUPS)
    assert all(len(row) == 3 for matrix in data["vectors"].values() for row in matrix)
    assert "dev" in data["trained_on"]
    assert (data["method"], data["vector_source"]) == (method, sentiment.TARGET_MODELS[method][1])
    assert not list(path.parent.glob("*.pkl")) and not list(path.parent.glob("*.joblib"))


@pytest.mark.parametrize("method", sentiment.TARGET_MODELS)
def test_model_loads_in_under_five_seconds(method):
    from helpers.encoder import MiniLM, model_folder

    started = time.perf_counter()
    model = sentiment.TargetModel.load(method)
    if model.vector_source == "minilm":
        MiniLM(model_folder())  # the encoder is part of loading this one
    assert time.perf_counter() - started < 5
    assert len(model.weights) > 1000


@pytest.mark.parametrize("method", sentiment.MODEL_FILES)
def test_training_script_reproduces_the_shipped_model(shared_dir, tmp_path, method):
    import subprocess
    import sys

    out = tmp_path / "model.json"
    script = "train_stance.py" if method in sentiment.STANCE_MODELS else "train_sentiment.py"
    subprocess.run([sys.executable, str(ROOT / "scripts" / script), "--method", method,
                    "--out", str(out)], check=True, capture_output=True)
    rebuilt, shipped = json.loads(out.read_text()), json.loads(sentiment.model_path(method).read_text())
    numbers = ("weights", "vectors", "intercept")
    assert {k: v for k, v in rebuilt.items() if k not in numbers} == {
        k: v for k, v in shipped.items() if k not in numbers}
    # Equal up to float noise: word vectors computed with another number of BLAS threads
    # (Dask sets it to one in this process) differ in the last bits.
    assert np.allclose(rebuilt["intercept"], shipped["intercept"], atol=1e-3)
    for group in shipped["vectors"]:
        assert np.allclose(rebuilt["vectors"][group], shipped["vectors"][group], atol=1e-3)
    names = set(rebuilt["weights"]) | set(shipped["weights"])
    assert all(np.allclose(rebuilt["weights"].get(name, 0), shipped["weights"].get(name, 0), atol=1e-3)
               for name in names)


def test_notebook_helpers_on_the_seed(seed_analysis):
    from helpers import sentiment_report

    assert sentiment_report.main_entities(seed_analysis) == ["North Atlantic Treaty Organization", "Ukraine", "Russia"]
    lines = sentiment_report.findings(seed_analysis, ["Russia"])
    assert lines[0].startswith("1 article judged") and any(l.startswith("Towards Russia") for l in lines)
    assert lines[1].startswith("In the longest article, “Blinken: NATO Looking at More Permanent Troop")
    mentions = sentiment_report.mention_sentiment(seed_analysis, ["Russia"])
    explained = sentiment_report.explained_mentions(seed_analysis, mentions, limit=2)
    listing = sentiment_report.mention_listing(seed_analysis, mentions)
    assert list(listing.columns) == ["entity", "article_id", "sentiment", "score", "sentence"]
    assert len(listing) == len(mentions) and listing["sentence"].str.contains("Russia").all()
    assert len(explained) == 2 and all("strongest words" in caption for caption, _, _ in explained)
    by_month = sentiment_report.entity_sentiment_by(seed_analysis, "date", ["Russia"])
    assert by_month.empty  # the seed article has no date
    dated = type(seed_analysis)(**{**seed_analysis.__dict__, "articles": seed_analysis.articles.assign(
        date=pd.Timestamp("2022-06-14"))})
    by_month = sentiment_report.entity_sentiment_by(dated, "date", ["Russia"])
    assert by_month.index.tolist() == ["Jun 2022"] and by_month.index.name == "month"
    assert list(by_month.columns) == ["Russia"] and -1 <= by_month.iloc[0, 0] <= 1


def test_word_vectors_come_from_the_pinned_pipeline_whichever_parsed_the_doc(nlp):
    # The model's vector weights were trained on the pinned pipeline's embedding layer, so a
    # doc parsed by another pipeline (here a blank one) gets the same rows.
    text = "Critics condemned the ministry for its reckless plan."
    parsed = nlp(text)
    blank = spacy.blank("en")(text)
    for source in ("tok2vec", "minilm"):
        assert np.allclose(*sentiment.sentence_rows([parsed[:], blank[:]], source))


def test_word_vectors_kept_across_docs_equal_the_embedding_layer_run_on_each_doc(nlp):
    embed = load_model(DEFAULT_MODEL).get_pipe("tok2vec").model.get_ref("embed")
    docs = [nlp("Ukraine's president thanked NATO allies."),
            nlp("NATO allies condemned the strikes on Ukraine's cities."), nlp("")]
    for doc, rows in zip(docs, sentiment.sentence_rows([doc[:] for doc in docs], "tok2vec")):  # the second reuses rows of the first
        assert rows.shape == (len(doc), 96)
        assert np.array_equal(rows, np.asarray(embed.predict([doc])[0], dtype=float))


@pytest.mark.parametrize("change", [{"vector_window": sentiment.VECTOR_WINDOW + 2},
                                    {"vector_source": "minilm"}])
def test_a_model_file_trained_with_other_word_vector_settings_is_refused(tmp_path, change):
    model = json.loads(sentiment.model_path("target-lr").read_text(encoding="utf-8"))
    changed = tmp_path / "target_sentiment.json"
    changed.write_text(json.dumps({**model, **change}), encoding="utf-8")
    with pytest.raises(ValueError, match="rebuild it with scripts/train_sentiment.py"):
        sentiment.TargetModel.load("target-lr", changed)
