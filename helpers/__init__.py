"""Quotes, speakers, entities, treaty references and sentiment in English news articles.

The public API (see README): `load_articles`, `read_articles`, `analyze`, `Analysis`,
`target_sentiment`.
"""

from helpers.analysis import Analysis
from helpers.articles import InputError
from helpers.loading import load_articles, read_articles
from helpers.pipeline import ModelError
from helpers.runner import analyze
from helpers.sentiment import target_sentiment

__all__ = ["Analysis", "InputError", "ModelError", "analyze", "load_articles", "read_articles",
           "target_sentiment"]
