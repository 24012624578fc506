"""The PostgreSQL schema: the SQLite migrations (``store.schema``) translated, version by version.

``MIGRATIONS`` stay the one definition of the schema. Each of its statements is translated:

- column types: ``INTEGER`` stays (``BIGINT`` where a column holds 64-bit values), ``REAL``
  becomes ``DOUBLE PRECISION`` (SQLite's REAL has 8 bytes), ``BLOB`` ``BYTEA`` and ``TEXT``
  ``TEXT COLLATE "C"`` (text sorts and compares by code point, as in SQLite);
  ``WITHOUT ROWID`` is dropped;
- a foreign key with no ON DELETE action is checked at commit (``DEFERRABLE INITIALLY
  DEFERRED``): deleting a comparison cascades along several paths (claims, then their
  numbers; quantities), and PostgreSQL checks a key between those steps, where SQLite checks
  at the end of the statement; a save that leaves a key dangling still fails as a whole;
- index columns that may be NULL get SQLite's NULL order (``pg_sql.null_order``), so the
  rewritten ORDER BY clauses can walk them;
- what has no translation is replaced by explicit statements (``REPLACED``): the FTS5 table
  and its triggers become a table of the same name holding each article's ``tsvector`` of
  title and text (by the article's rowid, as FTS5's), with a GIN index, kept in step by one
  trigger (a stored vector: matching and ranking never parse a text again, and reading an
  article does not carry its vector); the ``articles`` table gets the ``rowid``
  column SQLite gives every table (an identity, in insertion order: writers take turns, see
  ``store.postgres``); ``COLLATE NOCASE`` is a case-insensitive ICU collation.

A statement of a later migration that has no translation makes ``postgres_migrations``
raise, so a new SQLite-only construct is noticed by the tests, not by a user.
"""

from __future__ import annotations

import sqlite3
from functools import cache

from newsprism.store.pg_sql import Token, list_items, name_of, null_order, tokenize
from newsprism.store.schema import MIGRATIONS

# The text search configuration: words as written, lower case, accents removed (as FTS5's
# default unicode61 tokenizer does); no stemming, no stop words.
TEXT_SEARCH = "newsprism"

_FTS = (
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    f"CREATE TEXT SEARCH CONFIGURATION {TEXT_SEARCH} (COPY = pg_catalog.simple)",
    f"ALTER TEXT SEARCH CONFIGURATION {TEXT_SEARCH} "
    "ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple",
    "CREATE TABLE articles_fts (rowid BIGINT PRIMARY KEY, document TSVECTOR NOT NULL)",
    "CREATE INDEX articles_fts_document ON articles_fts USING GIN (document)",
    f"""CREATE FUNCTION articles_fts_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM articles_fts WHERE rowid = OLD.rowid;
        RETURN OLD;
    END IF;
    INSERT INTO articles_fts(rowid, document)
    VALUES (NEW.rowid, to_tsvector('{TEXT_SEARCH}', NEW.title || ' ' || NEW.text))
    ON CONFLICT (rowid) DO UPDATE SET document = EXCLUDED.document;
    RETURN NEW;
END
$$""",
    "CREATE TRIGGER articles_fts_sync AFTER INSERT OR DELETE OR UPDATE OF title, text "
    "ON articles FOR EACH ROW EXECUTE FUNCTION articles_fts_sync()",
)

# Statements with no translation, by the name of what they create: what replaces them.
REPLACED: dict[str, tuple[str, ...]] = {
    "articles_fts": _FTS,
    "articles_fts_insert": (),  # one trigger does the work of the three
    "articles_fts_delete": (),
    "articles_fts_update": (),
}

# Statements added after the one creating a table.
ADDED_AFTER: dict[str, tuple[str, ...]] = {
    "articles": (
        "ALTER TABLE articles ADD COLUMN rowid BIGINT GENERATED ALWAYS AS IDENTITY",
        "CREATE UNIQUE INDEX articles_rowid ON articles(rowid)",
    ),
}

# Statements run before a version's own (by the version they lead to).
BEFORE: dict[int, tuple[str, ...]] = {
    1: (
        "CREATE COLLATION nocase "
        "(provider = icu, locale = 'und-u-ks-level2', deterministic = false)",
    ),
}

