"""A store written at every earlier schema version opens with today's ``Store``: its rows
survive, its schema becomes exactly a fresh store's, and it keeps working.

The old stores are built from the migrations themselves (``MIGRATIONS[:version]``, so a new
migration is covered as soon as it is appended) and filled with real rows: those of a store
that ``newsprism compare`` and ``newsprism ingest`` wrote (a full comparison of the demo
articles, ingested articles with their URLs, MinHash bands, a near-copy link, stories, a
merge and a split), restricted to the tables and columns that version had.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from newsprism.cli import main as cli_main
from newsprism.model import Article
from newsprism.report.stored import load_report
from newsprism.store.schema import MIGRATIONS, SCHEMA_VERSION
from newsprism.store.sqlite import Store
from newsprism.stories.persist import merge_stories, split_story

ROOT = Path(__file__).resolve().parents[1]
APPLIED = "2024-10-21T09:30:00+00:00"
# Events of the ingested articles: (place, what happened, numbers), four articles each.
EVENTS = [
    ("Lyon", "the river Rhone flooded the lower town", "2,400 residents were evacuated"),
    ("Porto", "dock workers went on strike over pay", "the port lost 38 ships in a week"),
    ("Tartu", "the university opened a new observatory", "the telescope cost 4 million euros"),
]


# Four ways of telling an event, so the four articles of one event are not near-copies.
TELLINGS = [
    "In {place}, {what}, officials said on Monday. According to the mayor, {numbers}.",
    "Residents of {place} woke to the news that {what}. The council confirmed that {numbers} "
    "and promised a full inquiry before the end of the month.",
    "{numbers}, the regional government announced, after {what} in {place}. Opposition "
    "leaders called the response slow and demanded an emergency debate.",
    "Local reporters in {place} described the scene after {what}. Witnesses spoke of "
    "confusion in the streets, while the police said {numbers}.",
]


def _records() -> list[dict[str, Any]]:
    records = []
    for e, (place, what, numbers) in enumerate(EVENTS):
        for k, telling in enumerate(TELLINGS):
            records.append(
                {
                    "text": telling.format(place=place, what=what, numbers=numbers),
                    "title": f"{place}: report {k}",
                    "outlet": f"Outlet {k}",
                    "url": f"https://news{k}.example.org/{place.lower()}/{k}",
                    "published": f"2024-03-{10 + e:02d}T0{k}:00:00+00:00",
                }
            )
    copy = dict(records[1])  # a syndicated near-copy of an article (over 40 words)
    copy["text"] = records[1]["text"] + " " + records[2]["text"] + " (Outlet 1)"
    records[1] = dict(records[1], text=records[1]["text"] + " " + records[2]["text"])
    copy["url"] = "https://syndicate.example.net/lyon"
    records.append(copy)
    same = dict(records[2])  # the same text at another URL: a duplicate, its URL recorded
    same["url"] = "https://mirror.example.com/lyon/2"
    records.append(same)
    return records


def _rows(conn: sqlite3.Connection, table: str, columns: list[str]) -> list[tuple[Any, ...]]:
    listed = ", ".join(f'"{c}"' for c in columns)
    return sorted(
        (tuple(row) for row in conn.execute(f'SELECT {listed} FROM "{table}"')),
        key=lambda row: json.dumps(row, default=lambda v: v.hex()),
    )


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [str(row[1]) for row in conn.execute(f'PRAGMA table_info("{table}")')]


def _tables(conn: sqlite3.Connection) -> list[str]:
    """Tables holding data (not the FTS index, whose rows the articles triggers rebuild)."""
    rows = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "AND name NOT LIKE 'articles_fts%' ORDER BY name"
    )
    return [str(r[0]) for r in rows]


def _schema(path: Path) -> list[tuple[str, str, str, str]]:
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall()
    return sorted((str(t), str(n), str(tb), str(s)) for t, n, tb, s in rows)


@pytest.fixture(scope="module")
def current(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A store written by today's code through the commands, and the JSONL it ingested."""
    folder = tmp_path_factory.mktemp("current")
    db = folder / "news.db"
    dump = folder / "dump.jsonl"
    dump.write_text("".join(json.dumps(r) + "\n" for r in _records()), encoding="utf-8")
    out = folder / "demo.json"
    examples = str(ROOT / "examples")
    assert cli_main(["compare", examples, "--db", str(db), "-o", str(out), "-q"]) == 0
    assert cli_main(["ingest", str(dump), "--db", str(db), "--no-progress"]) == 0
    with Store(db) as store:
        store.record_source("https://news0.example.org/rss", "ok")
        store.record_source("https://gone.example.org/rss", "failed", message="HTTP status 404")
        stories = [s.id for s in store.list_stories(limit=50)]
        assert len(stories) >= 2
        merge_stories(store, stories[:2])
        merged = store.resolve_story(stories[0]) or stories[0]
        members = [str(m["article"]) for m in store.story_members(merged) if not m["copy_of"]]
        split_story(store, merged, members[:1])
        counts = {
            t: len(_rows(store.conn, t, _columns(store.conn, t))) for t in _tables(store.conn)
        }
    # Every table the versions brought holds rows, so every one is checked for survival
    # (but story_df_pending: the ingest ends on one of the clusterer's IDF folds, which move
    # the waiting counts into story_df and story_name_df).
    empty = sorted(t for t, n in counts.items() if n == 0)
    assert empty == ["story_df_pending"], empty
    return db, dump


