"""Tone at each level, and sentiment towards a mention, each explained word by word.

Two methods, named in the `method` column:

- `vader`: the tone of a piece of text from VADER's lexicon (shipped in `vaderSentiment`,
  offline). It says how positive or negative the words are, not whom they are aimed at.
- `target-lr`: sentiment *towards* a mention, from a logistic regression trained on
  NewsMTSC (`scripts/train_sentiment.py`). Its features look at the mention's sentence
  from the mention's point of view: lexicon words weighted by their distance in the
  dependency tree, the mention's syntactic role and the words that govern it, words near
  it, and the sentence's words with the mention masked. The model is plain JSON
  (`helpers/data/target_sentiment.json`): feature name -> one weight per class.

Every score is in [-1, 1] (for `target-lr`: P(positive) - P(negative)). Text too empty,
short or un-English to judge gets score 0, label `neutral` and a `flag`.
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.tokens import Doc, Span, Token
from vaderSentiment.vaderSentiment import NEGATE, SentimentIntensityAnalyzer

from helpers.structure import Context, trimmed

MODEL_PATH = Path(__file__).resolve().parent / "data" / "target_sentiment.json"
LABELS = ("negative", "neutral", "positive")
LEXICON_METHOD = "vader"
TARGET_METHOD = "target-lr"
# VADER's own convention for turning a compound score into a label.
VADER_THRESHOLD = 0.05
# Below this many words, or this share of English function words, a text is not judged.
MIN_WORDS = 3
MIN_ENGLISH_SHARE = 0.12
# VADER scales a negated word's valence by this factor (its N_SCALAR).
NEGATION_SCALE = -0.74
WINDOW = 6
MENTION = "<T>"


# --------------------------------------------------------------------------------------
# Text that cannot be judged

def text_flag(text: str) -> str | None:
    """`empty`, `too-short` or `not-english` when a text cannot be judged, else None."""
    words = re.findall(r"[^\W\d_]+", text)
    if not words:
        return "empty"
    if len(words) < MIN_WORDS:
        return "too-short"
    latin = sum(1 for word in words if word.isascii())
    english = sum(1 for word in words if word.lower() in STOP_WORDS)
    if latin / len(words) < 0.5 or english / len(words) < MIN_ENGLISH_SHARE:
        return "not-english"
    return None


def label_for(score: float, threshold: float = VADER_THRESHOLD) -> str:
    if score > threshold:
        return "positive"
    if score < -threshold:
        return "negative"
    return "neutral"


# --------------------------------------------------------------------------------------
# Lexicon tone (VADER)

@functools.cache
def _vader() -> SentimentIntensityAnalyzer:
    return SentimentIntensityAnalyzer()


def lexicon_valence(word: str) -> float:
    """VADER's valence for a lower-cased word (-4 to 4), 0 when it is not in the lexicon."""
    return _vader().lexicon.get(word, 0.0)


def tone(text: str) -> tuple[float, str, str | None]:
    """(score, label, flag) of a text's tone by VADER; neutral with a flag when not judged."""
    flag = text_flag(text)
    if flag:
        return 0.0, "neutral", flag
    score = _vader().polarity_scores(text)["compound"]
    return score, label_for(score), None


def explain_tone(text: str) -> list[tuple[int, int, float]]:
    """(start, end, weight) for each lexicon word of `text`: its VADER valence / 4, sign
    flipped (and damped) when a negation word comes in the three words before it.

    This is what drives VADER's compound score (which also weighs intensifiers, "but" and
    punctuation, and squashes the sum into [-1, 1]).
    """
    words = [(match.start(), match.end(), match.group().lower())
             for match in re.finditer(r"[\w'’]+", text)]
    weights = []
    for position, (start, end, word) in enumerate(words):
        valence = lexicon_valence(word.replace("’", "'"))
        if not valence:
            continue
        before = {w.replace("’", "'") for _, _, w in words[max(position - 3, 0):position]}
        if before & set(NEGATE) or any(w.endswith("n't") for w in before):
            valence *= NEGATION_SCALE
        weights.append((start, end, round(valence / 4, 3)))
    return weights


