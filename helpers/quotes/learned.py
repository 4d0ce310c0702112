"""A learned attribution model beside the rules (`attribution = "model"` in the quotes table).

The rules find quotes in quotation marks precisely, but reported speech takes many more forms
than a speech verb with a clausal complement: "…, authorities said", "polls show …", "X's claim
that …", "vowed to …", verbs of belief and intention. Two small logistic models, fitted on
PolNeAR train by `scripts/train_attribution.py` and stored as plain JSON
(`data/attribution_model.json`), read the spaCy parse:

1. the cue model scores every word that could trigger an attribution (verbs, nouns, adjectives,
   "according"), from its lemma, tag, dependency label, its children's labels, its subject,
   its neighbours and whether the cue lexicon lists it;
2. the content model ranks what each accepted cue could report (its clausal complement, its
   objects, the clause around it, the words before or after it in the sentence) and keeps the
   best.

The speaker mention comes from the same rules as every other row (`speakers.speaker_of`), so
who it is still comes from `helpers.identity`. Scoring is a sum of weights looked up by
feature name: no learning library is needed at run time.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Iterable

from spacy.tokens import Token

from helpers.data_files import DATA
from helpers.quotes.indirect import Report
from helpers.quotes.reader import SUBJECT_DEPS, Reader, speech_nouns
from helpers.quotes.speakers import mention, speaker_of

MODEL_FILE = DATA / "attribution_model.json"
CUE_POS = frozenset({"VERB", "NOUN", "ADJ", "AUX", "ADP"})
# Children labels worth pairing with the lemma: they carry the verb frame ("say" + ccomp).
FRAME_DEPS = frozenset({"ccomp", "xcomp", "dobj", "prep", "acl", "advcl", "dative", "mark",
                        "nsubj", "nsubjpass", "poss", "agent", "parataxis", "conj"})
# A clause under the cue that can hold what it reports.
CLAUSE_DEPS = ("ccomp", "xcomp", "acl", "advcl", "relcl", "pcomp", "parataxis")
# A model content sharing more than this share of its characters with a found one is dropped
# (tried on dev: 0.1 and 0.6 both scored lower).
MAX_SHARED = 0.3
RIGHT_SKIP = frozenset({"punct", "cc", "conj", "advcl", "nsubj", "nsubjpass", "mark", "aux",
                        "auxpass", "neg", "advmod"})


@functools.cache
def load_model() -> dict:
    """The shipped weights, read once."""
    return json.loads(MODEL_FILE.read_text(encoding="utf-8"))


def score(weights: dict[str, float], bias: float, features: Iterable[str]) -> float:
    total = bias + sum(weights.get(f, 0.0) for f in features)
    return 1.0 / (1.0 + math.exp(-max(min(total, 30.0), -30.0)))


# ------------------------------------------------------------------ cues

def cue_candidates(r: Reader) -> list[Token]:
    """Words that could trigger an attribution: not inside quotation marks."""
    return [t for t in r.doc if t.pos_ in CUE_POS and not r.quoted[t.i] and t.is_alpha
            and (t.pos_ != "ADP" or t.lower_ in ("according", "from"))]


def cue_features(r: Reader, token: Token, quoted_sentences: set[int]) -> list[str]:
    lemma = token.lemma_.lower()
    doc = r.doc
    features = [f"l={lemma}", f"p={token.pos_}", f"t={token.tag_}", f"d={token.dep_}",
                f"ld={lemma}|{token.dep_}", f"lt={lemma}|{token.tag_}",
                f"hd={token.head.lemma_.lower()}|{token.dep_}", f"hp={token.head.pos_}|{token.dep_}",
                f"pd={token.pos_}|{token.dep_}"]
    children = sorted({c.dep_ for c in token.children})
    features += [f"c={d}" for d in children]
    features += [f"lc={lemma}|{d}" for d in children if d in FRAME_DEPS]
    features += [f"pc={token.pos_}|{d}" for d in children if d in FRAME_DEPS]
    if token.pos_ in ("VERB", "AUX") and (entry := r.cue_entry(token)) is not None:
        features += [f"lex={entry[0]}", f"lexd={entry[0]}|{token.dep_}"]
    if token.pos_ == "NOUN" and lemma in speech_nouns():
        features.append("speech_noun")
    for child in token.children:
        if child.dep_ in SUBJECT_DEPS or child.dep_ == "poss":
            kind = r.words.get(child.lower_, child.ent_type_ or child.pos_)
            features += [f"s={child.dep_}|{kind}", f"ls={lemma}|{kind}"]
            break
    before = doc[token.i - 1] if token.i > 0 else None
    after = doc[token.i + 1] if token.i + 1 < len(doc) else None
    features.append(f"prev={before.lower_ if before is not None else '<s>'}")
    features.append(f"next={after.lower_ if after is not None else '</s>'}")
    features.append(f"lnext={lemma}|{after.lower_ if after is not None else '</s>'}")
    sentence = token.sent
    words = [t for t in sentence if not (t.is_punct or t.is_space)]
    if words:
        where = "first" if token.i == words[0].i else "last" if token.i == words[-1].i else "mid"
        features.append(f"at={where}|{token.pos_}")
    if before is not None and before.text == ",":
        features.append(f"comma_before|{token.pos_}")
    if after is not None and after.text in (",", ".", ":"):
        features.append(f"after={after.text}|{token.pos_}")
    if sentence.start in quoted_sentences:
        features.append(f"quote_in_sentence|{token.pos_}")
    if (above := _reporting_ancestor(r, token)) is not None:
        # PolNeAR gives each word one role: a cue inside what another cue reports is no cue
        features += [f"under={above}", f"under={above}|{token.pos_}"]
    return features


def _reporting_ancestor(r: Reader, token: Token) -> str | None:
    """The dependency label under which a listed cue verb above `token` holds it, if any."""
    node = token
    for _ in range(8):
        if node.head.i == node.i:
            return None
        label, node = node.dep_, node.head
        if node.pos_ in ("VERB", "AUX") and not r.quoted[node.i] and r.cue_entry(node) is not None:
            return label
    return None


def quoted_sentence_starts(r: Reader) -> set[int]:
    return {t.sent.start for t in r.doc if r.quoted[t.i]}


# ------------------------------------------------------------------ contents

def content_candidates(r: Reader, cue: Token) -> dict[str, tuple[int, int]]:
    """What a cue could report, by kind: token index spans (first, last) inside its sentence."""
    sentence = cue.sent
    subject = next((c for c in cue.children if c.dep_ in SUBJECT_DEPS or c.dep_ == "poss"), None)
    phrase = {t.i for t in cue.subtree} if cue.lower_ in ("according", "from") else {cue.i}
    if subject is not None:
        phrase |= {t.i for t in subject.subtree}
    if cue.lower_ == "according" and cue.i + 1 < len(r.doc):
        phrase |= {t.i for t in r.doc[cue.i + 1].subtree}
    out: dict[str, list[Token]] = {}
    for child in cue.children:
        if child.dep_ in CLAUSE_DEPS and child.i > cue.i:
            out.setdefault(f"clause:{child.dep_}", list(child.subtree))
    right = [t for c in cue.rights if c.dep_ not in RIGHT_SKIP for t in c.subtree]
    out["objects"] = right
    low, high = min(phrase), max(phrase)
    out["before"] = [t for t in sentence if t.i < low]
    out["after"] = [t for t in sentence if t.i > high]
    around = {t.i for t in cue.subtree}
    if cue.dep_ != "ROOT":
        out["around"] = [t for t in sentence if t.i not in around]
    out["sentence"] = [t for t in sentence if t.i not in phrase]
    spans = {}
    for kind, tokens in out.items():
        tokens = [t for t in tokens if not t.is_space]
        span = _trim(tokens)
        if span is not None:
            spans[kind] = span
    return spans


def _trim(tokens: list[Token]) -> tuple[int, int] | None:
    while tokens and tokens[0].is_punct and tokens[0].text not in "“\"":
        tokens = tokens[1:]
    while tokens and tokens[-1].is_punct and tokens[-1].text not in "”\"":
        tokens = tokens[:-1]
    if len(tokens) < 2:
        return None
    return tokens[0].i, tokens[-1].i


def content_features(r: Reader, cue: Token, kind: str, span: tuple[int, int]) -> list[str]:
    first, last = span
    size = last - first + 1
    bucket = "1-3" if size <= 3 else "4-8" if size <= 8 else "9-20" if size <= 20 else "21+"
    lemma = cue.lemma_.lower()
    start_word = r.doc[first]
    quoted = sum(r.quoted[first:last + 1]) / size
    return [f"k={kind}", f"k={kind}|p={cue.pos_}", f"k={kind}|d={cue.dep_}", f"k={kind}|l={lemma}",
            f"k={kind}|n={bucket}", f"k={kind}|w={start_word.lower_ if start_word.is_stop else start_word.pos_}",
            f"k={kind}|q={'most' if quoted > 0.5 else 'some' if quoted else 'none'}",
            f"k={kind}|side={'before' if last < cue.i else 'after' if first > cue.i else 'across'}",
            f"k={kind}|pd={cue.pos_}|{cue.dep_}", f"k={kind}|next={_word(r, cue.i + 1)}",
            f"k={kind}|prev={_word(r, cue.i - 1)}", f"k={kind}|end={_word(r, last + 1)}",
            f"k={kind}|frame={'+'.join(sorted({c.dep_ for c in cue.children if c.dep_ in FRAME_DEPS}))}"]


def _word(r: Reader, index: int) -> str:
    """A neighbour's lower-case form, or a mark for the edge of the article."""
    return r.doc[index].lower_ if 0 <= index < len(r.doc) else "<edge>"


