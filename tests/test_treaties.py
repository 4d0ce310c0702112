"""Treaty references, the treaty list, quoted wording against official texts, who invokes what."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from helpers.structure import Context
from helpers.treaties import catalogue
from helpers.treaties import extract_treaty_refs, load_treaties, treaty_table
from helpers.treaty_texts import (check_quoted_wording, compare_wording, official_texts,
                                  texts_folder, who_invokes)
from tests.conftest import FIXTURES, analyse_text

COLUMNS = ["article_id", "start_char", "end_char", "text", "treaty_id", "treaty", "provision"]


def refs_of(name: str) -> list[dict]:
    """Treaty references in a fixture; these extractors read only the text, not the parse."""
    text = (FIXTURES / name).read_text(encoding="utf-8")
    return extract_treaty_refs(Context({"article_id": name, "text": text}, doc=None))


def found(refs: list[dict]) -> set[tuple[str, str, str | None]]:
    return {(r["text"], r["treaty_id"], r["provision"]) for r in refs}


def test_every_form_of_reference():
    refs = found(refs_of("treaties_forms.txt"))
    expected = {
        ("Article 5 of the North Atlantic Treaty", "north-atlantic-treaty", "Article 5"),
        ("Articles 4 and 5 of the Washington Treaty", "north-atlantic-treaty", "Article 4"),
        ("Articles 4 and 5 of the Washington Treaty", "north-atlantic-treaty", "Article 5"),
        ("NATO's Article 5", "north-atlantic-treaty", "Article 5"),
        ("Article V", "north-atlantic-treaty", "Article 5"),
        ("Article Five", "north-atlantic-treaty", "Article 5"),
        ("Art. 5", "north-atlantic-treaty", "Article 5"),
        ("Chapter VII of the UN Charter", "un-charter", "Chapter VII"),
        ("UN's Chapter VII", "un-charter", "Chapter VII"),
        ("Article 42(7) of the Treaty on European Union", "treaty-on-european-union", "Article 42(7)"),
        ("paragraph 2 of Article 51 of the United Nations Charter", "un-charter", "Article 51(2)"),
        ("Treaty on the Non-Proliferation of Nuclear Weapons (NPT)", "npt", None),
        ("treaty", "npt", None),
        ("INF Treaty", "inf-treaty", None),
        ("New START", "new-start", None),
        ("Paris Agreement", "paris-agreement", None),
        ("Kyoto Protocol", "kyoto-protocol", None),
        ("accord", "kyoto-protocol", None),
    }
    assert refs == expected


def test_no_false_alarms():
    assert refs_of("treaties_false_alarms.txt") == []


def test_bare_provisions_linked_by_context():
    refs = found(refs_of("treaties_context.txt"))
    assert refs == {("Article 5", "north-atlantic-treaty", "Article 5"),
                    ("Article 4", "north-atlantic-treaty", "Article 4"),
                    ("Article 50", "treaty-on-european-union", "Article 50")}


def test_bare_provision_without_any_treaty_is_not_a_reference():
    text = "Lawyers disagree\n\nThe judge said Article 5 did not apply to the contract."
    assert extract_treaty_refs(Context({"article_id": "x", "text": text}, doc=None)) == []


def test_acronyms_keep_their_case():
    text = "Notes\n\nHe wrote npt and inf in lower case, and an Nafta-style tariff."
    assert extract_treaty_refs(Context({"article_id": "x", "text": text}, doc=None)) == []


@pytest.mark.parametrize("name", ["treaties_forms.txt", "treaties_context.txt"])
def test_offsets_give_the_text(name):
    text = (FIXTURES / name).read_text(encoding="utf-8")
    for ref in refs_of(name):
        assert text[ref["start_char"]:ref["end_char"]] == ref["text"]


def test_seed_article_five_is_one_row(seed_analysis):
    refs = seed_analysis.treaty_refs
    assert list(refs.columns[:len(COLUMNS)]) == COLUMNS
    rows = refs[refs["provision"].notna()]
    assert len(rows) == 1
    row = rows.iloc[0]
    assert (row["text"], row["treaty_id"], row["provision"]) == (
        "Article 5 of the North Atlantic Treaty", "north-atlantic-treaty", "Article 5")
    assert row["treaty"] == "North Atlantic Treaty"
    texts = seed_analysis.articles.set_index("article_id")["text"]
    for ref in refs.itertuples():
        assert texts[ref.article_id][ref.start_char:ref.end_char] == ref.text


def test_runs_inside_the_pipeline(nlp):
    tables = analyse_text((FIXTURES / "treaties_context.txt").read_text(encoding="utf-8"), nlp)
    assert {r["provision"] for r in tables["treaty_refs"]} == {"Article 4", "Article 5", "Article 50"}
    assert all("paragraph" in r for r in tables["treaty_refs"])


def test_treaty_list():
    table = treaty_table()
    assert len(table) >= 80
    assert table["treaty_id"].is_unique
    assert table["treaty_id"].str.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*").all()
    required = {"north-atlantic-treaty", "un-charter", "geneva-conventions", "geneva-protocol-i",
                "npt", "ctbt", "inf-treaty", "new-start", "start-i", "abm-treaty",
                "open-skies-treaty", "cfe-treaty", "chemical-weapons-convention",
                "biological-weapons-convention", "ottawa-treaty", "arms-trade-treaty",
                "budapest-memorandum", "minsk-agreements", "jcpoa", "paris-agreement",
                "kyoto-protocol", "unfccc", "unclos", "vienna-convention-diplomatic-relations",
                "vienna-convention-law-of-treaties", "rome-statute", "genocide-convention", "udhr",
                "echr", "helsinki-final-act", "treaty-on-european-union", "tfeu", "lisbon-treaty",
                "treaty-of-rome", "schengen-agreement", "good-friday-agreement", "dayton-agreement",
                "camp-david-accords", "oslo-accords", "montreux-convention", "outer-space-treaty",
                "antarctic-treaty", "gatt", "marrakesh-agreement", "nafta", "usmca", "tpp", "ttip"}
    assert required <= set(table["treaty_id"])
    founders = {t.treaty_id for t in load_treaties() if t.founds}
    assert {"north-atlantic-treaty", "un-charter", "treaty-on-european-union"} <= founders


def test_no_name_belongs_to_two_treaties():
    owners: dict[str, str] = {}
    for treaty in load_treaties():
        for form in {treaty.name, *treaty.aliases}:
            key = re.sub(r"[\W_]+", "", form.lower())
            assert owners.setdefault(key, treaty.treaty_id) == treaty.treaty_id, form


def test_compare_wording_marks_differences():
    official = "The Parties agree that an armed attack against one or more of them shall be considered an attack."
    result = compare_wording("agree that an armed assault against one or more of them", official)
    assert result["differing_words"] == "assault → attack"
    assert result["official"] == "agree that an armed attack against one or more of them"
    assert 0.8 < result["score"] < 1


def seed_quotes(text: str) -> pd.DataFrame:
    """The seed's quoted passages as a quotes table, built here so the check does not depend
    on the quote extractor."""
    rows = [{"article_id": "seed", "quote_id": f"q{number}", "start_char": m.start(1),
             "end_char": m.end(1), "text": m.group(1), "speaker_name": "Antony Blinken",
             "speaker_type": "person"}
            for number, m in enumerate(re.finditer("\u201c([^\u201d]*)\u201d", text))]
    return pd.DataFrame(rows)


def test_seed_article_five_quotes_match_the_official_text(shared_dir, seed_text):
    folder = shared_dir / "data" / "treaty-texts"
    refs = pd.DataFrame(extract_treaty_refs(Context({"article_id": "seed", "text": seed_text}, doc=None)))
    wording = check_quoted_wording(seed_quotes(seed_text), refs, folder)
    assert len(wording) == 2
    assert set(wording["treaty_id"]) == {"north-atlantic-treaty"}
    assert set(wording["provision"]) == {"Article 5"}
    assert wording["score"].tolist() == [1.0, 1.0]
    assert wording["differing_words"].tolist() == ["", ""]


def test_wording_check_is_off_without_texts(monkeypatch, seed_text):
    monkeypatch.delenv("HELPERS_TREATY_TEXTS", raising=False)
    assert texts_folder() is None
    refs = pd.DataFrame(extract_treaty_refs(Context({"article_id": "seed", "text": seed_text}, doc=None)))
    assert check_quoted_wording(seed_quotes(seed_text), refs).empty


def test_texts_folder_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("HELPERS_TREATY_TEXTS", str(tmp_path))
    assert texts_folder() == tmp_path


def test_official_texts_from_a_folder_of_our_own(tmp_path):
    (tmp_path / "texts").mkdir()
    (tmp_path / "texts" / "pact.md").write_text(
        "##Title\n\n### Article  I  \n\nThe parties shall keep the peace.\n\n### CHAPTER II\n\n"
        "###Article 2 \n\nEach party shall notify the others.\n", encoding="utf-8")
    (tmp_path / "treaties.csv").write_text("key,file\nwarsaw-pact,texts/pact.md\n", encoding="utf-8")
    texts = official_texts(str(tmp_path))
    assert texts == {"warsaw-pact": {"Article 1": "The parties shall keep the peace.",
                                     "Article 2": "Each party shall notify the others."}}


def test_who_invokes_joins_references_to_their_quote():
    refs = pd.DataFrame([
        {"article_id": "a", "start_char": 10, "end_char": 19, "text": "Article 5", "treaty_id": "north-atlantic-treaty",
         "treaty": "North Atlantic Treaty", "provision": "Article 5"},
        {"article_id": "a", "start_char": 100, "end_char": 103, "text": "NPT", "treaty_id": "npt",
         "treaty": "Treaty on the Non-Proliferation of Nuclear Weapons", "provision": None}])
    quotes = pd.DataFrame([{"article_id": "a", "quote_id": "a-1", "start_char": 0, "end_char": 50,
                            "speaker_name": "Antony Blinken", "speaker_type": "person"}])
    invokers = who_invokes(refs, quotes)
    assert invokers["speaker_name"].tolist()[0] == "Antony Blinken"
    assert invokers["quote_id"].tolist()[0] == "a-1"
    assert pd.isna(invokers["speaker_name"].tolist()[1])


def refs_in(text: str, date=None) -> set[tuple[str, str, str | None]]:
    return found(extract_treaty_refs(Context({"article_id": "x", "text": text, "date": date}, doc=None)))


def test_anaphora_take_modifiers_but_not_other_deals():
    text = ("Trade\n\nCongress debated the Trans-Pacific Partnership on Monday. Critics say the "
            "12-nation trade accord costs jobs, and this agreement was attacked again. "
            "Senators also discussed the terms of the agreement and a separate ceasefire agreement.")
    refs = extract_treaty_refs(Context({"article_id": "x", "text": text}, doc=None))
    assert [(r["text"], r["treaty_id"]) for r in refs] == [
        ("Trans-Pacific Partnership", "tpp"), ("12-nation trade accord", "tpp"),
        ("agreement", "tpp"),  # "this agreement"
        ("agreement", "tpp")]  # "the terms of the agreement"; the ceasefire agreement is another deal


def test_that_as_a_conjunction_is_not_an_anaphor():
    text = "Climate\n\nThe Paris Agreement was signed. Officials said that agreement on funding was near."
    assert refs_in(text) == {("Paris Agreement", "paris-agreement", None)}


def test_generic_name_means_the_successor_after_it_was_signed():
    text = "Arms control\n\nThe Senate will vote on the START treaty."
    assert refs_in(text, date="2010-12-01") == {("START treaty", "new-start", None)}
    assert refs_in(text, date="1992-10-01") == {("START treaty", "start-i", None)}


def test_bare_provision_follows_its_earlier_citation():
    text = ("Refugees\n\nArticle 33 of the Refugee Convention forbids refoulement, and so does "
            "Article 3 of the Convention against Torture. Article 33 is the older rule.")
    refs = refs_in(text)
    assert ("Article 33", "refugee-convention", "Article 33") in refs


def test_names_after_anti_and_pro():
    assert refs_in("Protest\n\nAnti-TPP activists marched.") == {("TPP", "tpp", None)}


def test_chapter_eleven_is_bankruptcy_even_near_the_un():
    text = "Airline\n\nThe UN Security Council met. The airline filed for Chapter 11 on Monday."
    assert refs_in(text) == set()


def test_seed_quotes_from_the_quote_extractor_match(shared_dir, seed_analysis):
    wording = check_quoted_wording(seed_analysis.quotes, seed_analysis.treaty_refs,
                                   shared_dir / "data" / "treaty-texts")
    exact = wording[(wording["provision"] == "Article 5") & (wording["score"] == 1.0)]
    assert len(exact) == 2


def test_treaty_report_tables(seed_analysis):
    from helpers import treaty_report

    summary = treaty_report.treaty_summary(seed_analysis.treaty_refs)
    assert summary.iloc[0]["treaty_id"] == "north-atlantic-treaty"
    kwic = treaty_report.keyword_in_context(seed_analysis.treaty_refs, seed_analysis.articles, width=20)
    assert kwic.iloc[0]["reference"] == "Article 5 of the North Atlantic Treaty"
    left = kwic.iloc[0]["left"]
    assert left.startswith("… ") and len(left) <= 20 + len("… ") and left.endswith("referring to ")
    invokers = treaty_report.invoker_summary(seed_analysis.treaty_refs, seed_analysis.quotes)
    assert set(invokers.columns) == {"speaker", "treaty", "provision", "references"}


def test_wording_html_escapes_and_marks():
    page = treaty_report_html("<b>armed</b> assault", "armed attack")
    assert "<b>" not in page and "&lt;" in page
    assert '<mark style="background:#fecaca">assault</mark>' in page


def treaty_report_html(quoted: str, official: str) -> str:
    from helpers.treaty_report import wording_html

    return wording_html(quoted, official)


def test_article_of_the_treaty_after_the_organisation():
    text = "Summit\n\nNATO leaders met. They want Article 5 of the treaty to cover cyber attacks."
    assert refs_in(text) == {("Article 5 of the treaty", "north-atlantic-treaty", "Article 5")}


def test_quoted_wording_saved_beside_the_tables(shared_dir, seed_analysis, tmp_path, monkeypatch):
    from helpers.treaty_texts import save_quoted_wording

    monkeypatch.delenv("HELPERS_TREATY_TEXTS", raising=False)
    assert save_quoted_wording(seed_analysis, tmp_path) is None
    monkeypatch.setenv("HELPERS_TREATY_TEXTS", str(shared_dir / "data" / "treaty-texts"))
    saved = pd.read_parquet(save_quoted_wording(seed_analysis, tmp_path))
    assert set(saved["provision"]) == {"Article 5"}


def test_notebook_helpers_summarise_and_highlight_the_seed(seed_analysis):
    from helpers import treaty_report

    lines = treaty_report.findings(seed_analysis)
    assert lines[1].startswith("Most cited: North Atlantic Treaty")
    [page] = treaty_report.highlighted_paragraphs(seed_analysis.treaty_refs, seed_analysis)
    assert "Article 5 of the North Atlantic Treaty" in page and "<sub" in page


def test_capitalised_modifiers_must_echo_the_name():
    text = ("Trade\n\nSenators debated the Trans-Pacific Partnership. Critics of the 12-nation "
            "Pacific Rim trade accord spoke first. Others praised the Colombian peace accord.")
    assert refs_in(text) == {("Trans-Pacific Partnership", "tpp", None),
                             ("12-nation Pacific Rim trade accord", "tpp", None)}


def test_a_capitalised_name_not_on_the_list_is_another_instrument():
    # not the TPP: a name of its own, here a variant of the listed U.S.-Korea agreement's
    text = "Trade\n\nThe TPP was signed. He then walked away from the Korean Free Trade Agreement."
    assert refs_in(text) == {("TPP", "tpp", None), ("Korean Free Trade Agreement", "korus", None)}


def test_what_follows_the_noun_decides_whether_it_names_another_deal():
    text = ("Trade\n\nThe Senate took up NAFTA. Its critics would not allow the agreement to pass. "
            "They want a deal with Mexico, not the deal with Canada, and a plan that can deal with "
            "tariffs. Officials briefed reporters on the treaty with its negotiators.")
    assert [ref["text"] for ref in extract_treaty_refs(Context({"article_id": "x", "text": text}, doc=None))] == [
        "NAFTA", "agreement", "treaty"]


def test_that_before_a_count_noun_is_a_determiner():
    text = "Climate\n\nNearly 200 countries signed the Paris Agreement. He said that accord should guide them."
    assert refs_in(text) == {("Paris Agreement", "paris-agreement", None), ("accord", "paris-agreement", None)}


def test_a_protocol_coordinated_with_the_treaty_is_its_own():
    text = "Arms control\n\nNew START will be signed today. The text of the treaty and the protocol will be posted."
    assert refs_in(text) == {("New START", "new-start", None), ("treaty", "new-start", None),
                             ("protocol", "new-start", None)}



def test_a_deal_coordinated_with_an_instrument_it_cannot_mean_is_not_that_instrument():
    text = ("Climate and trade\n\nMinisters discussed the Kyoto Protocol and the Korean Free Trade "
            "Agreement at length. Envoys praised the Kyoto Protocol and the nuclear treaty was not raised.")
    assert refs_in(text) == {("Kyoto Protocol", "kyoto-protocol", None),
                             ("Korean Free Trade Agreement", "korus", None)}


def test_a_deadline_year_is_not_when_an_undated_document_was_written():
    text = "Arms control\n\nThe START treaty limits warheads. By 2035 the arsenal will shrink."
    assert refs_in(text) == {("START treaty", "start-i", None)}
    text = "Arms control\n\nThe START treaty limits warheads. Stockpiles stay level until 2030."
    assert refs_in(text) == {("START treaty", "start-i", None)}
    text = "Arms control\n\nOfficials met in 2012. The START treaty limits warheads."
    assert refs_in(text) == {("START treaty", "new-start", None)}


def test_a_generic_name_with_an_indefinite_article_is_the_one_being_made():
    text = "Arms control\n\nThe two presidents hope to complete a START treaty this year."
    assert refs_in(text, date="2009-07-01") == {("START treaty", "new-start", None)}
    assert refs_in("Arms control\n\nThe START treaty expires soon.", date="2009-07-01") == {
        ("START treaty", "start-i", None)}


def test_common_names_added_to_the_list():
    text = ("Law\n\nThe 1951 Convention and its 1967 Protocol protect refugees. Critics of the nuclear "
            "deal with Tehran spoke, and the company sued under the Energy Charter Treaty.")
    assert {treaty_id for _, treaty_id, _ in refs_in(text)} == {
        "refugee-protocol", "jcpoa", "energy-charter-treaty"}


# "the treaty" means the document's topic instrument unless another was named very close before.

NEW_START_BRIEFING = (
    "Briefing on the New START treaty\n\n"
    "Officials explained the treaty at length.\n\n"
    "This treaty cuts deployed warheads. It also builds on the Non-Proliferation Treaty, "
    "which Iran has signed. Russia welcomed the signing. Senators will study this treaty "
    "before the vote. ")


def test_the_topic_treaty_wins_over_one_named_two_sentences_before():
    refs = extract_treaty_refs(Context({"article_id": "x", "text": NEW_START_BRIEFING}, doc=None))
    assert [(r["text"], r["treaty_id"]) for r in refs] == [
        ("New START treaty", "new-start"), ("treaty", "new-start"), ("treaty", "new-start"),
        ("Non-Proliferation Treaty", "npt"), ("treaty", "new-start")]


def test_an_instrument_in_the_same_or_previous_sentence_wins_over_the_topic():
    text = NEW_START_BRIEFING + ("Iran must respect the NPT, and the treaty bans its bomb. "
                                 "Diplomats say the NPT is at risk. The treaty is fifty years old.")
    refs = extract_treaty_refs(Context({"article_id": "x", "text": text}, doc=None))
    assert [r["treaty_id"] for r in refs][-4:] == ["npt", "npt", "npt", "npt"]


def test_a_list_of_instruments_in_the_previous_sentence_leaves_it_to_the_topic():
    text = NEW_START_BRIEFING + ("The Senate approved the SORT Treaty, the INF Treaty and the "
                                 "CFE Treaty by large margins. It should approve this treaty too.")
    refs = extract_treaty_refs(Context({"article_id": "x", "text": text}, doc=None))
    assert (refs[-1]["text"], refs[-1]["treaty_id"]) == ("treaty", "new-start")


def test_the_topic_is_meant_from_afar_only_by_a_noun_of_its_name():
    filler = "Reporters then asked about the weather, the budget and the holidays. " * 20
    text = NEW_START_BRIEFING + filler + "Will the treaty pass? Is the agreement on taxes near?"
    refs = extract_treaty_refs(Context({"article_id": "x", "text": text}, doc=None))
    assert [(r["text"], r["treaty_id"]) for r in refs][-1:] == [("treaty", "new-start")]


def test_an_instrument_named_in_passing_is_not_meant_from_afar():
    filler = "Reporters then asked about the weather, the budget and the holidays. " * 20
    text = "Press briefing\n\nWeather\n\nHolidays\n\nThe Senate debated NAFTA. " + filler + "The agreement was not mentioned."
    assert refs_in(text) == {("NAFTA", "nafta", None)}


def test_the_anaphors_noun_prefers_an_instrument_named_with_it():
    text = ("Climate\n\nEnvoys praised the Paris Agreement under the UN climate convention. "
            "The UNFCCC has a secretariat. It is in Bonn. Officials now defend this agreement.")
    refs = extract_treaty_refs(Context({"article_id": "x", "text": text}, doc=None))
    assert (refs[-1]["text"], refs[-1]["treaty_id"]) == ("agreement", "paris-agreement")


def test_a_modifier_naming_a_subject_needs_an_instrument_of_that_kind():
    text = ("Trade\n\nCongress debated the Trans-Pacific Partnership. Then Iran came up, and "
            "critics attacked the nuclear deal. Supporters defended the trade deal.")
    assert refs_in(text) == {("Trans-Pacific Partnership", "tpp", None), ("trade deal", "tpp", None)}


def test_the_new_treaty_is_one_called_new_or_signed_lately():
    text = NEW_START_BRIEFING + "Generals stand behind this new treaty."
    assert refs_in(text) >= {("new treaty", "new-start", None)}
    paris = "Climate\n\nThe Paris Agreement was adopted. Critics say the new agreement is too weak."
    assert ("new agreement", "paris-agreement", None) in refs_in(paris, date="2015-12-14")
    assert refs_in(paris, date="2019-06-01") == {("Paris Agreement", "paris-agreement", None)}


def test_a_name_in_apposition_says_what_the_agreement_is():
    text = NEW_START_BRIEFING + "Q Thanks. The agreement -- the Strategic Concept said more."
    assert not [r for r in refs_in(text) if r[0] == "agreement"]


def test_bare_start_is_the_arms_treaty_but_not_the_word_nor_a_heading():
    text = ("Arms control\n\nTalks on START resumed. Start the engine, they said; the start was slow.\n\n"
            "HOW TO START A BUSINESS\n\nQ: WHEN DO TALKS START?")
    refs = extract_treaty_refs(Context({"article_id": "x", "text": text, "date": "1995-03-01"}, doc=None))
    assert [(r["start_char"], r["treaty_id"]) for r in refs] == [(text.index("START"), "start-i")]


def test_a_generic_start_means_the_successor_in_a_document_that_names_it():
    text = ("Arms control\n\nThe presidents discussed the START treaty -- the new START treaty -- and "
            "agreed to continue the current START until it is replaced.")
    assert refs_in(text, date="2009-11-15") == {("START treaty", "new-start", None),
                                                ("new START treaty", "new-start", None),
                                                ("START", "start-i", None)}


def test_a_year_in_the_sentence_decides_which_start_is_meant():
    text = "Arms control\n\nSTART, signed in 1991, cut arsenals. START now limits warheads to 1,550."
    assert [r["treaty_id"] for r in extract_treaty_refs(
        Context({"article_id": "x", "text": text, "date": "2015-04-01"}, doc=None))] == ["start-i", "new-start"]


def test_without_a_date_the_latest_year_mentioned_dates_the_document():
    text = "Arms control\n\nIn 2011 the Senate had approved it. Critics of START were outvoted."
    assert refs_in(text) == {("START", "new-start", None)}


def test_the_lead_of_a_text_without_paragraph_breaks_is_its_first_part():
    filler = "Reporters then asked about the weather, the budget and the holidays. " * 20
    text = "Press briefing. " + filler + "The Senate debated NAFTA. " + filler + "The agreement was not mentioned."
    assert refs_in(text) == {("NAFTA", "nafta", None)}
    assert ("agreement", "nafta", None) in refs_in("NAFTA at 30. " + filler + filler + "The agreement lasts.")


def test_the_name_pattern_is_the_same_whatever_order_the_names_come_in():
    # Sets of names iterate in a different order in each process (hash seeds); the pattern,
    # and so which name wins where several match, must not depend on it.
    forms = ["Trans-Pacific Partnership", "TransPacific Partnership Agreement", "TPP agreement", "Paris Agreement"]
    assert catalogue.trie_pattern(forms, False) == catalogue.trie_pattern(list(reversed(forms)), False)
