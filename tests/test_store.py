"""The store, on SQLite and on PostgreSQL (``store_db``): round trip, idempotent saves,
all-or-nothing saves, schema version, search."""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import replace
from pathlib import Path

import psycopg
import pytest

from newsprism.model import Article, Comparison
from newsprism.report.jsonout import to_dict
from newsprism.report.stored import load_report
from newsprism.store import Store, StoreBackend, is_postgres_url, open_store, story_id_for
from newsprism.store.schema import SCHEMA_VERSION
from test_report_fixture import OUTLETS, build_comparison


def count(store: Store, table: str) -> int:
    return int(store.conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])


def test_round_trip_after_reopening(store_db: str) -> None:
    db = store_db
    comparison = build_comparison()
    with open_store(db) as store:
        story = store.save_comparison(comparison, OUTLETS)
    assert story == story_id_for(comparison) == "s4528a6ab06ac7e4f"
    with open_store(db) as store:
        assert load_report(store, story) == to_dict(comparison, OUTLETS)
        model = store.load_comparison_model(story)
    assert model.story == story
    assert model.analyses[0].claims[0] == comparison.analyses[0].claims[0]
    assert model.analyses[1].times == comparison.analyses[1].times
    assert model.analyses[0].quantities == comparison.analyses[0].quantities
    assert model.articles == comparison.articles


def test_explicit_story_id_and_no_outlets(store_db: str) -> None:
    comparison = build_comparison()
    comparison.story = "story-42"
    with open_store(store_db) as store:
        assert store.save_comparison(comparison) == "story-42"
        assert load_report(store, "story-42") == to_dict(comparison)
        with pytest.raises(KeyError, match="no comparison 'nope'"):
            load_report(store, "nope")


def test_saving_twice_replaces_and_never_duplicates(store_db: str) -> None:
    comparison = build_comparison()
    with open_store(store_db) as store:
        story = store.save_comparison(comparison, OUTLETS)
        created = store.list_comparisons()[0]["created"]
        tables = ("articles", "comparisons", "claims", "alignments", "alignment_claims",
                  "mentions", "concept_mentions", "times", "quantities", "claim_numbers",
                  "quotes", "loaded_spans", "events", "brief_sentences", "outlets")  # fmt: skip
        before = {t: count(store, t) for t in tables}
        assert before["articles"] == 2 and before["claims"] == 6 and before["times"] == 3
        comparison.alignments[0].label = "Putin and Guterres meet"
        assert store.save_comparison(comparison, OUTLETS) == story
        assert {t: count(store, t) for t in tables} == before
        loaded = load_report(store, story)
        assert loaded["alignments"][0]["label"] == "Putin and Guterres meet"
        assert store.list_comparisons()[0]["created"] == created
        assert count(store, "articles_fts") == 2  # the search index holds each article once
        assert store.count_matches("Guterres") == 2


def test_articles_shared_between_comparisons(store_db: str) -> None:
    first = build_comparison()
    second = build_comparison()
    second.story = "rt-only"
    second.articles = second.articles[1:]
    second.analyses = second.analyses[1:]
    second.alignments, second.omissions, second.events, second.brief = [], [], [], []
    second.terms = [t for t in second.terms if t.article == "rt0002"]
    second.quote_balance = [q for q in second.quote_balance if q.article == "rt0002"]
    with open_store(store_db) as store:
        a = store.save_comparison(first)
        b = store.save_comparison(second)
        assert [a.id for a in store.list_articles()] == ["mt0001", "rt0002"]
        assert [a.id for a in store.list_articles(limit=1, offset=1)] == ["rt0002"]
        assert store.delete_comparison(a) is True
        assert store.get_article("mt0001") is not None  # articles stay
        assert load_report(store, b) == to_dict(second)
        assert [c["id"] for c in store.list_comparisons()] == ["rt-only"]