def best_content(r: Reader, cue: Token, model: dict) -> tuple[str, tuple[int, int]] | None:
    """The content the model ranks first for a cue, as (kind, token span)."""
    weights, bias = model["content"]["weights"], model["content"]["bias"]
    candidates = content_candidates(r, cue)
    if not candidates:
        return None
    ranked = sorted(candidates.items(),
                    key=lambda item: (-score(weights, bias, content_features(r, cue, *item)), item[0]))
    return ranked[0]


def open_cues(r: Reader, found: list[Report]) -> list[Token]:
    """The candidate cues the rules left open: not a cue of theirs, not inside what they
    found. The model is trained on these alone, as it only ever scores these."""
    used = {report.cue.i for report in found if report.cue is not None}
    spans = [(report.start, report.end) for report in found]
    return [t for t in cue_candidates(r) if t.i not in used and not _inside(t.idx, spans)]


def scored_cues(r: Reader, model: dict, cues: list[Token]) -> list[tuple[float, Token]]:
    """Each cue with the model's probability, most likely first."""
    weights, bias = model["cue"]["weights"], model["cue"]["bias"]
    quoted = quoted_sentence_starts(r)
    scored = [(score(weights, bias, cue_features(r, t, quoted)), t) for t in cues]
    return sorted(scored, key=lambda item: (-item[0], item[1].i))