# Columns holding values wider than 32 bits (PostgreSQL's INTEGER has 4 bytes).
WIDE: set[tuple[str, str]] = {("article_bands", "key")}

_TYPES = {"REAL": "DOUBLE PRECISION", "BLOB": "BYTEA", "TEXT": 'TEXT COLLATE "C"'}


def statements(script: str) -> list[str]:
    """The statements of a SQLite script (a trigger's body stays inside its statement)."""
    out: list[str] = []
    current = ""
    for line in script.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            out.append(current.strip())
            current = ""
    if current.strip():
        out.append(current.strip())
    return out


def _words(tokens: list[Token]) -> list[int]:
    return [k for k, t in enumerate(tokens) if not t.blank]


def _creates(tokens: list[Token]) -> bool:
    idx = _words(tokens)
    return bool(idx) and tokens[idx[0]].upper == "CREATE"


def _created(tokens: list[Token]) -> tuple[str, str, int]:
    """(kind, name, index of the name) of a CREATE statement: kind is TABLE, INDEX, VIRTUAL
    or TRIGGER."""
    idx = _words(tokens)
    heads = [tokens[k].upper for k in idx[:4]]
    if heads[:1] != ["CREATE"]:
        raise ValueError(f"not a CREATE statement: {''.join(t.text for t in tokens)[:80]}")
    at = 2 if heads[1] == "UNIQUE" else 1
    kind = tokens[idx[at]].upper
    if kind == "VIRTUAL":
        at += 1
    if kind not in ("TABLE", "INDEX", "VIRTUAL", "TRIGGER"):
        raise ValueError(f"no PostgreSQL translation for CREATE {kind}")
    return kind, name_of(tokens[idx[at + 1]]), idx[at + 1]


def _altered(tokens: list[Token]) -> str:
    """ALTER TABLE t ADD COLUMN c TYPE ...: the column's type translated."""
    idx = _words(tokens)
    heads = [tokens[k].upper for k in idx[:5]]
    if heads[:2] != ["ALTER", "TABLE"] or heads[3:5] != ["ADD", "COLUMN"]:
        raise ValueError(f"no PostgreSQL translation for {''.join(t.text for t in tokens)[:80]}")
    text = [t.text for t in tokens]
    type_at = idx[6]
    sqlite_type = tokens[type_at].upper
    if sqlite_type in _TYPES:
        text[type_at] = _TYPES[sqlite_type]
    elif sqlite_type != "INTEGER":
        raise ValueError(f"no PostgreSQL type for {tokens[type_at].text}")
    return "".join(text).strip()


def _table_items(tokens: list[Token], name_at: int) -> list[tuple[int, int]]:
    opening = next(k for k in range(name_at, len(tokens)) if tokens[k].text == "(")
    items, _ = list_items(tokens, opening + 1)
    return items


def _columns(tokens: list[Token], name_at: int) -> list[tuple[str, int, bool]]:
    """(name, index of the type, may be NULL) of each column of a CREATE TABLE."""
    out = []
    keyed: set[str] = set()
    for first, last in _table_items(tokens, name_at):
        words = [tokens[k] for k in range(first, last + 1) if not tokens[k].blank]
        head = words[0].upper
        if head in ("PRIMARY", "FOREIGN", "UNIQUE", "CHECK", "CONSTRAINT"):
            if head == "PRIMARY":
                opening = next(k for k in range(first, last + 1) if tokens[k].text == "(")
                keys, _ = list_items(tokens, opening + 1)
                keyed.update(name_of(tokens[a]) for a, _ in keys)
            continue
        type_at = _next_word(tokens, first + 1)
        upper = " ".join(t.upper for t in words)
        nullable = "NOT NULL" not in upper and "PRIMARY KEY" not in upper
        out.append((name_of(words[0]), type_at, nullable))
    return [(n, t, nullable and n not in keyed) for n, t, nullable in out]


def _next_word(tokens: list[Token], start: int) -> int:
    k = start
    while tokens[k].blank:
        k += 1
    return k


