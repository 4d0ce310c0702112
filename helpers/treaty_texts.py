"""Quoted treaty wording checked word for word against official texts, and who invokes what.

The project ships no treaty texts. `check_quoted_wording` reads them from a folder the user
names (the `folder` argument, or the `HELPERS_TREATY_TEXTS` environment variable) laid out
like `../shared/data/treaty-texts/`:

    treaties.csv      index: one row per file, columns `key` (our `treaty_id`, e.g.
                      `north-atlantic-treaty`; a column named `treaty_id` works too) and
                      `file` (the text's path relative to the folder)
    texts/*.md        one file per treaty; each article under a heading `### Article 5`
                      (Arabic or Roman numeral); other headings end an article's text

Only English headings ("Article") are read, so a file may carry other languages after them.
"""

from __future__ import annotations

import csv
import os
import re
from difflib import SequenceMatcher
from functools import cache
from pathlib import Path

import pandas as pd

from helpers.treaties import load_treaties

ENV_VARIABLE = "HELPERS_TREATY_TEXTS"
WORDING_COLUMNS = ["article_id", "quote_id", "start_char", "end_char", "quote", "treaty_id",
                   "treaty", "provision", "score", "n_words", "differing_words", "official"]
INVOKER_COLUMNS = ["article_id", "start_char", "end_char", "text", "treaty_id", "treaty",
                   "provision", "quote_id", "speaker_name", "speaker_type"]
ARTICLE_HEADING = re.compile(r"^#{2,4}\s*Article\s+(\w+)\s*$")
ANY_HEADING = re.compile(r"^#{1,6}")
# A word for comparison: letters and digits; "self-defence" and "selfdefence" are one word.
WORD = re.compile(r"[^\W_]+(?:[-\u2010\u2011'\u2019][^\W_]+)*")
ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


def texts_folder(folder: str | Path | None = None) -> Path | None:
    """The folder of official texts: `folder`, else `$HELPERS_TREATY_TEXTS`, else None (off)."""
    chosen = folder if folder is not None else os.environ.get(ENV_VARIABLE)
    return Path(chosen) if chosen else None


@cache
def official_texts(folder: str) -> dict[str, dict[str, str]]:
    """treaty_id -> provision ("Article 5") -> its official English text, from the index."""
    root = Path(folder)
    with (root / "treaties.csv").open(encoding="utf-8") as handle:
        index = list(csv.DictReader(handle))
    texts = {}
    for row in index:
        treaty_id = _our_treaty_id(row.get("treaty_id") or row.get("key") or "",
                                   row.get("title_en_in_file") or row.get("title") or "")
        path = root / row["file"]
        if treaty_id and path.is_file():
            texts[treaty_id] = _articles(path.read_text(encoding="utf-8"))
    return texts


def _our_treaty_id(key: str, title: str) -> str | None:
    """The index's key when it is one of our ids, else the treaty whose name or alias is the
    file's title (the shared index says `rome-statute-icc` where we say `rome-statute`)."""
    treaties = load_treaties()
    if any(treaty.treaty_id == key for treaty in treaties):
        return key
    wanted = _comparable_name(title)
    return next((treaty.treaty_id for treaty in treaties
                 if wanted in {_comparable_name(form) for form in (treaty.name, *treaty.aliases)}), None)


def _comparable_name(name: str) -> str:
    return " ".join(_words(name))


def _articles(markdown: str) -> dict[str, str]:
    articles: dict[str, list[str]] = {}
    current = None
    for line in markdown.splitlines():
        heading = ARTICLE_HEADING.match(line)
        if heading:
            number = _article_number(heading.group(1))
            current = f"Article {number}" if number else None
            if current in articles:  # a second "Article 1" starts another part: stop there
                break
            if current:
                articles[current] = []
        elif ANY_HEADING.match(line):
            current = None
        elif current:
            articles[current].append(line)
    return {provision: "\n".join(lines).strip() for provision, lines in articles.items()}


def _article_number(raw: str) -> int | None:
    if raw.isdigit():
        return int(raw)
    if raw and set(raw) <= set(ROMAN):
        values = [ROMAN[c] for c in raw]
        return sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))
    return None


