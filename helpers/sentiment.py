"""Tone at each level and sentiment towards a mention (being built: see its issue)."""

from __future__ import annotations

from helpers.structure import Context


def extract_sentiment(context: Context) -> list[dict]:
    """Records of the `sentiment` table for one article."""
    return []
