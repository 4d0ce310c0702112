"""The named features of a mention in its sentence, seen from the mention's point of view:
lexicon words weighted by their distance in the dependency tree, the mention's syntactic
role and the words that govern it, words near it, and the sentence's words with the mention
masked. Each feature keeps the tokens it was counted from, so its weight can be shown on them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from spacy.lang.en.stop_words import STOP_WORDS
from spacy.tokens import Span, Token
from vaderSentiment.vaderSentiment import NEGATE

from helpers.tone import NEGATION_SCALE, lexicon_valence

WINDOW = 6
PRONOUN_TAGS = {"PRP", "PRP$", "WP", "WP$"}
MENTION = "<T>"


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


def _ancestor_depths(token: Token) -> dict[int, int]:
    """Token index -> number of arcs up from `token`, for the token and its ancestors."""
    depths = {token.i: 0}
    for steps, ancestor in enumerate(token.ancestors, start=1):
        depths[ancestor.i] = steps
    return depths


def _tree_distance(depths_a: dict[int, int], b: Token) -> int:
    """Number of dependency arcs between a token (given by its `_ancestor_depths`) and
    another token of its sentence."""
    if b.i in depths_a:
        return depths_a[b.i]
    for steps, ancestor in enumerate(b.ancestors, start=1):
        if ancestor.i in depths_a:
            return steps + depths_a[ancestor.i]
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


class SentenceWords:
    """What the features read of each word of a sentence, whichever mention they are
    computed for: worked out once per sentence, as a sentence often has several mentions."""

    def __init__(self, sentence: Span):
        self.sentence = sentence
        # (token index, lower-cased text) of the words that are not whitespace
        self.words = [(token.i, token.lower_) for token in sentence if not token.is_space]
        self._content = {token.i for token in sentence if _is_content(token)}
        # token index -> VADER valence, turned (and damped) when negated
        self.valences = {}
        for index, _ in self.words:
            valence = _valence(sentence.doc[index], sentence.start)
            if valence:
                self.valences[index] = valence

    # A clause or subtree can reach past the sentence when its boundaries did not come from
    # the parser (a paragraph break, a split long text): such words are looked at afresh.

    def is_content(self, token: Token) -> bool:
        if self.sentence.start <= token.i < self.sentence.end:
            return token.i in self._content
        return _is_content(token)

    def valence(self, token: Token) -> float:
        if self.sentence.start <= token.i < self.sentence.end:
            return self.valences.get(token.i, 0.0)
        return _valence(token, self.sentence.start)


def _valence(token: Token, sentence_start: int) -> float:
    """VADER's valence of a word, turned (and damped) when negated."""
    valence = lexicon_valence(token.lower_)
    if valence and _is_negated(token, sentence_start):
        valence *= NEGATION_SCALE
    return valence


def mention_features(mention: Span, words: SentenceWords | None = None
                     ) -> list[tuple[str, float, tuple[int, ...]]]:
    """(feature, value, token indices it comes from) for a mention in its parsed sentence.
    `words`: its sentence's `SentenceWords`, when the caller keeps them for several mentions."""
    sentence = mention.sent
    if words is None or words.sentence != sentence:
        words = SentenceWords(sentence)
    doc = mention.doc
    inside = set(range(mention.start, mention.end))
    root = mention.root
    features: list[tuple[str, float, tuple[int, ...]]] = []

    def add(name: str, value: float, tokens: Iterable[int] = ()):
        features.append((name, value, tuple(tokens)))

    # The sentence's words with the mention masked, as unigrams and bigrams.
    sequence: list[tuple[str, tuple[int, ...]]] = []
    for index, word in words.words:
        if index in inside:
            if index == mention.start:
                sequence.append((MENTION, tuple(inside)))
            continue
        sequence.append((word, (index,)))
    for word, tokens in sequence:
        if word != MENTION and words.is_content(doc[tokens[0]]):
            add(f"u:{word}", 1.0, tokens)
    for pair in zip(sequence, sequence[1:]):
        # A bigram with the mention in it is credited to its other word.
        add(f"b:{pair[0][0]} {pair[1][0]}", 1.0,
            [index for word, indices in pair if word != MENTION for index in indices])

    # Words near the mention, on each side.
    for token in doc[max(mention.start - WINDOW, sentence.start):mention.start]:
        if words.is_content(token):
            add(f"L:{token.lower_}", 1.0, (token.i,))
    for token in doc[mention.end:min(mention.end + WINDOW, sentence.end)]:
        if words.is_content(token):
            add(f"R:{token.lower_}", 1.0, (token.i,))

    # The words of the mention's own clause.
    for token in _clause(mention):
        if token.i not in inside and words.is_content(token):
            add(f"c:{token.lower_}", 1.0, (token.i,))
            valence = words.valence(token)
            if valence:
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
        if token.i not in inside and words.is_content(token):
            add(f"sub:{token.lower_}", 1.0, (token.i,))
    add(f"pron:{root.tag_ in PRONOUN_TAGS}", 1.0, inside)

    # Lexicon words, weighted by where they stand from the mention.
    root_depths = _ancestor_depths(root)
    valences: list[tuple[int, float]] = []
    for index, valence in words.valences.items():
        token = doc[index]
        value = valence / 4
        polarity = "pos" if value > 0 else "neg"
        if index in inside:
            place = "self"
        else:
            place = _distance_bucket(_tree_distance(root_depths, token))
        add(f"lex:{place}:{polarity}", abs(value), (index,))
        add(f"lexrel:{_relation(token, root) if place != 'self' else 'self'}:{role}:{polarity}",
            abs(value), (index,))
        if place in {"d1", "d2"}:
            add(f"lexpath:{_path(token, root)}:{polarity}", abs(value), (index,))
        linear = min(abs(index - mention.start), abs(index - (mention.end - 1)))
        add(f"lexlin:{'near' if linear <= 3 else 'mid' if linear <= 8 else 'far'}:{polarity}",
            abs(value), (index,))
        valences.append((index, value))
    # tanh of the sentence's lexicon total, shared out among its words in proportion.
    total = sum(value for _, value in valences)
    if total:
        for index, value in valences:
            add("lexsum", math.tanh(total) * value / total, (index,))

    return features
