"""SQLite-style SQL of the store rewritten for PostgreSQL, statement by statement.

The store's SQL is written once, for SQLite (``store.sqlite``, ``store.articles``,
``store.comparisons``, ``store.stories``, ``store.browse``). The differences that are pure
syntax are rewritten here, on tokens (string literals, quoted names and comments are never
touched):

- ``?`` and ``?N`` placeholders become ``%s`` (the parameters are rearranged for ``?N``), and
  a literal ``%`` becomes ``%%``;
- ``INSERT OR IGNORE`` becomes ``INSERT ... ON CONFLICT DO NOTHING``, and ``INSERT OR
  REPLACE`` an upsert on the table's primary key (no table here is referenced by another
  through the rows such a statement replaces, so the two are the same);
- ``LIMIT ?`` becomes ``LIMIT NULLIF(%s, -1)`` (SQLite's -1 is "no limit", PostgreSQL's NULL);
- ``CROSS JOIN t ON ...`` (SQLite's way to fix the join order; an inner join) becomes
  ``JOIN t ON ...``;
- NULLs sort as in SQLite, first in ascending order and last in descending order: an ORDER BY
  item (or index column) that may be NULL gets an explicit ``NULLS FIRST``/``NULLS LAST``.
  Items known never to be NULL (a column that is NOT NULL in every table that has it) are
  left as they are, so primary key indexes still serve them;
- a bare ``BEGIN`` (a read transaction in SQLite, which sees one snapshot) starts a
  ``REPEATABLE READ`` transaction.

What is not syntax (full-text search, the write lock, the schema) is implemented by
``store.postgres`` and ``store.pg_schema``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

_TOKEN = re.compile(
    r"""
    (?P<string>'(?:[^']|'')*')
  | (?P<ident>"(?:[^"]|"")*")
  | (?P<comment>--[^\n]*|/\*.*?\*/)
  | (?P<param>\?[0-9]*)
  | (?P<word>[A-Za-z_][A-Za-z0-9_$]*)
  | (?P<space>\s+)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)

# Words after which a CROSS JOIN's table has ended (ON makes it an inner join).
_JOIN_END = {"JOIN", "WHERE", "GROUP", "ORDER", "LIMIT", "UNION", "CROSS", "LEFT", "INNER"}

# Words that end an ORDER BY list at its own nesting depth.
_ORDER_END = {"LIMIT", "OFFSET", "FETCH", "UNION", "EXCEPT", "INTERSECT", "WINDOW", "FOR"}


@dataclass(frozen=True)
class Token:
    kind: str  # string, ident, comment, param, word, space, other
    text: str

    @property
    def upper(self) -> str:
        return self.text.upper() if self.kind == "word" else ""

    @property
    def blank(self) -> bool:
        return self.kind in ("space", "comment")


def tokenize(sql: str) -> list[Token]:
    """The tokens of ``sql``; joined again they give ``sql`` back."""
    return [Token(m.lastgroup or "other", m.group()) for m in _TOKEN.finditer(sql)]


def name_of(token: Token) -> str:
    """A name as the database sees it: quoted as written, else in lower case."""
    if token.kind == "ident":
        return token.text[1:-1].replace('""', '"')
    return token.text.lower()


def _next(tokens: Sequence[Token], start: int) -> int:
    """The index of the first token from ``start`` that is not blank (len when none)."""
    k = start
    while k < len(tokens) and tokens[k].blank:
        k += 1
    return k


def list_items(tokens: Sequence[Token], start: int) -> tuple[list[tuple[int, int]], int]:
    """The comma-separated items of a list starting at ``start``, as [first, last] token
    indexes of their non-blank tokens, and the index where the list ends: at a closing
    parenthesis of the enclosing level, a ``;``, a word that ends an ORDER BY, or the end."""
    items: list[tuple[int, int]] = []
    depth = 0
    first = last = -1
    k = start
    while k < len(tokens):
        tok = tokens[k]
        if tok.kind == "other" and tok.text == "(":
            depth += 1
        elif tok.kind == "other" and tok.text == ")":
            if depth == 0:
                break
            depth -= 1
        elif depth == 0 and ((tok.kind == "other" and tok.text in ",;") or tok.upper in _ORDER_END):
            if first >= 0:
                items.append((first, last))
            first = last = -1
            if tok.text != ",":
                break
            k += 1
            continue
        if not tok.blank:
            if first < 0:
                first = k
            last = k
        k += 1
    if first >= 0:
        items.append((first, last))
    return items, k


def _joined_on(tokens: Sequence[Token], cross: int) -> bool:
    """True when the ``CROSS JOIN`` at ``cross`` has an ON condition."""
    k = _next(tokens, cross + 1)
    if k >= len(tokens) or tokens[k].upper != "JOIN":
        return False
    depth = 0
    for tok in tokens[k + 1 :]:
        if tok.text == "(" and tok.kind == "other":
            depth += 1
        elif tok.text == ")" and tok.kind == "other":
            if depth == 0:
                return False
            depth -= 1
        elif depth == 0 and (tok.upper == "ON" or tok.upper in _JOIN_END or tok.text == ","):
            return tok.upper == "ON"
    return False


