"""Who is who: one name per entity within an article and across the corpus, speaker names
that agree with the entities under them, gazetteers, NER repairs, and the tables they reach."""

from __future__ import annotations

import pytest

from helpers import tables
from helpers.analysis import finalize_tables
from helpers.identity import finalize_names, speaker_entity_disagreements
from helpers.identity.names import alias_key, aliases, initials, known_people
from tests.conftest import analyse_text, entity_rows


def quote_of(found: dict, fragment: str) -> dict:
    rows = [row for row in found["quotes"] if fragment in row["text"]]
    assert len(rows) == 1, (fragment, [r["text"] for r in found["quotes"]])
    return rows[0]


def canonical_of(found: dict, text: str) -> set[str]:
    return {row["canonical"] for row in found["entities"] if row["text"] == text}


def agree(found: dict) -> None:
    """Every speaker mention that ends in an entity mention carries that entity's name."""
    quotes = tables.frame("quotes", found["quotes"])
    entities = tables.frame("entities", found["entities"])
    wrong, _ = speaker_entity_disagreements(quotes, entities)
    assert wrong.empty, wrong.to_dict("records")


# ---------------------------------------------------------------- speakers and entities agree

@pytest.mark.parametrize("text, fragment, name", [
    # a courtesy title is not part of a name, and the quote and the entity say the same
    ("Labour Answers\n\nSir Keir Starmer replied on Monday. “This is a mess,” said Sir Keir.",
     "This is a mess", "Keir Starmer"),
    # the head of "X, a Y of Z" is X
    ("Campus Vote\n\n“I will vote for the first time,” said Katelynn Lamoreaux, a Penn State freshman.",
     "I will vote", "Katelynn Lamoreaux"),
    ("Trade Talk\n\n“We played well tonight,” said Carlos Boozer of the Orlando Magic.",
     "We played well", "Carlos Boozer"),
    # hyphenated names stay whole
    ("Cabinet Row\n\nJody Wilson-Raybould resigned. “I had no choice,” Wilson-Raybould said.",
     "I had no choice", "Jody Wilson-Raybould"),
    # a well-known surname the tagger misses, speaking
    ("Rally\n\n“We will win this state,” Obama insisted on Friday.", "We will win", "Barack Obama"),
    # a surname alone with no fuller form in the article, and "Mrs" picks the woman
    ("Campaign 2016\n\nThe race tightened. “I am ready,” Mrs Clinton said.", "I am ready", "Hillary Clinton"),
    # "Mr." is not the woman the article names, but the well-known man of that surname
    ("Dinner\n\nMichelle Obama hosted the dinner. “We are glad you came,” Mr. Obama told the guests.",
     "glad you came", "Barack Obama"),
    # two people share a surname: the pronoun of the sentence tells which one
    ("Health Care\n\nHillary Clinton spoke in Ohio. Hillary Clinton also spoke in Iowa. Former President "
     "Bill Clinton spoke too. Clinton later said he “did not mean it.”", "did not mean it", "Bill Clinton"),
    # a country the tagger calls a person is still the country, never a person's surname
    ("Trade\n\nSouth Africa signed. “We are pleased,” said Jacob Zuma of South Africa.", "We are pleased",
     "Jacob Zuma"),
])
def test_speaker_name_is_the_entity_name(nlp, text, fragment, name):
    found = analyse_text(text, nlp)
    assert quote_of(found, fragment)["speaker_name"] == name
    agree(found)


def test_a_role_for_someone_else_is_an_unnamed_speaker(nlp):
    found = analyse_text("Ottawa\n\nJustin Trudeau left early. “The prime minister has no comment,” "
                         "a spokeswoman for Trudeau said.", nlp)
    row = quote_of(found, "no comment")
    assert (row["speaker_name"], row["speaker_type"]) == (None, "person")
    assert "Trudeau" not in row["speaker"]
    agree(found)


def test_a_pronoun_never_stands_for_an_organisation_or_a_man_for_she(nlp):
    text = ("School Trip\n\nCovington Catholic sent a letter. Mark Ellis, the principal, read it aloud. "
            "Anna Sorensen, a parent, listened.\n\n“It was unfair,” she said.")
    row = quote_of(analyse_text(text, nlp), "It was unfair")
    assert row["speaker_name"] == "Anna Sorensen"


