"""`Analysis`: runs the extractors over parsed docs, holds the tables, saves and loads them.

Adding an extractor is a new module with a function `extract(context) -> list[dict]` and one
line in `EXTRACTORS`, plus its table's columns in `tables.SCHEMAS`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import pandas as pd
from spacy.tokens import Doc

from helpers import tables
from helpers.cache import write_atomically
from helpers.entities import extract_entities
from helpers.guard import Problems, budget_for, guarded
from helpers.identity import finalize_names, rename_sentiment_units, rename_speakers, rename_stances
from helpers.quotes import extract_quotes
from helpers.sentiment import extract_sentiment
from helpers.stances import extract_stances
from helpers.structure import Context, extract_paragraphs, extract_sentences
from helpers.treaties import extract_treaty_refs, finalize_treaty_refs
from helpers.treaty_texts import save_quoted_wording

# (table, extractor) in the order they run: later extractors may read earlier tables
# through `context.tables`. Treaty references come before entities and quotes: the identity
# layer they read (`context.identity`) names documents from them.
EXTRACTORS = (
    ("paragraphs", extract_paragraphs),
    ("sentences", extract_sentences),
    ("treaty_refs", extract_treaty_refs),
    ("entities", extract_entities),
    ("quotes", extract_quotes),
    ("sentiment", extract_sentiment),
    ("stances", extract_stances),
)
TABLE_NAMES = ("articles", "paragraphs", "sentences", "quotes", "entities", "treaty_refs",
               "sentiment", "stances", "problems")
# Tables renamed once every chunk is done, so that one entity, or one instrument outside the
# treaty list, has one name across the corpus.
FINALIZED = ("entities", "quotes", "sentiment", "stances", "treaty_refs")


def finalize_tables(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The FINALIZED tables with corpus-wide names: the entities' renaming is applied to the
    quotes' speakers, to the entity level of sentiment and to the stances' speakers and
    targets, so all four keep agreeing; instruments outside the treaty list get one id each."""
    entities, renamed = finalize_names(frames["entities"])
    treaty_refs = frames.get("treaty_refs", tables.empty("treaty_refs"))
    return {"entities": tables.frame("entities", entities),
            "quotes": tables.frame("quotes", rename_speakers(frames["quotes"], renamed)),
            "sentiment": tables.frame("sentiment", rename_sentiment_units(frames["sentiment"], renamed)),
            "stances": tables.frame("stances", rename_stances(frames["stances"], renamed)),
            "treaty_refs": tables.frame("treaty_refs", finalize_treaty_refs(treaty_refs))}


def extract_article(article: dict, doc: Doc, target_method: str | None = None
                    ) -> tuple[dict[str, list[dict]], list[dict]]:
    """Every extractor's records for one article, and a problem row for any that failed or
    overran its time budget (`extractor-failed`, `too-large`, `too-slow`, the detail starting
    with the extractor's name); `target_method` names the sentiment-towards-entities model
    (None: the default, `target-minilm`)."""
    context = Context(article, doc, target_method=target_method)
    problems = Problems()
    budget = budget_for(len(article["text"]))
    for name, extractor in EXTRACTORS:
        found = guarded(partial(extractor, context), article["source_path"], problems,
                        failure="extractor-failed", name=name, budget=budget)
        context.tables[name] = found if found is not None else []
    return context.tables, problems.rows


@dataclass
class Analysis:
    """The tables of one run; each attribute is a DataFrame with the contract's columns."""

    articles: pd.DataFrame
    paragraphs: pd.DataFrame
    sentences: pd.DataFrame
    quotes: pd.DataFrame
    entities: pd.DataFrame
    treaty_refs: pd.DataFrame
    sentiment: pd.DataFrame
    stances: pd.DataFrame
    problems: pd.DataFrame
    model: str = ""

    @classmethod
    def from_tables(cls, frames: dict[str, pd.DataFrame], model: str) -> Analysis:
        return cls(**{name: frames.get(name, tables.empty(name)) for name in TABLE_NAMES},
                   model=model)

    def tables(self) -> dict[str, pd.DataFrame]:
        return {name: getattr(self, name) for name in TABLE_NAMES}

    def save(self, folder: str | Path) -> Path:
        """One Parquet file per table, each written atomically, and `analysis.json`."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        for name, frame in self.tables().items():
            write_atomically(folder / f"{name}.parquet", frame.to_parquet(index=False))
        summary = {"model": self.model, "tables": {n: len(f) for n, f in self.tables().items()}}
        write_atomically(folder / "analysis.json", json.dumps(summary, indent=2).encode())
        save_quoted_wording(self, folder)
        return folder

    @classmethod
    def load(cls, folder: str | Path) -> Analysis:
        folder = Path(folder)
        summary_path = folder / "analysis.json"
        model = json.loads(summary_path.read_text())["model"] if summary_path.exists() else ""
        frames = {name: tables.frame(name, pd.read_parquet(folder / f"{name}.parquet"))
                  for name in TABLE_NAMES if (folder / f"{name}.parquet").exists()}
        return cls.from_tables(frames, model)

    def __repr__(self) -> str:
        sizes = ", ".join(f"{name}={len(frame)}" for name, frame in self.tables().items())
        return f"Analysis({sizes})"

    def describe(self) -> str:
        """The run in one sentence: what was read, with which pipeline, and what was found."""
        def count(frame: pd.DataFrame, singular: str, plural: str | None = None) -> str:
            return f"{len(frame):,} {singular if len(frame) == 1 else plural or singular + 's'}"

        found = ", ".join([count(self.quotes, "quote"), count(self.entities, "entity mention"),
                           count(self.treaty_refs, "treaty reference"), count(self.stances, "stance")])
        pipeline = " with the spaCy pipeline " + " ".join(self.model.rsplit("-", 1)) if self.model else ""
        sentence = (f"{count(self.articles, 'article')} ({int(self.articles['n_words'].sum()):,} words) "
                    f"analysed{pipeline}: {found}.")
        if len(self.problems):
            sentence += f" {count(self.problems, 'input')} skipped, repaired or flagged (see the problems table)."
        return sentence

    def _repr_markdown_(self) -> str:
        """What a notebook shows for an analysis: the sentence of `describe`, not a repr."""
        from helpers.display import escape_markdown

        return escape_markdown(self.describe())
