"""The PostgreSQL store: the SQLite store's methods and SQL on a PostgreSQL database.

Chosen by ``--db postgresql://user:password@host:port/database`` (``store.open.open_store``).
``PostgresStore`` is ``Store`` with another connection: every method of ``store.sqlite``,
``store.articles``, ``store.comparisons``, ``store.stories`` and ``store.browse`` runs here
unchanged. Their SQL goes through
``pg_conn.PgConnection``, which rewrites what is only syntax (``pg_sql``); what differs in
kind is implemented below: opening and the schema (``pg_schema``: the same versions in the
same ``schema_version`` table), write transactions, and full-text search.

Connections: one ``psycopg_pool.ConnectionPool`` per database URL and process. A store holds
one connection of it from opening to ``close`` (a web request, a command, an ingest run), so
opening a store is cheap after the first time.

Writers take turns, as in SQLite (where ``BEGIN IMMEDIATE`` lets one writer at a time in).
Every write transaction starts by taking a transaction-level advisory lock, the same key for
every writer of the database (``WRITER_LOCK``), and runs at READ COMMITTED, so each of its
statements sees everything committed before, in particular what the writer before it wrote.
That keeps correct what relies on one writer: the story counter check of ``save_filing`` and
``save_correction`` (``StoryConflict`` when another process filed in between), the duplicate
check of ``add_ingested``, and the ``rowid`` order that ``unfiled_articles`` relies on (an
article's rowid is drawn inside the lock, so rowids become visible in increasing order).
REPEATABLE READ would not do: its snapshot is taken before the lock is granted. Readers never
wait for the lock: they read committed rows, and ``load_comparison_model``'s several queries
share one REPEATABLE READ snapshot, as SQLite's read transaction does. Migrations take the
same lock.

Full-text search uses PostgreSQL's own: ``articles_fts`` holds each article's ``tsvector`` of
title and text in the ``newsprism`` configuration (lower case, accents removed, no stemming,
as FTS5's default tokenizer) under a GIN index; a query is one ``phraseto_tsquery`` per word
(every word must occur; a word with punctuation inside, "U.S.", is a phrase, as in FTS5).
Best matches first is ``ts_rank`` normalized by document length (FTS5 uses BM25; both put a
shorter text that holds the words more often first, but close cases can order differently).
"""

from __future__ import annotations

import atexit
import hashlib
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import cache
from urllib.parse import parse_qsl, urlencode

import psycopg
from psycopg_pool import ConnectionPool, PoolTimeout

from newsprism.model import Article
from newsprism.store.dialect import Connection, query_words
from newsprism.store.errors import StoreError
from newsprism.store.pg_conn import PgConnection, PgRow, configure, pg_rows
from newsprism.store.pg_schema import (
    TEXT_SEARCH,
    nullable_columns,
    postgres_migrations,
    primary_keys,
)
from newsprism.store.pg_sql import Translator
from newsprism.store.schema import SCHEMA_VERSION
from newsprism.store.sqlite import Store

# The advisory lock every writer of a database takes for its transaction (a fixed 63-bit key).
WRITER_LOCK = int.from_bytes(hashlib.sha1(b"newsprism writer").digest()[:8], "big") >> 1

POOL_SIZE = 10  # connections per database and process at most (the web app's threads share)
CONNECT_TIMEOUT = 10  # seconds to reach the server
POOL_TIMEOUT = 30.0  # seconds to wait for a free connection of the pool

_POOLS: dict[str, ConnectionPool[psycopg.Connection[PgRow]]] = {}
_POOLS_LOCK = threading.Lock()


def _passwords(url: str) -> list[str]:
    """The passwords a URL carries (in its user part, as a ``password`` parameter)."""
    found = re.match(r"[^:/]+://[^:@/]*:([^@/]*)@", url)
    out = [found.group(1)] if found and found.group(1) else []
    out += [v for k, v in parse_qsl(url.partition("?")[2]) if k.lower() == "password" and v]
    return out


def display_url(url: str) -> str:
    """The URL without its password (for messages), however malformed it is."""
    shown = re.sub(r"^([^:/]+://[^:@/]*):[^@/]*@", r"\1@", url)
    base, mark, query = shown.partition("?")
    if not mark:
        return shown
    kept = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k.lower() != "password"]
    return base + ("?" + urlencode(kept) if kept else "")


def _reason(err: BaseException, url: str) -> str:
    """An error's message on one line, without the URL's password."""
    text = " ".join(str(err).split()) or type(err).__name__
    for password in _passwords(url):
        text = text.replace(password, "***")
    return text


@cache
def translator() -> Translator:
    return Translator(nullable_columns(), primary_keys())


def _pool(url: str, shown: str) -> ConnectionPool[psycopg.Connection[PgRow]]:
    """The pool of ``url``, made on first use once the server answered (so that a server
    that cannot be reached is one clear error, not a wait for the pool)."""
    with _POOLS_LOCK:
        pool = _POOLS.get(url)
        if pool is not None and not pool.closed:
            return pool
        try:
            psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT).close()
        except psycopg.Error as err:
            raise StoreError(
                f"{shown}: cannot connect to PostgreSQL ({_reason(err, url)}); "
                "check the --db URL and that the server is running"
            ) from err
        pool = ConnectionPool(
            url,
            connection_class=psycopg.Connection[PgRow],
            kwargs={"row_factory": pg_rows, "connect_timeout": CONNECT_TIMEOUT},
            configure=configure,
            min_size=1,
            max_size=POOL_SIZE,
            timeout=POOL_TIMEOUT,
            check=ConnectionPool.check_connection,
            name=shown,
            open=False,
        )
        pool.open()
        _POOLS[url] = pool
        return pool