@pytest.mark.parametrize("text, fragment, name, kind", [
    # a relative pronoun is the person its clause describes
    ("Budget Vote\n\nThe plan was backed by Anna Sorensen, who said it would “save the port from ruin.”",
     "save the port", "Anna Sorensen", "person"),
    # a description of an organisation is the organisation the article named last
    ("Paper Row\n\nThe Guardian published the memo on Monday. The newspaper said that “the memo was "
     "genuine and alarming.”", "genuine and alarming", "The Guardian", "organization"),
])
def test_who_and_descriptions_are_resolved(nlp, text, fragment, name, kind):
    row = quote_of(analyse_text(text, nlp), fragment)
    assert (row["speaker_name"], row["speaker_type"]) == (name, kind)


def test_a_quoted_title_is_a_work_not_a_person(nlp):
    found = analyse_text("Film News\n\nRenée Zellweger stars in “Judy,” the story of Judy Garland's "
                         "last concerts.", nlp)
    assert {row["label"] for row in found["entities"] if row["text"] == "Judy"} == {"WORK_OF_ART"}
    assert canonical_of(found, "Judy Garland") == {"Judy Garland"}


def test_shared_surnames_go_to_the_person_named_most_but_a_famous_one_wins(nlp):
    found = analyse_text("Family Business\n\nEric Trump toured the plant. Eric Trump praised the staff. "
                         "Donald Trump arrived later.\n\n“This is a great company,” Trump said.", nlp)
    assert quote_of(found, "great company")["speaker_name"] == "Donald Trump"
    agree(found)


# ---------------------------------------------------------------- organisations and aliases

def test_aliases_give_one_name_whatever_the_spelling(nlp):
    found = analyse_text("Inquiry\n\nThe F.B.I. opened a case. The FBI and the Justice Department "
                         "declined to comment, and the Department of Justice said nothing.", nlp)
    assert canonical_of(found, "F.B.I.") | canonical_of(found, "FBI") == {"Federal Bureau of Investigation"}
    names = canonical_of(found, "Justice Department") | canonical_of(found, "Department of Justice")
    assert names == {"United States Department of Justice"}


def test_an_acronym_the_article_defines_is_that_organisation(nlp):
    found = analyse_text("Grants\n\nThe Open Society Institute (OSI) funds schools. OSI said the "
                         "grants would continue.", nlp)
    assert canonical_of(found, "OSI") == {"Open Society Institute"}


def test_a_party_adjective_names_the_party_and_a_plural_its_members(nlp):
    found = analyse_text("Primary\n\nThe Democratic nominee spoke to Republicans in Ohio.", nlp)
    assert canonical_of(found, "Democratic") == {"Democratic Party"}
    assert canonical_of(found, "Republicans") == {"Republican"}


def test_alias_keys_and_initials():
    assert alias_key("F.B.I.") == alias_key("FBI") == "FBI"
    assert initials("Bilateral Security Agreement") == "BSA"
    assert aliases()[alias_key("Justice Department")][0] == "United States Department of Justice"
    assert {p["name"] for p in known_people()["clinton"]} == {"Bill Clinton", "Hillary Clinton"}


# ---------------------------------------------------------------- NER repairs

def test_a_place_is_not_a_person(nlp):
    found = analyse_text("Island Life\n\nVisitors rarely land on the island of Redonda. Natalya Lawrence "
                         "leads the Redonda restoration project.", nlp)
    labels = {row["label"] for row in found["entities"] if row["text"] == "Redonda"}
    assert labels and "PERSON" not in labels


def test_a_headline_full_name_stays_when_the_body_uses_a_first_name(nlp):
    found = analyse_text("Press Briefing by Press Secretary Jay Carney\n\nQ Jay, will the President sign "
                         "the bill? Jay, is that a yes?", nlp)
    assert canonical_of(found, "Jay") == {"Jay Carney"}


def test_a_transcript_courtesy_title_or_stage_direction_is_no_entity(nlp):
    found = analyse_text("Press Gaggle\n\nMR. GIBBS: Good morning. (Laughter.) MR. GIBBS: One more thing. "
                         "(Applause.)", nlp)
    assert not {row["text"] for row in found["entities"]} & {"MR", "MR.", "Laughter", "Applause"}


def test_a_tagging_slip_is_cut_back_to_the_name(nlp):
    found = analyse_text("Interview\n\nTrump told Business Insider he would win.", nlp)
    assert not any(" told " in row["text"] for row in found["entities"])


# ---------------------------------------------------------------- the corpus

