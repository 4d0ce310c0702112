"""Entities: canonical names, roles, countries, NER repairs, corpus joins, people, co-occurrence."""

from __future__ import annotations

import re
import shutil

import pandas as pd
import pytest

from helpers import tables
from helpers.entities import (attention, attention_or_reason, busiest_article,
                              cooccurrence, cooccurrence_matrix, displacy_entities,
                              entity_view_html, extract_entities,
                              findings, mention_counts, most_mentioned, people)
from helpers.identity.mentions import NAMED_LABELS
from helpers.structure import Context, extract_sentences

from .conftest import FIXTURES, entity_rows


def entities_of(text: str, nlp, article_id: str = "fixture") -> pd.DataFrame:
    """The entities table of one text, from the entity step alone."""
    article = {"article_id": article_id, "title": text.split("\n", 1)[0], "text": text}
    return tables.frame("entities", extract_entities(Context(article, nlp(text))))


def fixture(name: str) -> str:
    return (FIXTURES / f"entities_{name}.txt").read_text(encoding="utf-8")


def mentions_of(entities: pd.DataFrame, canonical: str) -> pd.DataFrame:
    return entities[entities["canonical"] == canonical]


@pytest.fixture(scope="module")
def seed_entities(seed_analysis) -> pd.DataFrame:
    return seed_analysis.entities


# The seed, checked by hand ---------------------------------------------------------------

def test_seed_blinken_is_one_person_with_his_role(seed_entities, seed_text):
    blinken = mentions_of(seed_entities, "Antony Blinken")
    assert set(blinken["label"]) == {"PERSON"}
    assert set(blinken["role"]) == {"Secretary of State"}
    every_blinken = {match.start() for match in re.finditer("Blinken", seed_text)}
    assert set(blinken["end_char"] - len("Blinken")) == every_blinken


def test_seed_blinken_tagged_gpe_once_is_still_a_person(seed_entities):
    # spaCy tags "Blinken has been firm ..." as GPE; the article's majority says PERSON.
    slip = seed_entities[seed_entities["text"] == "Blinken"].iloc[-3]
    assert (slip["label"], slip["canonical"]) == ("PERSON", "Antony Blinken")


def test_seed_landsbergis_and_his_role(seed_entities):
    landsbergis = mentions_of(seed_entities, "Gabrielius Landsbergis")
    assert len(landsbergis) == 1
    assert landsbergis.iloc[0][["label", "role"]].tolist() == ["PERSON", "Lithuanian Foreign Minister"]


@pytest.mark.parametrize("canonical", ["North Atlantic Treaty Organization", "Russia", "Ukraine", "Lithuania", "United States",
                                       "United Nations"])
def test_seed_places_and_organisations(seed_entities, canonical):
    assert len(mentions_of(seed_entities, canonical)) >= 1


def test_seed_poland_through_polish(seed_entities):
    polish = seed_entities[seed_entities["text"] == "Polish"]
    assert len(polish) == 2
    assert set(polish["label"]) == {"NORP"} and set(polish["country"]) == {"Poland"}


def test_seed_headline_phrase_is_not_an_entity(seed_entities):
    assert not seed_entities["text"].str.contains("Deployments").any()
    assert not (seed_entities["text"] == "State").any()  # part of "Secretary of State"


def test_seed_russia_possessive_and_the_united_states(seed_entities, seed_text):
    russia = mentions_of(seed_entities, "Russia")
    assert set(russia["text"]) == {"Russia"}
    assert seed_text[russia.iloc[0]["end_char"]] == "’"
    assert set(mentions_of(seed_entities, "United States")["text"]) == {"United States"}


# The offset invariant ----------------------------------------------------------------------

@pytest.mark.parametrize("name", ["roles", "aliases", "demonyms", "headline", "surnames", "votes",
                                  "first_names", "unsafe", "corpus_a", "corpus_b"])
def test_offsets_sentences_and_paragraphs_are_true(nlp, name):
    text = fixture(name)
    doc = nlp(text)
    article = {"article_id": name, "title": text.split("\n", 1)[0], "text": text}
    context = Context(article, doc)
    entities = tables.frame("entities", extract_entities(context))
    sentences = pd.DataFrame(extract_sentences(context)).set_index("sentence")
    for row in entities.itertuples():
        assert text[row.start_char:row.end_char] == row.text
        assert row.text == row.text.strip() and row.label in NAMED_LABELS
        sentence = sentences.loc[row.sentence]
        assert sentence.start_char <= row.start_char < row.end_char <= sentence.end_char
        assert sentence.paragraph == row.paragraph
    assert entities[["start_char", "end_char"]].apply(tuple, axis=1).is_unique