# --------------------------------------------------------------------------------------
# Features of a mention in its sentence

def _is_negated(token: Token) -> bool:
    if any(child.dep_ == "neg" for child in token.children):
        return True
    if token.dep_ in {"acomp", "attr", "xcomp", "dobj"} and any(
            child.dep_ == "neg" for child in token.head.children):
        return True
    sentence_start = token.sent.start
    before = token.doc[max(token.i - 3, sentence_start):token.i]
    return any(word.lower_ in NEGATE or word.lower_ == "n't" for word in before)


def _tree_distance(a: Token, b: Token) -> int:
    """Number of dependency arcs between two tokens of one sentence."""
    depth_a = {a.i: 0}
    for steps, ancestor in enumerate(a.ancestors, start=1):
        depth_a[ancestor.i] = steps
    if b.i in depth_a:
        return depth_a[b.i]
    for steps, ancestor in enumerate(b.ancestors, start=1):
        if ancestor.i in depth_a:
            return steps + depth_a[ancestor.i]
    return 99


def _distance_bucket(distance: int) -> str:
    if distance <= 1:
        return "d1"
    if distance == 2:
        return "d2"
    if distance <= 4:
        return "d4"
    return "far"


def _relation(word: Token, mention_root: Token) -> str:
    """How a sentiment word stands to the mention in the tree."""
    if word.is_ancestor(mention_root):
        return "governs"
    if mention_root.is_ancestor(word):
        return "modifies"
    if word.head == mention_root.head or word.head.i == mention_root.head.i:
        return "sibling"
    return "other"


def _role(mention_root: Token) -> tuple[str, Token]:
    """The mention's role and the content word it depends on (through a preposition)."""
    dep, head = mention_root.dep_, mention_root.head
    if dep == "pobj" and head.dep_ == "prep":
        return f"pobj-{head.lower_}", head.head
    if dep == "conj":  # "Russia and China": take the first conjunct's role
        return _role(head)
    return dep, head


def mention_features(mention: Span) -> list[tuple[str, float, tuple[int, ...]]]:
    """(feature, value, token indices it comes from) for a mention in its parsed sentence."""
    sentence = mention.sent
    doc = mention.doc
    inside = set(range(mention.start, mention.end))
    root = mention.root
    features: list[tuple[str, float, tuple[int, ...]]] = []

    def add(name: str, value: float, tokens: Iterable[int] = ()):
        features.append((name, value, tuple(tokens)))

    # The sentence's words with the mention masked, as unigrams and bigrams.
    sequence: list[tuple[str, tuple[int, ...]]] = []
    for token in sentence:
        if token.is_space:
            continue
        if token.i in inside:
            if token.i == mention.start:
                sequence.append((MENTION, tuple(inside)))
            continue
        sequence.append((token.lower_, (token.i,)))
    for word, tokens in sequence:
        if word != MENTION:
            add(f"u:{word}", 1.0, tokens)
    for (first, first_tokens), (second, second_tokens) in zip(sequence, sequence[1:]):
        add(f"b:{first} {second}", 1.0, first_tokens + second_tokens
            if MENTION not in (first, second) else
            (first_tokens if second == MENTION else second_tokens))

    # Words near the mention, on each side.
    for token in doc[max(mention.start - WINDOW, sentence.start):mention.start]:
        add(f"L:{token.lower_}", 1.0, (token.i,))
    for token in doc[mention.end:min(mention.end + WINDOW, sentence.end)]:
        add(f"R:{token.lower_}", 1.0, (token.i,))

    # The mention's syntactic role and the words that govern it.
    role, governor = _role(root)
    add(f"role:{role}", 1.0)
    add(f"gov:{role}:{governor.lemma_.lower()}", 1.0, (governor.i,))
    add(f"govlemma:{governor.lemma_.lower()}", 1.0, (governor.i,))
    for steps, ancestor in enumerate(root.ancestors):
        if steps >= 3:
            break
        add(f"anc:{ancestor.lemma_.lower()}", 1.0, (ancestor.i,))
    if _is_negated(governor):
        add(f"neg-gov:{role}", 1.0, (governor.i,))
    for token in root.subtree:
        if token.i not in inside and not token.is_punct:
            add(f"sub:{token.lemma_.lower()}", 1.0, (token.i,))
    add(f"pron:{root.pos_ == 'PRON'}", 1.0)

    # Lexicon words, weighted by where they stand from the mention.
    polar_sum = 0.0
    for token in sentence:
        valence = lexicon_valence(token.lower_) or lexicon_valence(token.lemma_.lower())
        if not valence:
            continue
        if _is_negated(token):
            valence *= NEGATION_SCALE
        value = valence / 4
        polarity = "pos" if value > 0 else "neg"
        if token.i in inside:
            place = "self"
        else:
            place = _distance_bucket(_tree_distance(token, root))
        add(f"lex:{place}:{polarity}", abs(value), (token.i,))
        add(f"lexrel:{_relation(token, root) if place != 'self' else 'self'}:{role}:{polarity}",
            abs(value), (token.i,))
        linear = min(abs(token.i - mention.start), abs(token.i - (mention.end - 1)))
        add(f"lexlin:{'near' if linear <= 3 else 'mid' if linear <= 8 else 'far'}:{polarity}",
            abs(value), (token.i,))
        polar_sum += value
    add("lexsum", math.tanh(polar_sum), ())
    return features


