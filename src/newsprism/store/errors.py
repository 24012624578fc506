"""What the store raises, in one module that imports nothing.

Callers (the CLI, the web app, ingest) catch these without importing a backend: a PostgreSQL
store raises the same ``StoreError`` as a SQLite file, and catching ``StoreLocked`` never
pulls in ``sqlite3`` code paths.
"""

from __future__ import annotations


class StoreError(RuntimeError):
    """The store cannot be opened (not a database, unreadable, too new); the message names it."""


class StoreLocked(StoreError):
    """Another connection held the write lock longer than the store waits (``wait``
    seconds); nothing of the write that waited was stored."""

    def __init__(self, message: str, wait: float) -> None:
        super().__init__(message)
        self.wait = wait


class StoryConflict(RuntimeError):
    """The stories changed since the writer last read them (another process filed)."""


__all__ = ["StoreError", "StoreLocked", "StoryConflict"]
