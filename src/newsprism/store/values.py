"""How the store writes Python values into columns, the same in every table module: times as
ISO 8601 in UTC to the second, lists and dicts as JSON text (non-ASCII kept as it is)."""

from __future__ import annotations

import json
from datetime import UTC, datetime


def now_text() -> str:
    """Now, as the store writes a time (``added``, ``created``, ``applied``...)."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def json_text(value: object) -> str:
    """``value`` as the JSON text a column holds."""
    return json.dumps(value, ensure_ascii=False)