def test_ambiguous_surname_stays_as_written():
    entities = entity_rows(("a", "PERSON", "John Smith", None, 0, 0), ("b", "PERSON", "Jane Smith", None, 0, 0),
                     ("c", "PERSON", "Smith", None, 0, 0), ("c", "GPE", "Jones", None, 0, 0),
                     ("d", "PERSON", "Robert Jones", None, 0, 0))
    finalized, _ = finalize_names(entities)
    assert finalized["canonical"].tolist() == ["John Smith", "Jane Smith", "Smith", "Jones", "Robert Jones"]


def test_corpus_majority_label_wins_for_a_clear_majority():
    rows = [(article, "ORG", "Labour", None, 0, 0) for article in "abcd"]
    rows += [("e", "PERSON", "Labour", "leader", 0, 0), ("e", "PERSON", "Glasgow", None, 1, 1),
             ("f", "GPE", "Glasgow", None, 0, 0)]
    finalized, _ = finalize_names(entity_rows(*rows))
    assert set(finalized.loc[finalized["canonical"] == "Labour", "label"]) == {"ORG"}
    assert finalized.loc[finalized["canonical"] == "Labour", "role"].isna().all()
    assert sorted(finalized.loc[finalized["canonical"] == "Glasgow", "label"]) == ["GPE", "PERSON"]


def test_surname_joins_the_most_mentioned_form_of_one_name():
    entities = entity_rows(("a", "PERSON", "George W. Bush", None, 0, 0), ("a", "PERSON", "George W. Bush", None, 1, 1),
                     ("b", "PERSON", "George Bush", None, 0, 0), ("c", "PERSON", "Bush", None, 0, 0))
    assert finalize_names(entities)[0]["canonical"].tolist()[-1] == "George W. Bush"


def test_names_differing_by_full_stops_are_spelled_one_way():
    entities = entity_rows(("a", "PERSON", "George W Bush", None, 0, 0), ("b", "PERSON", "George W Bush", None, 0, 0),
                     ("c", "PERSON", "George W. Bush", None, 0, 0), ("c", "GPE", "U.S.", None, 1, 1))
    assert finalize_names(entities)[0]["canonical"].tolist() == ["George W Bush"] * 3 + ["U.S."]


def test_the_corpus_renaming_reaches_quotes_entity_sentiment_and_stances():
    entities = entity_rows(("a", "PERSON", "Anna Varga", None, 0, 0), ("b", "PERSON", "Varga", None, 0, 0))
    quotes = tables.frame("quotes", [{"article_id": "b", "quote_id": "b-q001", "kind": "direct", "start_char": 0,
                                      "end_char": 1, "text": "x", "paragraph": 0, "speaker": "Varga", "speaker_start_char": 0,
                                      "speaker_end_char": 1, "speaker_name": "Varga", "speaker_type": "person"}])
    sentiment = tables.frame("sentiment", [{"article_id": "b", "level": "entity", "unit": "Varga",
                                            "score": 0.0, "label": "neutral", "method": "target-lr"}])
    stances = tables.frame("stances", [{"article_id": "b", "quote_id": "b-q001", "speaker_name": "Varga",
                                        "speaker_type": "person", "target": "Varga", "target_type": "person",
                                        "target_start_char": 0, "target_end_char": 1, "score": 0.0,
                                        "label": "neutral", "evidence": "", "method": "target-lr"}])
    final = finalize_tables({"entities": entities, "quotes": quotes, "sentiment": sentiment, "stances": stances})
    assert final["entities"]["canonical"].tolist() == ["Anna Varga", "Anna Varga"]
    assert final["quotes"]["speaker_name"].tolist() == ["Anna Varga"]
    assert final["sentiment"]["unit"].tolist() == ["Anna Varga"]
    assert final["stances"][["speaker_name", "target"]].values.tolist() == [["Anna Varga", "Anna Varga"]]


def test_seed_quotes_agree_with_entities(seed_analysis):
    wrong, checked = speaker_entity_disagreements(seed_analysis.quotes, seed_analysis.entities)
    assert checked >= 3 and wrong.empty


def test_shared_corpora_quotes_agree_with_entities(shared_dir):
    import helpers

    paths = sorted((shared_dir / "corpus" / "bbc-news" / "articles").glob("politics-0[0-2]*.txt"))
    paths += sorted((shared_dir / "data" / "polnear" / "dev" / "text").glob("*.txt"))[:15]
    paths += sorted((shared_dir / "corpus" / "whitehouse-briefings" / "articles").glob("wh000*.txt"))[:3]
    analysis = helpers.analyze([str(p) for p in paths], progress=False)
    wrong, checked = speaker_entity_disagreements(analysis.quotes, analysis.entities)
    assert checked >= 50 and wrong.empty, wrong.to_dict("records")
