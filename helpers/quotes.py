"""Quotes and speakers (being built: see its issue)."""

from __future__ import annotations

from helpers.structure import Context


def extract_quotes(context: Context) -> list[dict]:
    """Records of the `quotes` table for one article."""
    return []
