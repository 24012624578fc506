"""The PostgreSQL store's own parts: the SQL rewriting, the translated schema, URLs and their
errors, writers taking turns, migrating an older database; and behaviour both backends must
share (NULL order, case-insensitive outlets, accents in search), run on each."""

from __future__ import annotations

import threading
import time

import pytest

from newsprism.cli import main as cli_main
from newsprism.model import Article
from newsprism.store import Store, StoreError, is_postgres_url, open_store
from newsprism.store.browse import OutletRef
from newsprism.store.pg_schema import (
    nullable_columns,
    postgres_migrations,
    primary_keys,
    statements,
    translate,
)
from newsprism.store.pg_sql import Translator
from newsprism.store.postgres import PostgresStore, display_url, translator
from newsprism.store.schema import MIGRATIONS, SCHEMA_VERSION
from newsprism.store.stories import Filing, StoryRecord
from pg_server import PgServer, free_port


def sql(statement: str) -> str:
    return translator().translate(statement).sql


# --- rewriting SQLite-style SQL (no server) ------------------------------------------------


def test_placeholders_percent_signs_and_no_limit() -> None:
    assert sql("SELECT * FROM articles ORDER BY rowid LIMIT ? OFFSET ?") == (
        "SELECT * FROM articles ORDER BY rowid LIMIT NULLIF(%s, -1) OFFSET %s"
    )
    # "?" and "%" inside a literal, a quoted name or a comment are not placeholders.
    assert sql("SELECT '50% ?', \"a?\" FROM t WHERE b = ? -- why?") == (
        "SELECT '50%% ?', \"a?\" FROM t WHERE b = %s -- why?"
    )


def test_numbered_placeholders_are_rearranged() -> None:
    statement = translator().translate(
        "UPDATE stories SET articles = (SELECT COUNT(*) FROM story_articles WHERE story = ?1) "
        "WHERE id = ?1 AND status = ?2"
    )
    assert statement.sql == (
        "UPDATE stories SET articles = (SELECT COUNT(*) FROM story_articles WHERE story = %s) "
        "WHERE id = %s AND status = %s"
    )
    assert statement.arrange(("s1", "open")) == ("s1", "s1", "open")
    assert translator().translate("SELECT ?, ?").arrange(["a", "b"]) == ("a", "b")


def test_insert_or_ignore_and_replace() -> None:
    assert sql("INSERT OR IGNORE INTO story_apart(a, b) VALUES (?, ?);") == (
        "INSERT INTO story_apart(a, b) VALUES (%s, %s) ON CONFLICT DO NOTHING"
    )
    assert sql(
        "INSERT OR REPLACE INTO article_links(article, original, kind, similarity) "
        "VALUES (?, ?, 'near_copy', ?)"
    ) == (
        "INSERT INTO article_links(article, original, kind, similarity) "
        "VALUES (%s, %s, 'near_copy', %s) ON CONFLICT (\"article\") DO UPDATE SET "
        '"original" = EXCLUDED."original", "kind" = EXCLUDED."kind", '
        '"similarity" = EXCLUDED."similarity"'
    )
    with pytest.raises(ValueError, match="primary key is not known"):
        Translator(frozenset(), {}).translate("INSERT OR REPLACE INTO t(a) VALUES (?)")


def test_nulls_sort_as_in_sqlite() -> None:
    # A column that may be NULL gets SQLite's order; one never NULL is left alone, so its
    # index still serves the ORDER BY.
    assert sql(
        "WITH mine AS (SELECT a.id FROM articles a ORDER BY a.published DESC LIMIT ?) "
        'SELECT 1 FROM mine ORDER BY COALESCE(s."end", s.updated) DESC, s.last_joined DESC, '
        "position, s.id"
    ) == (
        "WITH mine AS (SELECT a.id FROM articles a ORDER BY a.published DESC NULLS LAST "
        "LIMIT NULLIF(%s, -1)) SELECT 1 FROM mine ORDER BY "
        'COALESCE(s."end", s.updated) DESC NULLS LAST, s.last_joined DESC, '
        "position NULLS FIRST, s.id"
    )


def test_a_cross_join_with_a_condition_is_an_inner_join() -> None:
    # SQLite reads CROSS JOIN ... ON as an inner join in a fixed order; PostgreSQL has no ON
    # for CROSS JOIN. A true cross join stays one.
    assert sql(
        "SELECT 1 FROM mine CROSS JOIN omissions o ON o.article = mine.article "
        "CROSS JOIN (SELECT 1) AS one CROSS JOIN claims c WHERE c.id = ?"
    ) == (
        "SELECT 1 FROM mine JOIN omissions o ON o.article = mine.article "
        "CROSS JOIN (SELECT 1) AS one CROSS JOIN claims c WHERE c.id = %s"
    )


