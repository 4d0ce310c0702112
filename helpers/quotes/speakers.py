"""Speaker mentions: the words that name who speaks through a cue, found in the parse.

The mention is what the text writes ("he", "the Florida senator", "Obama and Clinton", "a
council memo"); who it is, is for `helpers.identity` to say.
"""

from __future__ import annotations

from spacy.tokens import Token

from helpers.identity.speakers import THIRD_PERSON_PRONOUNS
from helpers.quotes.reader import SUBJECT_DEPS, Reader

# Texts that someone issues, releases or posts: "X issued a statement saying …" is X's.
ISSUED_TEXTS = {"statement", "release", "tweet", "post", "message", "email", "letter", "memo", "video", "ad"}
THING_PRONOUNS = {"it", "its", "itself"}
PLURAL_PRONOUNS = {"they", "them", "their", "themselves"}  # not "we", for the same reason as "I"
# Entity labels of names that can speak: people, organisations, groups ("Democrats").
SPEAKER_ENTITIES = {"PERSON", "ORG", "NORP"}
# Children of a speaker's head word that belong to the speaker mention.
MENTION_DEPS = {"compound", "flat", "det", "amod", "poss", "nmod", "nummod", "prep", "case",
                "cc", "conj", "pobj", "punct", "npadvmod", "appos"}
# Of those, the ones that describe the speaker: left out when they name someone else.
DESCRIPTION_DEPS = {"prep", "appos", "poss", "npadvmod"}


def speaker_of(r: Reader, cue: Token, inverted: bool = True) -> tuple[int, int] | None:
    """Character span of the mention that speaks through `cue`; `inverted` allows a
    speaker after the verb ("“…,” said the minister")."""
    if cue.lower_ == "according":
        objects = [t for t in r.doc[cue.i + 1].children if t.dep_ == "pobj"]
        return mention(r, objects[0]) if objects else None
    verb = cue
    for _ in range(6):
        # after the cue, a "subject" is the object of "calling X a “…”" unless the order
        # is inverted ("“…,” said X", "Said X, “…”"); a verb the cue hangs from may have
        # its subject after it ("said Skelly, explaining …")
        subject_after = inverted or verb.i != cue.i or cue.i == cue.sent.start
        subjects = [c for c in verb.children if c.dep_ in SUBJECT_DEPS and not r.quoted[c.i]
                    and (subject_after or c.i < verb.i)]
        if subjects:
            subject = subjects[0]
            if r.words.get(subject.lower_) == "relative" and verb.dep_ == "relcl":
                # "…, which states": the mention is "which"; identity reads its antecedent
                return subject.idx, subject.idx + len(subject.text)
            if r.words.get(subject.lower_, "").startswith("pronoun") \
                    and (outer := _subject_around_what(r, verb, subject)) is not None:
                return mention(r, outer)
            return mention(r, subject)
        if verb.head.i == verb.i:
            break
        if verb.dep_ in ("relcl", "acl") and verb.head.pos_ in ("NOUN", "PROPN", "PRON"):
            noun = verb.head
            if noun.lemma_ in ISSUED_TEXTS and noun.dep_ == "dobj":
                verb = noun.head  # "Trump issued a statement saying …": Trump
                continue
            # "the share of Republicans saying …": the noun the clause describes
            return mention(r, noun)
        if verb.dep_ == "xcomp" and (doer := _object_before(r, verb.head, verb)) is not None:
            return mention(r, doer)  # "led the journalist to fear “…”": the journalist
        if verb.dep_ in ("conj", "xcomp", "advcl", "relcl", "pcomp", "prep", "acl"):
            verb = verb.head  # "…, saying", "by saying", "went on to say"
        else:
            break
    if (name := _name_just_before(r, cue)) is not None:
        return name  # the parser found no subject: "Obama and Clinton call them “…”"
    if not inverted:
        return None
    # "“…,” said the minister": the mention right after the verb
    for token in r.doc[cue.i + 1:cue.i + 4]:
        if r.quoted[token.i] or token.is_punct:
            break
        if token.pos_ in ("PROPN", "PRON", "NOUN"):
            head = token
            while head.head.i != head.i and head.head.pos_ in ("PROPN", "NOUN") \
                    and head.dep_ in ("compound", "flat") and head.head.i > cue.i:
                head = head.head
            return mention(r, head)
    return None


def _subject_around_what(r: Reader, verb: Token, pronoun: Token) -> Token | None:
    """"Ban condemned what he called “…”": the pronoun of a "what" clause is the subject
    of the sentence around it, when they agree (the outermost one that is not itself a
    pronoun: "Clinton says she admired what she calls …")."""
    if not any(t.lower_ == "what" and t.i < pronoun.i for t in verb.subtree):
        return None
    node, found = verb, None
    while node.head.i != node.i:
        node = node.head
        subjects = [c for c in node.children if c.dep_ in SUBJECT_DEPS and c.i < pronoun.i
                    and not r.quoted[c.i] and r.words.get(c.lower_) != "relative"]
        if subjects:
            if not _same_kind(r, subjects[0], pronoun):
                break
            found = subjects[0]
            if not r.words.get(found.lower_, "").startswith("pronoun"):
                break
    return found


def _same_kind(r: Reader, subject: Token, pronoun: Token) -> bool:
    """Whether a pronoun can stand for a subject: a person for "he"/"she", a thing or a
    body for "it", a plural for "they"."""
    word = pronoun.lower_
    if subject.lower_ == word:
        return True
    subject_kind = r.words.get(subject.lower_)
    person = subject.ent_type_ == "PERSON" or subject_kind in ("pronoun_person", "role")
    if word in THIRD_PERSON_PRONOUNS:
        return person and (subject_kind != "pronoun_person" or subject.lower_ in THIRD_PERSON_PRONOUNS)
    if word in THING_PRONOUNS:
        return not person and subject.tag_ in ("NN", "NNP")
    return word in PLURAL_PRONOUNS and (subject.tag_ in ("NNS", "NNPS") or subject.lower_ in PLURAL_PRONOUNS)


