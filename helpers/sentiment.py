"""Tone at each level, and sentiment towards a mention, each explained word by word.

Two methods, named in the `method` column:

- `vader`: the tone of a piece of text from VADER's lexicon (shipped in `vaderSentiment`,
  offline). It says how positive or negative the words are, not whom they are aimed at.
- `target-lr` and `target-minilm`: sentiment *towards* a mention, from a logistic
  regression trained on NewsMTSC (`scripts/train_sentiment.py`). Its features look at the
  mention's sentence from the mention's point of view: lexicon words weighted by their
  distance in the dependency tree, the mention's syntactic role and the words that govern
  it, words near it, and the sentence's words with the mention masked; and mean word
  vectors over the sentence, the mention and the words around it. The two methods differ
  only in those vectors: `target-lr` takes them from the embedding layer of spaCy's own
  tok2vec (almost free), `target-minilm` from a small pretrained transformer
  (`helpers.encoder`: contextual, about 7 points of macro-F1 better on NewsMTSC, and the
  slowest step of an analysis). `target_sentiment` uses `target-minilm`; `analyze` uses
  `target-lr` unless asked for the other (`target_method=`, `--target-sentiment`), so a
  corpus run keeps near the speed of bare spaCy. Each model is plain JSON in
  `helpers/data/`: feature name -> one weight per class, and one weight matrix per group
  of word vectors. Both parts are linear in each token's vector, so each word's push on
  the score is exact (`TargetModel.token_weights`).

Every score is in [-1, 1] (for the target methods: P(positive) - P(negative)). Text too empty,
short or un-English to judge gets score 0, label `neutral` and a `flag`.
"""

from __future__ import annotations

import functools
import html
import itertools
import json
import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import numpy as np
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.tokens import Doc, Span, Token
from vaderSentiment.vaderSentiment import NEGATE, SentimentIntensityAnalyzer

from helpers.structure import Context, trimmed

LABELS = ("negative", "neutral", "positive")
LEXICON_METHOD = "vader"
FAST_TARGET_METHOD = "target-lr"
ACCURATE_TARGET_METHOD = "target-minilm"
# method -> (model file in helpers/data, the word vectors its features use)
TARGET_MODELS = {FAST_TARGET_METHOD: ("target_sentiment.json", "tok2vec"),
                 ACCURATE_TARGET_METHOD: ("target_sentiment_minilm.json", "minilm")}
# The same kind of model fitted for another question, the speaker's attitude to an entity
# named in their statement (helpers.stances; scripts/train_stance.py), one per word vectors.
STANCE_MODELS = {"stance-lr": ("stance_lr.json", "tok2vec"), "stance-minilm": ("stance_minilm.json", "minilm")}
MODEL_FILES = {**TARGET_MODELS, **STANCE_MODELS}
# VADER's own convention for turning a compound score into a label.
VADER_THRESHOLD = 0.05
# Below this many words a text is not judged.
MIN_WORDS = 3
# The longest text VADER scores in one piece (a long sentence has a few hundred characters).
TONE_CHARS = 2_000
# Frequent function words of other European languages that are not English words; a text
# with more of these than English function words is taken as not English.
FOREIGN_FUNCTION_WORDS = frozenset("""
der die das und ist nicht mit von den dem des ein eine einen zu auf für sich wir ich wird sind
hat auch nach bei über wurde haben oder aber
le les et est une du dans pour qui que pas sur au aux avec ce cette sont nous il elle
el los las y es por con para una del lo como pero más su sus se
di che non della delle gli sono anche nel alla
het een niet zijn ook voor
não um uma em os pelo pela
""".split())
# VADER scales a negated word's valence by this factor (its N_SCALAR).
NEGATION_SCALE = -0.74
WINDOW = 6
PRONOUN_TAGS = {"PRP", "PRP$", "WP", "WP$"}
# The features read only the tagger's tags and the parse, so parsing a text for
# `target_sentiment` can skip the slower rule components and NER (same tags and tree).
SKIPPED_FOR_TARGETS = ("attribute_ruler", "lemmatizer", "ner")
MENTION = "<T>"
# Word-vector features: groups of tokens whose word vectors are averaged (`ts` the
# sentence without the mention and punctuation, `tm` the mention, `tw` the words within
# VECTOR_WINDOW of it), each mean scaled by VECTOR_SCALE so one L2 penalty suits them and
# the sparse features (chosen by cross-validation on train, scripts/train_sentiment.py).
VECTOR_GROUPS = ("ts", "tm", "tw")
VECTOR_SCALE = 0.5
VECTOR_WINDOW = 4


# --------------------------------------------------------------------------------------
# Text that cannot be judged

