"""Tables the treaty notebook shows: counts, references in context, who invokes what, and
quoted wording beside the official text. Article text only ever reaches HTML escaped."""

from __future__ import annotations

import html
import re
from difflib import SequenceMatcher

import pandas as pd

from helpers.display import UNKNOWN_SPEAKER, Findings, count
from helpers.treaty_texts import WORD, _comparable, who_invokes

OUTSIDE_QUOTES = "(the outlet, outside quotes)"


def treaty_summary(treaty_refs: pd.DataFrame) -> pd.DataFrame:
    """One row per treaty: whether it is in the treaty list, references, articles citing it,
    provisions cited; most cited first."""
    if treaty_refs.empty:
        return pd.DataFrame(columns=["treaty", "treaty_id", "listed", "references", "articles", "provisions"])
    grouped = treaty_refs.groupby(["treaty", "treaty_id", "listed"])
    summary = pd.DataFrame({
        "references": grouped.size(),
        "articles": grouped["article_id"].nunique(),
        "provisions": grouped["provision"].agg(lambda p: ", ".join(_by_number(p.dropna().unique()))),
    }).reset_index()
    return summary.sort_values(["references", "treaty"], ascending=[False, True]).reset_index(drop=True)


def coverage_summary(treaty_refs: pd.DataFrame) -> pd.DataFrame:
    """Instruments and references in the treaty list and outside it (found by their names)."""
    rows = []
    for listed, label in ((True, "in the treaty list"), (False, "outside the list")):
        part = treaty_refs[treaty_refs["listed"].eq(listed).fillna(False).astype(bool)]
        rows.append({"instruments": label, "count": part["treaty_id"].nunique(), "references": len(part),
                     "share of references": round(len(part) / len(treaty_refs), 3) if len(treaty_refs) else 0.0})
    return pd.DataFrame(rows)


def unlisted_instruments(treaty_refs: pd.DataFrame) -> pd.DataFrame:
    """One row per instrument outside the list: its provisional id and name, references,
    articles, and the spellings the articles use; most cited first."""
    columns = ["treaty_id", "treaty", "references", "articles", "spellings"]
    outside = treaty_refs[treaty_refs["listed"].eq(False).fillna(False).astype(bool)]
    if outside.empty:
        return pd.DataFrame(columns=columns)
    named = outside[outside["text"].str.contains(r"[A-Z]", regex=True)]  # names and acronyms, not "the deal"
    spellings = named.groupby("treaty_id")["text"].agg(lambda t: " | ".join(sorted(set(t))))
    grouped = outside.groupby(["treaty_id", "treaty"])
    table = pd.DataFrame({"references": grouped.size(), "articles": grouped["article_id"].nunique()}).reset_index()
    table["spellings"] = table["treaty_id"].map(spellings).fillna("")
    return table.sort_values(["references", "treaty"], ascending=[False, True]).reset_index(drop=True)[columns]


def draft_treaty_rows(treaty_refs: pd.DataFrame) -> pd.DataFrame:
    """Rows for `helpers/data/treaties.csv`, one per instrument outside the list: the id
    without "unlisted:", the name, the other spellings as aliases; year, organisation and
    kind to be filled in by hand."""
    columns = ["treaty_id", "name", "aliases", "year", "organisation", "founds", "articles", "kind", "successor"]
    outside = unlisted_instruments(treaty_refs)
    rows = [{"treaty_id": row.treaty_id.removeprefix("unlisted:"), "name": row.treaty,
             "aliases": "|".join(spelling for spelling in row.spellings.split(" | ")
                                 if spelling and spelling != row.treaty),
             "year": "", "organisation": "", "founds": "no", "articles": "", "kind": "", "successor": ""}
            for row in outside.itertuples()]
    return pd.DataFrame(rows, columns=columns)


def provision_summary(treaty_refs: pd.DataFrame) -> pd.DataFrame:
    """One row per (treaty, provision) cited, most cited first."""
    cited = treaty_refs.dropna(subset=["provision"])
    if cited.empty:
        return pd.DataFrame(columns=["treaty", "provision", "references", "articles"])
    grouped = cited.groupby(["treaty", "provision"])
    summary = pd.DataFrame({"references": grouped.size(),
                            "articles": grouped["article_id"].nunique()}).reset_index()
    return summary.sort_values(["references", "treaty", "provision"],
                               ascending=[False, True, True]).reset_index(drop=True)


def keyword_in_context(treaty_refs: pd.DataFrame, articles: pd.DataFrame, width: int = 60) -> pd.DataFrame:
    """Each reference with up to `width` characters either side, on one line, in text order;
    each side cut at a word on its far end, so the words next to the reference always show."""
    texts = articles.set_index("article_id")["text"]
    rows = []
    for ref in treaty_refs.sort_values(["article_id", "start_char"]).itertuples():
        text = texts[ref.article_id]
        left_start, right_end = max(0, ref.start_char - width), ref.end_char + width
        left = _one_line(text[left_start:ref.start_char]).lstrip()
        right = _one_line(text[ref.end_char:right_end]).rstrip()
        if left_start > 0 and " " in left:
            left = "… " + left.split(" ", 1)[1]
        if right_end < len(text) and " " in right:
            right = right.rsplit(" ", 1)[0] + " …"
        rows.append({"article_id": ref.article_id, "left": left, "reference": ref.text, "right": right,
                     "treaty": ref.treaty, "provision": ref.provision})
    return pd.DataFrame(rows, columns=["article_id", "left", "reference", "right", "treaty", "provision"])


