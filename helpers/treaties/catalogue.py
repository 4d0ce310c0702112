"""The treaty list (`data/treaties.csv`) and the one regular expression that finds its names."""

from __future__ import annotations

import re
from bisect import bisect_left, insort
from dataclasses import dataclass
from functools import cache

from helpers.data_files import data_rows


@cache
def anaphora_word_rows() -> tuple[dict, ...]:
    """The rows (word, role, kind) of `data/treaty_anaphora.csv`, the anaphora rules' word lists."""
    return tuple(data_rows("treaty_anaphora.csv"))


def anaphora_words(role: str) -> list[str]:
    return [row["word"] for row in anaphora_word_rows() if row["role"] == role]


def word_alternation(role: str) -> str:
    return "|".join(re.escape(word) for word in anaphora_words(role))


# Names that contain a treaty's name but are something else.
NOT_TREATIES = ("North Atlantic Treaty Organization", "North Atlantic Treaty Organisation",
                "Washington Convention Center", "Geneva Convention Center",
                "Paris Agreement on Vietnam")

APOSTROPHE = "['\u2019]"
# A name starts a word, or follows "anti-" / "pro-" ("anti-TPP activists").
NAME_START = r"(?:(?<=[Aa]nti-)|(?<=[Pp]ro-)|(?<![\w-]))"
DASH = "(?:[-\u2010\u2011\u2013]|\\s)"

POSSESSIVE_END = re.compile(rf"(?:{APOSTROPHE}s?)?\s+(?:own\s+|founding\s+)?$")


@dataclass(frozen=True)
class Treaty:
    treaty_id: str
    name: str
    aliases: tuple[str, ...]
    year: int | None
    organisations: tuple[str, ...]
    founds: bool
    articles: int | None
    kind: str
    successor: str | None = None
    listed: bool = True  # False for an instrument found by its name alone (`unlisted`)


@dataclass(frozen=True)
class Mention:
    """A name, anaphor or organisation found in the text, before it becomes a record."""

    start: int
    end: int
    treaty: Treaty
    presents_topic: bool = False  # "this treaty", "the new treaty": the instrument under discussion
    anaphor: bool = False  # "the treaty" resolved, rather than a name


class Spans:
    """Half-open spans of a text, asked whether any overlaps a stretch. By bisection, as a
    long text has thousands of them and asking each would be quadratic in its length."""

    def __init__(self, spans=()):
        self.spans: list[tuple[int, int]] = sorted(spans)
        self.longest = max((end - start for start, end in self.spans), default=0)

    def add(self, start: int, end: int) -> None:
        insort(self.spans, (start, end))
        self.longest = max(self.longest, end - start)

    def overlap(self, start: int, end: int) -> bool:
        first = bisect_left(self.spans, (start - self.longest, -1))
        last = bisect_left(self.spans, (end, -1))
        return any(start < span_end for _, span_end in self.spans[first:last])



@cache
def load_treaties() -> tuple[Treaty, ...]:
    """The project's treaty list, in file order."""
    return tuple(Treaty(row["treaty_id"], row["name"], split_field(row["aliases"]),
                        int(row["year"]) if row["year"] else None,
                        split_field(row["organisation"]), row["founds"] == "yes",
                        int(row["articles"]) if row["articles"] else None, row["kind"],
                        row["successor"] or None)
                 for row in data_rows("treaties.csv"))


def treaty_table():
    """The treaty list as a DataFrame (aliases and organisations joined with `|`)."""
    import pandas as pd

    return pd.DataFrame([{"treaty_id": t.treaty_id, "treaty": t.name, "aliases": "|".join(t.aliases),
                          "year": t.year, "organisation": "|".join(t.organisations),
                          "founds": t.founds, "articles": t.articles, "kind": t.kind}
                         for t in load_treaties()]).astype({"year": "Int64", "articles": "Int64"})