def text_flag(text: str) -> str | None:
    """`empty`, `too-short` or `not-english` when a text cannot be judged, else None."""
    words = re.findall(r"[^\W\d_]+", text)
    if not words:
        return "empty"
    if len(words) < MIN_WORDS:
        return "too-short"
    latin = sum(1 for word in words if _is_latin(word))
    english = sum(1 for word in words if word.lower() in STOP_WORDS)
    foreign = sum(1 for word in words if word.lower() in FOREIGN_FUNCTION_WORDS)
    if latin / len(words) < 0.5 or (foreign >= 2 and foreign > english):
        return "not-english"
    return None


def _is_latin(word: str) -> bool:
    return all(character < "\u0250" for character in word)


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
    """(score, label, flag) of a text's tone by VADER; neutral with a flag when not judged.

    VADER's time grows with the square of a text's length (it rereads the text for every
    word), so a text longer than TONE_CHARS (a run-on sentence, a quote left open) is
    scored as the mean tone of pieces cut at whitespace, as paragraphs and articles are."""
    if len(text) > TONE_CHARS:
        from helpers.pipeline import split_for_parsing  # here: importing this module stays light

        return _mean_tone([tone(piece)[::2] for piece in split_for_parsing(text, TONE_CHARS)])
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

def _is_negated(token: Token, sentence_start: int) -> bool:
    """Whether a negation governs the word or stands in the three words before it (not
    before `sentence_start`, the first token of its sentence, given so that a long
    sentence is not walked again for every word)."""
    if any(child.dep_ == "neg" for child in token.children):
        return True
    if token.dep_ in {"acomp", "attr", "xcomp", "dobj"} and any(
            child.dep_ == "neg" for child in token.head.children):
        return True
    before = token.doc[max(token.i - 3, sentence_start):token.i]
    return any(word.lower_ in NEGATE or word.lower_ == "n't" for word in before)


def _is_content(token: Token) -> bool:
    """Words worth a feature of their own: not punctuation, not a function word, except
    negations. (Function words still count inside bigrams, the role and the paths.)"""
    if token.is_punct or token.is_space:
        return False
    return token.lower_ in NEGATE or token.lower_ == "n't" or token.lower_ not in STOP_WORDS


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
    return 99  # not in one tree (another sentence)


def _path(word: Token, mention_root: Token) -> str:
    """Dependency labels from the mention up to the shared ancestor, then down to the word."""
    up, node = [], mention_root
    while not node.is_ancestor(word) and node != word and node.head != node:
        up.append(node.dep_)
        node = node.head
    down, other = [], word
    while other != node and other.head != other:
        down.append(other.dep_)
        other = other.head
    return ">".join(up) + "^" + "<".join(reversed(down))


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
    if word.head == mention_root.head:
        return "sibling"
    return "other"


CLAUSE_DEPS = {"conj", "advcl", "ccomp", "relcl", "parataxis", "xcomp", "csubj", "acl"}