def test_seed_offsets_are_true(seed_analysis):
    text = seed_analysis.articles.iloc[0]["text"]
    for row in seed_analysis.entities.itertuples():
        assert text[row.start_char:row.end_char] == row.text


# One rule at a time, on fixtures written for it ---------------------------------------------

def test_roles_before_the_name_and_in_apposition(nlp):
    entities = entities_of(fixture("roles"), nlp)
    persons = entities[entities["label"] == "PERSON"]
    role = {name: set(group) for name, group in persons.groupby("canonical")["role"]}
    assert role == {"Antony Blinken": {"US Secretary of State"},
                    "Annalena Baerbock": {"German Foreign Minister"},
                    "Jens Stoltenberg": {"secretary general of NATO"},
                    "Patricia Hewitt": {"Trade and Industry Secretary"}}


def test_title_words_and_portfolios_are_not_entities(nlp):
    texts = set(entities_of(fixture("roles"), nlp)["text"])
    assert not texts & {"State", "Trade and Industry", "Secretary of State"}
    assert {"US", "German", "NATO"} <= texts  # qualifiers that name real things stay


def test_honorific_surname_joins_full_name(nlp):
    entities = entities_of(fixture("roles"), nlp)
    assert set(entities.loc[entities["text"] == "Stoltenberg", "canonical"]) == {"Jens Stoltenberg"}
    assert set(entities.loc[entities["text"] == "Hewitt", "canonical"]) == {"Patricia Hewitt"}


def test_aliases_articles_and_possessives(nlp):
    entities = entities_of(fixture("aliases"), nlp)
    canonical = dict(zip(entities["text"], entities["canonical"]))
    for written in ("United States", "America", "US"):
        assert canonical[written] == "United States"
    assert canonical["U.S. Congress"] == "United States Congress"  # the gazetteer's longer name
    for written in ("UN", "U.N.", "United Nations"):
        assert canonical[written] == "United Nations"
    assert canonical["Russia"] == "Russia"
    assert canonical["Britain"] == canonical["UK"] == "United Kingdom"


def test_demonyms_give_countries(nlp):
    entities = entities_of(fixture("demonyms"), nlp)
    country = dict(zip(entities["text"], entities["country"]))
    assert country == {"Polish": "Poland", "Ukrainian": "Ukraine", "Lithuanian": "Lithuania",
                       "Poles": "Poland", "Ukrainians": "Ukraine", "French": "France",
                       "British": "United Kingdom"}
    assert set(entities["label"]) == {"NORP"}  # "Lithuanian" is tagged PERSON by spaCy
    assert dict(zip(entities["text"], entities["canonical"]))["Poles"] == "Polish"


def test_countries_named_as_places_carry_their_country(nlp):
    entities = entities_of(fixture("aliases"), nlp)
    assert entities.loc[entities["text"] == "US", "country"].tolist() == ["United States"]
    assert entities.loc[entities["label"] == "ORG", "country"].isna().all()


def test_headline_phrase_cut_back_to_a_name_the_body_knows(nlp):
    entities = entities_of(fixture("headline"), nlp)
    headline = entities[entities["paragraph"] == 0]
    assert headline[["text", "label"]].values.tolist() == [["Pentagon", "ORG"]]


def test_sentence_case_headline_is_left_to_spacy(nlp):
    text = "Blinken meets Landsbergis in Vilnius\n\nThe two ministers met on Monday."
    headline = entities_of(text, nlp).query("paragraph == 0")
    assert len(headline) >= 1


def test_headline_rule_needs_a_headline(nlp):
    text = fixture("headline")
    article = {"article_id": "untitled", "title": None, "text": text}
    entities = tables.frame("entities", extract_entities(Context(article, nlp(text))))
    assert "Pentagon Weighs New Rapid Response" in set(entities["text"])


def test_majority_label_repairs_a_slip(nlp):
    entities = entities_of(fixture("votes"), nlp)
    stoltenberg = mentions_of(entities, "Jens Stoltenberg")
    assert len(stoltenberg) == 4 and set(stoltenberg["label"]) == {"PERSON"}


def test_shared_surname_goes_to_the_latest_person_named(nlp):
    entities = entities_of(fixture("surnames"), nlp)
    smith = entities[entities["text"] == "Smith"].set_index("paragraph")["canonical"]
    assert smith[0] == "Smith"  # in the headline, before either Smith: no way to tell
    assert smith[1] == "Jane Smith"
    assert set(mentions_of(entities, "Robert Jones")["text"]) == {"Robert Jones", "Jones"}