def invoker_summary(treaty_refs: pd.DataFrame, quotes: pd.DataFrame) -> pd.DataFrame:
    """Who invokes which treaty and provision: references per speaker (inside their quotes)."""
    invokers = who_invokes(treaty_refs, quotes)
    if invokers.empty:
        return pd.DataFrame(columns=["speaker", "treaty", "provision", "references"])
    speaker = invokers["speaker_name"].astype(object).where(invokers["quote_id"].notna(), OUTSIDE_QUOTES)
    invokers = invokers.assign(speaker=speaker.fillna(UNKNOWN_SPEAKER),
                               provision=invokers["provision"].fillna("(the treaty as a whole)"))
    counts = invokers.groupby(["speaker", "treaty", "provision"]).size().rename("references").reset_index()
    return counts.sort_values(["references", "speaker", "treaty", "provision"],
                              ascending=[False, True, True, True]).reset_index(drop=True)


def wording_html(quoted: str, official: str) -> str:
    """The quote and the official wording side by side, words that differ marked; escaped."""
    quoted_words, official_words = list(WORD.finditer(quoted)), list(WORD.finditer(official))
    matcher = SequenceMatcher(None, [_comparable(m.group()) for m in quoted_words],
                              [_comparable(m.group()) for m in official_words], autojunk=False)
    quoted_marks, official_marks = set(), set()
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            quoted_marks.update(range(i1, i2))
            official_marks.update(range(j1, j2))
    cell = '<td style="vertical-align:top;padding:0.5em;max-width:30em;text-align:left">{}</td>'
    return ('<table><tr><th>quoted</th><th>official text</th></tr><tr>'
            + cell.format(_marked(quoted, quoted_words, quoted_marks))
            + cell.format(_marked(official, official_words, official_marks)) + "</tr></table>")


def _marked(text: str, words: list[re.Match], marks: set[int]) -> str:
    pieces, cursor = [], 0
    for index, word in enumerate(words):
        if index in marks:
            pieces += [html.escape(text[cursor:word.start()]),
                       f'<mark style="background:#fecaca">{html.escape(word.group())}</mark>']
            cursor = word.end()
    pieces.append(html.escape(text[cursor:]))
    return "".join(pieces)


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _by_number(provisions) -> list[str]:
    """ "Article 4" before "Article 42(7)" before "Chapter VII"."""
    def key(provision: str):
        kind, _, number = provision.partition(" ")
        digits = re.match(r"\d+", number)
        return kind, int(digits.group()) if digits else 0, number
    return sorted(provisions, key=key)


def highlighted_paragraphs(treaty_refs: pd.DataFrame, analysis, limit: int = 3) -> list[str]:
    """Escaped HTML of the paragraphs holding the first references, every reference marked
    with its provision (or its treaty, when the treaty as a whole is meant)."""
    from helpers.display import highlight

    texts = analysis.articles.set_index("article_id")["text"]
    paragraphs = analysis.paragraphs.set_index(["article_id", "paragraph"])
    shown = []
    for ref in treaty_refs.drop_duplicates(["article_id", "paragraph"]).head(limit).itertuples():
        paragraph = paragraphs.loc[(ref.article_id, ref.paragraph)]
        same_article = treaty_refs[treaty_refs["article_id"] == ref.article_id]
        marks = [(r.start_char, r.end_char, r.provision if pd.notna(r.provision) else r.treaty)
                 for r in same_article.itertuples()]
        shown.append(highlight(texts[ref.article_id], marks, start=int(paragraph["start_char"]),
                               end=int(paragraph["end_char"])))
    return shown


def findings(analysis, wording: pd.DataFrame | None = None) -> Findings:
    """The treaty notebook's closing findings, computed from its tables."""
    refs = analysis.treaty_refs
    if refs.empty:
        return Findings([f"No treaty is referred to in the {count(len(analysis.articles), 'article')} "
                         "of this corpus."])
    lines = [f"{count(len(refs), 'treaty reference')} to {count(refs['treaty_id'].nunique(), 'instrument')} "
             f"in {count(refs['article_id'].nunique(), 'article')} of {len(analysis.articles):,}."]
    outside = coverage_summary(refs).set_index("instruments").loc["outside the list"]
    if outside["references"]:
        lines.append(f"{count(int(outside['references']), 'reference')} ({outside['share of references']:.0%}) "
                     f"are to {count(int(outside['count']), 'instrument')} outside the treaty list, found by "
                     "their names.")
    top = treaty_summary(refs).iloc[0]
    lines.append(f"Most cited: {top['treaty']} ({count(top['references'], 'reference')} in "
                 f"{count(top['articles'], 'article')}).")
    provisions = provision_summary(refs)
    if not provisions.empty:
        top = provisions.iloc[0]
        lines.append(f"{count(len(provisions), 'provision')} cited; most often {top['provision']} of the "
                     f"{top['treaty']} ({top['references']:,}).")
    invokers = who_invokes(refs, analysis.quotes)
    if len(invokers):
        inside = invokers["quote_id"].notna()
        speakers = (invokers.loc[inside, "speaker_name"].dropna().value_counts().sort_index()
                    .sort_values(ascending=False, kind="stable"))
        lines.append(f"{inside.sum():,} of {count(len(invokers), 'reference')} sit inside quotes"
                     + (f"; {speakers.index[0]} invokes treaties most ({speakers.iloc[0]:,})." if len(speakers) else "."))
    if wording is not None:
        lines.append(f"{count(len(wording), 'quote')} reproduce treaty wording; "
                     f"{int((wording['score'] == 1).sum()):,} match the official text exactly.")
    return Findings(lines)