@dataclass(frozen=True)
class Matchers:
    names: re.Pattern          # every name, alias and acronym, plus NOT_TREATIES
    by_form: dict              # normalised form -> Treaty (None for NOT_TREATIES)
    acronyms: dict             # normalised form -> acronyms each spelling must keep
    organisations: re.Pattern  # founding organisations ("NATO", "the UN")
    by_organisation: dict      # normalised organisation -> founding Treaty
    named_before: re.Pattern   # a name or organisation ending right before a provision


@cache
def list_matchers() -> Matchers:
    treaties = load_treaties()
    by_form: dict[str, Treaty | None] = {}
    for treaty in treaties:
        for form in (treaty.name, *treaty.aliases):
            by_form.setdefault(normalise(form), treaty)
    for form in NOT_TREATIES:
        by_form[normalise(form)] = None
    name_forms = {form for t in treaties for form in (t.name, *t.aliases)} | set(NOT_TREATIES)
    names = trie_pattern(name_forms, case_sensitive=False)
    org_forms = {org for t in treaties if t.founds for org in t.organisations}
    organisations = trie_pattern(org_forms, case_sensitive=True)
    return Matchers(
        names=re.compile(rf"{NAME_START}(?i:{names})(?![\w-])(?!\s+(?:Act|Implementation)\b)"),
        by_form=by_form,
        acronyms=acronyms_by_form(name_forms),
        organisations=re.compile(rf"(?<![\w-]){organisations}(?![\w-])"),
        by_organisation={normalise(org): t for t in treaties if t.founds for org in t.organisations},
        named_before=re.compile(rf"(?<![\w-])(?:(?i:{names})|{organisations})" + POSSESSIVE_END.pattern))


def trie_pattern(forms, case_sensitive: bool) -> str:
    """One regex for many names, shared prefixes factored out so that it runs in one pass
    (a flat alternation of a few hundred names was 10 times slower than the parse budget).
    Spaces, hyphens and apostrophes are flexible: "Non-Proliferation", "Nonproliferation".
    Alternatives are tried in the order their forms are added: longer forms first, so a
    longer name tends to win, and in a fixed order, so the pattern is the same in every run."""
    trie: dict = {}
    for form in sorted(forms, key=lambda form: (-len(form), form)):
        node = trie
        for unit in pattern_units(form, case_sensitive):
            node = node.setdefault(unit, {})
        node[""] = {}  # a form ends here

    def emit(node: dict) -> str:
        branches = [unit + emit(child) for unit, child in node.items() if unit]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return emit(trie)


def pattern_units(form: str, case_sensitive: bool) -> list[str]:
    units = []
    for piece in re.findall(r"\s+|[-\u2010\u2011\u2013]|['\u2019]|.", form):
        if piece.isspace():
            units.append(r"\s+")
        elif piece in "-\u2010\u2011\u2013":
            units.append(DASH + "?")
        elif piece in "'\u2019":
            units.append(APOSTROPHE)
        else:
            units.append(re.escape(piece if case_sensitive else piece.lower()))
    return units


def acronyms_by_form(forms) -> dict[str, list[tuple[str, ...]]]:
    """Normalised form -> the all-capital words each spelling of it must keep ("NPT", "New START")."""
    acronyms: dict[str, list[tuple[str, ...]]] = {}
    for form in forms:
        words = tuple(w for w in re.split(r"[\s\-\u2013]+", form)
                      if sum(c.isupper() for c in w) >= 2)  # "NPT", "TiSA", "PfP"
        acronyms.setdefault(normalise(form), []).append(words)
    return acronyms



@cache
def treaty_name_words(treaty: Treaty) -> frozenset[str]:
    """The lower-case words of a treaty's name and aliases."""
    return frozenset(name_words_of(" ".join((treaty.name, *treaty.aliases))))


def name_words_of(phrase: str) -> set[str]:
    return {word.lower() for word in re.findall(r"[A-Za-z]+", phrase)}



def un_charter() -> Treaty:
    return next(treaty for treaty in load_treaties() if treaty.treaty_id == "un-charter")


def normalise(form: str) -> str:
    form = re.sub(r"[-\u2010\u2011\u2013\s]+", " ", form.lower()).replace("\u2019", "'")
    return form.replace(" ", "")


def split_field(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split("|") if part.strip())