# --------------------------------------------------------------------------------------
# The trained model

class TargetModel:
    """Multinomial logistic regression over named features, read from JSON (no pickle)."""

    def __init__(self, classes: Sequence[str], intercept: Sequence[float],
                 weights: dict[str, Sequence[float]]):
        self.classes = tuple(classes)
        self.intercept = np.asarray(intercept, dtype=float)
        self.weights = {name: np.asarray(row, dtype=float) for name, row in weights.items()}

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> TargetModel:
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(data["classes"], data["intercept"], data["weights"])

    def logits(self, features: Iterable[tuple[str, float, tuple[int, ...]]]) -> np.ndarray:
        total = self.intercept.copy()
        for name, value in _merged(features).items():
            row = self.weights.get(name)
            if row is not None:
                total += value * row
        return total

    def probabilities(self, features) -> np.ndarray:
        logits = self.logits(features)
        exp = np.exp(logits - logits.max())
        return exp / exp.sum()

    def token_weights(self, features) -> dict[int, float]:
        """How much each token pushed P(positive) - P(negative): its features' share of
        (positive logit - negative logit), split evenly over the tokens a feature comes from."""
        positive, negative = self.classes.index("positive"), self.classes.index("negative")
        pushes: dict[int, float] = defaultdict(float)
        merged = _merged(features)
        sources: dict[str, set[int]] = defaultdict(set)
        for name, _, tokens in features:
            sources[name].update(tokens)
        for name, value in merged.items():
            row = self.weights.get(name)
            if row is None or not sources[name]:
                continue
            push = value * (row[positive] - row[negative])
            for token in sources[name]:
                pushes[token] += push / len(sources[name])
        return dict(pushes)


def _merged(features: Iterable[tuple[str, float, tuple[int, ...]]]) -> dict[str, float]:
    """Feature values summed by name; presence features (all but lexicon sums) capped at 1."""
    merged: dict[str, float] = defaultdict(float)
    for name, value, _ in features:
        merged[name] += value
    return {name: (value if name.startswith("lex") else min(value, 1.0))
            for name, value in merged.items()}


@functools.cache
def load_target_model() -> TargetModel:
    return TargetModel.load()


def mention_span(doc: Doc, start: int, end: int) -> Span | None:
    """The tokens covering `doc.text[start:end]`, or None for an empty or blank span."""
    start, end = max(start, 0), min(end, len(doc.text))
    if end <= start or not doc.text[start:end].strip():
        return None
    return doc.char_span(start, end, alignment_mode="expand")


def extract_sentiment(context: Context) -> list[dict]:
    return []
