"""Persistence: every stage's results in one store (SQLite by default).

``Store`` (in ``newsprism.store.sqlite``) implements ``StoreBackend`` (``newsprism.store.base``),
the interface another backend (PostgreSQL) would implement.
"""

from __future__ import annotations

from newsprism.store.base import StoreBackend
from newsprism.store.sqlite import Store, StoreError, story_id_for

__all__ = ["Store", "StoreBackend", "StoreError", "story_id_for"]
