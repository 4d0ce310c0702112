"""One id per instrument outside the list across a corpus, once every article is done.

Within an article, spellings of one name already share an id (`unlisted`: "U.S.-Panama FTA" and
"US-Panama Free Trade Agreement" make the same slug). Across articles a shorter spelling is the
longer one's instrument when exactly one longer name in the corpus contains all its words and
has the same head: "Strategic Partnership Agreement" in one briefing is the "U.S.-Afghan
Strategic Partnership Agreement" of another, unless the corpus also has a U.S.-Iraq one.
Each instrument's `treaty` is then the name the corpus gives it most often (the longest of
those on a tie).
"""

from __future__ import annotations

import pandas as pd

UNLISTED_PREFIX = "unlisted:"


def finalize_treaty_refs(treaty_refs: pd.DataFrame) -> pd.DataFrame:
    """The table with unlisted ids merged across articles and one name per id."""
    if treaty_refs.empty or "listed" not in treaty_refs:
        return treaty_refs
    unlisted = treaty_refs["listed"].eq(False).fillna(False).astype(bool)
    if not unlisted.any():
        return treaty_refs
    renamed = _merged_ids(sorted(set(treaty_refs.loc[unlisted, "treaty_id"])))
    refs = treaty_refs.copy()
    refs.loc[unlisted, "treaty_id"] = refs.loc[unlisted, "treaty_id"].map(lambda i: renamed.get(i, i))
    names = (refs.loc[unlisted].groupby(["treaty_id", "treaty"]).size().rename("count").reset_index()
             .assign(length=lambda f: f["treaty"].str.len())
             .sort_values(["treaty_id", "count", "length", "treaty"], ascending=[True, False, False, True])
             .drop_duplicates("treaty_id").set_index("treaty_id")["treaty"])
    refs.loc[unlisted, "treaty"] = refs.loc[unlisted, "treaty_id"].map(names)
    return refs


def _merged_ids(ids: list[str]) -> dict[str, str]:
    """id -> the id of the one longest name that contains its words, with the same head."""
    words = {treaty_id: frozenset(treaty_id.removeprefix(UNLISTED_PREFIX).split("-")) for treaty_id in ids}
    head = {treaty_id: treaty_id.rsplit("-", 1)[-1] for treaty_id in ids}
    renamed = {}
    for treaty_id in ids:
        longer = [other for other in ids if words[treaty_id] < words[other] and head[other] == head[treaty_id]]
        longest = [other for other in longer if not any(words[other] < words[third] for third in longer)]
        if len(longest) == 1:
            renamed[treaty_id] = longest[0]
    return renamed
