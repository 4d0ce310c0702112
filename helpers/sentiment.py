"""Tone at each level, and sentiment towards a mention, each explained word by word: the
scoring API and the `sentiment` table.

Two methods, named in the `method` column:

- `vader`: the tone of a piece of text from VADER's lexicon (`helpers.tone`). It says how
  positive or negative the words are, not whom they are aimed at.
- `target-lr` and `target-minilm`: sentiment *towards* a mention, from a logistic
  regression trained on NewsMTSC (`scripts/train_sentiment.py`; `helpers.target_model`).
  Its features look at the mention's sentence from the mention's point of view
  (`helpers.mention_features`), and at mean word vectors over the sentence, the mention and
  the words around it (`helpers.word_vectors`). The two methods differ only in those
  vectors: `target-lr` takes them from the embedding layer of spaCy's own tok2vec (almost
  free), `target-minilm` from a small pretrained transformer (`helpers.encoder`:
  contextual, about 7 points of macro-F1 better on NewsMTSC, and still the dearest step of
  an analysis). Everything uses `target-minilm` unless asked for `target-lr`
  (`target_method=`, `--target-sentiment`), the faster option for very large corpora.

Every score is in [-1, 1] (for the target methods: P(positive) - P(negative)). Text too empty,
short or un-English to judge gets score 0, label `neutral` and a `flag`.

The names of the modules above that other code uses are importable from here too.
"""

from __future__ import annotations

import contextlib
import html
import itertools
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc, Span

from helpers.mention_features import SentenceWords, mention_features
from helpers.structure import Context, trimmed
from helpers.target_model import (ACCURATE_TARGET_METHOD, DEFAULT_TARGET_METHOD, FAST_TARGET_METHOD,  # noqa: F401
                                  TargetModel, load_target_model)
from helpers.tone import LEXICON_METHOD, _mean_tone, text_flag, tone
from helpers.word_vectors import mention_vectors, sentence_rows

# Names of the modules this one was split into that other code imports from here.
from helpers.target_model import (MODEL_FILES, STANCE_METHOD, STANCE_MODELS, TARGET_MODELS,  # noqa: F401, E402
                                  model_path)
from helpers.tone import LABELS, explain_tone, label_for  # noqa: F401, E402
from helpers.word_vectors import VECTOR_GROUPS, VECTOR_WINDOW  # noqa: F401, E402

# The features read only the tagger's tags and the parse, so parsing a text for
# `target_sentiment` can skip the slower rule components and NER (same tags and tree).
SKIPPED_FOR_TARGETS = ("attribute_ruler", "lemmatizer", "ner")
# `score_targets_many` parses in batches of TARGET_BATCH_CHARS characters and scores
# SCORED_TOGETHER texts at a time as they come from the parser: small enough for the parser
# and the encoder to overlap (on NewsMTSC rw dev, 440 mentions a second against 310 with
# the parse first and the scoring after).
TARGET_BATCH_CHARS = 4_000
SCORED_TOGETHER = 8


def mention_span(doc: Doc, start: int, end: int) -> Span | None:
    """The tokens covering `doc.text[start:end]`, or None for an empty or blank span."""
    # Never `doc.text` here: spaCy rebuilds it from every token on each access, which made
    # scoring quadratic in the length of long transcripts.
    length = doc[-1].idx + len(doc[-1].text_with_ws) if len(doc) else 0
    start, end = max(start, 0), min(end, length)
    span = doc.char_span(start, end, alignment_mode="expand") if end > start else None
    return span if span is not None and span.text.strip() else None


# --------------------------------------------------------------------------------------
# Sentiment towards mentions

NOT_JUDGED = {"label": "neutral", "score": 0.0, "probabilities": (0.0, 1.0, 0.0)}