def null_order(tokens: Sequence[Token], first: int, last: int, nullable: frozenset[str]) -> str:
    """What to append after an ORDER BY item (or index column) so NULLs sort as in SQLite:
    "" when it says NULLS itself or is a column that is never NULL."""
    words = [t for t in tokens[first : last + 1] if not t.blank]
    if any(t.upper == "NULLS" for t in words):
        return ""
    descending = words[-1].upper == "DESC"
    if words[-1].upper in ("ASC", "DESC"):
        words = words[:-1]
    column = len(words) == 1 or (len(words) == 3 and words[1].text == ".")
    if column and words[-1].kind in ("word", "ident") and name_of(words[-1]) not in nullable:
        return ""
    return " NULLS LAST" if descending else " NULLS FIRST"


@dataclass(frozen=True)
class Translated:
    """A statement for psycopg and how to arrange its parameters."""

    sql: str
    order: tuple[int, ...] | None = None  # parameter index of each %s; None: as given

    def arrange(self, parameters: Sequence[Any] | None) -> tuple[Any, ...]:
        values = tuple(parameters or ())
        if self.order is None:
            return values
        return tuple(values[k] for k in self.order)


class Translator:
    """Rewrites the store's SQLite-style statements for PostgreSQL (cached per statement).

    ``nullable``: names of columns that may be NULL in some table; ``keys``: each table's
    primary key columns (for ``INSERT OR REPLACE``)."""

    def __init__(self, nullable: frozenset[str], keys: Mapping[str, tuple[str, ...]]) -> None:
        self.nullable = nullable
        self.keys = dict(keys)
        self._cache: dict[str, Translated] = {}

    def translate(self, sql: str) -> Translated:
        found = self._cache.get(sql)
        if found is None:
            found = self._translate(sql)
            if len(self._cache) < 4096:
                self._cache[sql] = found
        return found

    def _translate(self, sql: str) -> Translated:
        tokens = tokenize(sql)
        words = [t for t in tokens if not t.blank]
        if [t.upper for t in words] == ["BEGIN"]:
            return Translated("BEGIN ISOLATION LEVEL REPEATABLE READ")
        after: dict[int, str] = {}  # token index -> text appended after it
        drop: set[int] = set()
        suffix = self._insert_or(tokens, drop)
        if suffix:  # appended after the last word: drop a trailing ";" and comments
            end = len(tokens)
            while end and (tokens[end - 1].blank or tokens[end - 1].text == ";"):
                end -= 1
            drop.update(range(end, len(tokens)))
        for k, tok in enumerate(tokens):
            if tok.upper == "CROSS" and _joined_on(tokens, k):
                drop.update(range(k, _next(tokens, k + 1)))
            if tok.upper == "ORDER":
                by = _next(tokens, k + 1)
                if by < len(tokens) and tokens[by].upper == "BY":
                    items, _ = list_items(tokens, by + 1)
                    for first, last in items:
                        extra = null_order(tokens, first, last, self.nullable)
                        if extra:
                            after[last] = after.get(last, "") + extra
        out: list[str] = []
        order: list[int] = []
        counter = 0
        limit = False
        for k, tok in enumerate(tokens):
            if k in drop:
                continue
            if tok.kind == "param":
                index = int(tok.text[1:]) if len(tok.text) > 1 else counter + 1
                counter = max(counter, index)
                order.append(index - 1)
                out.append("NULLIF(%s, -1)" if limit else "%s")
            else:
                out.append(tok.text.replace("%", "%%"))
            if not tok.blank:
                limit = tok.upper == "LIMIT"
            out.append(after.get(k, ""))
        text = "".join(out).rstrip() + suffix
        arranged = tuple(order) if order != list(range(len(order))) else None
        return Translated(text, arranged)

    def _insert_or(self, tokens: list[Token], drop: set[int]) -> str:
        """For ``INSERT OR IGNORE|REPLACE INTO t(...)``: marks ``OR IGNORE|REPLACE`` to be
        dropped and returns the ON CONFLICT clause to append ("" for other statements)."""
        heads: list[int] = []
        k = _next(tokens, 0)
        while k < len(tokens) and len(heads) < 5:
            heads.append(k)
            k = _next(tokens, k + 1)
        if len(heads) < 5 or [tokens[i].upper for i in heads[:2]] != ["INSERT", "OR"]:
            return ""
        action = tokens[heads[2]].upper
        if action not in ("IGNORE", "REPLACE") or tokens[heads[3]].upper != "INTO":
            raise ValueError(f"no PostgreSQL form of INSERT OR {tokens[heads[2]].text}")
        drop.update(range(heads[1], heads[3]))
        if action == "IGNORE":
            return " ON CONFLICT DO NOTHING"
        table = name_of(tokens[heads[4]])
        if table not in self.keys:
            raise ValueError(f"INSERT OR REPLACE into {table}: its primary key is not known")
        opening = _next(tokens, heads[4] + 1)
        items, _ = list_items(tokens, opening + 1)
        columns = [name_of(tokens[first]) for first, _ in items]
        key = self.keys[table]
        rest = [c for c in columns if c not in key]
        target = ", ".join(_quote(c) for c in key)
        if not rest:
            return f" ON CONFLICT ({target}) DO NOTHING"
        sets = ", ".join(f"{_quote(c)} = EXCLUDED.{_quote(c)}" for c in rest)
        return f" ON CONFLICT ({target}) DO UPDATE SET {sets}"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
