"""Treaty and provision references: the `treaty_refs` table.

Passes over the article text, with regular expressions compiled once from `data/treaties.csv`
and the word lists beside it:

1. names, aliases and acronyms of the listed instruments ("the Washington Treaty", "NPT")
   (`names`); capitalised names headed by an instrument noun (`naming`) that are variants of
   listed names ("U.N. Arms Treaty") or names that mean one only in some documents ("Kyoto"
   near "emissions") (`variants`), else instruments the list lacks, when the evidence says
   states made them ("the U.S.-Panama Free Trade Agreement"), with a provisional id
   `unlisted:<slug>` and their acronyms (`unlisted`);
2. "the treaty" / "the accord" for the instrument it means: the one named in the same sentence
   or alone in the previous one, else the most salient in reach (the document's topic, named
   in its lead or clearly the most mentioned, or one named shortly before) (`anaphora`);
3. provisions ("Article 5", "Art. 5", "Article V", "Article Five", "Articles 4 and 5",
   "Article 42(7)", "paragraph 2 of Article 51", "Chapter VII"), each linked to its
   instrument by the phrase around it ("... of the North Atlantic Treaty", "NATO's ..."),
   or else by context (the instrument or founding organisation named shortly before)
   (`provisions`);
4. provisions with a domestic cue ("of the Constitution", "Chapter 11 bankruptcy") or with
   nothing to link them to are dropped: a wrong treaty is worse than a missing one.

A provision linked by its phrase is one row spanning the whole phrase ("Article 5 of the North
Atlantic Treaty"); "Articles 4 and 5" gives one row per article over the same span. Once a
corpus is done, `corpus.finalize_treaty_refs` gives each instrument outside the list one id.
"""

from helpers.treaties.catalogue import Treaty, load_treaties, treaty_table
from helpers.treaties.corpus import finalize_treaty_refs
from helpers.treaties.extract import extract_treaty_refs

__all__ = ["Treaty", "extract_treaty_refs", "finalize_treaty_refs", "load_treaties", "treaty_table"]
