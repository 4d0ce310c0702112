"""Treaty and provision references: the `treaty_refs` table.

Passes over the article text, with regular expressions compiled once from `data/treaties.csv`:

1. names, aliases and acronyms of the listed instruments ("the Washington Treaty", "NPT")
   (`names`), and "the treaty" / "the accord" for the instrument it means: the one named in
   the same sentence or alone in the previous one, else the most salient in reach (the
   document's topic, named in its lead, or one named shortly before) (`anaphora`);
2. provisions ("Article 5", "Art. 5", "Article V", "Article Five", "Articles 4 and 5",
   "Article 42(7)", "paragraph 2 of Article 51", "Chapter VII"), each linked to its
   instrument by the phrase around it ("... of the North Atlantic Treaty", "NATO's ..."),
   or else by context (the instrument or founding organisation named shortly before)
   (`provisions`);
3. provisions with a domestic cue ("of the Constitution", "Chapter 11 bankruptcy") or with
   nothing to link them to are dropped: a wrong treaty is worse than a missing one.

A provision linked by its phrase is one row spanning the whole phrase ("Article 5 of the North
Atlantic Treaty"); "Articles 4 and 5" gives one row per article over the same span.
"""

from helpers.treaties.catalogue import Treaty, load_treaties, treaty_table
from helpers.treaties.extract import extract_treaty_refs

__all__ = ["Treaty", "extract_treaty_refs", "load_treaties", "treaty_table"]