def test_a_bare_begin_reads_one_snapshot() -> None:
    assert sql("BEGIN") == "BEGIN ISOLATION LEVEL REPEATABLE READ"
    assert sql("COMMIT") == "COMMIT"


# --- the translated schema -----------------------------------------------------------------


def test_every_migration_has_a_postgresql_form() -> None:
    migrations = postgres_migrations()
    assert len(migrations) == SCHEMA_VERSION == len(MIGRATIONS)
    every = "\n".join(s for version in migrations for s in version)
    for sqlite_only in ("VIRTUAL", "fts5", "WITHOUT ROWID", "BLOB", " REAL"):
        assert sqlite_only not in every
    first = migrations[0]
    assert first[0].startswith("CREATE COLLATION nocase (provider = icu")
    assert "CREATE INDEX articles_fts_document ON articles_fts USING GIN (document)" in first
    assert "ALTER TABLE articles ADD COLUMN rowid BIGINT GENERATED ALWAYS AS IDENTITY" in first
    assert "    key BIGINT NOT NULL," in migrations[1][5]  # 63-bit band keys
    assert migrations[3][:2] == (
        'CREATE INDEX stories_listing ON stories(COALESCE("end", updated) DESC NULLS LAST, '
        "last_joined DESC, id)",
        "CREATE INDEX articles_outlet_published ON articles(outlet_id, published NULLS FIRST, id)",
    )
    assert "NOT NULL REFERENCES articles(id) DEFERRABLE INITIALLY DEFERRED," in every


def test_a_sqlite_only_statement_without_a_translation_is_refused() -> None:
    with pytest.raises(ValueError, match="no PostgreSQL translation for VIRTUAL notes_fts"):
        translate("CREATE VIRTUAL TABLE notes_fts USING fts5(text)", frozenset())
    with pytest.raises(ValueError, match="no PostgreSQL type for notes.body ANY"):
        translate("CREATE TABLE notes (id TEXT PRIMARY KEY, body ANY)", frozenset())
    assert statements("CREATE TABLE a (x TEXT);\nCREATE TRIGGER t AFTER INSERT ON a BEGIN\n"
                      "  SELECT 1;\nEND;") == [
        "CREATE TABLE a (x TEXT);",
        "CREATE TRIGGER t AFTER INSERT ON a BEGIN\n  SELECT 1;\nEND;",
    ]  # fmt: skip


def test_nullable_columns_and_primary_keys() -> None:
    nullable = nullable_columns()
    assert {"published", "position", "end", "state", "time"} <= nullable
    assert not {"id", "seq", "last_joined", "comparison", "text"} & nullable
    keys = primary_keys()
    assert keys["story_aliases"] == ("alias",)
    assert keys["article_bands"] == ("band", "key", "article")
    assert keys["story_corrections"] == ("seq",)


# --- URLs and errors -----------------------------------------------------------------------


def test_a_url_chooses_postgresql() -> None:
    assert is_postgres_url("postgresql://u@h/db") and is_postgres_url("postgres://u@h/db")
    assert not is_postgres_url("news.db") and not is_postgres_url("out/postgresql.db")


def test_messages_never_show_the_password() -> None:
    assert display_url("postgresql://ann:s3cret@db.example:5433/news?sslmode=require") == (
        "postgresql://ann@db.example:5433/news?sslmode=require"
    )
    assert display_url("postgresql://db.example/news?password=s3cret&user=ann") == (
        "postgresql://db.example/news?user=ann"
    )
    # A malformed URL is one clear error too, and libpq's message quoting it is cleaned.
    with pytest.raises(StoreError) as caught:
        open_store("postgresql://ann:s3cret@[bad/news")
    message = str(caught.value)
    assert message.startswith("postgresql://ann@[bad/news: cannot connect to PostgreSQL (")
    assert "s3cret" not in message


