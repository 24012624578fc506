"""Killing ``newsprism ingest --db postgresql://...`` (SIGKILL) at random moments, then letting
it finish: nothing is lost, nothing is stored twice, the stories stay consistent, on the
PostgreSQL store (``tests/test_reliability_kill.py`` does the same on SQLite).

Each round starts the command as a child process against a database of the test server
(``pg_server``), kills it at a seeded random moment (most rounds just after it stored
something, some anywhere: start-up, the schema being created, catching up), waits until the
server has ended the killed client's session (its transaction rolled back, the writers' lock
released) and checks the database with SQL as the next round finds it. At the end the
command runs to completion and the database must hold what an uninterrupted run stores: the
same articles, URLs, near-copy links and MinHash rows, every article in exactly one story,
the same stories; the uninterrupted run on PostgreSQL must store exactly what the same run
stores in SQLite.

The corpus is ECB+ documents when ../shared/data is present, else generated text
(``test_reliability_kill.corpus``). ``NEWSPRISM_KILL_SEED`` changes the seed.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import psycopg
import pytest

from newsprism.cli import main as cli_main
from newsprism.store.pg_schema import TEXT_SEARCH
from newsprism.store.schema import SCHEMA_VERSION
from pg_server import PgServer
from test_reliability_kill import Snapshot, Tally, _child, corpus, stories_of

pytestmark = pytest.mark.slow

SEED = int(os.environ.get("NEWSPRISM_KILL_SEED", "20241021"))
ROUNDS = 8
ARTICLES = 180
LINGER = 0.5  # seconds at most between "this run stored something" and the kill
# Articles a round may store before it is killed, at most (after an "anywhere" wait, and in
# any round): ROUNDS * PER_ROUND < ARTICLES, so every round is killed, however fast it runs.
EARLY = 10
PER_ROUND = 20

# What must hold after every kill (SQL on PostgreSQL): each query lists what is wrong.
CHECKS = {
    "articles stored twice from one source line": "SELECT source FROM articles "
    "GROUP BY source HAVING COUNT(*) > 1",
    "articles whose rowid is not unique": "SELECT rowid FROM articles GROUP BY rowid "
    "HAVING COUNT(*) > 1",
    "URLs of articles that are not stored": "SELECT u.url FROM article_urls u WHERE NOT EXISTS "
    "(SELECT 1 FROM articles a WHERE a.id = u.article)",
    "articles without their full-text row": "SELECT a.id FROM articles a WHERE NOT EXISTS "
    "(SELECT 1 FROM articles_fts f WHERE f.rowid = a.rowid)",
    "full-text rows without their article": "SELECT f.rowid FROM articles_fts f WHERE NOT "
    "EXISTS (SELECT 1 FROM articles a WHERE a.rowid = f.rowid)",
    "full-text rows that differ from their article's text": "SELECT a.id FROM articles a JOIN "
    f"articles_fts f ON f.rowid = a.rowid WHERE f.document != to_tsvector('{TEXT_SEARCH}', "
    "a.title || ' ' || a.text)",
    "MinHash rows without band keys": "SELECT m.article FROM article_minhash m WHERE NOT "
    "EXISTS (SELECT 1 FROM article_bands b WHERE b.article = m.article)",
    "band keys of articles that are not stored": "SELECT b.article FROM article_bands b "
    "WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.id = b.article)",
    "near-copy links of articles that are not stored": "SELECT l.article FROM article_links l "
    "WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.id = l.original)",
    "members that are not stored articles": "SELECT m.article FROM story_articles m WHERE NOT "
    "EXISTS (SELECT 1 FROM articles a WHERE a.id = m.article)",
    "members filed under a missing or merged story": "SELECT m.article FROM story_articles m "
    "LEFT JOIN stories s ON s.id = m.story WHERE s.id IS NULL OR s.status = 'merged'",
    "near-copies filed apart from their original": "SELECT m.article FROM story_articles m "
    "JOIN story_articles o ON o.article = m.copy_of WHERE m.copy_of != '' AND "
    "o.story != m.story",
    "story counts that differ from their members": "SELECT s.id, s.articles, s.copies FROM "
    "stories s WHERE s.articles != (SELECT COUNT(*) FROM story_articles m WHERE m.story = s.id "
    "AND m.copy_of = '') OR s.copies != (SELECT COUNT(*) FROM story_articles m WHERE "
    "m.story = s.id AND m.copy_of != '')",
    "stories with no member": "SELECT id FROM stories WHERE status != 'merged' AND "
    "articles + copies = 0",
    "open stories without their clusterer state": "SELECT id FROM stories WHERE "
    "status = 'open' AND state IS NULL",
    "aliases of missing stories": "SELECT alias FROM story_aliases a WHERE NOT EXISTS "
    "(SELECT 1 FROM stories s WHERE s.id = a.story)",
    "filings newer than the stored sequence": "SELECT seq FROM story_articles WHERE seq > "
    "(SELECT CAST(value AS INTEGER) FROM story_meta WHERE key = 'seq')",
    "frequency counts of articles never filed": "SELECT p.seq FROM story_df_pending p WHERE NOT "
    "EXISTS (SELECT 1 FROM story_articles m WHERE m.seq = p.seq)",
    "documents counted that differ from the articles filed": "SELECT value FROM story_meta "
    "WHERE key = 'documents' AND CAST(value AS INTEGER) != (SELECT COUNT(*) FROM "
    "story_articles WHERE copy_of = '')",
}


class Database:
    """Reads one PostgreSQL database with SQL (autocommit: every query sees what is
    committed), and tells whether a killed client still holds anything there."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.conn = psycopg.connect(url, autocommit=True)

    def close(self) -> None:
        self.conn.close()

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        """The rows of ``sql``; empty while the schema is not created yet."""
        try:
            return list(self.conn.execute(sql).fetchall())
        except psycopg.errors.UndefinedTable:
            return []

    def count(self, table: str) -> int:
        found = self.rows(f"SELECT COUNT(*) FROM {table}")
        return int(found[0][0]) if found else 0

    def version(self) -> int:
        found = self.rows("SELECT MAX(version) FROM schema_version")
        return int(found[0][0] or 0) if found else 0

    def others(self) -> list[tuple[Any, ...]]:
        """Sessions of other clients on this database, and advisory locks anyone holds."""
        return self.rows(
            "SELECT 'session', pid::text, state FROM pg_stat_activity "
            "WHERE datname = current_database() AND backend_type = 'client backend' "
            "AND pid != pg_backend_pid() "
            "UNION ALL SELECT 'lock', pid::text, objid::text FROM pg_locks "
            "WHERE locktype = 'advisory' AND database = "
            "(SELECT oid FROM pg_database WHERE datname = current_database())"
        )

    def settle(self) -> None:
        """Wait until the server has ended a killed client's session (a bound, not a timing:
        it notices the closed socket when its statement ends); fail if it never does."""
        deadline = time.monotonic() + 60
        while (left := self.others()) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert left == [], f"a killed client's session or lock is left: {left}"

    def violations(self) -> list[str]:
        """What is wrong with the store; true after every kill, not only at the end."""
        return [f"{what}: {rows[:5]}" for what, sql in CHECKS.items() if (rows := self.rows(sql))]

    def snapshot(self) -> Snapshot:
        return Snapshot(
            articles={r[0] for r in self.rows("SELECT id FROM articles")},
            urls=dict(self.rows("SELECT url, article FROM article_urls")),
            members=dict(self.rows("SELECT article, story FROM story_articles")),
            links=dict(self.rows("SELECT article, original FROM article_links")),
            minhash={r[0] for r in self.rows("SELECT article FROM article_minhash")},
        )

    def stories(self) -> list[tuple[Any, ...]]:
        return self.rows(
            'SELECT id, status, merged_into, articles, copies, start, "end" FROM stories '
            "ORDER BY id"
        )