FIRST_AND_SECOND_PERSON = frozenset({"i", "me", "we", "us", "you"})


def learned_reports(r: Reader, found: list[Report], model: dict | None = None,
                    threshold: float | None = None) -> list[Report]:
    """Attributions the model finds that the rules (`found`, a list of `Report`s) did not:
    each cue above the threshold, its best content, the speaker the rules' speaker finder
    gives. A content mostly in quotation marks is left to the rules, and so is anything that
    overlaps what was already found (PolNeAR gives each word one role in one attribution).
    `model` and `threshold` default to the shipped ones."""
    model = model or load_model()
    threshold = model["threshold"] if threshold is None else threshold
    taken = [(report.start, report.end) for report in found]
    reports = []
    for probability, cue in scored_cues(r, model, open_cues(r, found)):
        if probability < threshold:
            break
        best = best_content(r, cue, model)
        if best is None:
            continue
        first, last = best[1]
        start, end = r.doc[first].idx, r.doc[last].idx + len(r.doc[last].text)
        if r.mostly_quoted(start, end) or _inside(cue.idx, taken) or _overlap(start, end, taken) > MAX_SHARED * (end - start):
            continue
        speaker = model_speaker(r, cue)
        if speaker is not None and r.text[speaker[0]:speaker[1]].lower() in FIRST_AND_SECOND_PERSON:
            continue  # "I think …" in a briefing or an op-ed: the writer or speaker thinking aloud
        reports.append(Report(start, end, cue, speaker, "model"))
        taken.append((start, end))
    return reports


def _inside(position: int, spans: list[tuple[int, int]]) -> bool:
    return any(start <= position < end for start, end in spans)


def _overlap(start: int, end: int, spans: list[tuple[int, int]]) -> int:
    return sum(max(0, min(end, e) - max(start, s)) for s, e in spans)


def model_speaker(r: Reader, cue: Token) -> tuple[int, int] | None:
    """The speaker mention of a cue the model found: the owner of a speech noun ("Trump's
    claim"), the object of "from" ("a warning from the agency"), the agent of a passive
    verb (none without one), else the rules' speaker."""
    if cue.pos_ == "NOUN" or cue.lower_ == "from":
        for child in cue.children:
            if child.dep_ == "poss" and not r.quoted[child.i]:
                return mention(r, child)
            if child.dep_ == "pobj" and cue.lower_ == "from" and not r.quoted[child.i]:
                return mention(r, child)
            if child.dep_ == "prep" and child.lower_ in ("from", "by"):
                objects = [c for c in child.children if c.dep_ == "pobj" and not r.quoted[c.i]]
                if objects:
                    return mention(r, objects[0])
    if any(c.dep_ in ("nsubjpass", "auxpass") for c in cue.children):
        # "is expected to", "was charged with": the subject is what is reported on; the
        # source, when written, is the agent ("was accused by X")
        agents = [g for c in cue.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"]
        return mention(r, agents[0]) if agents and not r.quoted[agents[0].i] else None
    return speaker_of(r, cue, inverted=True)
