"""Word vectors of a mention's sentence for the target models: the embedding layer of
spaCy's tok2vec (`target-lr`) or the contextual vectors of `helpers.encoder` (`target-minilm`),
and their means over the groups of tokens around a mention that the models read.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np
from spacy.tokens import Doc, Span

# Word-vector features: groups of tokens whose word vectors are averaged (`ts` the
# sentence without the mention and punctuation, `tm` the mention, `tw` the words within
# VECTOR_WINDOW of it), each mean scaled by VECTOR_SCALE so one L2 penalty suits them and
# the sparse features (chosen by cross-validation on train, scripts/train_sentiment.py).
VECTOR_GROUPS = ("ts", "tm", "tw")
VECTOR_SCALE = 0.5
VECTOR_WINDOW = 4


def sentence_rows(sentences: Sequence[Span], source: str) -> list[np.ndarray]:
    """The word vectors (tokens x width) of each sentence, from `source`:

    - `tok2vec`: the embedding layer of the pinned pipeline's tok2vec (hash embeddings of
      each token's norm, prefix, suffix and shape, mixed by one maxout layer), before its
      convolutions. Each row depends on its token alone.
    - `minilm`: the contextual vectors of `helpers.encoder`, each sentence encoded alone.

    Either is computed the same whichever pipeline parsed the text (`--model`,
    HELPERS_MODEL): both read only the tokens' text, and the models were trained on them."""
    if source == "minilm":
        from helpers.encoder import load_encoder  # here: importing this module stays light

        return load_encoder().sentence_rows(sentences)
    by_doc: dict[int, np.ndarray] = {}
    rows = []
    for sentence in sentences:
        doc_rows = by_doc.get(id(sentence.doc))
        if doc_rows is None:
            doc_rows = by_doc[id(sentence.doc)] = _word_vectors().rows(sentence.doc)
        rows.append(doc_rows[sentence.start:sentence.end])
    return rows


class _WordVectors:
    """The embedding layer applied once per distinct token. A row depends only on the token's
    features (norm, prefix, suffix, shape ...), so rows are kept by those features across
    docs: the same numbers as running the layer on each doc, at a third of its cost."""

    CACHE_SIZE = 100_000  # rows kept (float32, about 40 MB), then started afresh

    def __init__(self, embed):
        self.features, _, self.hashed, self.mixed, _ = embed.layers
        self.width = embed.get_dim("nO")
        self.cache: dict[bytes, np.ndarray] = {}

    def rows(self, doc: Doc) -> np.ndarray:
        if not len(doc):
            return np.zeros((0, self.width))
        distinct, where = np.unique(self.features.predict([doc])[0], axis=0, return_inverse=True)
        keys = [row.tobytes() for row in distinct]
        table = np.empty((len(keys), self.width), dtype=np.float32)
        missing = []
        for i, key in enumerate(keys):
            row = self.cache.get(key)
            if row is None:
                missing.append(i)
            else:
                table[i] = row
        if missing:
            computed = self.mixed.predict(self.hashed.predict(distinct[missing]))
            table[missing] = computed
            if len(self.cache) + len(missing) > self.CACHE_SIZE:
                self.cache.clear()
            self.cache.update(zip((keys[i] for i in missing), computed))
        return table[where.reshape(-1)].astype(float)


@functools.cache
def _word_vectors() -> _WordVectors:
    from helpers.pipeline import DEFAULT_MODEL, load_model  # here: importing stays light

    return _WordVectors(load_model(DEFAULT_MODEL).get_pipe("tok2vec").model.get_ref("embed"))


def mention_vectors(mention: Span, rows: np.ndarray) -> dict[str, tuple[tuple[int, ...], np.ndarray]]:
    """For each of VECTOR_GROUPS: (token indices in the doc, their word vectors) around the
    mention; `rows` are its sentence's rows from `sentence_rows`."""
    sentence = mention.sent
    inside = range(max(mention.start, sentence.start), min(mention.end, sentence.end))
    groups = {
        "ts": [t.i for t in sentence if t.i not in inside and not t.is_punct],
        "tm": list(inside),
        "tw": [i for i in range(max(mention.start - VECTOR_WINDOW, sentence.start),
                                min(mention.end + VECTOR_WINDOW, sentence.end)) if i not in inside],
    }
    return {name: (tuple(indices), rows[[i - sentence.start for i in indices]])
            for name, indices in groups.items() if indices}


def vector_features(vectors: dict[str, tuple[tuple[int, ...], np.ndarray]]) -> dict[str, float]:
    """The word-vector part of a mention's features by name (`ts:0` ...), as trained."""
    return {f"{name}:{k}": float(value) for name, (_, matrix) in vectors.items()
            for k, value in enumerate(_group_vector(matrix))}


def _group_vector(matrix: np.ndarray) -> np.ndarray:
    """A group's feature vector: the mean of its tokens' rows, scaled so that one L2 penalty
    suits it and the named features."""
    return VECTOR_SCALE * matrix.mean(axis=0)