def score_mentions(items: Sequence[tuple[Doc, Sequence[tuple[int, int]]]],
                   method: str = ACCURATE_TARGET_METHOD, explain: bool = False,
                   rows_of: Callable[[list[Span], str], list[np.ndarray]] = sentence_rows
                   ) -> list[list[dict]]:
    """Label, score (P(positive) - P(negative)), probabilities and flag for each (start,
    end) mention of each parsed doc; the word vectors of all their sentences are computed
    together (the encoder runs fastest on batches), by `rows_of` (an article's extractors
    pass `Context.sentence_rows`, which computes each sentence once for all of them).
    `explain` adds `weights`, token index -> push towards positive (as `explain_mention`
    gives them)."""
    model = load_target_model(method)
    mentions = [[mention_span(doc, start, end) for start, end in spans] for doc, spans in items]
    # Per sentence, keyed by (doc number, first token): whether it can be judged, and its
    # words as the features read them (a sentence often holds several mentions).
    sentence_flags: dict[tuple[int, int], str | None] = {}
    words: dict[tuple[int, int], SentenceWords] = {}
    flags = []
    for number, spans in enumerate(mentions):
        for span in spans:
            if span is not None and (number, span.sent.start) not in sentence_flags:
                sentence_flags[number, span.sent.start] = text_flag(span.sent.text)
        flags.append(["empty" if span is None else sentence_flags[number, span.sent.start]
                      for span in spans])
    sentences = {}  # (doc number, first token) -> sentence, in order of first mention
    for number, (spans, doc_flags) in enumerate(zip(mentions, flags)):
        for span, flag in zip(spans, doc_flags):
            if not flag:
                sentences.setdefault((number, span.sent.start), span.sent)
    rows = dict(zip(sentences, rows_of(list(sentences.values()), model.vector_source)))
    scored = []
    for number, (spans, doc_flags) in enumerate(zip(mentions, flags)):
        doc_rows = []
        for span, flag in zip(spans, doc_flags):
            if flag:
                doc_rows.append({**NOT_JUDGED, "flag": flag, **({"weights": {}} if explain else {})})
                continue
            key = (number, span.sent.start)
            if key not in words:
                words[key] = SentenceWords(span.sent)
            features = mention_features(span, words[key])
            vectors = mention_vectors(span, rows[key])
            row = _scored(model, model.probabilities(features, vectors))
            if explain:
                row["weights"] = model.token_weights(features, vectors)
            doc_rows.append(row)
        scored.append(doc_rows)
    return scored


def _scored(model: TargetModel, probabilities: np.ndarray) -> dict:
    return {"label": model.classes[int(np.argmax(probabilities))],
            "score": _probability_score(model, probabilities),
            "probabilities": tuple(round(float(p), 6) for p in probabilities), "flag": None}


def _probability_score(model: TargetModel, probabilities: np.ndarray) -> float:
    return round(float(probabilities[model.classes.index("positive")]
                       - probabilities[model.classes.index("negative")]), 6)


@contextlib.contextmanager
def _parser_for_targets() -> Iterator[Language]:
    """The pipeline without the components the features do not read, while in the block."""
    from helpers.pipeline import load_model  # here, so importing this module stays light

    nlp = load_model()
    with nlp.select_pipes(disable=[name for name in SKIPPED_FOR_TARGETS if name in nlp.pipe_names]):
        yield nlp


def parse_for_targets(texts: list[str]) -> list[Doc]:
    """Parsed texts (in batches, long ones in pieces) without the components the features
    do not read."""
    from helpers.pipeline import parse

    with _parser_for_targets() as nlp:
        return list(parse(texts, nlp))


def score_targets_many(items: Iterable[tuple[str, Sequence[tuple[int, int]]]],
                       method: str = ACCURATE_TARGET_METHOD) -> list[list[dict]]:
    """`score_targets` for many (text, spans) pairs, parsed together (faster than one by
    one). Past SCORED_TOGETHER texts, they are parsed in a background thread while the ones
    already parsed are scored: on two cores the parser and the encoder overlap. (For fewer
    there is nothing to overlap, and handing the docs between threads made one call per
    sentence a third slower: 151 against 233 mentions a second on NewsMTSC rw dev.)"""
    from helpers.pipeline import parse, parse_ahead

    items = [(text or "", list(spans)) for text, spans in items]
    scored: list[list[dict]] = []
    with _parser_for_targets() as nlp:
        parser = parse_ahead if len(items) > SCORED_TOGETHER else parse
        docs = parser((text for text, _ in items), nlp, TARGET_BATCH_CHARS)
        pairs = zip(docs, items, strict=True)
        while group := list(itertools.islice(pairs, SCORED_TOGETHER)):
            scored.extend(score_mentions([(doc, spans) for doc, (_, spans) in group], method))
    return scored


