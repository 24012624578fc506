"""Opening the store a ``--db`` names: a ``postgresql://`` (or ``postgres://``) URL is a
PostgreSQL database, anything else a SQLite file."""

from __future__ import annotations

from pathlib import Path

from newsprism.store.sqlite import Store

URL_SCHEMES = ("postgresql://", "postgres://")
DB_HELP = "the store: a SQLite file or a postgresql:// URL (default: newsprism.db)"  # --db


def is_postgres_url(db: str | Path) -> bool:
    """True when ``db`` names a PostgreSQL database rather than a SQLite file."""
    return isinstance(db, str) and db.lower().startswith(URL_SCHEMES)


def open_store(
    db: str | Path, *, check_same_thread: bool = True, lock_wait: float | None = None
) -> Store:
    """The store ``db`` names, opened and migrated. Raises ``StoreError`` with a message
    naming it (never showing a password) when it cannot be used.

    ``check_same_thread`` and ``lock_wait`` (seconds a write waits for another writer's
    lock; None: the store's default) are the SQLite store's (False: other threads may use
    the connection, one at a time); a PostgreSQL store may always be used from other
    threads, one at a time, and waits as PostgreSQL does."""
    if is_postgres_url(db):
        from newsprism.store.postgres import PostgresStore  # psycopg only when it is used

        return PostgresStore(str(db))
    if lock_wait is None:
        return Store(db, check_same_thread=check_same_thread)
    return Store(db, check_same_thread=check_same_thread, lock_wait=lock_wait)
