"""Entities and canonical names (being built: see its issue)."""

from __future__ import annotations

from helpers.structure import Context


def extract_entities(context: Context) -> list[dict]:
    """Records of the `entities` table for one article."""
    return []