def compare_wording(quoted: str, official: str) -> dict:
    """How closely `quoted` reproduces part of `official`, word for word.

    `score` is the share of the quote's words found in order in the official text;
    `differing_words` lists each difference as `quoted → official` (`∅` for nothing), and
    `official` is the stretch of the official text the quote lines up with.
    """
    quote_words = _words(quoted)
    official_matches = list(WORD.finditer(official))
    official_words = [_comparable(m.group()) for m in official_matches]
    matcher = SequenceMatcher(None, quote_words, official_words, autojunk=False)
    blocks = [block for block in matcher.get_matching_blocks() if block.size]
    if not quote_words or not blocks:
        return {"score": 0.0, "n_words": len(quote_words), "differing_words": "", "official": ""}
    first, last = blocks[0].b, blocks[-1].b + blocks[-1].size
    differences = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        j1, j2 = max(j1, first), min(j2, last)  # official words outside the quoted stretch don't count
        if tag == "equal" or (i1 == i2 and j1 >= j2):
            continue
        quoted_part = " ".join(quote_words[i1:i2]) or "∅"
        official_part = " ".join(official_words[j1:j2]) if j1 < j2 else "∅"
        differences.append(f"{quoted_part} → {official_part}")
    matched = sum(block.size for block in blocks)
    return {"score": round(matched / len(quote_words), 3), "n_words": len(quote_words),
            "differing_words": "; ".join(differences),
            "official": official[official_matches[first].start():official_matches[last - 1].end()]}


def check_quoted_wording(quotes: pd.DataFrame, treaty_refs: pd.DataFrame,
                         folder: str | Path | None = None, min_words: int = 6,
                         min_score: float = 0.6) -> pd.DataFrame:
    """One row per quote that reproduces a provision of a treaty its article refers to.

    Each quote of at least `min_words` words is compared with every article of the treaties
    named in the same news article that have an official text; the best-matching provision
    is kept when at least `min_score` of the quote's words appear in it in order. An empty
    table when no folder of texts is configured.
    """
    root = texts_folder(folder)
    if root is None or quotes.empty or treaty_refs.empty:
        return pd.DataFrame(columns=WORDING_COLUMNS)
    texts = official_texts(str(root.resolve()))
    names = {treaty.treaty_id: treaty.name for treaty in load_treaties()}
    treaties_by_article = treaty_refs.groupby("article_id")["treaty_id"].agg(lambda ids: sorted(set(ids)))
    rows = []
    for quote in quotes.itertuples(index=False):
        candidates = [t for t in treaties_by_article.get(quote.article_id, []) if t in texts]
        if len(_words(quote.text)) < min_words or not candidates:
            continue
        best = max(((compare_wording(quote.text, wording), treaty_id, provision)
                    for treaty_id in candidates for provision, wording in texts[treaty_id].items()),
                   key=lambda found: (found[0]["score"], -len(found[0]["differing_words"])))
        comparison, treaty_id, provision = best
        if comparison["score"] >= min_score:
            rows.append({"article_id": quote.article_id, "quote_id": quote.quote_id,
                         "start_char": quote.start_char, "end_char": quote.end_char,
                         "quote": quote.text, "treaty_id": treaty_id, "treaty": names.get(treaty_id),
                         "provision": provision, **comparison})
    table = pd.DataFrame(rows, columns=WORDING_COLUMNS)
    return table.sort_values(["article_id", "start_char", "quote_id"], kind="stable").reset_index(drop=True)


def save_quoted_wording(analysis, out: str | Path, folder: str | Path | None = None) -> Path | None:
    """Write `treaty_wording.parquet` beside an analysis' tables when texts are configured."""
    if texts_folder(folder) is None:
        return None
    path = Path(out) / "treaty_wording.parquet"
    path.parent.mkdir(parents=True, exist_ok=True)
    check_quoted_wording(analysis.quotes, analysis.treaty_refs, folder).to_parquet(path, index=False)
    return path


def who_invokes(treaty_refs: pd.DataFrame, quotes: pd.DataFrame) -> pd.DataFrame:
    """Every reference with the quote it sits in (by offsets) and that quote's speaker.

    References outside any quote keep null `quote_id` and `speaker_name`: the outlet's own
    words. When quotes nest or overlap, the shortest quote holding the reference wins.
    """
    refs = treaty_refs[[c for c in INVOKER_COLUMNS if c in treaty_refs]].copy()
    refs["_row"] = range(len(refs))
    holders = quotes[["article_id", "quote_id", "start_char", "end_char", "speaker_name", "speaker_type"]]
    joined = refs.merge(holders, on="article_id", how="left", suffixes=("", "_quote"))
    inside = (joined["start_char_quote"] <= joined["start_char"]) & (joined["end_char"] <= joined["end_char_quote"])
    joined = joined[inside.fillna(False).astype(bool)]
    joined = joined.assign(_length=joined["end_char_quote"] - joined["start_char_quote"])
    best = joined.sort_values(["_row", "_length"]).drop_duplicates("_row")
    result = refs.merge(best[["_row", "quote_id", "speaker_name", "speaker_type"]], on="_row", how="left")
    return result.drop(columns="_row")[INVOKER_COLUMNS].reset_index(drop=True)


def _words(text: str) -> list[str]:
    return [_comparable(word) for word in WORD.findall(text)]


def _comparable(word: str) -> str:
    return re.sub(r"[-\u2010\u2011]", "", word.lower().replace("\u2019", "'"))