Kept = dict[str, tuple[list[str], list[tuple[Any, ...]]]]


def _old_store(path: Path, version: int, source: Path) -> Kept:
    """A store at ``version`` (MIGRATIONS[:version]) holding ``source``'s rows of that
    version's tables and columns; returns them by table: (columns, rows)."""
    kept: Kept = {}
    with sqlite3.connect(path) as conn, sqlite3.connect(source) as src:
        conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_version ("
            "version INTEGER PRIMARY KEY, applied TEXT NOT NULL)"
        )
        for k in range(version):
            conn.executescript(MIGRATIONS[k])
            conn.execute("INSERT INTO schema_version VALUES (?, ?)", (k + 1, APPLIED))
        for table in _tables(conn):
            if table == "schema_version":
                continue
            columns = [c for c in _columns(conn, table) if c in _columns(src, table)]
            rows = _rows(src, table, columns)
            marks = ", ".join("?" * len(columns))
            listed = ", ".join(f'"{c}"' for c in columns)
            conn.executemany(f'INSERT INTO "{table}" ({listed}) VALUES ({marks})', rows)
            kept[table] = (columns, rows)
        conn.commit()
    return kept


def _forget_verbs(report: Any) -> None:
    """Every time of a report (a dict with "anchored") as a store before v9 reads it back."""
    if isinstance(report, dict):
        if "anchored" in report:
            report["verb"] = ""
        for value in report.values():
            _forget_verbs(value)
    elif isinstance(report, list):
        for value in report:
            _forget_verbs(value)


@pytest.mark.parametrize("version", range(1, SCHEMA_VERSION))
def test_store_of_every_earlier_version_migrates(
    version: int,
    current: tuple[Path, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    source, dump = current
    old = tmp_path / f"v{version}.db"
    kept = _old_store(old, version, source)
    assert kept["articles"][1], "the old store holds articles"
    fresh = tmp_path / "fresh.db"
    Store(fresh).close()

    with Store(old) as store:
        assert store.schema_version() == SCHEMA_VERSION
        versions = store.conn.execute("SELECT version, applied FROM schema_version").fetchall()
        assert [v for v, _ in versions] == list(range(1, SCHEMA_VERSION + 1))
        assert [a for v, a in versions if v <= version] == [APPLIED] * version  # not redone
        for table, (columns, rows) in kept.items():  # every row of the old version, unchanged
            assert _rows(store.conn, table, columns) == rows, table
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert store.conn.execute("PRAGMA foreign_key_check").fetchall() == []
        store.conn.execute("INSERT INTO articles_fts(articles_fts) VALUES ('integrity-check')")
        with Store(source) as reference:
            assert _by_id(store) == _by_id(reference)
            (story,) = [c["id"] for c in reference.list_comparisons()]
            expected = load_report(reference, story)
            if version < 8:
                # Before v8 an alignment did not say what it holds: an old store's rows read
                # as statements, the occasion's setting among them (compare/setting.py).
                for alignment in expected["alignments"]:
                    alignment["kind"] = "statement"
            if version < 9:
                # Before v9 a time did not say which verb it dates.
                _forget_verbs(expected)
            assert load_report(store, story) == expected
            found = {a.id for a in store.search_articles("Rhone flooded")}
            assert found == {a.id for a in reference.search_articles("Rhone flooded")}
            assert len(found) == 5  # the four Lyon articles and the near-copy
    assert _schema(old) == _schema(fresh)

    # It keeps working: ingesting the same dump again stores nothing twice and files every
    # stored article (those a version without stories held are filed now).
    articles = len(kept["articles"][1])
    assert cli_main(["ingest", str(dump), "--db", str(old), "--no-progress", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert (summary["new"], summary["near_copies"], summary["failed"]) == (0, 0, 0)
    with Store(old) as store:
        assert store.count_articles() == articles
        filed = store.conn.execute("SELECT COUNT(*) FROM story_articles").fetchone()[0]
        assert filed == articles
        assert store.conn.execute("PRAGMA foreign_key_check").fetchall() == []


def test_current_version_reopens_unchanged(current: tuple[Path, Path], tmp_path: Path) -> None:
    source, _ = current
    db = tmp_path / "copy.db"
    with sqlite3.connect(source) as src, sqlite3.connect(db) as dst:
        src.backup(dst)
    before = {t: _rows_of(db, t) for t in _tables_of(db)}
    with Store(db) as store:
        assert store.schema_version() == SCHEMA_VERSION
    assert {t: _rows_of(db, t) for t in _tables_of(db)} == before


def _by_id(store: Store) -> list[Article]:
    return sorted(store.list_articles(), key=lambda a: a.id)


def _tables_of(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        return _tables(conn)


def _rows_of(db: Path, table: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db) as conn:
        return _rows(conn, table, _columns(conn, table))


def test_version_3_as_first_committed_migrates(
    current: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source, dump = current
    old = tmp_path / "v3-first.db"
    _old_store(old, 3, source)
    with sqlite3.connect(old) as conn:  # schema v3 as first committed had no such table
        conn.execute("DROP TABLE story_df_pending")
    Store(old).close()
    fresh = tmp_path / "fresh.db"
    Store(fresh).close()
    assert _schema(old) == _schema(fresh)
    assert cli_main(["ingest", str(dump), "--db", str(old), "--no-progress"]) == 0
    capsys.readouterr()
