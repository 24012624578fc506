"""Article ids: a short hash of the normalized clean text, so the same text gets the same id."""

from __future__ import annotations

import hashlib
import re

_SPACE = re.compile(r"\s+")


def normalize_for_id(text: str) -> str:
    """Lower-case the text and collapse every run of whitespace to one space."""
    return _SPACE.sub(" ", text).strip().lower()


def article_id(text: str) -> str:
    """The article id: the first 16 hex characters of the SHA-1 of the normalized text."""
    return hashlib.sha1(normalize_for_id(text).encode("utf-8")).hexdigest()[:16]