def score_targets(text: str, spans: Sequence[tuple[int, int]],
                  method: str = ACCURATE_TARGET_METHOD) -> list[dict]:
    """`score_mentions` for each (start, end) span of `text`, parsing the text once."""
    return score_targets_many([(text, spans)], method)[0] if spans else []


def target_sentiment(text: str, spans: Sequence[tuple[int, int]]) -> list[str]:
    """The sentiment expressed towards each mention `text[start:end]`: one of
    "negative", "neutral", "positive" per span, by the accurate method (`target-minilm`).
    Empty, blank, too short or non-English text gives "neutral" (see `score_targets` for
    the flag)."""
    return [row["label"] for row in score_targets(text, spans)]


def explain_mention(doc: Doc, start: int, end: int,
                    method: str = ACCURATE_TARGET_METHOD) -> list[tuple[int, int, float]]:
    """(start, end, weight) for each word that pushed the sentiment towards the mention
    `doc.text[start:end]`: weight > 0 pushed it towards positive, < 0 towards negative (in
    logit units of positive vs negative). The mention's own words can appear too: with
    `target-minilm` they often push hardest, as their contextual vectors carry what the
    encoder read around them."""
    span = mention_span(doc, start, end)
    if span is None or text_flag(span.sent.text):
        return []
    model = load_target_model(method)
    rows = sentence_rows([span.sent], model.vector_source)[0]
    pushes = model.token_weights(mention_features(span), mention_vectors(span, rows))
    return sorted((doc[i].idx, doc[i].idx + len(doc[i].text), round(float(weight), 3))
                  for i, weight in pushes.items() if round(float(weight), 3))


def explain_target(text: str, start: int, end: int,
                   method: str = ACCURATE_TARGET_METHOD) -> list[tuple[int, int, float]]:
    """`explain_mention` for a mention of a text that is not parsed yet."""
    return explain_mention(parse_for_targets([text or ""])[0], start, end, method)


def explanation_html(text: str, weights: Iterable[tuple[int, int, float]],
                     start: int = 0, end: int | None = None,
                     target: tuple[int, int] | None = None) -> str:
    """`text[start:end]` as escaped HTML, each weighted word shaded green (positive) or red
    (negative) by its weight, with the weight in a tooltip; `target` is underlined."""
    end = len(text) if end is None else end
    marks = {(s, e): w for s, e, w in weights if start <= s and e <= end}
    strongest = max((abs(w) for w in marks.values()), default=1.0) or 1.0
    boundaries = sorted({start, end, *(p for span in marks for p in span),
                         *((p for p in target if start <= p <= end) if target else ())})
    pieces = []
    for left, right in zip(boundaries, boundaries[1:]):
        piece = html.escape(text[left:right]).replace("\n", "<br>")
        weight = next((w for (s, e), w in marks.items() if s <= left and right <= e), None)
        if weight is not None:
            alpha = 0.15 + 0.75 * abs(weight) / strongest
            rgb = "22,163,74" if weight > 0 else "220,38,38"
            piece = (f'<span style="background:rgba({rgb},{alpha:.2f});border-radius:0.2em" '
                     f'title="{weight:+.3f}">{piece}</span>')
        if target and target[0] <= left and right <= target[1]:
            piece = f'<u style="text-decoration-thickness:2px">{piece}</u>'
        pieces.append(piece)
    return f'<div style="line-height:1.9;max-width:50em">{"".join(pieces)}</div>'