def _name_just_before(r: Reader, cue: Token) -> tuple[int, int] | None:
    """The names right before an active verb, adverbs aside ("Obama and Clinton often
    call"; not "Pence was asked")."""
    if any(c.dep_ == "auxpass" for c in cue.children):
        return None
    index = cue.i - 1
    while index >= 0 and r.doc[index].pos_ in ("ADV", "AUX", "PART"):
        index -= 1
    if index < 0 or r.quoted[index] or r.doc[index].ent_type_ not in SPEAKER_ENTITIES:
        return None
    start = index
    while start > 0 and not r.quoted[start - 1] and (
            r.doc[start - 1].ent_type_ in SPEAKER_ENTITIES
            or (r.doc[start - 1].lower_ == "and" and start > 1
                and r.doc[start - 2].ent_type_ in SPEAKER_ENTITIES)):
        start -= 1
    return r.doc[start].idx, r.doc[index].idx + len(r.doc[index].text)


def _object_before(r: Reader, verb: Token, clause: Token) -> Token | None:
    """The direct object of `verb` before its clause `clause` when it names someone (a
    name, a person pronoun, a role): not "used this question to demand …"."""
    objects = [c for c in verb.children if c.dep_ == "dobj" and c.i < clause.i and not r.quoted[c.i]
               and (c.ent_type_ in SPEAKER_ENTITIES
                    or r.words.get(c.lower_) in ("pronoun_person", "pronoun_group", "role")
                    or any(a.dep_ == "appos" and a.ent_type_ == "PERSON" for a in c.children))]
    return objects[0] if objects else None


def mention(r: Reader, head: Token) -> tuple[int, int]:
    """The speaker mention around its head word, as written: "the Florida senator", "Victor
    Lund", "a council memo". What describes the speaker is left out when it names someone
    else, so that the mention overlaps only the speaker's own name: "Katelynn Lamoreaux[, a
    Penn State freshman]", "Carlos Boozer[ of the Orlando Magic]", "a spokeswoman[ for
    Trudeau]", "the senator[ from Vermont]"; a role with a name beside it is that name ("the harbour master, Rosa
    Delgado" gives "Rosa Delgado")."""
    if head.pos_ != "PROPN" and r.words.get(head.lower_) == "role":
        for child in head.children:
            if child.dep_ == "appos" and child.i > head.i and child.ent_type_ == "PERSON" and not r.quoted[child.i]:
                return mention(r, child)
    is_name = head.pos_ == "PROPN" or bool(head.ent_type_)
    tokens = [head]
    for child in head.children:
        if child.dep_ not in MENTION_DEPS or child.dep_ == "punct":
            continue
        if head.dep_ == "poss" and child.dep_ == "case":
            continue  # a possessor's "'s" is not part of its name ("Trump's claim")
        if child.dep_ in DESCRIPTION_DEPS and (is_name or _names_someone(child)):
            continue
        tokens.extend(child.subtree)
    # the head stays even inside quotation marks (a stray mark can open a "quote" anywhere)
    tokens = [t for t in tokens if t.i == head.i or not (r.quoted[t.i] or t.is_space)]
    indexes = {t.i for t in tokens}
    # a hyphen inside a name belongs to it ("Waller-Bridge")
    indexes |= {i for i in range(min(indexes) + 1, max(indexes)) if r.doc[i].text == "-" and {i - 1, i + 1} <= indexes}
    # keep the contiguous run around the head, without edge punctuation
    low = high = head.i
    while low - 1 in indexes:
        low -= 1
    while high + 1 in indexes:
        high += 1
    while low < head.i and (r.doc[low].is_punct or r.doc[low].dep_ in ("cc",)):
        low += 1
    # the mention ends with the head's own words: never with another name it happens to hold
    # ("officials who spoke with The Huffington Post")
    while high > head.i and (r.doc[high].is_punct or r.doc[high].dep_ in ("cc", "prep")
                             or r.doc[high].pos_ in ("ADP", "DET", "PRON", "VERB", "AUX")
                             or (r.doc[high].ent_type_ and not _same_entity(r.doc[high], head))):
        high -= 1
    return r.doc[low].idx, r.doc[high].idx + len(r.doc[high].text)


def _same_entity(token: Token, other: Token) -> bool:
    """Whether two tokens lie in one entity span of the parse."""
    if token.ent_type_ != other.ent_type_ or not token.ent_type_:
        return False
    first, last = sorted((token.i, other.i))
    return all(t.ent_iob_ == "I" for t in token.doc[first + 1:last + 1])


def _names_someone(token: Token) -> bool:
    return any(t.ent_type_ for t in token.subtree)


def speaker_between(r: Reader, first: int, cue: Token) -> tuple[int, int] | None:
    """The noun phrase between a quote and its cue ("“…,” the Florida senator said")."""
    words = [t for t in r.doc[first:cue.i] if not (t.is_punct or t.is_space or t.pos_ in ("ADV", "PART", "AUX"))]
    if not words:
        return None
    inside = {t.i for t in words}
    heads = [t for t in words if t.head.i not in inside or t.head.i == t.i]
    # "Blunt, after a long pause, said": the noun phrase, not the aside
    names = [t for t in heads if t.pos_ in ("PROPN", "NOUN", "PRON") and t.dep_ != "pobj"]
    return mention(r, names[0]) if names else None