def test_failed_save_leaves_previous_content(
    store_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = store_db
    comparison = build_comparison()
    comparison.story = "kazan"
    with open_store(db) as store:
        store.save_comparison(comparison, OUTLETS)
        expected = load_report(store, "kazan")

        changed = build_comparison()
        changed.story = "kazan"
        extra = Article(id="tass03", text="Putin met Guterres.", outlet="TASS")
        changed.articles.append(extra)
        changed.alignments = changed.alignments[:1]

        def boom(self: Store, conn: sqlite3.Connection, story: str, c: Comparison) -> None:
            conn.execute("UPDATE articles SET title = 'half-written' WHERE id = 'mt0001'")
            raise RuntimeError("disk on fire")

        monkeypatch.setattr(Store, "_save_findings", boom)
        with pytest.raises(RuntimeError, match="disk on fire"):
            store.save_comparison(changed, OUTLETS)
        monkeypatch.undo()
        assert load_report(store, "kazan") == expected
        assert store.get_article("tass03") is None
        assert store.list_articles()[0].title == comparison.articles[0].title
        assert not store.conn.in_transaction
    with open_store(db) as store:
        assert load_report(store, "kazan") == expected


def test_bad_reference_fails_whole_save(store_db: str) -> None:
    comparison = build_comparison()
    comparison.omissions[0].article = "not-an-article"
    with open_store(store_db) as store:
        with pytest.raises((sqlite3.IntegrityError, psycopg.IntegrityError)):
            store.save_comparison(comparison)
        assert count(store, "articles") == 0 and count(store, "comparisons") == 0


def test_schema_version_wal_and_foreign_keys(store_db: str) -> None:
    db = store_db
    with open_store(db) as store:
        every = list(range(1, SCHEMA_VERSION + 1))
        assert store.schema_version() == SCHEMA_VERSION >= 2
        rows = store.conn.execute("SELECT version FROM schema_version ORDER BY version").fetchall()
        assert [r[0] for r in rows] == every
        if not is_postgres_url(db):
            assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            assert store.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert isinstance(store, StoreBackend)
    with open_store(db) as store:  # reopening applies nothing twice
        rows = store.conn.execute("SELECT version FROM schema_version ORDER BY version").fetchall()
        assert [r[0] for r in rows] == every
        store.conn.execute("INSERT INTO schema_version VALUES (99, 'future')")
    with pytest.raises(RuntimeError, match="schema version 99, newer"):
        open_store(db)


def test_articles_and_search(store_db: str) -> None:
    comparison = build_comparison()
    with open_store(store_db) as store:
        store.save_comparison(comparison)
        assert store.get_article("rt0002") == comparison.articles[1]
        assert store.get_article("missing") is None
        assert [a.id for a in store.search_articles("Kiev regime")] == ["rt0002"]
        # RT's shorter text mentions Guterres more densely: BM25 (SQLite) and ts_rank by
        # length (PostgreSQL) rank it first.
        assert [a.id for a in store.search_articles("Guterres Kazan")] == ["rt0002", "mt0001"]
        assert [a.id for a in store.search_articles("Kyiv")] == ["mt0001"]
        assert store.search_articles('"unbalanced (quote') == []
        assert store.search_articles("   ") == []


def test_updated_article_metadata_is_kept_once(store_db: str) -> None:
    comparison = build_comparison()
    with open_store(store_db) as store:
        store.save_comparison(comparison)
        comparison.articles[1] = replace(comparison.articles[1], title="Putin and Guterres talk")
        store.save_comparison(comparison)
        assert count(store, "articles") == 2
        article = store.get_article("rt0002")
        assert article is not None and article.title == "Putin and Guterres talk"
        assert [a.id for a in store.search_articles("talk")] == ["rt0002"]


def test_closed_store_refuses(store_db: str) -> None:
    store = open_store(store_db)
    store.close()
    store.close()
    with pytest.raises(RuntimeError, match="is closed"):
        store.list_articles()


def _open_at_once(path: Path, writers: int) -> tuple[list[int], list[BaseException]]:
    """``writers`` threads open the store at ``path`` at the same moment."""
    start = threading.Barrier(writers)
    versions: list[int] = []
    errors: list[BaseException] = []

    def open_it() -> None:
        start.wait()
        try:
            with Store(path, lock_wait=10) as store:
                versions.append(store.schema_version())
        except BaseException as err:  # collected for the assertion
            errors.append(err)

    threads = [threading.Thread(target=open_it) for _ in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return versions, errors


def test_writers_opening_a_new_store_at_once_all_open_it(tmp_path: Path) -> None:
    """Found by a flaky web test: a job's store and a request's store opened a fresh file at
    the same moment; one failed with "table stories already exists" (both read schema
    version 0 before either migrated), or with "database is locked" (SQLite answers the
    switch to write-ahead logging at once while another connection makes it)."""
    for round_ in range(10):
        versions, errors = _open_at_once(tmp_path / f"new{round_}.db", 6)
        assert not errors, errors
        assert versions == [SCHEMA_VERSION] * 6