# --------------------------------------------------------------------------------------
# The `sentiment` table

# Entity types a sentiment can be aimed at (not dates, numbers or amounts).
TARGET_LABELS = {"PERSON", "NORP", "ORG", "GPE", "LOC", "FAC", "EVENT", "LAW", "PRODUCT"}


def _row(context: Context, level: str, unit, start, end, score: float, label: str,
         method: str, flag: str | None) -> dict:
    return {"article_id": context.article_id, "level": level, "unit": str(unit),
            "start_char": start, "end_char": end, "score": round(float(score), 4),
            "label": label, "method": method, "flag": flag}



def extract_sentiment(context: Context) -> list[dict]:
    """Records of the `sentiment` table for one article.

    sentence and quote: VADER on the text. paragraph and article: the mean VADER tone of
    their judged sentences (VADER's compound saturates on long text). entity, per
    canonical name: the run's target method (`context.target_method`) averaged over the
    entity's mentions (label: the class with the highest mean probability), and `vader`,
    the mean tone of the sentences that mention it, for comparison.
    """
    text = context.text
    rows = []
    sentence_tones: list[tuple[int, int, float, str | None]] = []
    for number, sentence in enumerate(context.sentences):
        start, end = trimmed(sentence)
        score, label, flag = tone(text[start:end])
        sentence_tones.append((start, end, score, flag))
        rows.append(_row(context, "sentence", number, start, end, score, label, LEXICON_METHOD, flag))

    by_paragraph: dict[int, list] = defaultdict(list)
    for where, _, score, flag in sentence_tones:
        by_paragraph[context.paragraph_at(where)].append((score, flag))
    for number, (start, end) in enumerate(context.paragraphs):
        score, label, flag = _mean_tone(by_paragraph[number])
        rows.append(_row(context, "paragraph", number, start, end, score, label, LEXICON_METHOD,
                         flag))
    score, label, flag = _mean_tone([(score, flag) for _, _, score, flag in sentence_tones])
    rows.append(_row(context, "article", context.article_id, 0, len(text), score, label,
                     LEXICON_METHOD, flag))

    for quote in context.tables.get("quotes", []):
        score, label, flag = tone(text[quote["start_char"]:quote["end_char"]])
        rows.append(_row(context, "quote", quote["quote_id"], quote["start_char"],
                         quote["end_char"], score, label, LEXICON_METHOD, flag))

    rows.extend(_entity_rows(context, sentence_tones))
    return rows


def _entity_rows(context: Context, sentence_tones) -> list[dict]:
    mentions: dict[str, list[dict]] = defaultdict(list)
    for entity in context.tables.get("entities", []):
        if entity.get("label") in TARGET_LABELS:
            name = entity.get("canonical") or context.text[entity["start_char"]:entity["end_char"]]
            mentions[name].append(entity)
    model = load_target_model(context.target_method or DEFAULT_TARGET_METHOD)
    names = sorted(mentions)
    in_order = iter(score_mentions([(context.doc, [(e["start_char"], e["end_char"])
                                                   for name in names for e in mentions[name]])],
                                   model.method, rows_of=context.sentence_rows)[0])
    rows = []
    for name in names:
        entities = mentions[name]
        scored = list(itertools.islice(in_order, len(entities)))
        judged = [row["probabilities"] for row in scored if not row["flag"]]
        if judged:
            mean = np.mean(judged, axis=0)
            rows.append(_row(context, "entity", name, None, None, _probability_score(model, mean),
                             model.classes[int(np.argmax(mean))], model.method, None))
        else:
            rows.append(_row(context, "entity", name, None, None, 0.0, "neutral", model.method,
                             scored[0]["flag"]))
        sentences = sorted({context.sentence_at(e["start_char"]) for e in entities})
        score, label, flag = _mean_tone([sentence_tones[n][2:] for n in sentences])
        rows.append(_row(context, "entity", name, None, None, score, label, LEXICON_METHOD, flag))
    return rows
