"""The `stances` table: who says what about whom, and the summaries the notebook shows."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pandas as pd
import pytest

from helpers import plots, stances, tables
from helpers.identity import rename_stances
from tests.conftest import analyse_text


def by_target(rows: list[dict] | pd.DataFrame, quote_id: str | None = None) -> dict[str, dict]:
    records = rows.to_dict("records") if isinstance(rows, pd.DataFrame) else rows
    return {row["target"]: row for row in records if quote_id is None or row["quote_id"].endswith(quote_id)}


def quote_starting(analysis, words: str) -> str:
    """The id of the quote whose text starts with `words` (ids shift when a quote is added)."""
    [quote_id] = analysis.quotes.loc[analysis.quotes["text"].str.startswith(words), "quote_id"]
    return quote_id


def test_seed_stances_follow_the_issue(seed_analysis, seed_text):
    table = seed_analysis.stances
    assert list(table.columns[:12]) == list(tables.SCHEMAS["stances"])
    # "They are destroying critical infrastructure …": "They" is Russia, and the stance is negative
    destroying = by_target(table, quote_starting(seed_analysis, "They are destroying"))["Russia"]
    assert (destroying["speaker_name"], destroying["label"]) == ("Antony Blinken", "negative")
    assert seed_text[destroying["target_start_char"]:destroying["target_end_char"]] == "They"
    assert "destroying" in destroying["evidence"]
    # the two Article 5 quotes are the treaty speaking, kept with speaker_type document
    treaty = table[table["speaker_name"] == "North Atlantic Treaty"]
    assert len(treaty) and set(treaty["speaker_type"]) == {"document"}
    # "we the United States": the speaker's own side, not a target; "our Polish friends" is one
    assert "United States" not in by_target(table, "q008")
    assert "Polish" in by_target(table, "q012")


def test_the_accurate_path_judges_stances_with_the_stance_model(nlp):
    text = ("Talks collapse\n\n"
            "“Freedonia has lied to us and betrayed every promise it made,” the minister Ana Ruiz said.")
    found = {method: analyse_text(text, nlp, target_method=method)["stances"]
             for method in ("target-lr", "target-minilm")}
    assert [row["method"] for row in found["target-lr"]] == ["target-lr"]
    [row] = found["target-minilm"]
    assert (row["method"], row["target"], row["label"]) == ("stance-minilm", "Freedonia", "negative")


def test_every_target_lies_inside_its_statement(seed_analysis):
    quotes = seed_analysis.quotes.set_index("quote_id")
    for row in seed_analysis.stances.itertuples():
        quote = quotes.loc[row.quote_id]
        assert quote.start_char <= row.target_start_char < row.target_end_char <= quote.end_char
        assert row.label in ("negative", "neutral", "positive")
        assert -1 <= row.score <= 1
    assert not seed_analysis.stances.duplicated(["quote_id", "target"]).any()


def test_speakers_never_take_a_stance_towards_themselves(nlp):
    text = ("Mayor speaks\n\n"
            "Mayor Rosa Delgado said: “Rosa Delgado will not resign, and we will fight Harbourcorp in court.”")
    found = analyse_text(text, nlp)["stances"]
    targets = by_target(found)
    assert "Rosa Delgado" not in targets
    assert targets["Harbourcorp"]["speaker_name"] == "Rosa Delgado"


def test_pronouns_resolve_only_when_one_candidate_fits(nlp):
    one = ("Talks stall\n\n"
           "The minister was firm in her criticism of Freedonia. “They have broken every promise,” "
           "Ana Ruiz said.")
    two = ("Talks stall\n\n"
           "The minister criticised Freedonia and Sylvania. “They have broken every promise,” "
           "Ana Ruiz said.")
    resolved = by_target(analyse_text(one, nlp)["stances"])
    assert resolved["Freedonia"]["label"] == "negative"
    assert one[resolved["Freedonia"]["target_start_char"]:resolved["Freedonia"]["target_end_char"]] == "They"
    ambiguous = analyse_text(two, nlp)["stances"]
    assert all(row["target_start_char"] != two.index("They") for row in ambiguous)


def test_he_is_someone_else_than_the_speaker(nlp):
    text = ("Race tightens\n\n"
            "Senator Mark Holloway attacked Governor John Petrie on Tuesday. "
            "“He has failed this state,” Holloway said.")
    targets = by_target(analyse_text(text, nlp)["stances"])
    assert set(targets) == {"John Petrie"}
    assert targets["John Petrie"]["speaker_name"] == "Mark Holloway"
    assert targets["John Petrie"]["label"] == "negative"


def test_he_in_reported_speech_is_the_speaker(nlp):
    text = ("Race tightens\n\n"
            "Governor John Petrie spoke on Tuesday. Senator Mark Holloway said that he would "
            "never work with the governor's allies.")
    targets = by_target(analyse_text(text, nlp)["stances"])
    assert "John Petrie" not in {row["target"] for row in targets.values()
                                 if text[row["target_start_char"]:row["target_end_char"]] == "he"}


def test_descriptions_resolve_through_the_identity_layer(nlp):
    text = ("Inquiry widens\n\n"
            "The Federal Bureau of Investigation opened a case in March. Lawmakers also questioned "
            "Petra Lind, the former mayor, last week.\n\n"
            "Senator Mark Holloway said that the bureau had failed and that the former mayor "
            "should apologise.")
    targets = by_target(analyse_text(text, nlp)["stances"])
    bureau = targets["Federal Bureau of Investigation"]
    assert text[bureau["target_start_char"]:bureau["target_end_char"]] == "the bureau"
    assert text[targets["Petra Lind"]["target_start_char"]:targets["Petra Lind"]["target_end_char"]] \
        == "the former mayor"


def test_group_words_describing_a_person_are_no_target(nlp):
    text = ("Race tightens\n\n"
            "“The Democratic front-runner cannot win,” said Senator Mark Holloway. "
            "“Our Polish friends know it.”")
    targets = {row["target"] for row in analyse_text(text, nlp)["stances"]}
    assert "Democratic Party" not in targets and "Democratic" not in targets
    assert "Polish" in targets


def test_corpus_renaming_reaches_speakers_and_person_targets():
    table = tables.frame("stances", [
        {"article_id": "a", "quote_id": "a-q001", "speaker_name": "Brown", "speaker_type": "person",
         "target": "Brown", "target_type": "person", "target_start_char": 0, "target_end_char": 5,
         "score": 0.0, "label": "neutral", "evidence": "", "method": "target-lr"},
        {"article_id": "a", "quote_id": "a-q001", "speaker_name": "Brown", "speaker_type": "person",
         "target": "Brown", "target_type": "organization", "target_start_char": 6, "target_end_char": 11,
         "score": 0.0, "label": "neutral", "evidence": "", "method": "target-lr"}])
    renamed = rename_stances(table, {"Brown": "Gordon Brown"})
    assert list(renamed["speaker_name"]) == ["Gordon Brown", "Gordon Brown"]
    assert list(renamed["target"]) == ["Gordon Brown", "Brown"]  # an organisation is not renamed


class FakeAnalysis:
    def __init__(self, rows, quotes):
        self.stances = tables.frame("stances", rows)
        self.quotes = tables.frame("quotes", quotes)


def stance(quote, speaker, target, label, score):
    return {"article_id": "a", "quote_id": quote, "speaker_name": speaker, "speaker_type": "person",
            "target": target, "target_type": "person", "target_start_char": 0, "target_end_char": 1,
            "score": score, "label": label, "evidence": "", "method": "target-lr"}


@pytest.fixture
def small_corpus():
    rows = [stance("q1", "Ann", "Bob", "negative", -0.8), stance("q2", "Ann", "Bob", "negative", -0.4),
            stance("q3", "Ann", "Bob", "neutral", 0.0), stance("q4", "Ann", "Cy", "positive", 0.7),
            stance("q5", "Dee", "Bob", "positive", 0.5), stance("q6", None, "Bob", "negative", -0.9)]
    quotes = [{"article_id": "a", "quote_id": f"q{i}", "kind": "direct", "start_char": 0, "end_char": 1,
               "text": f"statement {i}", "paragraph": 0} for i in range(1, 7)]
    return FakeAnalysis(rows, quotes)


def test_pairs_count_named_speakers_with_an_interval(small_corpus):
    pairs = stances.stance_pairs(small_corpus)
    ann_bob = pairs[(pairs["speaker"] == "Ann") & (pairs["target"] == "Bob")].iloc[0]
    assert (ann_bob.statements, ann_bob.negative, ann_bob.neutral, ann_bob.positive) == (3, 2, 1, 0)
    assert ann_bob.balance == pytest.approx(-0.67, abs=0.01)
    assert -1 <= ann_bob.low < ann_bob.balance < ann_bob.high <= 1
    one = pairs[pairs["speaker"] == "Dee"].iloc[0]
    assert one.high - one.low > ann_bob.high - ann_bob.low  # one statement: a wider interval
    assert pairs["statements"].sum() == 5  # the unnamed speaker's stance is not a pair


def test_extreme_pairs_carry_their_strongest_statement(small_corpus):
    negative = stances.extreme_pairs(small_corpus, "negative")
    assert list(negative["speaker"]) == ["Ann"]
    assert negative.iloc[0]["strongest statement"] == "statement 1"
    positive = stances.extreme_pairs(small_corpus, "positive")
    assert set(positive["speaker"]) == {"Ann", "Dee"}


def test_matrix_keeps_the_top_and_sums_the_rest(small_corpus):
    matrix = stances.stance_matrix(small_corpus, speakers=1, targets=1)
    assert list(matrix.index) == ["Ann", "(other speakers)"]
    assert list(matrix.columns) == ["Bob", "(other targets)"]
    assert matrix.loc["Ann", "Bob"] == pytest.approx(-0.67, abs=0.01)
    assert matrix.loc["(other speakers)", "Bob"] == 1.0
    assert pd.isna(matrix.loc["(other speakers)", "(other targets)"])


def test_figures_and_findings_draw_from_the_pairs(small_corpus):
    shown, rest = stances.top_pairs(small_corpus, limit=2)
    assert len(shown) == 2 and rest == {"pairs": 1, "statements": 1}
    assert plots.stance_network(shown, rest).figure.get_suptitle() == "Who speaks about whom"
    assert plots.stance_heatmap(stances.stance_matrix(small_corpus)).figure.get_suptitle()
    lines = stances.findings(small_corpus)
    assert lines[0].startswith("6 stances in 6 statements (3 negative, 1 neutral, 2 positive)")
    assert any(line.startswith("Most negative: Ann about Bob") for line in lines)


def test_sentiment_and_stances_encode_each_sentence_once(nlp, seed_text, monkeypatch):
    # Both read the contextual vectors of the sentences they judge; the article's context
    # computes each sentence once for both, with the same tables as each computing its own.
    from helpers import encoder, sentiment
    from helpers.analysis import extract_article
    from helpers.articles import count_words
    from helpers.structure import Context

    encoded = []
    encode = encoder.MiniLM.sentence_rows
    monkeypatch.setattr(encoder.MiniLM, "sentence_rows",
                        lambda self, sentences: encoded.extend((s.start, s.end) for s in sentences)
                        or encode(self, sentences))
    article = {"article_id": "seed", "title": "seed", "text": seed_text, "source_path": "seed.txt",
               "date": None, "outlet": None, "url": None, "n_words": count_words(seed_text)}
    doc = nlp(seed_text)
    shared, problems = extract_article(article, doc, "target-minilm")
    assert not problems and shared["stances"]
    assert "target-minilm" in {row["method"] for row in shared["sentiment"]}
    assert len(encoded) == len(set(encoded))
    encoded.clear()
    monkeypatch.setattr(Context, "sentence_rows", lambda self, sentences, source:
                        sentiment.sentence_rows(sentences, source))
    alone, _ = extract_article(article, doc, "target-minilm")
    assert len(encoded) > len(set(encoded))  # without sharing, some are encoded twice
    assert alone["stances"] == shared["stances"] and alone["sentiment"] == shared["sentiment"]


def test_the_reader_table_names_unnamed_speakers_and_evidence_has_no_function_words(seed_analysis):
    shown = stances.stance_table(seed_analysis)
    assert shown["speaker_name"].notna().all() and len(shown) == len(seed_analysis.stances)
    words = {piece.rsplit(" ", 1)[0].lower() for evidence in shown["evidence"] if evidence
             for piece in evidence.split(", ")}
    assert words and not words & {"the", "to", "as", "of", "we", "this", "and"}
