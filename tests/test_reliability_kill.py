"""Killing ``ingest`` and ``watch`` (SIGKILL) at random moments, many times over, then
letting them finish: nothing is lost, nothing is stored twice, the stories stay consistent.

Each round starts the command as a child process, kills it at a seeded random moment (most
rounds just after it stored something, so the kill lands mid-run; some anywhere, start-up
and catch-up included), then checks the store as the next round would find it. At the end
the command runs to completion and the store must hold what a run that was never
interrupted stores: the same articles, URLs, near-copy links and MinHash rows, every article
in exactly one story, the same stories as the uninterrupted run's.

The corpus is real news text (ECB+ documents from ../shared/data) when present, else
generated text. ``NEWSPRISM_KILL_SEED`` changes the seed; figures in docs/RELIABILITY.md.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from ingest_process import read_rows, start_ingest
from newsprism.cli import main as cli_main

pytestmark = pytest.mark.slow

SEED = int(os.environ.get("NEWSPRISM_KILL_SEED", "20241021"))
INGEST_ROUNDS = 20
WATCH_ROUNDS = 8
INGEST_ARTICLES = 400
WATCH_ARTICLES = 120
ECBPLUS = Path(__file__).resolve().parents[2] / "shared" / "data" / "ecbplus" / "topics"
SRC = str(Path(__file__).resolve().parents[1] / "src")


# --- the corpus ----------------------------------------------------------------------------


def _name(rng: random.Random) -> str:
    return "".join(rng.choice("bdfgklmnprstvz") + rng.choice("aeiou") for _ in range(3))


def _generated(n: int) -> list[dict[str, str]]:
    """Made-up reports, eight per made-up event (names and words of its own)."""
    rng = random.Random(3)
    filler = ["the", "and", "of", "in", "on", "a", "to", "after", "with", "for", "said", "was"]
    records = []
    for k in range(n):
        event = random.Random(k // 8)
        names = [_name(event).capitalize() for _ in range(4)]
        words = [f"{_name(event)}ing" for _ in range(10)]
        sentences = []
        for _ in range(6):
            body = [rng.choice(words) for _ in range(6)] + rng.sample(filler, 5)
            rng.shuffle(body)
            sentences.append(f"{rng.choice(names)} {' '.join(body)} {rng.choice(names)}.")
        records.append({"title": f"{names[0]} {words[0]} {k}", "text": " ".join(sentences)})
    return records


def corpus(n: int) -> tuple[list[dict[str, str]], str]:
    """n records (title, text, url, outlet, published), no two with the same text: ECB+
    documents when present."""
    if ECBPLUS.is_dir():
        paths = sorted(ECBPLUS.glob("*/*.json"), key=lambda p: (p.parent.name, p.name))
        raw, seen = [], set()
        for path in paths:
            doc = json.loads(path.read_text(encoding="utf-8"))
            words = " ".join(str(doc.get("text") or "").split())
            if len(words.split()) >= 40 and words not in seen:  # ECB+ repeats a document
                seen.add(words)
                raw.append({"title": str(doc.get("title") or ""), "text": str(doc["text"])})
        origin = "ECB+ documents"
    else:
        raw, origin = _generated(n), "generated text"
    rng = random.Random(1)
    picked = rng.sample(raw, min(n, len(raw)))
    records = []
    for k, doc in enumerate(picked):
        records.append(
            {
                **doc,
                "url": f"https://news{k % 7}.example.org/story/{k}",
                "outlet": f"Outlet {k % 7}",
                "published": f"2024-{1 + k % 12:02d}-{1 + k % 28:02d}T12:00:00+00:00",
            }
        )
    return records, origin


# --- reading and checking the store ----------------------------------------------------------


def _count(db: Path, table: str) -> int:
    rows = read_rows(db, f"SELECT COUNT(*) FROM {table}")
    return int(rows[0][0]) if rows else 0


def _query(conn: sqlite3.Connection, sql: str) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in conn.execute(sql).fetchall()]


def violations(db: Path) -> list[str]:
    """What is wrong with the store; true after every kill, not only at the end."""
    found: list[str] = []
    with sqlite3.connect(db, timeout=30) as conn:
        conn.execute("PRAGMA foreign_keys = ON")
        if (check := _query(conn, "PRAGMA integrity_check")) != [("ok",)]:
            found.append(f"integrity_check: {check[:5]}")
        if bad := _query(conn, "PRAGMA foreign_key_check"):
            found.append(f"foreign_key_check: {bad[:5]}")
        try:
            conn.execute("INSERT INTO articles_fts(articles_fts) VALUES ('integrity-check')")
        except sqlite3.DatabaseError as err:
            found.append(f"full-text index: {err}")
        checks = {
            "articles stored twice from one source line": "SELECT source FROM articles "
            "GROUP BY source HAVING COUNT(*) > 1",
            "MinHash rows without band keys": "SELECT m.article FROM article_minhash m WHERE NOT "
            "EXISTS (SELECT 1 FROM article_bands b WHERE b.article = m.article)",
            "band keys of articles that are not stored": "SELECT b.article FROM article_bands b "
            "WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.id = b.article)",
            "members filed under a missing or merged story": "SELECT m.article FROM "
            "story_articles m LEFT JOIN stories s ON s.id = m.story WHERE s.id IS NULL OR "
            "s.status = 'merged'",
            "near-copies filed apart from their original": "SELECT m.article FROM story_articles"
            " m JOIN story_articles o ON o.article = m.copy_of WHERE m.copy_of != '' AND "
            "o.story != m.story",
            "story counts that differ from their members": "SELECT s.id, s.articles, s.copies "
            "FROM stories s WHERE s.articles != (SELECT COUNT(*) FROM story_articles m WHERE "
            "m.story = s.id AND m.copy_of = '') OR s.copies != (SELECT COUNT(*) FROM "
            "story_articles m WHERE m.story = s.id AND m.copy_of != '')",
            "stories with no member": "SELECT id FROM stories WHERE status != 'merged' AND "
            "articles + copies = 0",
            "open stories without their clusterer state": "SELECT id FROM stories WHERE status"
            " = 'open' AND state IS NULL",
            "aliases of missing stories": "SELECT alias FROM story_aliases a WHERE NOT EXISTS "
            "(SELECT 1 FROM stories s WHERE s.id = a.story)",
            "filings newer than the stored sequence": "SELECT seq FROM story_articles WHERE seq >"
            " (SELECT CAST(value AS INTEGER) FROM story_meta WHERE key = 'seq')",
            "frequency counts of articles never filed": "SELECT p.seq FROM story_df_pending p "
            "WHERE NOT EXISTS (SELECT 1 FROM story_articles m WHERE m.seq = p.seq)",
        }
        for what, sql in checks.items():
            if rows := _query(conn, sql):
                found.append(f"{what}: {rows[:5]}")
        documents = _query(conn, "SELECT value FROM story_meta WHERE key = 'documents'")
        originals = _query(conn, "SELECT COUNT(*) FROM story_articles WHERE copy_of = ''")
        if int(documents[0][0] if documents else 0) != originals[0][0]:
            found.append(f"documents counted {documents} != articles filed {originals}")
    return found


@dataclass
class Snapshot:
    """What must never change or be lost once written."""

    articles: set[str]
    urls: dict[str, str]
    members: dict[str, str]
    links: dict[str, str]
    minhash: set[str]

    @classmethod
    def of(cls, db: Path) -> Snapshot:
        with sqlite3.connect(db, timeout=30) as conn:
            return cls(
                articles={r[0] for r in conn.execute("SELECT id FROM articles")},
                urls=dict(conn.execute("SELECT url, article FROM article_urls").fetchall()),
                members=dict(conn.execute("SELECT article, story FROM story_articles").fetchall()),
                links=dict(conn.execute("SELECT article, original FROM article_links").fetchall()),
                minhash={r[0] for r in conn.execute("SELECT article FROM article_minhash")},
            )

    def within(self, final: Snapshot) -> list[str]:
        """What of this (partial) store differs from the ``final`` one (the reference)."""
        wrong = []
        if extra := self.articles - final.articles:
            wrong.append(f"articles the reference does not hold: {sorted(extra)[:5]}")
        for name in ("urls", "members", "links"):
            part, whole = getattr(self, name), getattr(final, name)
            if differ := [k for k, v in part.items() if whole.get(k) != v]:
                wrong.append(f"{name} that differ from the reference: {differ[:5]}")
        if self.minhash != self.articles & final.minhash:
            wrong.append("articles stored without their MinHash row, or the reverse")
        return wrong

    def kept_in(self, later: Snapshot) -> list[str]:
        """What of this snapshot is missing or changed in ``later``."""
        lost = []
        if missing := self.articles - later.articles:
            lost.append(f"articles lost: {sorted(missing)[:5]}")
        for name in ("urls", "members", "links"):
            before, after = getattr(self, name), getattr(later, name)
            if moved := [k for k, v in before.items() if after.get(k) != v]:
                lost.append(f"{name} lost or changed: {moved[:5]}")
        return lost


def stories_of(db: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db) as conn:
        return _query(
            conn,
            'SELECT id, status, merged_into, articles, copies, start, "end" FROM stories '
            "ORDER BY id",
        )


def moved(db: Path, reference: Path) -> int:
    """Articles filed in another story than the uninterrupted run filed them in."""
    final, expected = Snapshot.of(db).members, Snapshot.of(reference).members
    return sum(final.get(a) != s for a, s in expected.items())


def assert_equals_reference(db: Path, reference: Path, label: str) -> None:
    """The killed-and-finished store holds exactly what an uninterrupted run stored."""
    assert violations(db) == [], label
    final, expected = Snapshot.of(db), Snapshot.of(reference)
    assert final.articles == expected.articles, label
    assert final.urls == expected.urls, label  # every source URL -> exactly one article
    assert final.links == expected.links, label
    assert final.minhash == expected.minhash, label
    assert set(final.members) == final.articles, label  # every article in exactly one story
    assert final.members == expected.members, label  # filed as one run that never stopped
    assert stories_of(db) == stories_of(reference), label


# --- killing -------------------------------------------------------------------------------


@dataclass
class Tally:
    """How the rounds went (printed with -s; figures in docs/RELIABILITY.md)."""

    rounds: int = 0
    kills: int = 0
    mid_run: int = 0  # killed after it stored something in that round
    unfiled: int = 0  # kills that left stored articles not yet filed under a story
    finished: int = 0  # the command had finished before the kill

    def line(self, what: str, articles: int, seconds: float) -> str:
        return (
            f"{what}: seed {SEED}, {self.rounds} rounds, {self.kills} kills ({self.mid_run} "
            f"mid-run, {self.unfiled} between storing and filing), {self.finished} finished "
            f"first, {articles} articles, {seconds:.0f} s"
        )


def kill_rounds(
    start: Callable[[], subprocess.Popen[str]],
    db: Path,
    rounds: int,
    rng: random.Random,
    expected: Snapshot,
) -> Tally:
    """Start, kill at a random moment and check the store, ``rounds`` times: it is whole,
    nothing stored before is lost or changed, and all it holds is what the uninterrupted
    run (``expected``) holds."""
    tally = Tally()
    previous = Snapshot.of(db) if db.exists() else None
    for round_ in range(rounds):
        tally.rounds += 1
        stored = _count(db, "articles")
        process = start()
        anywhere = rng.random() < 0.25
        if anywhere:  # start-up, opening the store, catching up: anything
            time.sleep(rng.uniform(0.0, 4.0))
        else:  # just after this run stored something
            deadline = time.monotonic() + 120
            while process.poll() is None and _count(db, "articles") <= stored:
                if time.monotonic() > deadline:
                    break
                time.sleep(0.01)
            time.sleep(rng.uniform(0.0, 0.3))
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            tally.kills += 1
            tally.mid_run += _count(db, "articles") > stored
        else:
            tally.finished += 1
        _, err = process.communicate(timeout=60)
        assert process.returncode in (0, -signal.SIGKILL), err[-3000:]
        label = f"seed {SEED}, round {round_ + 1}"
        assert violations(db) == [], label
        now = Snapshot.of(db)
        tally.unfiled += len(now.articles) > len(now.members)
        assert now.within(expected) == [], label
        if previous is not None:
            assert previous.kept_in(now) == [], label
        previous = now
    return tally


def _child(args: list[str]) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": SRC + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.Popen(
        [sys.executable, "-m", "newsprism.cli", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_ingest_killed_over_and_over_loses_and_duplicates_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    records, origin = corpus(INGEST_ARTICLES)
    dump = tmp_path / "dump.jsonl"
    dump.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    reference = tmp_path / "reference.db"
    assert cli_main(["ingest", str(dump), "--db", str(reference), "--no-progress"]) == 0
    capsys.readouterr()
    expected = Snapshot.of(reference)
    assert len(expected.urls) == len(expected.articles) == len(records)  # each stored once

    started = time.monotonic()
    db = tmp_path / "news.db"
    rng = random.Random(SEED)
    tally = kill_rounds(lambda: start_ingest(dump, db), db, INGEST_ROUNDS, rng, expected)
    assert tally.kills >= 1 and tally.mid_run >= 1, tally

    done = start_ingest(dump, db)
    out, err = done.communicate(timeout=300)
    assert done.returncode == 0, err
    assert out.endswith(" 0 failed\n") or " 0 failed (" in out.splitlines()[0], out
    assert_equals_reference(db, reference, f"seed {SEED}")
    with capsys.disabled():
        line = tally.line(f"ingest ({origin})", len(expected.articles), time.monotonic() - started)
        print(f"\n{line}, {moved(db, reference)} filed apart from the uninterrupted run")


# --- watch against a feed on 127.0.0.1 ----------------------------------------------------


class _Site(BaseHTTPRequestHandler):
    pages: list[dict[str, str]] = []

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        port = self.server.server_address[1]
        if self.path == "/feed":
            items = "".join(
                f"<item><title>{_xml(p['title'])}</title>"
                f"<link>http://127.0.0.1:{port}/a/{k}</link><guid>a{k}</guid>"
                f"<pubDate>Mon, 21 Oct 2024 09:30:00 GMT</pubDate></item>"
                for k, p in enumerate(self.pages)
            )
            body = f"<rss version='2.0'><channel><title>Kill</title>{items}</channel></rss>"
            self._send(body.encode(), "application/rss+xml")
        elif self.path.startswith("/a/") and self.path[3:].isdigit():
            page = self.pages[int(self.path[3:])]
            paragraphs = "".join(f"<p>{_xml(line)}</p>" for line in page["text"].split("\n"))
            html = (
                f"<html><head><title>{_xml(page['title'])}</title></head><body><article>"
                f"<h1>{_xml(page['title'])}</h1>{paragraphs}</article></body></html>"
            )
            self._send(html.encode(), "text/html; charset=utf-8")
        else:
            self.send_response(404)
            self.end_headers()

    def _send(self, body: bytes, kind: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@dataclass
class Site:
    """The feed's address and the pages it lists (change ``handler.pages`` to change it)."""

    feed: str
    handler: type[_Site]


