"""Direct quotes: each quoted piece and its attribution (cue and speaker mention).

A piece gets a cue: a speech verb right after it ("“…,” X said", "“…,” said X", "according
to X", "as X put it"), before it in the same sentence ("X said: “…”", "which states “…”"),
the verb that leads to a colon, a speech noun with a possessor ("Trump's claim that “…”"),
or a verb whose object holds it ("called it “…”"). A transcript turn ("PENCE: …" inside the
marks) names its own speaker. A piece with no cue of its own takes the speaker of the quote
it continues or of the nearest attributed piece of its paragraph, or of the quote that ends
the paragraph before it; "Name: “…”" and a dash and a name after the quote ("“…” ― Ana
Ruiz") also name the speaker; a piece still without one that opens a sentence takes the
speaker of a report in the sentence before it, or that sentence's subject when it is a
person. Short unattributed pieces are scare quotes or titles and are left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Token

from helpers.quotes.marks import Piece
from helpers.quotes.reader import SENTENCE_END, SUBJECT_DEPS, TRANSCRIPT_TURN, Reader, newsroom_labels, speech_nouns
from helpers.quotes.speakers import mention, speaker_between, speaker_of

# How far from a quote its cue may be, in tokens.
AFTER_WINDOW, BEFORE_WINDOW = 30, 60
# A quote held by a verb that is not a speech verb ("credited it to “…”") is attributed
# only from this length on: shorter ones are mostly labels ("called it “fog of war”").
VERB_OBJECT_MIN_WORDS = 3
# How many heads up from a quote's first word the noun or verb holding it is looked for:
# one further up holds the quote too loosely to be its speech act.
HOLDER_MAX_CLIMB = 8
TITLE_MARKERS = {"so-called", "dubbed", "titled", "entitled", "named", "nicknamed", "as"}
# "- Bernie Sanders", "― J.D. Ruiz.": a dash (any width) and up to four capitalised words;
# a full stop after the last word ends the line, it is not part of the name
_NAME_WORD = r"[A-Z][\w’'-]*(?:\.[A-Z][\w’'-]*)*"
SIGNATURE = re.compile(rf"[-—–―]\s*(?P<name>{_NAME_WORD}(?:\.? {_NAME_WORD}){{0,3}})\s*(?:,|\.|$)")


@dataclass(frozen=True)
class Attribution:
    """How a piece is attributed: its cue token, its speaker mention's offsets, and how
    they were found (`attribution` in the quotes table)."""

    cue: Token | None
    speaker: tuple[int, int] | None
    how: str


NONE = Attribution(None, None, "")


def direct_quotes(r: Reader, headline: tuple[tuple[int, int], tuple[int, int]] | None = None
                  ) -> list[tuple[Piece, Attribution]]:
    """Every quoted piece that is a quote (not a scare quote or a title), with its attribution;
    `headline` (the speaker's and the claim's spans of a quoted headline claim, "X: “…”")
    attributes the headline's unattributed pieces."""
    found = _borrow_speakers(r, [_attribute(r, piece) for piece in r.pieces])
    quotes = []
    for piece, attribution in zip(r.pieces, found):
        if headline and piece.paragraph == 0 and attribution.speaker is None and piece.start >= headline[1][0]:
            attribution = Attribution(None, headline[0], "headline")
        if attribution.cue is None and attribution.speaker is None:
            if r.is_scare_quote(piece):
                continue
            if r.opens_sentence(piece) and (speaker := _speaker_of_sentence_before(r, piece)):
                attribution = Attribution(None, speaker, "sentence-before")
        quotes.append((piece, attribution))
    return quotes


