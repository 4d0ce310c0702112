"""Treaty references beyond the list: instruments it lacks, name variants of listed ones, the
provision linked to the right treaty, and one id per instrument across a corpus."""

from __future__ import annotations

import pandas as pd

from helpers import tables
from helpers.structure import Context
from helpers.treaties import extract_treaty_refs, finalize_treaty_refs


def refs(text: str, date=None) -> list[dict]:
    return extract_treaty_refs(Context({"article_id": "x", "text": text, "date": date}, doc=None))


def found(text: str, date=None) -> set[tuple[str, str, str | None]]:
    return {(r["text"], r["treaty_id"], r["provision"]) for r in refs(text, date)}


def test_a_named_instrument_outside_the_list_gets_a_provisional_id():
    text = ("Trade\n\nSenator Sanders opposed the U.S.-Panama Free Trade Agreement, which the President "
            "signed. He criticised Clinton for supporting the deal.")
    rows = refs(text)
    assert [(r["text"], r["treaty_id"], r["listed"]) for r in rows] == [
        ("U.S.-Panama Free Trade Agreement", "unlisted:us-panama-free-trade-agreement", False),
        ("deal", "unlisted:us-panama-free-trade-agreement", False)]
    assert rows[0]["treaty"] == "U.S.-Panama Free Trade Agreement"


def test_spellings_of_one_instrument_share_its_id():
    ids = {r["treaty_id"] for r in refs("Trade\n\nThe US-Panama Free Trade Agreement was ratified by Congress.")}
    ids |= {r["treaty_id"] for r in refs("Trade\n\nCongress ratified the U.S.-Panama FTA with Panama.")}
    assert ids == {"unlisted:us-panama-free-trade-agreement"}


def test_a_defined_acronym_and_the_initials_of_a_name_are_the_instrument():
    text = ("Afghanistan\n\nKabul has not signed the Bilateral Security Agreement (BSA) with the United "
            "States. Without the BSA, troops leave. The Enhanced Defense Cooperation Agreement, EDCA, "
            "was signed with the Philippines. EDCA allows rotations.")
    assert found(text) == {
        ("Bilateral Security Agreement", "unlisted:bilateral-security-agreement", None),
        ("BSA", "unlisted:bilateral-security-agreement", None),
        ("Enhanced Defense Cooperation Agreement", "unlisted:enhanced-defense-cooperation-agreement", None),
        ("EDCA", "unlisted:enhanced-defense-cooperation-agreement", None)}


def test_other_named_things_are_no_instruments():
    text = ("Politics\n\nDelegates left the Democratic National Convention for the RNC Convention. The "
            "Government of National Accord met in Tripoli, backed by Libya’s Government of National "
            "Accord. Data moves by Internet Protocol. They "
            "want a trade agreement. The Material Support Statute bars payments, and the Declaration "
            "of Independence was read at the Washington Convention Center. The Merger Agreement "
            "signed by Pfizer and Allergan was dropped. He signed a Free Trade Agreement.")
    assert refs(text) == []


def test_name_variants_are_the_listed_instruments():
    text = ("World\n\nThe North America Free Trade Agreement was revised. The U.S. will sign the U.N. "
            "Arms Treaty. Russia must honour the Minsk Implementation Agreement. Detainees were moved "
            "under Additional Protocol 2 of the Geneva Conventions. It matters because of Egypt's "
            "peace treaty with Israel.")
    assert found(text) == {
        ("North America Free Trade Agreement", "nafta", None),
        ("U.N. Arms Treaty", "arms-trade-treaty", None),
        ("Minsk Implementation Agreement", "minsk-agreements", None),
        ("Additional Protocol 2 of the Geneva Conventions", "geneva-protocol-ii", None),
        ("Egypt's peace treaty with Israel", "egypt-israel-peace-treaty", None)}


def test_names_that_mean_a_listed_instrument_only_in_context():
    assert found("Climate\n\nThe US never ratified Kyoto, and emissions rose.") == {
        ("Kyoto", "kyoto-protocol", None)}
    assert found("Travel\n\nShe flew to Kyoto for the temples.") == set()
    iran = "Iran\n\nRouhani said the Geneva agreement was a victory for Iran."
    assert found(iran, date="2014-01-14") == {("Geneva agreement", "jpoa", None)}
    assert "jpoa" not in {treaty_id for _, treaty_id, _ in found(iran, date="2019-01-14")}
    climate = "Climate\n\nChina joined the U.N. climate change agreement."
    assert found(climate, date="2016-09-03") == {("U.N. climate change agreement", "paris-agreement", None)}
    assert found(climate, date="2009-12-18") == set()