@pytest.fixture
def site() -> Iterator[Site]:
    records, _ = corpus(WATCH_ARTICLES)
    handler = type("Pages", (_Site,), {"pages": records})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield Site(f"http://127.0.0.1:{httpd.server_address[1]}/feed", handler)
    httpd.shutdown()
    httpd.server_close()


def watch_args(feed: str, db: Path, *extra: str) -> list[str]:
    return ["watch", feed, "--db", str(db), "--allow-private", "--rate", "0", *extra]


def test_watch_killed_over_and_over_loses_and_duplicates_nothing(
    site: Site, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    feed = site.feed
    reference = tmp_path / "reference.db"
    assert cli_main(watch_args(feed, reference, "--rounds", "1")) == 0
    capsys.readouterr()
    expected = Snapshot.of(reference)
    pages = {feed.replace("/feed", f"/a/{k}") for k in range(WATCH_ARTICLES)}
    assert set(expected.urls) == pages and len(expected.articles) == WATCH_ARTICLES

    started = time.monotonic()
    db = tmp_path / "news.db"
    rng = random.Random(SEED + 1)
    tally = kill_rounds(
        lambda: _child(watch_args(feed, db, "--every", "0.2s")), db, WATCH_ROUNDS, rng, expected
    )
    assert tally.kills == WATCH_ROUNDS and tally.mid_run >= 1, tally  # watch never ends alone

    done = _child(watch_args(feed, db, "--rounds", "1"))
    _, err = done.communicate(timeout=300)
    assert done.returncode == 0, err
    assert_equals_reference(db, reference, f"seed {SEED + 1}")
    with sqlite3.connect(db) as conn:
        sources = conn.execute("SELECT source, status FROM ingest_sources").fetchall()
    assert sources == [(feed, "ok")]
    with capsys.disabled():
        line = tally.line("watch", len(expected.articles), time.monotonic() - started)
        print(f"\n{line}, {moved(db, reference)} filed apart from the uninterrupted run")


def test_restarted_watch_files_as_one_run(
    site: Site, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """watch stopped after a few entries and started again files every article in the
    story one uninterrupted run files it in (stopped cleanly: no kill needed). Before the
    clusterer's IDF folds were kept in the store, 8 of 120 articles were filed apart after
    the cut at 12."""
    reference = tmp_path / "reference.db"
    assert cli_main(watch_args(site.feed, reference, "--rounds", "1")) == 0
    pages = list(site.handler.pages)
    differ = {}
    for cut in (12, 47, 90):
        db = tmp_path / f"cut{cut}.db"
        site.handler.pages = pages[:cut]
        try:
            assert cli_main(watch_args(site.feed, db, "--rounds", "1")) == 0
        finally:
            site.handler.pages = pages
        assert cli_main(watch_args(site.feed, db, "--rounds", "1")) == 0
        assert Snapshot.of(db).articles == Snapshot.of(reference).articles
        differ[cut] = moved(db, reference)
    capsys.readouterr()
    assert differ == {12: 0, 47: 0, 90: 0}
