"""Persistence: every stage's results in one store, SQLite by default, PostgreSQL on request.

``open_store(db)`` opens the store a ``--db`` names: ``Store`` (``newsprism.store.sqlite``) for
a file, ``PostgresStore`` (``newsprism.store.postgres``) for a ``postgresql://`` URL. Both
implement ``StoreBackend`` (``newsprism.store.base``) with the same SQL (``store.dialect``).
"""

from __future__ import annotations

from newsprism.store.base import StoreBackend
from newsprism.store.comparisons import story_id_for
from newsprism.store.errors import StoreError, StoreLocked, StoryConflict
from newsprism.store.open import is_postgres_url, open_store
from newsprism.store.sqlite import Store

__all__ = [
    "Store",
    "StoreBackend",
    "StoreError",
    "StoreLocked",
    "StoryConflict",
    "is_postgres_url",
    "open_store",
    "story_id_for",
]