def wait(process: subprocess.Popen[str], db: Database, stored: int, seconds: float) -> None:
    """Until ``seconds`` passed, ``db`` holds ``stored`` articles or the process ended."""
    deadline = time.monotonic() + seconds
    while process.poll() is None and db.count("articles") < stored:
        if time.monotonic() > deadline:
            return
        time.sleep(0.01)


def ingest_args(dump: Path, db: str) -> list[str]:
    return ["ingest", str(dump), "--db", db, "--no-progress"]


def test_ingest_on_postgresql_killed_over_and_over_loses_and_duplicates_nothing(
    pg_server: PgServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    records, origin = corpus(ARTICLES)
    # Dated within four weeks, so that reports of one event can join one story (the corpus'
    # dates spread over a year: nearly every report would start a story of its own).
    records = [
        {**r, "published": f"2024-10-{1 + k % 28:02d}T12:00:00+00:00"}
        for k, r in enumerate(records)
    ]
    dump = tmp_path / "dump.jsonl"
    dump.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")

    # The uninterrupted runs: on SQLite, and on PostgreSQL, which must store the same.
    sqlite_reference = tmp_path / "reference.db"
    assert cli_main(ingest_args(dump, str(sqlite_reference))) == 0
    reference_url = pg_server.database()
    assert cli_main(ingest_args(dump, reference_url)) == 0
    capsys.readouterr()
    url = pg_server.database()
    reference, db = Database(reference_url), Database(url)
    try:
        expected = reference.snapshot()
        assert len(expected.urls) == len(expected.articles) == len(records)  # each stored once
        assert len(records) > ROUNDS * PER_ROUND
        assert set(expected.members) == expected.articles
        assert expected == Snapshot.of(sqlite_reference)
        assert reference.stories() == stories_of(sqlite_reference)
        assert reference.violations() == []

        started = time.monotonic()
        rng = random.Random(SEED)
        tally = Tally()
        partly_migrated = 0  # kills that left the schema between two versions
        previous: Snapshot | None = None
        for round_ in range(ROUNDS):
            tally.rounds += 1
            stored = db.count("articles")
            process = _child(ingest_args(dump, url))
            if round_ == 0 or rng.random() < 0.25:  # anywhere: start-up, schema, catching up
                wait(process, db, stored + EARLY, rng.uniform(0.0, 4.0))
            else:  # just after this run stored something
                wait(process, db, stored + 1, 120)
                wait(process, db, stored + PER_ROUND, rng.uniform(0.0, LINGER))
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
                tally.kills += 1
                tally.mid_run += db.count("articles") > stored
            else:
                tally.finished += 1
            _, err = process.communicate(timeout=60)
            assert process.returncode in (0, -signal.SIGKILL), err[-3000:]
            label = f"seed {SEED}, round {round_ + 1}"
            db.settle()
            partly_migrated += 0 < db.version() < SCHEMA_VERSION
            assert db.violations() == [], label
            now = db.snapshot()
            tally.unfiled += len(now.articles) > len(now.members)
            assert now.within(expected) == [], label
            if previous is not None:
                assert previous.kept_in(now) == [], label
            previous = now
        assert tally.kills == ROUNDS and tally.mid_run >= 1, tally

        done = _child(ingest_args(dump, url))
        out, err = done.communicate(timeout=300)
        assert done.returncode == 0, err
        assert " 0 failed (" in out.splitlines()[0], out
        db.settle()
        assert db.violations() == []
        final = db.snapshot()
        assert final.articles == expected.articles
        assert final.urls == expected.urls  # every source URL -> exactly one article
        assert final.links == expected.links
        assert final.minhash == expected.minhash
        assert set(final.members) == final.articles  # every article in exactly one story
        assert final.members == expected.members  # filed as one run that never stopped
        assert db.stories() == reference.stories()
        seconds = time.monotonic() - started
    finally:
        db.close()
        reference.close()
        pg_server.drop(url)
        pg_server.drop(reference_url)
    with capsys.disabled():
        line = tally.line(f"ingest on PostgreSQL ({origin})", len(expected.articles), seconds)
        print(f"\n{line}, {partly_migrated} left the schema partly created")
