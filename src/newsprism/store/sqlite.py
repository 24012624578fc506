"""The SQLite store: one connection, its schema and write transactions, and the table modules
composed over it.

One file, WAL journal, foreign keys on. Each save is one transaction: a failure leaves the
database as it was. What the store keeps is written by table family, each a mixin over this
one connection: ``store.articles`` (articles once, URLs, near-copy links, full-text search),
``store.comparisons`` (every derived layer of each comparison), ``store.stories`` (filing,
clusterer state, corrections) and ``store.browse`` (the web app's read queries). ``Store``
composes them and adds what depends on the database: opening, migrating, locking, and the
full-text search SQL (FTS5; ``postgres.PostgresStore`` has its own).

    with Store("out/newsprism.db") as store:
        story_id = store.save_comparison(comparison)
        comparison = store.load_comparison_model(story_id)   # what was saved

The report's JSON of a stored comparison is built in ``report.stored``: storage never imports
presentation.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Self

from newsprism.store.articles import ArticleTables, Ingested, fts_query
from newsprism.store.browse import BrowseQueries
from newsprism.store.comparisons import ComparisonTables, story_id_for
from newsprism.store.dialect import Connection
from newsprism.store.errors import StoreError, StoreLocked
from newsprism.store.schema import MIGRATIONS, SCHEMA_VERSION
from newsprism.store.stories import StoryTables
from newsprism.store.values import now_text

# Callers that ingest (``engines.local``, ``engines.ray``) import these from here.
__all__ = ["Ingested", "Store", "story_id_for"]


def _is_locked(err: sqlite3.Error) -> bool:
    """True for SQLite's "database is locked" (SQLITE_BUSY, after the busy timeout)."""
    return getattr(err, "sqlite_errorcode", None) == sqlite3.SQLITE_BUSY or (
        "database is locked" in str(err)
    )


class Store(ArticleTables, ComparisonTables, StoryTables, BrowseQueries):
    """A SQLite database of articles and comparisons (implements ``StoreBackend``; its story
    methods, from ``StoryTables``, implement ``StoryStoreBackend``; its web app queries, from
    ``BrowseQueries``, implement ``BrowseStoreBackend``). ``ArticleTables`` comes before
    ``ComparisonTables``: its ``_save_articles`` is the one both use."""

    def __init__(
        self, path: str | Path, *, check_same_thread: bool = True, lock_wait: float = 5.0
    ) -> None:
        """Open (creating it if needed) and migrate the store at ``path``.

        ``check_same_thread=False`` lets other threads use the connection, one at a time (the
        web app opens, uses and closes a request's store in worker threads that may differ).
        ``lock_wait`` is how many seconds a write waits (SQLite retrying meanwhile) while
        another connection holds the write lock; past it the write raises ``StoreLocked``.

        Raises ``StoreError`` naming the path when it is not a SQLite database (a text file
        given as --db), cannot be opened (a folder), or was written by a newer newsprism;
        the file is left untouched.
        """
        self.path = str(path)
        self._check_same_thread = check_same_thread
        self.lock_wait = lock_wait
        self._conn: sqlite3.Connection | None = None
        try:
            self._open()
        except sqlite3.DatabaseError as err:
            self.close()
            if _is_locked(err):
                raise self._locked() from err
            raise StoreError(
                f"{self.path}: cannot be used as the newsprism store ({err}); give another --db"
            ) from err
        except StoreError:
            self.close()
            raise

    def _open(self) -> None:
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        # Autocommit mode: transactions are opened explicitly, one per save.
        self._conn = sqlite3.connect(
            self.path, isolation_level=None, check_same_thread=self._check_same_thread
        )
        self._conn.row_factory = sqlite3.Row
        self._conn.execute("PRAGMA foreign_keys = ON")
        self._conn.execute(f"PRAGMA busy_timeout = {max(0, round(self.lock_wait * 1000))}")
        if self.path != ":memory:":
            self._wal()
            self._conn.execute("PRAGMA synchronous = NORMAL")
        self._migrate()

    def _wal(self) -> None:
        """Switch to write-ahead logging. While another connection switches a new store,
        SQLite answers "locked" at once instead of waiting: retry for ``lock_wait``."""
        deadline = time.monotonic() + self.lock_wait
        while True:
            try:
                self._sqlite().execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as err:
                if not _is_locked(err) or time.monotonic() >= deadline:
                    raise
                time.sleep(0.01)

    # --- connection and schema --------------------------------------------------------------

    @property
    def conn(self) -> Connection:
        return self._sqlite()

    def _sqlite(self) -> sqlite3.Connection:
        if self._conn is None:
            raise RuntimeError(f"the store {self.path} is closed")
        return self._conn

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection (safe to call twice)."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _locked(self) -> StoreLocked:
        return StoreLocked(
            f"{self.path} stayed locked by another writer for over {self.lock_wait:g} s",
            self.lock_wait,
        )

    @contextmanager
    def _transaction(self) -> Iterator[Connection]:
        conn = self.conn
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as err:
            if _is_locked(err):
                raise self._locked() from err
            raise
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def schema_version(self) -> int:
        """The schema version of the open database."""
        row = self.conn.execute("SELECT MAX(version) FROM schema_version").fetchone()
        return int(row[0] or 0)

    def _migrate(self) -> None:
        self.conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_version ("
            "version INTEGER PRIMARY KEY, applied TEXT NOT NULL)"
        )
        current = self.schema_version()
        if current > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path} has schema version {current}, newer than this newsprism "
                f"({SCHEMA_VERSION}); upgrade newsprism to open it"
            )
        for version in range(current, SCHEMA_VERSION):
            script = (
                "BEGIN IMMEDIATE;\n"
                + MIGRATIONS[version]
                + f"\nINSERT INTO schema_version(version, applied) "
                f"VALUES ({version + 1}, '{now_text()}');\nCOMMIT;"
            )
            try:
                self._sqlite().executescript(script)
            except sqlite3.Error:
                if self._sqlite().in_transaction:
                    self._sqlite().execute("ROLLBACK")
                if self.schema_version() > version:
                    continue  # another connection opening the new store applied it first
                raise

    # --- dialect hooks: SQL that differs by backend (``postgres.PostgresStore`` has its own) --

    def _story_match_sql(self, query: str, per_story: bool) -> tuple[str, list[object]] | None:
        """A condition on stories ``s``: one member's title or text holds every word of
        ``query`` (FTS5), with its arguments; None when ``query`` has no words. The matching
        articles are collected first, or, with ``per_story``, each story is checked."""
        fts = fts_query(query)
        if not fts:
            return None
        if per_story:
            return (
                "EXISTS (SELECT 1 FROM story_articles m JOIN articles a ON a.id = m.article "
                "JOIN articles_fts f ON f.rowid = a.rowid "
                "WHERE m.story = s.id AND articles_fts MATCH ?)",
                [fts],
            )
        return (
            "s.id IN (SELECT m.story FROM articles_fts JOIN articles a "
            "ON a.rowid = articles_fts.rowid JOIN story_articles m ON m.article = a.id "
            "WHERE articles_fts MATCH ?)",
            [fts],
        )

    def _article_match_sql(self, query: str) -> tuple[str, list[object]] | None:
        """A query with one row per article whose title or text holds every word of ``query``
        (FTS5), with its arguments; None when ``query`` has no words."""
        fts = fts_query(query)
        if not fts:
            return None
        return "SELECT 1 FROM articles_fts WHERE articles_fts MATCH ?", [fts]