def _attribute(r: Reader, piece: Piece) -> Attribution:
    """The piece's own cue and speaker mention, if it has any."""
    if _preceded_by_title_marker(r, piece):
        return NONE
    cue = _cue_after(r, piece) if piece.close_mark is not None else None
    how = "cue-after"
    if cue is None and (turn := _transcript_turn(r, piece)) is not None:
        # a quoted transcript turn names its speaker in capitals ("PENCE: Well, …"), which
        # beats a cue before it: that one introduces the whole exchange ("went as follows:")
        return Attribution(None, turn, "transcript")
    if cue is None:
        cue, how = _cue_before(r, piece), "cue-before"
    if cue is not None:
        between = speaker_between(r, r.token_at(piece.close_mark) + 1, cue) if how == "cue-after" else None
        cue = r.outermost(cue)
        return Attribution(cue, between or speaker_of(r, cue, inverted=how == "cue-after"), how)
    if (signature := _signature_after(r, piece)) is not None:
        return Attribution(None, signature, "signature")  # a quote signed "- Bernie Sanders"
    if (tail := _tail_cue(r, piece)) is not None:
        cue = r.outermost(tail)
        return Attribution(cue, speaker_of(r, cue, inverted=True), "cue-after")
    if r.char_before(piece.open_mark) == ":":
        # "Michael P. McDonald: “…”": a name and a colon, no verb
        return Attribution(None, _name_before_colon(r, piece), "colon")
    if (noun := _owned_speech_noun(r, piece)) is not None:
        # "Trump's claim that there were “thousands of shootings”": the possessor
        return Attribution(noun, mention(r, _owner(r, noun)), "speech-noun")
    if len(r.text[piece.start:piece.end].split()) >= VERB_OBJECT_MIN_WORDS:
        verb = _governing_verb(r, piece)
        if verb is not None:
            # "He commanded the party to “do the right thing”": the quote is what the
            # subject of the verb holding it said or meant
            return Attribution(verb, speaker_of(r, verb, inverted=False), "verb-object")
    return NONE


def _transcript_turn(r: Reader, piece: Piece) -> tuple[int, int] | None:
    """The capitalised name opening a quote ("PENCE: …") when it is a person's: a person
    named in the article or tagged as one, so that "BREAKING:" or "WARNING:" is not. In
    a transcript (a turn names such a person) every turn counts: the host ("WALLACE:")
    is often never introduced; a newsroom's label ("UPDATE:") never counts."""
    turn = TRANSCRIPT_TURN.match(r.text, piece.start, piece.end)
    if turn is None or turn.group("name").lower().replace("’", "'") in newsroom_labels():
        return None
    return turn.span("name") if r.names_a_person(turn) or r.is_transcript else None


def _signature_after(r: Reader, piece: Piece) -> tuple[int, int] | None:
    """A dash and a short name after a quote that ends its sentence: on the rest of the
    quote's line (“…” ― Ana Ruiz) or opening the next paragraph ("- Bernie Sanders")."""
    if piece.close_mark is None:
        return None
    _, paragraph_end = r.context.paragraphs[piece.paragraph]
    line_end = r.text.find("\n", piece.close_mark, paragraph_end)
    line_end = paragraph_end if line_end == -1 else line_end
    after = piece.close_mark + 1
    while after < line_end and r.text[after].isspace():
        after += 1
    if r.text[after:line_end].strip(" .,"):
        match = SIGNATURE.match(r.text, after, line_end)
        return match.span("name") if match else None
    if piece.paragraph + 1 >= len(r.context.paragraphs) or line_end < paragraph_end:
        return None
    start, end = r.context.paragraphs[piece.paragraph + 1]
    match = SIGNATURE.match(r.text, start, end)
    return match.span("name") if match else None


def _tail_cue(r: Reader, piece: Piece) -> Token | None:
    """“…” if she lost, said David Wasserman.  — a speech verb closing the sentence after
    a comma, with nothing but its speaker around it."""
    if piece.close_mark is None:
        return None
    first = r.token_at(piece.close_mark) + 1
    for token in r.doc[first:first + 40]:
        if r.quoted[token.i] or "\n" in token.text or token.text in SENTENCE_END:
            return None
        if token.text == "," and r.doc[token.i - 1].i >= first:
            rest = []
            for after in r.doc[token.i + 1:token.i + 12]:
                if after.text in SENTENCE_END or "\n" in after.text or after.text == ",":
                    break
                rest.append(after)
            verbs = [t for t in rest if t.pos_ == "VERB"]
            if len(verbs) == 1 and r.is_cue(verbs[0], direct_only=True) \
                    and not any(t.pos_ in ("SCONJ", "CCONJ") for t in rest) \
                    and rest and rest[-1].i - token.i == len(rest):
                return verbs[0]
    return None


