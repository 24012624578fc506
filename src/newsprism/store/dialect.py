"""What the store's shared SQL needs from a database connection, whichever the backend.

``Store`` (SQLite) and ``PostgresStore`` run the same SQL (written for SQLite) through a
connection that offers ``execute`` and ``executemany`` and rows readable by column name and by
index: ``sqlite3.Connection`` with ``sqlite3.Row`` for SQLite, the adapter of
``store.pg_conn`` for PostgreSQL. The statements that differ between the two (full-text
search, transactions, schema) go through small hooks that each backend implements.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, Protocol


class Cursor(Protocol):
    """The result of one statement: rows readable as ``row["column"]`` and ``row[0]``."""

    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...

    def close(self) -> None: ...


class Connection(Protocol):
    """A connection running SQLite-style SQL (``?`` placeholders)."""

    def execute(self, sql: str, parameters: Any = ..., /) -> Cursor: ...

    def executemany(self, sql: str, parameters: Iterable[Any], /) -> object: ...


def query_words(query: str) -> list[str]:
    """A user's search words: split on white space, control characters dropped (a NUL would
    end a query early). Every word must occur in a matching article."""
    cleaned = "".join(c if c.isprintable() else " " for c in query)
    return cleaned.split()