def close_pools(url: str | None = None) -> None:
    """Close the connection pools (of one URL, or all); the next store opens a new one."""
    with _POOLS_LOCK:
        for key in [k for k in _POOLS if url is None or k == url]:
            _POOLS.pop(key).close()


atexit.register(close_pools)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _version(raw: psycopg.Connection[PgRow]) -> int:
    row = raw.execute("SELECT to_regclass('schema_version') IS NOT NULL").fetchone()
    if row is None or not row[0]:
        return 0
    found = raw.execute("SELECT MAX(version) FROM schema_version").fetchone()
    return int(found[0] or 0) if found else 0


class PostgresStore(Store):
    """A PostgreSQL database of articles, comparisons and stories (``StoreBackend``,
    ``StoryStoreBackend`` and ``BrowseStoreBackend``, as ``Store``)."""

    def __init__(self, url: str) -> None:
        """Connect to the database at ``url`` and migrate it.

        Raises ``StoreError`` naming the URL (without its password) when the server cannot
        be reached, the database cannot hold the schema, or it was written by a newer
        newsprism; nothing is changed then."""
        self.path = display_url(url)
        self._conn = None
        self._pg: PgConnection | None = None
        self._pool = _pool(url, self.path)
        try:
            raw = self._pool.getconn()
        except PoolTimeout as err:
            raise StoreError(
                f"{self.path}: no PostgreSQL connection free within {POOL_TIMEOUT:.0f} s "
                f"({_reason(err, url)})"
            ) from err
        self._pg = PgConnection(raw, translator())
        try:
            self._migrate_pg(raw)
        except psycopg.Error as err:
            self.close()
            raise StoreError(
                f"{self.path}: cannot be used as the newsprism store ({_reason(err, url)}); "
                "give another --db"
            ) from err
        except BaseException:
            self.close()
            raise

    # --- connection, transactions and schema ----------------------------------------------

    @property
    def conn(self) -> PgConnection:
        if self._pg is None:
            raise RuntimeError(f"the store {self.path} is closed")
        return self._pg

    def close(self) -> None:
        """Give the connection back to the pool (safe to call twice)."""
        if self._pg is not None:
            raw, self._pg = self._pg.raw, None
            self._pool.putconn(raw)

    @contextmanager
    def _transaction(self) -> Iterator[Connection]:
        """A write transaction: READ COMMITTED, after taking the writers' lock (see above)."""
        conn = self.conn
        with conn.raw.transaction():
            conn.raw.execute("SELECT pg_advisory_xact_lock(%s)", (WRITER_LOCK,))
            yield conn

    def _refuse_newer(self, version: int) -> None:
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path} has schema version {version}, newer than this newsprism "
                f"({SCHEMA_VERSION}); upgrade newsprism to open it"
            )

    def _migrate_pg(self, raw: psycopg.Connection[PgRow]) -> None:
        """Bring the schema to ``SCHEMA_VERSION``, one transaction per version (one query
        when it is there already)."""
        current = _version(raw)
        self._refuse_newer(current)
        migrations = postgres_migrations()
        while current < SCHEMA_VERSION:
            with raw.transaction():
                raw.execute("SELECT pg_advisory_xact_lock(%s)", (WRITER_LOCK,))
                raw.execute(
                    "CREATE TABLE IF NOT EXISTS schema_version ("
                    "version INTEGER PRIMARY KEY, applied TEXT NOT NULL)"
                )
                current = _version(raw)  # another process may have migrated meanwhile
                self._refuse_newer(current)
                if current == SCHEMA_VERSION:
                    break
                for statement in migrations[current]:
                    raw.execute(statement)
                raw.execute(
                    "INSERT INTO schema_version(version, applied) VALUES (%s, %s)",
                    (current + 1, _now()),
                )
                current += 1

    # --- full-text search (dialect hooks) -------------------------------------------------

    @staticmethod
    def _tsquery(query: str) -> tuple[str, list[object]] | None:
        """The tsquery of a user's words (every word must occur), with its arguments."""
        words = query_words(query)
        if not words:
            return None
        parts = " && ".join(f"phraseto_tsquery('{TEXT_SEARCH}', ?)" for _ in words)
        return f"({parts})", list(words)

    def _story_match_sql(self, query: str, per_story: bool) -> tuple[str, list[object]] | None:
        found = self._tsquery(query)
        if found is None:
            return None
        if per_story:
            return (
                "EXISTS (SELECT 1 FROM story_articles m JOIN articles a ON a.id = m.article "
                "JOIN articles_fts f ON f.rowid = a.rowid "
                f"WHERE m.story = s.id AND f.document @@ {found[0]})",
                found[1],
            )
        return (
            "s.id IN (SELECT m.story FROM articles_fts f JOIN articles a ON a.rowid = f.rowid "
            f"JOIN story_articles m ON m.article = a.id WHERE f.document @@ {found[0]})",
            found[1],
        )

    def _article_match_sql(self, query: str) -> tuple[str, list[object]] | None:
        found = self._tsquery(query)
        if found is None:
            return None
        return f"SELECT 1 FROM articles_fts f WHERE f.document @@ {found[0]}", found[1]

    def search_articles(self, query: str, limit: int = 20) -> list[Article]:
        """Articles whose title or text hold every word of ``query``, best match first."""
        found = self._tsquery(query)
        if found is None:
            return []
        rows = self.conn.execute(
            "SELECT a.* FROM articles_fts f JOIN articles a ON a.rowid = f.rowid "
            f"WHERE f.document @@ {found[0]} "
            f"ORDER BY ts_rank(f.document, {found[0]}, 2) DESC, a.rowid LIMIT ?",
            [*found[1], *found[1], limit],
        ).fetchall()
        return [self._article(r) for r in rows]
