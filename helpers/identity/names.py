"""The word lists and gazetteers identity reads, and how a written name is made comparable.

Every list is a data file in `helpers/data/` with its source line; each is read once.
"""

from __future__ import annotations

import re
from functools import cache

from helpers.data_files import data_lines, data_rows

# A possessive ending: "Russia's", "Jones'".
POSSESSIVE = re.compile(r"(?:['’]s|['’])$")


@cache
def honorifics() -> frozenset[str]:
    """Courtesy titles, lower case, with and without a full stop ("mr", "mr.")."""
    return frozenset(data_lines("honorifics.txt"))


@cache
def female_honorifics() -> frozenset[str]:
    return frozenset({"mrs", "mrs.", "ms", "ms.", "miss", "dame", "lady"})


@cache
def titles() -> frozenset[str]:
    """Lower-case titles and roles that can stand before a person's name."""
    return frozenset(data_lines("titles.txt"))


@cache
def title_heads() -> frozenset[str]:
    """The word a title phrase hangs on: "secretary" in "secretary of state", else its last."""
    return frozenset(title.split(" of ")[0].split()[-1] for title in titles())


@cache
def title_words() -> frozenset[str]:
    return frozenset(word for title in titles() for word in title.split())


@cache
def speaker_words() -> dict[str, str]:
    """word -> kind (pronoun_person, pronoun_group, pronoun_thing, relative, role, ...)."""
    return {row["word"]: row["kind"] for row in data_rows("speaker_words.csv")}


@cache
def organization_words() -> frozenset[str]:
    return frozenset(w for w, kind in speaker_words().items() if kind == "organization")


@cache
def first_name_genders() -> dict[str, str]:
    """first name (lower case) -> "m" or "f", from `data/first_names.csv`."""
    return {row["name"]: row["gender"] for row in data_rows("first_names.csv")}


@cache
def cue_lemmas() -> frozenset[str]:
    """Lemmas of verbs that report speech or a stance ("say", "believe"), from
    `data/quote_cues.csv`: their subject is someone who speaks."""
    return frozenset(row["lemma"] for row in data_rows("quote_cues.csv") if " " not in row["lemma"])


@cache
def aliases() -> dict[str, tuple[str, str]]:
    """Alias key (see `alias_key`) -> (canonical name, context), from `data/entity_aliases.csv`."""
    return {alias_key(row["alias"]): (row["canonical"], row["context"] or "")
            for row in data_rows("entity_aliases.csv")}


@cache
def demonyms() -> dict[str, tuple[str, str | None]]:
    """Nationality or group word -> (adjective, country): "Poles" -> ("Polish", "Poland"),
    "Democrats" -> ("Democrat", None)."""
    found = {}
    for row in data_rows("demonyms.csv"):
        adjective, country = row["adjective"], row["country"] or None
        forms = [adjective] + [form for form in (row["people"] or "").split(";") if form]
        if adjective.endswith(("an", "i")):
            forms.append(adjective + "s")
        for form in forms:
            found[form] = (adjective, country)
    return found


@cache
def countries() -> frozenset[str]:
    return frozenset(country for _, country in demonyms().values() if country)


@cache
def known_people() -> dict[str, list[dict]]:
    """Surname (lower case) -> the people news names by that surname alone, from
    `data/known_people.csv`."""
    found: dict[str, list[dict]] = {}
    for row in data_rows("known_people.csv"):
        found.setdefault(row["surname"].lower(), []).append(
            {"name": row["name"], "gender": row["gender"], "from": int(row["from"]), "to": int(row["to"])})
    return found


def repaired(name: str) -> str:
    """A name whose UTF-8 was read as Latin-1 once or twice ("FranÃ§ois") spelled right
    ("François"); any other name unchanged."""
    for _ in range(2):
        if "Ã" not in name and "Â" not in name:
            break
        try:
            name = name.encode("cp1252").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            break
    return name


def clean(text: str) -> str:
    """One line, single spaces, typographic apostrophes made plain."""
    return " ".join(text.replace("’", "'").split())


def alias_key(name: str) -> str:
    """The form aliases are looked up by: plain apostrophes, single spaces, and an acronym
    without its full stops ("F.B.I." -> "FBI")."""
    name = clean(name)
    bare = name.replace(".", "")
    return bare if bare.isupper() and " " not in bare and len(bare) >= 2 else name


def without_possessive(name: str) -> str:
    return POSSESSIVE.sub("", name) if len(name) > 2 else name


def name_words(text: str) -> list[str]:
    """The words of a person's name: no honorifics, no possessive ending."""
    words = [without_possessive(w) for w in clean(text).split()]
    return [w for w in words if w and w.lower() not in honorifics()]


def initials(name: str) -> str:
    """"Bilateral Security Agreement" -> "BSA" (small words left out)."""
    words = re.findall(r"[A-Za-z][\w'-]*", name)
    return "".join(w[0] for w in words if w.lower() not in ("of", "the", "and", "for", "on", "in", "to", "&")).upper()
