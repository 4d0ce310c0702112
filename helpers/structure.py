"""Paragraphs and sentences, and the context every extractor receives.

An extractor is a function `extract(context) -> list[dict]`: it reads the parsed `Doc`, the
article row and the records of the extractors that ran before it, and returns records with
character offsets into `article["text"]`.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

import numpy
from spacy.attrs import IDX, IS_LOWER, LOWER
from spacy.tokens import Doc, Span

from helpers.articles import paragraph_spans


@dataclass
class Context:
    article: dict
    doc: Doc
    tables: dict[str, list[dict]] = field(default_factory=dict)
    target_method: str | None = None  # the sentiment towards entities: None for the default
    # answers worked out once per article and asked for again (name forms, quoted tokens, vectors)
    memo: dict = field(default_factory=dict)

    @property
    def article_id(self) -> str:
        return self.article["article_id"]

    @property
    def text(self) -> str:
        return self.article["text"]

    @cached_property
    def identity(self):
        """Who is who in the article (`helpers.identity.ArticleIdentity`), built once, on first
        use, from the parse and the treaty references (so `treaty_refs` runs before it)."""
        from helpers.identity.article import ArticleIdentity  # identity reads this module
        return ArticleIdentity(self)

    @cached_property
    def token_starts(self) -> list[int]:
        """Each token's first character (`token.idx`), for bisecting offsets into tokens."""
        return token_starts(self.doc)

    @cached_property
    def lower_words(self) -> set[str]:
        """The words the article writes in lower case: a capitalised one of them opening a
        name is a common noun ("Billionaire Donald Trump"), not a given name."""
        values = self.doc.to_array([IS_LOWER, LOWER])
        return {self.doc.vocab.strings[int(h)] for h in numpy.unique(values[values[:, 0] == 1, 1])}

    def sentence_rows(self, sentences: list[Span], source: str) -> list[numpy.ndarray]:
        """`sentiment.sentence_rows` for sentences of this article, each computed once per
        article: sentiment towards entities and the stances read the vectors of many of the
        same sentences, and the contextual ones are the dearest step of an analysis."""
        from helpers.word_vectors import sentence_rows  # here: importing this module stays light

        known = self.memo.setdefault(("sentence_rows", source), {})
        missing = list({(s.start, s.end): s for s in sentences if (s.start, s.end) not in known}.values())
        known.update(zip(((s.start, s.end) for s in missing), sentence_rows(missing, source)))
        return [known[s.start, s.end] for s in sentences]

    def occurrences(self, phrase: str) -> list[int]:
        """Where `phrase` is written as whole words, in text order. Each phrase is searched
        for once per article: the identity layer asks about the same names for every
        mention, and searching the text each time made long articles quadratic."""
        key = ("occurrences", phrase)
        if key not in self.memo:
            pattern = re.compile(rf"\b{re.escape(phrase)}\b")
            self.memo[key] = [match.start() for match in pattern.finditer(self.text)]
        return self.memo[key]

    @cached_property
    def _given_names(self) -> dict[str, list[tuple[int, int]]]:
        """Capitalised words, with an initial after them or not ("Joe ", "Mary J. "), by
        the word that follows them: (start of the word, start of what follows)."""
        index = defaultdict(list)
        for match in GIVEN_NAME.finditer(self.text):
            index[match.group(1)].append((match.start(), match.end()))
        return index

    def given_name_forms(self, surname: str) -> list[str]:
        """Every "Given Surname" or "Given X. Surname" the article writes, in text order
        (one pass over the text per article, however many surnames are asked about)."""
        first = re.match(r"\w+", surname)
        if first is None:
            return re.findall(r"\b([A-Z][a-z]+(?: [A-Z]\.)? " + re.escape(surname) + r")\b", self.text)
        rest = re.compile(re.escape(surname) + r"\b")
        return [self.text[start:end] for start, surname_start in self._given_names.get(first.group(), [])
                if (end := _end_of(rest.match(self.text, surname_start))) is not None]

    @cached_property
    def paragraphs(self) -> list[tuple[int, int]]:
        return paragraph_spans(self.text)

    @cached_property
    def _paragraph_starts(self) -> list[int]:
        return [start for start, _ in self.paragraphs]

    @cached_property
    def sentences(self) -> list[Span]:
        return [sentence for sentence in self.doc.sents if not _is_blank(sentence)]

    @cached_property
    def _sentence_starts(self) -> list[int]:
        return [sentence.start_char for sentence in self.sentences]

    def paragraph_at(self, char: int) -> int:
        """Number of the paragraph holding `char` (the one before it, between paragraphs)."""
        return max(bisect_right(self._paragraph_starts, char) - 1, 0)

    def sentence_at(self, char: int) -> int:
        return max(bisect_right(self._sentence_starts, char) - 1, 0)

    def record(self, start: int, end: int, **fields) -> dict:
        """A record for `text[start:end]` of this article, with its paragraph."""
        return {"article_id": self.article_id, "start_char": start, "end_char": end,
                "text": self.text[start:end], "paragraph": self.paragraph_at(start), **fields}


GIVEN_NAME = re.compile(r"\b[A-Z][a-z]+(?: [A-Z]\.)? (?=(\w+))")


def _end_of(match: re.Match | None) -> int | None:
    return match.end() if match else None


def _is_blank(span: Span) -> bool:
    return all(token.is_space for token in span)


def token_starts(doc: Doc) -> list[int]:
    """Each token's first character (`token.idx`), read in one go: iterating the doc for
    them made a Python object per token, several times per article."""
    return doc.to_array(IDX).tolist()


def trimmed(span: Span) -> tuple[int, int]:
    """Character offsets of a span without leading or trailing whitespace tokens."""
    tokens = [token for token in span if not token.is_space]
    return tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)


def extract_paragraphs(context: Context) -> list[dict]:
    return [{"article_id": context.article_id, "paragraph": number, "start_char": start,
             "end_char": end, "text": context.text[start:end]}
            for number, (start, end) in enumerate(context.paragraphs)]


def extract_sentences(context: Context) -> list[dict]:
    records = []
    for number, sentence in enumerate(context.sentences):
        start, end = trimmed(sentence)
        records.append({"article_id": context.article_id, "sentence": number,
                        "paragraph": context.paragraph_at(start), "start_char": start,
                        "end_char": end, "text": context.text[start:end]})
    return records
