"""Roles: the title written before a person's name ("Secretary of State" Antony Blinken) or
set beside it ("Parsons, chairman of Time Warner"), from `data/titles.txt`; and title words
that are never names of their own ("State" in "Secretary of State")."""

from __future__ import annotations

from spacy.tokens import Doc, Span

from helpers.identity.names import alias_key, aliases, clean, demonyms, honorifics, title_heads, title_words, titles

# Words that may stand before a title and belong to the role ("former Foreign Minister").
ROLE_MODIFIERS = frozenset({"former", "deputy", "acting", "assistant", "interim", "outgoing",
                            "incoming", "new", "senior", "junior", "top", "chief", "shadow",
                            "vice", "then", "late", "ex"})
ROLE_PREFIX_LABELS = frozenset({"GPE", "NORP", "ORG"})
# Words a role may follow but that are not part of it ("the", "his party leader").
ROLE_LEADING_WORDS = frozenset({"the", "a", "an", "his", "her", "their", "its", "our", "my", "your"})
POSSESSIVES = frozenset({"'s", "’s", "'", "’"})
CLAUSE_ENDS = frozenset({".", "!", "?", ";", ":", "“", "”", '"'})
MAX_TITLE_TOKENS = 6
MAX_ROLE_MODIFIERS = 6
MAX_APPOSITIVE_TOKENS = 8
APPOSITIVE_STOPS = frozenset({",", "(", ")", ";", ":", "—", "–", '"', "“", "”"})


def skip_name_prefix(doc: Doc, start: int, end: int) -> int:
    """First token of the name proper when spaCy put a title or "Mr" inside the PERSON span."""
    moved = True
    while moved and start < end - 1:
        moved = False
        if doc[start].lower_ in honorifics():
            start, moved = start + 1, True
            continue
        for length in range(min(MAX_TITLE_TOKENS, end - start - 1), 0, -1):
            if _phrase(doc[start:start + length]) in titles():
                start, moved = start + length, True
                break
    return start


def role_before(doc: Doc, name_start: int) -> tuple[str | None, tuple[int, int] | None]:
    """The title written just before a name, with what qualifies it ("US", "former"), and
    the character span of those qualifying words."""
    anchor = name_start
    if anchor > 0 and doc[anchor - 1].lower_ in honorifics():
        anchor -= 1
    sentence_start = _clause_start(doc, anchor)
    title_start = None
    for length in range(min(MAX_TITLE_TOKENS, anchor - sentence_start), 0, -1):
        if _phrase(doc[anchor - length:anchor]) in titles():
            title_start = anchor - length
            break
    if title_start is None:
        return None, None
    role_start = _extend_with_modifiers(doc, title_start, sentence_start)
    qualifiers = doc[role_start:title_start]
    portfolio = (qualifiers.start_char, qualifiers.end_char) if len(qualifiers) else None
    return clean(doc[role_start:anchor].text), portfolio


def _clause_start(doc: Doc, index: int) -> int:
    """Where a role before token `index` may begin: after the last full stop, colon or line
    break (the parser's sentence starts are not trusted: it splits "NATO | Secretary General")."""
    lowest = max(0, index - MAX_TITLE_TOKENS - MAX_ROLE_MODIFIERS)
    for position in range(index - 1, lowest - 1, -1):
        token = doc[position]
        if token.text in CLAUSE_ENDS or (token.is_space and "\n" in token.text):
            return position + 1
    return lowest


def _extend_with_modifiers(doc: Doc, title_start: int, sentence_start: int) -> int:
    """Move a role's start left over words that qualify it: "Lithuanian", "US", "NATO", "former"."""
    start = title_start
    for _ in range(MAX_ROLE_MODIFIERS):
        if start <= sentence_start:
            break
        previous = doc[start - 1]
        if previous.text in POSSESSIVES and start - 2 >= sentence_start:
            owner = doc[start - 2]
            if owner.ent_type_ in ROLE_PREFIX_LABELS:
                start = _entity_start(doc, start - 2)
                continue
            break
        if previous.text == "-" and start - 2 >= sentence_start and doc[start - 2].lower_ in ROLE_MODIFIERS:
            start -= 2  # "ex-Home Secretary", "then-Secretary of State"
        elif previous.lower_ in ROLE_MODIFIERS or previous.text in demonyms() or alias_key(previous.text) in aliases():
            start -= 1
        elif previous.ent_type_ in ROLE_PREFIX_LABELS:
            start = _entity_start(doc, start - 1)
        elif _is_portfolio_word(previous) or (
                previous.lower_ in ("and", "&") and start - 2 >= sentence_start and start < title_start
                and _is_portfolio_word(doc[start]) and _is_portfolio_word(doc[start - 2])):
            start -= 1  # a capitalised portfolio: "Trade and Industry Secretary"
        else:
            break
    while start < title_start and (doc[start].lower_ in ROLE_LEADING_WORDS or doc[start].is_punct):
        start += 1
    return start


def _is_portfolio_word(token) -> bool:
    """A capitalised name-like word that can be part of a title: "Trade", "Liberal"."""
    return (token.tag_ in ("NNP", "NNPS", "JJ") and token.text[0].isupper()
            and token.ent_type_ not in ("PERSON", "DATE", "TIME"))


def _entity_start(doc: Doc, token_index: int) -> int:
    while token_index > 0 and doc[token_index].ent_iob_ == "I":
        token_index -= 1
    return token_index


def role_in_apposition(doc: Doc, ent: Span) -> str | None:
    """A title set beside the name with commas: "Parsons, chairman of Time Warner," or
    "the foreign minister, Gabrielius Landsbergis"."""
    root = ent.root
    for child in root.children:
        if child.dep_ == "appos" and child.i >= ent.end and child.lower_ in title_heads():
            return _appositive_text(doc[child.left_edge.i:child.right_edge.i + 1])
    if root.dep_ == "appos" and root.head.i < ent.start and root.head.lower_ in title_heads():
        before = doc[root.head.left_edge.i:ent.start]
        while len(before) and (before[-1].is_punct or before[-1].lower_ in honorifics()):
            before = before[:-1]
        return _appositive_text(before)
    return None


def _appositive_text(span: Span) -> str | None:
    while len(span) and (span[0].lower_ in ROLE_LEADING_WORDS or span[0].is_punct):
        span = span[1:]
    for token in span:
        if token.text in APPOSITIVE_STOPS:  # "singer, full name ..." -> "singer"
            span = span.doc[span.start:token.i]
            break
    if not len(span) or len(span) > MAX_APPOSITIVE_TOKENS or any(t.ent_type_ == "PERSON" for t in span):
        return None
    return clean(span.text)


def inside_title(doc: Doc, ent: Span) -> bool:
    """True for a fragment of a title phrase tagged as an entity: "State" in "Secretary of State"."""
    if not all(token.lower_ in title_words() for token in ent):
        return False  # the common case, decided without building phrases
    lowest = max(0, ent.start - MAX_TITLE_TOKENS + 1)
    for start in range(ent.start, lowest - 1, -1):
        for end in range(ent.end, min(len(doc), start + MAX_TITLE_TOKENS) + 1):
            if (start, end) != (ent.start, ent.end) and _phrase(doc[start:end]) in titles():
                return True
    return False


def _phrase(span: Span) -> str:
    return " ".join(span.text.lower().split())