def _name_before_colon(r: Reader, piece: Piece) -> tuple[int, int] | None:
    colon = r.token_at(r.text.rindex(":", 0, piece.open_mark))
    if colon == 0:
        return None
    before = r.doc[colon - 1]
    # "X said of Sanders: “…”": a name that is an object is not the speaker
    if before.pos_ != "PROPN" or r.quoted[before.i] or before.dep_ in ("pobj", "dobj", "dative", "attr"):
        return None
    start = colon - 1
    while start > 0 and r.doc[start - 1].pos_ == "PROPN" and not r.quoted[start - 1]:
        start -= 1
    return r.doc[start].idx, before.idx + len(before.text)


def _owned_speech_noun(r: Reader, piece: Piece) -> Token | None:
    """A noun naming something said, with a possessor, that holds the quote ("his
    promise of “…”") or is the subject of the clause that does ("her claim is that …")."""
    token = r.doc[min(r.token_at(piece.start), len(r.doc) - 1)]
    for _ in range(HOLDER_MAX_CLIMB):
        if token.head.i == token.i:
            return None
        clause, token = token, token.head
        nouns = [token]
        if clause.dep_ == "ccomp":  # not "Trump's statement is “true”": a verdict on it
            nouns += [c for c in token.children if c.dep_ in SUBJECT_DEPS and c.i < token.i]
        for noun in nouns:
            if noun.pos_ == "NOUN" and noun.lemma_.lower() in speech_nouns() and not r.quoted[noun.i] \
                    and _owner(r, noun) is not None:
                return noun
    return None


def _owner(r: Reader, noun: Token) -> Token | None:
    """The possessor of `noun` when it can be a speaker ("Trump's", "his", not "its")."""
    owners = [c for c in noun.children if c.dep_ == "poss" and not r.quoted[c.i]
              and r.words.get(c.lower_) != "pronoun_thing"]
    return owners[0] if owners else None


def _governing_verb(r: Reader, piece: Piece) -> Token | None:
    """The verb whose object or complement holds the quote, when its subject comes first."""
    first = r.doc[min(r.token_at(piece.start), len(r.doc) - 1)]
    token = first
    for _ in range(HOLDER_MAX_CLIMB):
        if token.head.i == token.i:
            return None
        token = token.head
        if token.pos_ == "VERB" and token.i < first.i and not r.quoted[token.i]:
            subjects = [c for c in token.children if c.dep_ in SUBJECT_DEPS]
            if subjects and subjects[0].i < token.i and not r.quoted[subjects[0].i]:
                return token
            return None
    return None


def _cue_after(r: Reader, piece: Piece) -> Token | None:
    """A speech verb right after the closing mark, with only its speaker in between.

    Only a quote that hands over to its attribution ("“…,” X said", "“…?” X asked")
    qualifies: after a full stop, what follows is a new sentence."""
    content = r.text[piece.start:piece.end].rstrip("”\"’' ")
    closing = r.text[piece.end:piece.close_mark].strip()
    index = r.token_at(piece.close_mark) + 1
    if (content.endswith(".") or content.endswith("…")) and not closing \
            and not _short_attribution_follows(r, index):
        return None
    for token in r.doc[index:index + AFTER_WINDOW]:
        if r.quoted[token.i] or "\n" in token.text or token.text in SENTENCE_END:
            return None
        if token.pos_ not in ("VERB", "AUX") or token.dep_ in ("aux", "auxpass", "amod") \
                or _inside_a_description(token, index):
            continue
        if not _only_speaker_between(r, index, token):
            return None
        inverted = token.i == index or all(t.is_punct for t in r.doc[index:token.i])
        if not inverted and r.phrase_cue_entry(token) is None \
                and any(c.dep_ == "dobj" and c.lower_ in ("it", "this", "that") for c in token.rights):
            return None  # the verb has its own object ("Her critics cited it as …")
        if r.is_cue(token, direct_only=True):
            return token
        # "“…,” he surmised": a verb with its subject right after a quote that opens
        # its sentence is a speech verb, listed or not, when it takes no object
        objects = [c for c in token.rights if c.dep_ in ("dobj", "xcomp", "ccomp", "attr", "acomp", "oprd")]
        has_subject = any(c.dep_ in SUBJECT_DEPS for c in token.children)
        if has_subject and not objects and r.opens_sentence(piece):
            return token
        return None
    return None


