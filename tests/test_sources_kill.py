"""Killing ``ingest`` at a random moment loses nothing and a re-run duplicates nothing."""

from __future__ import annotations

import json
import random
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

from ingest_process import read_rows, start_ingest

N = 300
WORDS = [
    "council",
    "minister",
    "river",
    "bridge",
    "election",
    "court",
    "police",
    "hospital",
    "school",
    "market",
    "price",
    "water",
    "energy",
    "storm",
    "flood",
    "fire",
    "train",
    "airport",
    "strike",
    "union",
    "budget",
    "tax",
    "farmer",
    "harvest",
    "museum",
    "festival",
    "team",
    "match",
    "coach",
    "player",
    "doctor",
    "nurse",
    "patient",
    "vaccine",
    "study",
    "report",
    "village",
    "city",
    "port",
    "ship",
    "cargo",
    "border",
    "troops",
    "talks",
    "treaty",
    "summit",
    "vote",
    "protest",
    "law",
    "judge",
]


def write_dump(path: Path) -> list[str]:
    rng = random.Random(5)
    texts = []
    with path.open("w", encoding="utf-8") as handle:
        for k in range(N):
            words = [rng.choice(WORDS) for _ in range(60)]
            text = f"Report {k}. " + " ".join(words).capitalize() + "."
            texts.append(text)
            handle.write(json.dumps({"text": text, "outlet": "Example", "published": "2024-01-02"}))
            handle.write("\n")
    return texts


def stored(db: Path) -> dict[str, str]:
    """source -> id of every stored article (empty while the database is being created)."""
    rows = read_rows(db, "SELECT source, id FROM articles")
    return {str(key): str(value) for key, value in rows}


def wait_for_articles(process: subprocess.Popen[str], db: Path) -> None:
    deadline = time.monotonic() + 120
    while process.poll() is None and not stored(db) and time.monotonic() < deadline:
        time.sleep(0.02)


def test_sigkill_then_rerun_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    dump = tmp_path / "dump.jsonl"
    db = tmp_path / "news.db"
    write_dump(dump)
    seed = random.randrange(1_000_000)
    rng = random.Random(seed)
    process = start_ingest(dump, db)
    wait_for_articles(process, db)
    time.sleep(rng.uniform(0.0, 0.6))
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    before = stored(db)
    assert before, f"seed {seed}: nothing was stored before the kill"

    with sqlite3.connect(db) as conn:  # every stored article is whole: row, URL index, MinHash
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        missing = conn.execute(
            "SELECT COUNT(*) FROM articles a LEFT JOIN article_minhash m ON m.article = a.id "
            "WHERE m.article IS NULL"
        ).fetchone()[0]
        assert missing == 0, f"seed {seed}: {missing} articles without their MinHash row"

    again = start_ingest(dump, db)
    out, err = again.communicate(timeout=300)
    assert again.returncode == 0, err
    after = stored(db)
    assert len(after) == N, f"seed {seed}"
    assert set(after) == {f"{dump}:{k}" for k in range(1, N + 1)}
    assert all(after[source] == aid for source, aid in before.items())  # nothing lost
    new, duplicates = N - len(before), len(before)
    assert out.startswith(f"{new} new, {duplicates} duplicate, 0 near-copy linked, 0 failed"), out


def test_sigterm_finishes_the_current_article_and_exits(tmp_path: Path) -> None:
    dump = tmp_path / "dump.jsonl"
    db = tmp_path / "news.db"
    write_dump(dump)
    process = start_ingest(dump, db)
    wait_for_articles(process, db)
    process.send_signal(signal.SIGTERM)
    out, _ = process.communicate(timeout=60)
    count = len(stored(db))
    if process.returncode == 0:  # it had finished before the signal arrived
        assert count == N
        return
    assert process.returncode == 130
    assert out.startswith(f"{count} new, 0 duplicate") and "interrupted" in out.splitlines()[0]