def primary_keys(migrations: tuple[str, ...] = MIGRATIONS) -> dict[str, tuple[str, ...]]:
    """Each table's primary key columns."""
    out: dict[str, tuple[str, ...]] = {}
    for script in migrations:
        for statement in statements(script):
            tokens = tokenize(statement)
            if not _creates(tokens):
                continue  # ALTER TABLE ... ADD COLUMN adds no key (UPDATE nothing at all)
            kind, name, at = _created(tokens)
            if kind != "TABLE":
                continue
            for first, last in _table_items(tokens, at):
                words = [tokens[k] for k in range(first, last + 1) if not tokens[k].blank]
                upper = [t.upper for t in words]
                if upper[:2] == ["PRIMARY", "KEY"]:
                    opening = next(k for k in range(first, last + 1) if tokens[k].text == "(")
                    keys, _ = list_items(tokens, opening + 1)
                    out[name] = tuple(name_of(tokens[a]) for a, _ in keys)
                elif "PRIMARY" in upper and upper[0] not in ("FOREIGN", "UNIQUE", "CHECK"):
                    out[name] = (name_of(words[0]),)
    return out


def nullable_columns(migrations: tuple[str, ...] = MIGRATIONS) -> frozenset[str]:
    """Names of the columns that may be NULL in at least one table."""
    names: set[str] = set()
    for script in migrations:
        for statement in statements(script):
            tokens = tokenize(statement)
            if not _creates(tokens):
                continue  # columns added later are NOT NULL with a default
            kind, _, at = _created(tokens)
            if kind == "TABLE":
                names.update(n for n, _, nullable in _columns(tokens, at) if nullable)
    return frozenset(names)


def translate(statement: str, nullable: frozenset[str]) -> tuple[str, ...]:
    """The PostgreSQL statements for one statement of a SQLite migration."""
    tokens = tokenize(statement.strip().rstrip(";"))
    heads = [tokens[k].upper for k in _words(tokens)[:5]]
    if heads[:1] == ["UPDATE"]:
        return (statement.strip().rstrip(";"),)  # the same SQL in both
    if heads[:1] == ["ALTER"]:
        return (_altered(tokens),)
    kind, name, at = _created(tokens)
    if name in REPLACED:
        return REPLACED[name]
    if kind in ("VIRTUAL", "TRIGGER"):
        raise ValueError(f"no PostgreSQL translation for {kind} {name}: add it to REPLACED")
    text = [t.text for t in tokens]
    if kind == "TABLE":
        for column, type_at, _ in _columns(tokens, at):
            sqlite_type = tokens[type_at].upper
            if sqlite_type == "INTEGER" and (name, column) in WIDE:
                text[type_at] = "BIGINT"
            elif sqlite_type in _TYPES:
                text[type_at] = _TYPES[sqlite_type]
            elif sqlite_type != "INTEGER":
                raise ValueError(f"no PostgreSQL type for {name}.{column} {tokens[type_at].text}")
        for first, last in _table_items(tokens, at):
            upper = [tokens[k].upper for k in range(first, last + 1)]
            if "REFERENCES" in upper and "ON" not in upper:
                text[last] += " DEFERRABLE INITIALLY DEFERRED"
        idx = _words(tokens)
        if [tokens[k].upper for k in idx[-2:]] == ["WITHOUT", "ROWID"]:
            for k in range(idx[-2], len(tokens)):
                text[k] = ""
    else:  # INDEX: the NULL order of each column
        opening = next(k for k in range(at, len(tokens)) if tokens[k].text == "(")
        items, _ = list_items(tokens, opening + 1)
        for first, last in items:
            text[last] += null_order(tokens, first, last, nullable)
    return ("".join(text).strip(), *ADDED_AFTER.get(name, ()))


@cache
def postgres_migrations() -> tuple[tuple[str, ...], ...]:
    """``MIGRATIONS`` for PostgreSQL: the statements that take a database from version k to
    k + 1, for each k."""
    out = []
    for version, script in enumerate(MIGRATIONS):
        nullable = nullable_columns(MIGRATIONS[: version + 1])
        found: list[str] = list(BEFORE.get(version + 1, ()))
        for statement in statements(script):
            found.extend(translate(statement, nullable))
        out.append(tuple(found))
    return tuple(out)
