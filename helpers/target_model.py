"""The trained models of sentiment towards a mention (and of stance): multinomial logistic
regression over named features and averaged word vectors, as plain JSON in `helpers/data/`
(feature name -> one weight per class, and one weight matrix per group of word vectors).
Both parts are linear in each token's vector, so each word's push on the score is exact
(`TargetModel.token_weights`).
"""

from __future__ import annotations

import functools
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from helpers.word_vectors import VECTOR_GROUPS, VECTOR_SCALE, VECTOR_WINDOW, _group_vector

FAST_TARGET_METHOD = "target-lr"
ACCURATE_TARGET_METHOD = "target-minilm"
# What every entry point uses unless told: the accurate model, since its encoder became cheap
# enough (int8 on onnxruntime, helpers.encoder_onnx); target-lr stays the fast option.
DEFAULT_TARGET_METHOD = ACCURATE_TARGET_METHOD
# method -> (model file in helpers/data, the word vectors its features use)
TARGET_MODELS = {FAST_TARGET_METHOD: ("target_sentiment.json", "tok2vec"),
                 ACCURATE_TARGET_METHOD: ("target_sentiment_minilm.json", "minilm")}
# The same kind of model fitted for another question, the speaker's attitude to an entity
# named in their statement (helpers.stances; scripts/train_stance.py). Only with MiniLM's
# vectors did the stance training rows help, so the fast path judges stances with target-lr.
STANCE_MODELS = {"stance-minilm": ("stance_minilm.json", "minilm")}
STANCE_METHOD = {FAST_TARGET_METHOD: FAST_TARGET_METHOD, ACCURATE_TARGET_METHOD: "stance-minilm"}
MODEL_FILES = {**TARGET_MODELS, **STANCE_MODELS}


def model_path(method: str) -> Path:
    if method not in MODEL_FILES:
        raise ValueError(f"unknown target sentiment method {method!r}; "
                         f"choose one of {', '.join(TARGET_MODELS)}")
    return Path(__file__).resolve().parent / "data" / MODEL_FILES[method][0]


class TargetModel:
    """Multinomial logistic regression over named features and averaged word vectors, read
    from JSON (no pickle)."""

    def __init__(self, classes: Sequence[str], intercept: Sequence[float],
                 weights: dict[str, Sequence[float]], vectors: dict[str, Sequence[Sequence[float]]],
                 method: str, vector_source: str):
        self.method, self.vector_source = method, vector_source
        self.classes = tuple(classes)
        self.intercept = np.asarray(intercept, dtype=float)
        # One row per named feature, so that a mention's logits are one product.
        self.feature_index = {name: row for row, name in enumerate(weights)}
        self.feature_weights = np.asarray(list(weights.values()), dtype=float).reshape(
            len(weights), len(self.classes))
        self.weights = {name: self.feature_weights[row] for name, row in self.feature_index.items()}
        # group -> (width x classes) weights of its `_group_vector`
        self.vectors = {name: np.asarray(matrix, dtype=float) for name, matrix in vectors.items()}

    @classmethod
    def load(cls, method: str = ACCURATE_TARGET_METHOD, path: Path | None = None) -> TargetModel:
        path = path or model_path(method)
        data = json.loads(path.read_text(encoding="utf-8"))
        settings = (data.get("vector_source"), data.get("vector_scale"), data.get("vector_window"),
                    sorted(data.get("vectors", {})))
        if settings != (MODEL_FILES[method][1], VECTOR_SCALE, VECTOR_WINDOW, sorted(VECTOR_GROUPS)):
            # The features are built with this module's settings: a model trained with others
            # would score silently wrong.
            script = "train_stance.py" if method in STANCE_MODELS else "train_sentiment.py"
            raise ValueError(f"{path.name} was trained with other word-vector settings {settings}; "
                             f"rebuild it with scripts/{script}")
        return cls(data["classes"], data["intercept"], data["weights"], data["vectors"],
                   method, data["vector_source"])

    def logits(self, features: Iterable[tuple[str, float, tuple[int, ...]]],
               vectors: dict | None = None) -> np.ndarray:
        total = self.intercept.copy()
        known = [(self.feature_index[name], value)
                 for name, value in merged_features(features).items() if name in self.feature_index]
        if known:
            rows, values = zip(*known)
            total += np.asarray(values) @ self.feature_weights[list(rows)]
        for name, (_, matrix) in (vectors or {}).items():
            total += _group_vector(matrix) @ self.vectors[name]
        return total

    def probabilities(self, features, vectors: dict | None = None) -> np.ndarray:
        logits = self.logits(features, vectors)
        exp = np.exp(logits - logits.max())
        return exp / exp.sum()

    def token_weights(self, features, vectors: dict | None = None) -> dict[int, float]:
        """How much each token pushed towards positive rather than negative: each feature's
        part of (positive logit - negative logit), shared among the occurrences it was
        counted from in proportion to their values, and evenly among each one's tokens.
        The mention's own tokens carry its grammatical role. A word-vector group's part is
        exactly the sum over its tokens of VECTOR_SCALE * row / n . (w_pos - w_neg), so each
        token gets its own term (the model is linear in every token's row)."""
        positive, negative = self.classes.index("positive"), self.classes.index("negative")
        raw: dict[str, float] = defaultdict(float)
        for name, value, _ in features:
            raw[name] += value
        merged = merged_features(features)
        pushes: dict[int, float] = defaultdict(float)
        for name, value, tokens in features:
            row = self.weights.get(name)
            if row is None or not tokens or not raw[name]:
                continue
            push = merged[name] * value / raw[name] * (row[positive] - row[negative])
            for token in tokens:
                pushes[token] += push / len(tokens)
        for name, (indices, matrix) in (vectors or {}).items():
            direction = self.vectors[name][:, positive] - self.vectors[name][:, negative]
            for token, push in zip(indices, VECTOR_SCALE * matrix @ direction / len(indices)):
                pushes[token] += float(push)
        return dict(pushes)


def merged_features(features: Iterable[tuple[str, float, tuple[int, ...]]]) -> dict[str, float]:
    """Feature values summed by name; presence features (all but lexicon sums) capped at 1."""
    merged: dict[str, float] = defaultdict(float)
    for name, value, _ in features:
        merged[name] += value
    return {name: (value if name.startswith("lex") else min(value, 1.0))
            for name, value in merged.items()}


@functools.cache
def load_target_model(method: str = ACCURATE_TARGET_METHOD) -> TargetModel:
    model = TargetModel.load(method)
    if model.vector_source == "minilm":
        from helpers.encoder import model_folder

        model_folder()  # missing weights fail here, with the command that installs them
    return model