def test_first_name_and_honorific_evidence(nlp):
    entities = entities_of(fixture("first_names"), nlp)
    canonical = dict(zip(entities["text"], entities["canonical"]))
    assert canonical["Steven"] == "Steven Gerrard"
    assert canonical["Kilroy-Silk"] == "Robert Kilroy-Silk"  # spaCy: ORG; "Mr" says PERSON
    assert set(entities.loc[entities["text"].isin(["Kilroy-Silk", "Fox"]), "label"]) == {"PERSON"}


# Across the corpus ----------------------------------------------------------------------

def test_surname_joins_a_full_name_from_another_article(tmp_path):
    import helpers

    for name in ("corpus_a", "corpus_b"):
        shutil.copy(FIXTURES / f"entities_{name}.txt", tmp_path / f"{name}.txt")
    result = helpers.analyze(tmp_path, cache=False)
    stoltenberg = result.entities[result.entities["text"].str.endswith("Stoltenberg")]
    assert set(stoltenberg["article_id"]) == {"corpus_a", "corpus_b"}
    assert set(stoltenberg["canonical"]) == {"Jens Stoltenberg"}


# Tables built on the entities ----------------------------------------------------------

def test_people_table(seed_entities):
    table = people(seed_entities)
    assert list(table.columns) == ["name", "role", "roles", "articles", "mentions"]
    assert table["name"].tolist() == ["Antony Blinken", "Gabrielius Landsbergis"]
    blinken = table.iloc[0]
    assert (blinken["role"], blinken["articles"], blinken["mentions"]) == ("Secretary of State", 1, 9)


def test_people_roles_ranked_by_articles_case_insensitively():
    entities = entity_rows(("a", "PERSON", "Ann Lee", "Foreign Minister", 0, 0),
                     ("b", "PERSON", "Ann Lee", "foreign minister", 0, 0),
                     ("c", "PERSON", "Ann Lee", "Prime Minister", 0, 0),
                     ("c", "PERSON", "Ann Lee", "Prime Minister", 1, 1))
    row = people(entities).iloc[0]
    assert (row["roles"], row["articles"], row["mentions"]) == ("Foreign Minister; Prime Minister", 3, 4)


def test_cooccurrence_counts_units_holding_both():
    entities = entity_rows(("a", "GPE", "Russia", None, 0, 0), ("a", "GPE", "Ukraine", None, 0, 0),
                     ("a", "GPE", "Russia", None, 0, 0), ("a", "ORG", "NATO", None, 1, 0),
                     ("b", "GPE", "Ukraine", None, 0, 0), ("b", "GPE", "Russia", None, 0, 0))
    by_sentence = cooccurrence(entities)
    assert by_sentence.values.tolist() == [["Russia", "Ukraine", 2, 2]]
    by_paragraph = cooccurrence(entities, unit="paragraph")
    assert by_paragraph.values.tolist() == [["Russia", "Ukraine", 2, 2], ["NATO", "Russia", 1, 1],
                                            ["NATO", "Ukraine", 1, 1]]
    matrix = cooccurrence_matrix(entities, unit="paragraph", top=3)
    assert list(matrix.index) == ["Russia", "Ukraine", "NATO"]
    assert (matrix.values == matrix.values.T).all() and (matrix.values.diagonal() == 0).all()
    assert matrix.loc["NATO", "Ukraine"] == 1
    with pytest.raises(ValueError):
        cooccurrence(entities, unit="article")


def test_cooccurrence_on_the_seed(seed_entities):
    pairs = cooccurrence(seed_entities)
    top = pairs.iloc[0]
    assert (top["entity_a"], top["entity_b"]) == ("Antony Blinken", "North Atlantic Treaty Organization")
    assert (pairs["entity_a"] < pairs["entity_b"]).all()


def test_mention_counts_and_attention():
    entities = entity_rows(("a", "GPE", "Russia", None, 0, 0), ("a", "GPE", "Ukraine", None, 0, 0),
                     ("b", "GPE", "Russia", None, 0, 0), ("b", "GPE", "Russia", None, 1, 1))
    counts = mention_counts(entities)
    assert counts[["canonical", "mentions", "articles"]].values.tolist() == [["Russia", 3, 2], ["Ukraine", 1, 1]]
    articles = pd.DataFrame({"article_id": ["a", "b"], "outlet": ["X", "Y"],
                             "date": pd.to_datetime(["2022-03-01", "2022-04-02"])})
    by_outlet = attention(entities, articles, by="outlet")
    assert by_outlet.loc["X"].tolist() == [50.0, 50.0] and by_outlet.loc["Y"].tolist() == [100.0, 0.0]
    monthly = attention(entities, articles, by="date", freq="M")
    assert list(monthly.index) == [pd.Timestamp("2022-03-01"), pd.Timestamp("2022-04-01")]
    assert len(attention(entities, articles, by="date")) == 33  # a span of a month: one row a day


