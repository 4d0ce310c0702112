"""Who is who: the one place that decides which person, organisation, country, group or
document a mention stands for. Entities, quotes and sentiment all read it.

- `mentions`: named mentions from spaCy's NER, repaired by evidence in the text.
- `roles`: titles written before or beside a person's name.
- `article`: the mentions of one article grouped into entities, each with one name.
- `speakers`: who a quote's speaker mention is (names, pronouns, roles, descriptions).
- `corpus`: one name per entity across the corpus, applied to every table.
- `names`: the word lists and gazetteers (`helpers/data/`) and name normalisation.
"""

from __future__ import annotations

from helpers.identity.article import ArticleIdentity, Named, Person
from helpers.identity.corpus import (finalize_names, rename_sentiment_units, rename_speakers, rename_stances,
                                     speaker_entity_disagreements)
from helpers.identity.references import Reference, References
from helpers.identity.speakers import Speaker, SpeakerResolver
from helpers.structure import Context

__all__ = ["ArticleIdentity", "Named", "Person", "Reference", "References", "Speaker", "SpeakerResolver",
           "finalize_names", "identify", "rename_sentiment_units", "rename_speakers", "rename_stances",
           "speaker_entity_disagreements"]


def identify(context: Context) -> ArticleIdentity:
    """Who is who in the article, built once per article (the context keeps it)."""
    return context.identity