def test_a_name_of_generic_words_is_the_listed_one_the_text_around_names():
    text = "Asia\n\nThe Philippines relies on the Mutual Defense Treaty, signed in 1951."
    assert found(text) == {("Mutual Defense Treaty", "us-philippines-mutual-defense-treaty", None)}


def test_an_invoked_article_five_is_natos_and_a_replacement_start_treaty_is_new_start():
    text = ("Syria\n\nThe U.N. envoy met both sides. The Turkish Prime Minister said he would invoke "
            "Article 5th to secure the border.\n\nMR. CARNEY: Article 5.")
    assert {(r["treaty_id"], r["provision"]) for r in refs(text)} == {("north-atlantic-treaty", "Article 5")}
    text = "Arms control\n\nWe continue negotiations with the Russians on a replacement START treaty."
    assert found(text, date="2009-12-09") == {("START treaty", "new-start", None)}


def test_provisions_and_anaphora_reach_instruments_outside_the_list():
    text = ("Afghanistan\n\nKarzai has not signed the Bilateral Security Agreement with the United States. "
            "Article 7 of the Bilateral Security Agreement covers jurisdiction. The agreement was "
            "endorsed by the loya jirga.")
    assert found(text) == {
        ("Bilateral Security Agreement", "unlisted:bilateral-security-agreement", None),
        ("Article 7 of the Bilateral Security Agreement", "unlisted:bilateral-security-agreement", "Article 7"),
        ("agreement", "unlisted:bilateral-security-agreement", None)}


def test_the_corpus_gives_a_shorter_spelling_the_one_longer_name():
    rows = [{"article_id": "a", "start_char": 0, "end_char": 1, "text": "x", "treaty_id": treaty_id,
             "treaty": name, "provision": None, "listed": False}
            for treaty_id, name in [("unlisted:us-afghan-strategic-partnership-agreement",
                                     "U.S.-Afghan Strategic Partnership Agreement"),
                                    ("unlisted:strategic-partnership-agreement", "Strategic Partnership Agreement"),
                                    ("unlisted:geneva-communique", "Geneva Communique"),
                                    ("unlisted:geneva-communique", "Geneva Communiqué"),
                                    ("unlisted:geneva-communique", "Geneva Communiqué")]]
    final = finalize_treaty_refs(tables.frame("treaty_refs", rows))
    assert final["treaty_id"].tolist()[:2] == ["unlisted:us-afghan-strategic-partnership-agreement"] * 2
    assert set(final["treaty"][2:]) == {"Geneva Communiqué"}
    two_longer = rows + [{**rows[0], "treaty_id": "unlisted:us-iraq-strategic-partnership-agreement",
                          "treaty": "U.S.-Iraq Strategic Partnership Agreement"}]
    final = finalize_treaty_refs(pd.DataFrame(two_longer))
    assert "unlisted:strategic-partnership-agreement" in set(final["treaty_id"])


def test_listed_instruments_say_so(seed_analysis):
    treaty_refs = seed_analysis.treaty_refs
    assert "listed" in treaty_refs.columns and treaty_refs["listed"].all()


def test_the_notebook_tables_show_instruments_outside_the_list_apart():
    from helpers import treaty_report

    text = ("Trade\n\nCongress ratified NAFTA. It also ratified the U.S.-Panama Free Trade Agreement with "
            "Panama, and the US-Panama FTA took effect.")
    table = tables.frame("treaty_refs", refs(text))
    coverage = treaty_report.coverage_summary(table).set_index("instruments")
    assert coverage.loc["in the treaty list", "references"] == 1
    assert coverage.loc["outside the list", "count"] == 1
    assert coverage.loc["outside the list", "references"] == 2
    outside = treaty_report.unlisted_instruments(table)
    assert outside["spellings"].tolist() == ["U.S.-Panama Free Trade Agreement | US-Panama FTA"]
    draft = treaty_report.draft_treaty_rows(table)
    assert draft[["treaty_id", "name", "aliases"]].values.tolist() == [
        ["us-panama-free-trade-agreement", "U.S.-Panama Free Trade Agreement", "US-Panama FTA"]]
    assert treaty_report.treaty_summary(table)["listed"].tolist() == [False, True]
