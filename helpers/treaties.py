"""Treaty and provision references (being built: see its issue)."""

from __future__ import annotations

from helpers.structure import Context


def extract_treaty_refs(context: Context) -> list[dict]:
    """Records of the `treaty_refs` table for one article."""
    return []