def _inside_a_description(token: Token, first: int) -> bool:
    """A verb in a clause that describes the speaker ("Paris, who used to work on Capitol
    Hill, said"), between the quote (from token `first`) and the cue."""
    node = token
    while node.head.i != node.i and node.i >= first:
        if node.dep_ in ("relcl", "acl", "appos"):
            return True
        node = node.head
    return False


def _short_attribution_follows(r: Reader, first: int) -> bool:
    """“….” Trump said.  — a sentence of only a speaker and a verb may still attribute."""
    words = []
    for token in r.doc[first:first + 8]:
        if token.text in SENTENCE_END or "\n" in token.text:
            break
        if not token.is_punct:
            words.append(token)
    else:
        return False
    verbs = [t for t in words if t.pos_ == "VERB"]
    return len(verbs) == 1 and len(words) <= 5 and r.is_cue(verbs[0], direct_only=True)


def _only_speaker_between(r: Reader, first: int, cue: Token) -> bool:
    """Nothing but punctuation, adverbs and a noun phrase (the speaker) between a quote
    and its cue."""
    subject = {t.i for c in cue.children if c.dep_ in SUBJECT_DEPS for t in c.subtree}
    marker = {c.i for c in cue.children if c.dep_ == "mark" and c.lower_ == "as"}  # "…,” as X put it
    return all(t.is_punct or t.is_space or t.i in subject or t.i in marker
               or t.pos_ in ("ADV", "PART", "DET", "PROPN", "NOUN", "ADJ", "PRON", "NUM", "AUX", "ADP")
               or _inside_a_description(t, first)
               for t in r.doc[first:cue.i])


def _cue_before(r: Reader, piece: Piece) -> Token | None:
    """The nearest speech verb before the opening mark in the same sentence; after a
    colon, the verb that leads to the colon ("Rubio fired back: “…”")."""
    after_colon = r.char_before(piece.open_mark) == ":"
    if after_colon and _name_before_colon(r, piece) is not None:
        return None
    index = r.token_at(piece.open_mark) - 1
    stop = max(index - BEFORE_WINDOW, -1)
    introduced = None  # "X issued a statement: “…”": the verb before the colon
    stance = None
    while index > stop:
        token = r.doc[index]
        if "\n" in token.text and not _ends_with_colon(r, token.i):
            break
        if not r.quoted[token.i]:
            if token.text in SENTENCE_END:
                break
            if r.is_cue(token, direct_only=False) and not r.only_after_quotes(token):
                if r.says_nothing(token):
                    pass
                elif (r.cue_entry(token) or ("speech",))[0] == "speech":  # or "according to"
                    if after_colon and introduced is not None:
                        return _main_verb_before(r, piece) or introduced
                    return token
                # a stance verb ("she has learned") gives way to a speech verb further back
                stance = stance or token
            if introduced is None and token.pos_ == "VERB" and token.dep_ not in ("relcl", "acl") \
                    and any(c.dep_ in SUBJECT_DEPS for c in token.children):
                introduced = token
        index -= 1
    if stance is not None:
        return stance
    if introduced is not None and _introduces(r, piece):
        return _main_verb_before(r, piece) or introduced
    return None


def _main_verb_before(r: Reader, piece: Piece) -> Token | None:
    """The main verb of the sentence that leads to the quote, when it has a subject."""
    opening = r.doc[min(r.token_at(piece.open_mark), len(r.doc) - 1)]
    root = opening.sent.root
    if root.pos_ == "VERB" and root.i < opening.i and not r.quoted[root.i] \
            and any(c.dep_ in SUBJECT_DEPS and c.i < root.i for c in root.children):
        return root
    return None


