"""Quotes and speakers: who said what, with offsets for the quote, the speaker and the cue.

Steps, each a function of the article's `Reader` that returns values:
1. `marks`: quotation marks paired by direction into quoted pieces.
2. `direct`: each piece's cue and speaker mention (after it, before it, signatures,
   transcript turns, continuations, headlines).
3. `indirect`: reported speech without quotation marks ("X said that …", "according to X").
4. `learned`: a model trained on PolNeAR adds the attributions the rules miss (cues beyond
   speech verbs, sentence-final and nominal cues, sources that are documents or polls),
   marked `attribution = "model"`.
5. `speakers`: the speaker mention a cue points to, as written.
6. Who each speaker is comes from `helpers.identity`, the one place that decides it, so a
   quote's `speaker_name` is always the `canonical` of the entity under its mention.
`tables` holds what the notebooks show.

Cue verbs and nouns and the word classes used for speakers live in `helpers/data/`.
"""

from __future__ import annotations

from spacy.tokens import Token

from helpers.identity import SpeakerResolver
from helpers.identity.names import speaker_words
from helpers.quotes.direct import direct_quotes
from helpers.quotes.indirect import Report, headline_claim, indirect_speech
from helpers.quotes.learned import learned_reports
from helpers.quotes.marks import find_pieces, quoted_tokens
from helpers.quotes.reader import Reader, cue_lexicon
from helpers.quotes.tables import (cue_counts, findings, highlight_spans, kinds_by_speaker_type, marked_article,
                                   most_quoted, most_quoted_article, quote_listing, speaker_summary,
                                   speakers_compared, with_speaker_label)
from helpers.structure import Context

__all__ = ["cue_counts", "cue_lexicon", "extract_quotes", "find_pieces", "findings", "highlight_spans",
           "kinds_by_speaker_type", "marked_article", "most_quoted", "most_quoted_article", "quote_listing",
           "quoted_tokens",
           "speaker_summary", "speaker_words", "speakers_compared", "with_speaker_label"]


def extract_quotes(context: Context, learned: bool = True) -> list[dict]:
    """Records of the `quotes` table for one article; `learned=False` gives the rules alone."""
    reader = Reader(context)
    headline = headline_claim(reader)
    quoted_headline = headline if headline and reader.mostly_quoted(*headline[1]) else None
    direct = direct_quotes(reader, quoted_headline)
    indirect = indirect_speech(reader, direct)
    if headline and not quoted_headline:
        indirect.append(Report(*headline[1], None, headline[0], "headline"))
    if learned:
        found = [Report(piece.start, piece.end, a.cue, a.speaker, a.how) for piece, a in direct]
        indirect += learned_reports(reader, found + indirect)
    records = [_record(reader, "direct", Report(piece.start, piece.end, a.cue, a.speaker, a.how))
               for piece, a in direct] + [_record(reader, "indirect", report) for report in indirect]
    resolver = SpeakerResolver(context, reader.identity, reader.quoted)
    # in text order of the speaker, so a pronoun sees every speaker named before it
    for record in sorted(records, key=lambda r: r["speaker_start_char"] or 0):
        if record["speaker"] is not None:
            speaker = resolver.resolve(record["speaker_start_char"], record["speaker_end_char"])
            record["speaker_name"], record["speaker_role"], record["speaker_type"] = \
                speaker.name, speaker.role, speaker.type
    records.sort(key=lambda r: (r["start_char"], r["end_char"]))
    for number, record in enumerate(records, 1):
        record["quote_id"] = f"{context.article_id}-q{number:03d}"
    return records


def _record(reader: Reader, kind: str, report: Report) -> dict:
    cue: Token | None = report.cue
    cue_start, cue_end = reader.cue_span(cue) if cue is not None else (None, None)
    speaker = report.speaker
    if speaker is not None and reader.text[speaker[0]:speaker[1]] == "I" \
            and (turn := reader.turn_speaker(speaker[0])) is not None:
        speaker = turn  # "I think …" in a briefing: the person whose turn it is
    return reader.context.record(
        report.start, report.end, quote_id=None, kind=kind,
        speaker=reader.text[speaker[0]:speaker[1]] if speaker else None,
        speaker_start_char=speaker[0] if speaker else None,
        speaker_end_char=speaker[1] if speaker else None,
        speaker_name=None, speaker_role=None, speaker_type="unknown",
        cue=reader.text[cue_start:cue_end] if cue is not None else None,
        cue_start_char=cue_start, cue_end_char=cue_end,
        cue_lemma=("according to" if cue.lower_ == "according" else cue.lemma_.lower()) if cue is not None else None,
        attribution=report.how)