def test_attention_over_time_leaves_months_without_articles_blank():
    entities = entity_rows(("a", "GPE", "Russia", None, 0, 0), ("b", "GPE", "Russia", None, 0, 0))
    articles = pd.DataFrame({"article_id": ["a", "b"], "outlet": [None, None],
                             "date": pd.to_datetime(["2022-01-10", "2022-05-02"])})
    shares = attention(entities, articles, by="date")
    assert shares.index[0] == pd.Timestamp("2022-01-10") and shares["Russia"].notna().sum() == 2
    assert shares["Russia"].isna().sum() == len(shares) - 2  # weeks without an article are gaps, not zeros


def test_a_name_counts_under_the_label_most_of_its_mentions_carry():
    entities = entity_rows(("a", "PERSON", "Redonda", None, 0, 0), ("a", "GPE", "Redonda", None, 1, 1),
                           ("b", "GPE", "Redonda", None, 0, 0), ("b", "PERSON", "Ann Lee", None, 1, 1)
                           ).assign(role=None, country=None)
    counts = mention_counts(entities)
    assert counts[["canonical", "label", "mentions"]].values.tolist() == [["Redonda", "GPE", 3], ["Ann Lee", "PERSON", 1]]
    assert findings(entities, pd.DataFrame({"article_id": ["a", "b"]}))[1] == "Most mentioned person: Ann Lee (1 mention in 1 article)."


def test_most_mentioned_by_kind_and_busiest_article(seed_entities):
    table = most_mentioned(seed_entities, per_kind=2)
    assert table.values.tolist() == [["person", "Antony Blinken", "PERSON", 9, 1],
                                     ["person", "Gabrielius Landsbergis", "PERSON", 1, 1],
                                     ["organisation", "North Atlantic Treaty Organization", "ORG", 9, 1],
                                     ["organisation", "United Nations", "ORG", 2, 1],
                                     ["place", "Ukraine", "GPE", 5, 1],
                                     ["place", "Russia", "GPE", 4, 1]]
    more = entity_rows(("b", "GPE", "Russia", None, 0, 0), ("a", "GPE", "Russia", None, 0, 0))
    assert busiest_article(more) == "a"


def test_summary_and_attention_reason_on_the_seed(seed_analysis):
    summary = findings(seed_analysis.entities, seed_analysis.articles)
    assert summary[1] == "Most mentioned person: Antony Blinken (9 mentions in 1 article)."
    assert "- Most mentioned person: Antony Blinken" in summary._repr_markdown_()
    shares, reason = attention_or_reason(seed_analysis.entities, seed_analysis.articles, by="outlet")
    assert shares is None and reason.startswith("This corpus has 1 article and 0 outlets")


# Showing entities safely -----------------------------------------------------------------

def test_entity_view_escapes_untrusted_text(nlp):
    text = fixture("unsafe")
    entities = entities_of(text, nlp)
    manual = displacy_entities(text, entities)
    assert manual["text"] == text and manual["ents"]
    html = entity_view_html(text, entities, title='<img src=x onerror="alert(1)">')
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<b>" not in html and "<img" not in html
    assert "Antony Blinken" in html


def test_entity_view_of_a_long_article_stops_after_the_paragraph_of_its_last_shown_mention():
    text = "\n\n".join(f"Minister Ana Varga{i} visited Lisbon on day {i}." for i in range(30))
    starts = [text.index(f"Lisbon on day {i}.") for i in range(30)]
    entities = pd.DataFrame({"start_char": starts, "end_char": [s + len("Lisbon") for s in starts],
                             "label": "GPE"})
    html = entity_view_html(text, entities, limit=10)
    assert "day 9." in html and "day 10." not in html
    assert "The first 10 of 30 mentions, up to the end of their paragraph" in html
    assert "The first" not in entity_view_html(text, entities, limit=30)


def test_a_sentences_opening_word_and_a_trimmed_title_do_not_bend_names(nlp):
    text = ("Robot news\n\nCar-maker Honda's humanoid robot Asimo has just got faster. "
            "Eventually Asimo could find gainful employment in offices.\n\n"
            "MR. EARNEST: You'd have to check with the Department of Justice about this.\n")
    entities = entities_of(text, nlp)
    assert set(entities.loc[entities["text"] == "Asimo", "canonical"]) == {"Asimo"}  # not "Eventually Asimo"
    justice = entities[entities["text"].str.startswith("Department")]
    assert justice["text"].tolist() == ["Department of Justice"]  # "Justice" is a title only at the end of a role