def _ends_with_colon(r: Reader, index: int) -> bool:
    """Whether the text before token `index` (a paragraph break) ends with a colon."""
    return r.char_before(r.doc[index].idx) == ":"


def _introduces(r: Reader, piece: Piece) -> bool:
    """A colon, or a comma before a capitalised quote, hands the sentence to the quote."""
    before = r.char_before(piece.open_mark)
    return before == ":" or (before == "," and r.text[piece.start:piece.start + 1].isupper())


def _preceded_by_title_marker(r: Reader, piece: Piece) -> bool:
    words = r.text[max(piece.open_mark - 20, 0):piece.open_mark].split()
    return bool(words) and words[-1].lower().strip(",") in TITLE_MARKERS and r.is_short(piece)


def _borrow_speakers(r: Reader, found: list[Attribution]) -> list[Attribution]:
    """Pieces with no cue and no speaker of their own (a signature, a name and a colon):
    the quote they continue, else the nearest attributed piece of the same paragraph
    (before it first). Pieces are read in order, so a piece may lend what it borrowed."""
    found = list(found)
    index_of = {id(piece): number for number, piece in enumerate(r.pieces)}

    def borrowed(source: int) -> Attribution | None:
        lender = found[source]
        return Attribution(lender.cue, lender.speaker, "continuation") if lender.cue is not None else None

    for number, piece in enumerate(r.pieces):
        if found[number].cue is None and found[number].speaker is None and piece.continues is not None:
            source = piece.continues
            while found[index_of[id(source)]].cue is None and source.continues is not None:
                source = source.continues
            found[number] = borrowed(index_of[id(source)]) or found[number]
    # Pieces come in text order. The nearest attributed piece after each one in its
    # paragraph, found in one backward pass, and the nearest before it and the last of each
    # paragraph, kept in the forward pass, keep this linear in the number of pieces.
    after: list[int | None] = [None] * len(r.pieces)
    following: int | None = None
    for number in range(len(r.pieces) - 1, -1, -1):
        if following is not None and r.pieces[following].paragraph != r.pieces[number].paragraph:
            following = None
        after[number] = following
        if found[number].cue is not None:
            following = number
    before: int | None = None  # the latest attributed piece of the paragraph so far
    last_of: dict[int, int] = {}  # paragraph -> its last piece so far
    for number, piece in enumerate(r.pieces):
        if before is not None and r.pieces[before].paragraph != piece.paragraph:
            before = None
        if found[number].cue is None and found[number].speaker is None:
            if before is not None and (found[before].speaker is not None or after[number] is None):
                found[number] = borrowed(before) or found[number]
            elif after[number] is not None and not r.is_short(piece):
                found[number] = borrowed(after[number]) or found[number]
            elif r.opens_paragraph(piece) and not r.is_short(piece):
                # a paragraph that is a further quote of the speaker quoted just before
                previous = last_of.get(piece.paragraph - 1)
                if previous is not None and found[previous].cue is not None:
                    found[number] = borrowed(previous) or found[number]
        if found[number].cue is not None:
            before = number
        last_of[piece.paragraph] = number
    return found


def _speaker_of_sentence_before(r: Reader, piece: Piece) -> tuple[int, int] | None:
    """For a quote with no cue that opens a sentence: the speaker of a report in the
    sentence just before it, in its paragraph or the one before ("Carter said that … .
    “That's because …”"), else that sentence's subject when it is a person ("Valastro
    praised Christie. “We need …”")."""
    index = r.token_at(piece.open_mark) - 1
    while index >= 0 and r.doc[index].is_space:
        index -= 1
    if index < 0 or r.quoted[index]:
        return None
    sentence = r.doc[index].sent
    if r.context.paragraph_at(sentence.start_char) < piece.paragraph - 1:
        return None
    for token in sentence:
        if r.is_cue(token, direct_only=False) and (speaker := speaker_of(r, r.outermost(token))):
            return speaker
    subjects = [c for c in sentence.root.children if c.dep_ in SUBJECT_DEPS and not r.quoted[c.i]]
    if subjects and (subjects[0].ent_type_ == "PERSON" or r.words.get(subjects[0].lower_) == "pronoun_person"):
        return mention(r, subjects[0])
    return None