def test_a_server_that_cannot_be_reached_is_one_clear_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    port = free_port()  # nothing listens there
    url = f"postgresql://newsprism:s3cret@127.0.0.1:{port}/nowhere"
    with pytest.raises(StoreError) as caught:
        open_store(url)
    message = str(caught.value)
    assert message.startswith(
        f"postgresql://newsprism@127.0.0.1:{port}/nowhere: cannot connect to PostgreSQL ("
    )
    assert message.endswith("); check the --db URL and that the server is running")
    assert "s3cret" not in message and "\n" not in message
    assert cli_main(["stories", "--db", url]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: postgresql://newsprism@127.0.0.1:{port}/nowhere: cannot")
    assert "s3cret" not in err


# --- on a server ---------------------------------------------------------------------------


@pytest.fixture
def pg_url(pg_server: PgServer) -> object:
    url = pg_server.database()
    yield url
    pg_server.drop(url)


def _waiting_for_lock(store: Store) -> int:
    row = store.conn.execute(
        "SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
    ).fetchone()
    return int(row[0])


def test_writers_take_turns_and_see_each_others_writes(pg_url: str) -> None:
    """A second writer waits for the first one's transaction, then sees what it wrote (the
    story counter check that raises StoryConflict relies on this)."""
    with open_store(pg_url) as one, open_store(pg_url) as two, open_store(pg_url) as watch:
        assert isinstance(one, PostgresStore)
        seen: list[int] = []

        def second_writer() -> None:
            with two._transaction():
                seen.append(two.story_seq())

        with one._transaction() as conn:
            conn.execute("INSERT INTO story_meta(key, value) VALUES ('seq', '7')")
            worker = threading.Thread(target=second_writer)
            worker.start()
            for _ in range(600):  # a bound, not a timing: until the second writer waits
                if _waiting_for_lock(watch) == 1:
                    break
                time.sleep(0.05)
            assert _waiting_for_lock(watch) == 1
            assert watch.story_seq() == 0  # readers do not wait, and see committed rows only
            assert seen == []
        worker.join(timeout=60)
        assert seen == [7]
        assert _waiting_for_lock(watch) == 0


def test_an_older_database_is_migrated_to_the_current_version(pg_url: str) -> None:
    import psycopg

    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(
            "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied TEXT NOT NULL)"
        )
        for version, migration in enumerate(postgres_migrations()[:2]):
            for statement in migration:
                conn.execute(statement)  # type: ignore[arg-type]
            conn.execute("INSERT INTO schema_version VALUES (%s, 'then')", (version + 1,))
        conn.execute("INSERT INTO articles(id, text, added) VALUES ('old', 'An old one.', 'then')")
    with open_store(pg_url) as store:
        assert store.schema_version() == SCHEMA_VERSION
        rows = store.conn.execute("SELECT version FROM schema_version ORDER BY version")
        assert [r[0] for r in rows] == list(range(1, SCHEMA_VERSION + 1))
        assert [a.id for a in store.list_articles()] == ["old"]
        assert store.unfiled_articles() == [("old", "")]


def test_a_database_that_cannot_hold_the_schema_is_refused(pg_url: str) -> None:
    import psycopg

    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE articles (id INTEGER PRIMARY KEY)")
    with pytest.raises(StoreError) as caught:
        open_store(pg_url)
    message = str(caught.value)
    assert message.startswith(f"{pg_url}: cannot be used as the newsprism store (")
    assert message.endswith("); give another --db")
    with psycopg.connect(pg_url, autocommit=True) as conn:  # nothing was left half-made
        row = conn.execute("SELECT to_regclass('schema_version'), to_regclass('outlets')")
        assert row.fetchone() == (None, None)


# --- what both backends share --------------------------------------------------------------


def _filed(store: Store, articles: list[Article]) -> None:
    """Store ``articles`` and file each as its own story s<id>."""
    with store._transaction() as conn:
        store._save_articles(conn, articles, "2024-01-01T00:00:00+00:00")
    store.save_filing(
        Filing(
            expect_seq=0,
            seq=len(articles),
            members=[(a.id, f"s{a.id}", k + 1, "") for k, a in enumerate(articles)],
            stories=[
                StoryRecord(
                    f"s{a.id}",
                    a.title,
                    a.published.isoformat() if a.published else None,
                    a.published.isoformat() if a.published else None,
                    last_joined=k + 1,
                )
                for k, a in enumerate(articles)
            ],
        )
    )


def test_undated_articles_sort_last_and_outlets_match_in_any_case(store_db: str) -> None:
    from datetime import UTC, datetime

    def article(key: str, day: int | None, text: str) -> Article:
        published = datetime(2024, 3, day, tzinfo=UTC) if day else None
        return Article(
            id=key, text=text, title=f"Title {key}", outlet="Gazette", published=published
        )

    with open_store(store_db) as store:
        _filed(
            store,
            [
                article("a1", 2, "The harbour ferry leaves at six."),
                article("a2", None, "The régime of the tides changed."),
                article("a3", 3, "The bridge over the river closed."),
            ],
        )
        gazette = OutletRef("", "Gazette")
        assert store.outlet_story_ids(gazette) == ["sa3", "sa1", "sa2"]
        assert store.outlet_story_ids(gazette, limit=1, offset=1) == ["sa1"]
        assert [s.id for s in store.list_stories(outlet="GAZETTE")] == [
            r.id for r in store.list_stories()
        ]
        assert len(store.list_stories(outlet="gazette")) == 3
        # Accents do not matter to search (FTS5's default tokenizer, PostgreSQL's unaccent).
        assert [a.id for a in store.search_articles("regime TIDES")] == ["a2"]
        assert [s.id for s in store.list_stories(query="Régime")] == ["sa2"]
        assert store.count_matches("the") == 3 and store.count_matches("the", cap=2) == 2
        assert [s.id for s in store.browse_stories(query="bridge\x00")] == ["sa3"]