def _clause(mention: Span) -> list[Token]:
    """The tokens of the mention's own clause: the subtree of its nearest clause head,
    without the other clauses hanging off it ("Putin lied, and Zelensky stayed")."""
    head = mention.root
    while head.head != head and not ((head.tag_.startswith("VB") or head.tag_ == "MD") and any(
            child.dep_ in {"nsubj", "nsubjpass"} for child in head.children)):
        head = head.head
    inside = set(range(mention.start, mention.end))
    excluded: set[int] = set()
    for child in head.children:
        if child.dep_ in CLAUSE_DEPS and not inside & {t.i for t in child.subtree}:
            excluded.update(t.i for t in child.subtree)
    return [token for token in head.subtree if token.i not in excluded]


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
        if word != MENTION and _is_content(doc[tokens[0]]):
            add(f"u:{word}", 1.0, tokens)
    for pair in zip(sequence, sequence[1:]):
        # A bigram with the mention in it is credited to its other word.
        add(f"b:{pair[0][0]} {pair[1][0]}", 1.0,
            [index for word, indices in pair if word != MENTION for index in indices])

    # Words near the mention, on each side.
    for token in doc[max(mention.start - WINDOW, sentence.start):mention.start]:
        if _is_content(token):
            add(f"L:{token.lower_}", 1.0, (token.i,))
    for token in doc[mention.end:min(mention.end + WINDOW, sentence.end)]:
        if _is_content(token):
            add(f"R:{token.lower_}", 1.0, (token.i,))

    # The words of the mention's own clause.
    clause = _clause(mention)
    for token in clause:
        if token.i not in inside and _is_content(token):
            add(f"c:{token.lower_}", 1.0, (token.i,))
            valence = lexicon_valence(token.lower_)
            if valence:
                if _is_negated(token, sentence.start):
                    valence *= NEGATION_SCALE
                add(f"lexclause:{'pos' if valence > 0 else 'neg'}", abs(valence) / 4, (token.i,))

    # The mention's syntactic role and the words that govern it.
    role, governor = _role(root)
    add(f"role:{role}", 1.0, inside)
    add(f"gov:{role}:{governor.lower_}", 1.0, (governor.i,))
    add(f"govword:{governor.lower_}", 1.0, (governor.i,))
    for steps, ancestor in enumerate(root.ancestors):
        if steps >= 3:
            break
        add(f"anc:{ancestor.lower_}", 1.0, (ancestor.i,))
    if _is_negated(governor, sentence.start):
        add(f"neg-gov:{role}", 1.0, (governor.i,))
    for token in root.subtree:
        if token.i not in inside and _is_content(token):
            add(f"sub:{token.lower_}", 1.0, (token.i,))
    add(f"pron:{root.tag_ in PRONOUN_TAGS}", 1.0, inside)

    # Lexicon words, weighted by where they stand from the mention.
    valences: list[tuple[int, float]] = []
    for token in sentence:
        valence = lexicon_valence(token.lower_)
        if not valence:
            continue
        if _is_negated(token, sentence.start):
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
        if place in {"d1", "d2"}:
            add(f"lexpath:{_path(token, root)}:{polarity}", abs(value), (token.i,))
        linear = min(abs(token.i - mention.start), abs(token.i - (mention.end - 1)))
        add(f"lexlin:{'near' if linear <= 3 else 'mid' if linear <= 8 else 'far'}:{polarity}",
            abs(value), (token.i,))
        valences.append((token.i, value))
    # tanh of the sentence's lexicon total, shared out among its words in proportion.
    total = sum(value for _, value in valences)
    if total:
        for index, value in valences:
            add("lexsum", math.tanh(total) * value / total, (index,))

    return features


# --------------------------------------------------------------------------------------
# Word vectors of a mention's sentence

def model_path(method: str) -> Path:
    if method not in MODEL_FILES:
        raise ValueError(f"unknown target sentiment method {method!r}; "
                         f"choose one of {', '.join(TARGET_MODELS)}")
    return Path(__file__).resolve().parent / "data" / MODEL_FILES[method][0]


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


# --------------------------------------------------------------------------------------
# The trained model

class TargetModel:
    """Multinomial logistic regression over named features and averaged word vectors, read
    from JSON (no pickle)."""

    def __init__(self, classes: Sequence[str], intercept: Sequence[float],
                 weights: dict[str, Sequence[float]], vectors: dict[str, Sequence[Sequence[float]]],
                 method: str, vector_source: str):
        self.method, self.vector_source = method, vector_source
        self.classes = tuple(classes)
        self.intercept = np.asarray(intercept, dtype=float)
        self.weights = {name: np.asarray(row, dtype=float) for name, row in weights.items()}
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
        for name, value in merged_features(features).items():
            row = self.weights.get(name)
            if row is not None:
                total += value * row
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
    flags = [["empty" if span is None else text_flag(span.sent.text) for span in spans]
             for spans in mentions]
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
            features = mention_features(span)
            vectors = mention_vectors(span, rows[number, span.sent.start])
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


def parse_for_targets(texts: list[str]) -> list[Doc]:
    """Parsed texts (in batches, long ones in pieces) without the components the features
    do not read."""
    from helpers.pipeline import load_model, parse  # here, so importing this module stays light

    nlp = load_model()
    with nlp.select_pipes(disable=[name for name in SKIPPED_FOR_TARGETS if name in nlp.pipe_names]):
        return list(parse(texts, nlp))


def score_targets_many(items: Iterable[tuple[str, Sequence[tuple[int, int]]]],
                       method: str = ACCURATE_TARGET_METHOD) -> list[list[dict]]:
    """`score_targets` for many (text, spans) pairs, parsed together (faster than one by one)."""
    items = [(text or "", list(spans)) for text, spans in items]
    docs = parse_for_targets([text for text, _ in items])
    return score_mentions([(doc, spans) for doc, (_, spans) in zip(docs, items)], method)


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


def _mean_tone(tones: list[tuple[float, str | None]]) -> tuple[float, str, str | None]:
    """Mean (score, flag) of the judged ones; when none was judged, neutral with the first
    flag (the text is empty, too short or not English)."""
    scores = [score for score, flag in tones if not flag]
    if not scores:
        return 0.0, "neutral", next((flag for _, flag in tones if flag), "empty")
    mean = sum(scores) / len(scores)
    return mean, label_for(mean), None


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
    model = load_target_model(context.target_method or FAST_TARGET_METHOD)
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


# --------------------------------------------------------------------------------------
