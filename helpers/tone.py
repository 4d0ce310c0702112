"""The tone of a piece of text from VADER's lexicon (shipped in `vaderSentiment`, offline),
explained word by word, and the test for text too empty, short or un-English to judge.

Tone says how positive or negative the words are, not whom they are aimed at. Every score is
in [-1, 1]; text that cannot be judged gets score 0, label `neutral` and a `flag`.
"""

from __future__ import annotations

import functools
import re

from spacy.lang.en.stop_words import STOP_WORDS
from vaderSentiment.vaderSentiment import NEGATE, SentimentIntensityAnalyzer

LABELS = ("negative", "neutral", "positive")
LEXICON_METHOD = "vader"
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


def _mean_tone(tones: list[tuple[float, str | None]]) -> tuple[float, str, str | None]:
    """Mean (score, flag) of the judged ones; when none was judged, neutral with the first
    flag (the text is empty, too short or not English)."""
    scores = [score for score, flag in tones if not flag]
    if not scores:
        return 0.0, "neutral", next((flag for _, flag in tones if flag), "empty")
    mean = sum(scores) / len(scores)
    return mean, label_for(mean), None
