"""A psycopg connection that runs the store's SQLite-style SQL (``store.dialect.Connection``).

Statements are rewritten by ``pg_sql.Translator``; rows read like ``sqlite3.Row`` (by column
name, by index, unpacked, ``dict(row)``); Python booleans are written as integers, as
sqlite3 does (the schema keeps SQLite's INTEGER flags). PostgreSQL text cannot hold the
character U+0000, which SQLite stores: it is dropped from every string written or looked up
(cleaning already drops it from article text; a title or outlet from a JSON record can
still hold one, and psycopg would refuse the whole statement).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import psycopg
from psycopg.adapt import Dumper
from psycopg.rows import RowMaker

from newsprism.store.dialect import Cursor
from newsprism.store.pg_sql import Translator


class PgRow(tuple[Any, ...]):
    """One result row, readable by column name (the first of that name) and by index."""

    _names: dict[str, int]

    def __new__(cls, values: Sequence[Any], names: dict[str, int]) -> PgRow:
        row = super().__new__(cls, values)
        row._names = names
        return row

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return tuple.__getitem__(self, self._names[key])
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self._names)


def pg_rows(cursor: psycopg.Cursor[Any]) -> RowMaker[PgRow]:
    """psycopg row factory making ``PgRow``s."""
    names: dict[str, int] = {}
    for k, column in enumerate(cursor.description or ()):
        names.setdefault(column.name, k)

    def make(values: Sequence[Any]) -> PgRow:
        return PgRow(values, names)

    return make


class BoolAsInteger(Dumper):
    """Writes ``True``/``False`` as the integers 1/0 (sqlite3 does the same)."""

    oid = psycopg.adapters.types["int4"].oid

    def dump(self, obj: Any) -> bytes:
        return b"1" if obj else b"0"


def configure(conn: psycopg.Connection[Any]) -> None:
    """Set up a new connection of the pool: autocommit (transactions are opened explicitly,
    as in the SQLite store), integer booleans."""
    conn.autocommit = True
    conn.adapters.register_dumper(bool, BoolAsInteger)


def without_nul(values: tuple[Any, ...]) -> tuple[Any, ...]:
    """``values`` with U+0000 dropped from its strings (the same tuple when none has one)."""
    if not any(type(v) is str and "\x00" in v for v in values):
        return values
    return tuple(v.replace("\x00", "") if type(v) is str else v for v in values)


class PgConnection:
    """``execute``/``executemany`` of SQLite-style SQL on a psycopg connection."""

    def __init__(self, raw: psycopg.Connection[PgRow], translator: Translator) -> None:
        self.raw = raw
        self._translator = translator

    def execute(self, sql: str, parameters: Any = (), /) -> Cursor:
        statement = self._translator.translate(sql)
        return self.raw.execute(statement.sql, without_nul(statement.arrange(parameters)))

    def executemany(self, sql: str, parameters: Iterable[Any], /) -> None:
        statement = self._translator.translate(sql)
        rows = [without_nul(statement.arrange(p)) for p in parameters]
        if rows:
            with self.raw.cursor() as cursor:
                cursor.executemany(statement.sql, rows)

    @property
    def in_transaction(self) -> bool:
        """True inside a transaction (as ``sqlite3.Connection.in_transaction``)."""
        return self.raw.info.transaction_status != psycopg.pq.TransactionStatus.IDLE
