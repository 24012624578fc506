"""Killing ``ingest`` at random moments keeps story membership exact: after re-running, every
article is filed once, nothing filed before a kill moved, and the stories equal those of a run
that was never interrupted."""

from __future__ import annotations

import json
import random
import signal
import sqlite3
import time
from pathlib import Path

import pytest

from ingest_process import read_rows, start_ingest
from newsprism.cli.ingest import main as ingest_main

EVENTS = 20
PER_EVENT = 8
FILLER = [
    "the",
    "and",
    "of",
    "in",
    "on",
    "a",
    "to",
    "after",
    "with",
    "for",
    "said",
    "was",
    "as",
    "by",
    "at",
]


def _name(rng: random.Random) -> str:
    consonants, vowels = "bdfgklmnprstvz", "aeiou"
    return "".join(rng.choice(consonants) + rng.choice(vowels) for _ in range(3)).capitalize()


def write_dump(path: Path) -> int:
    """Articles about EVENTS made-up events (own names, words and dates), interleaved."""
    rng = random.Random(11)
    vocabulary = [f"{_name(rng).lower()}ing" for _ in range(EVENTS * 12)]
    records = []
    for event in range(EVENTS):
        names = [_name(rng) for _ in range(5)]
        words = vocabulary[event * 12 : (event + 1) * 12]
        for k in range(PER_EVENT):
            sentences = []
            for _ in range(5):
                body = [rng.choice(words) for _ in range(6)] + rng.sample(FILLER, 4)
                rng.shuffle(body)
                sentences.append(f"{rng.choice(names)} {' '.join(body)} {rng.choice(names)}.")
            day = 1 + event + k // 3
            records.append(
                {
                    "text": " ".join(sentences),
                    "title": f"{names[0]} {words[0]} {k}",
                    "outlet": f"Outlet {k % 3}",
                    "published": f"2024-03-{day:02d}",
                }
            )
    rng.shuffle(records)
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return len(records)


def membership(db: Path) -> dict[str, str]:
    """article -> story (empty while the database is being created)."""
    return {
        str(key): str(value)
        for key, value in read_rows(db, "SELECT article, story FROM story_articles")
    }


def test_sigkill_keeps_story_membership_exact(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dump = tmp_path / "dump.jsonl"
    total = write_dump(dump)
    reference_db = tmp_path / "reference.db"
    assert ingest_main([str(dump), "--db", str(reference_db), "--no-progress"]) == 0
    capsys.readouterr()
    reference = membership(reference_db)
    assert len(reference) == total
    # The made-up events are (nearly all) told apart: the partition is far from trivial.
    assert EVENTS - 3 <= len(set(reference.values())) <= EVENTS + 3

    db = tmp_path / "news.db"
    seed = random.randrange(1_000_000)
    rng = random.Random(seed)
    kept: dict[str, str] = {}
    for _ in range(2):  # kill twice at random moments
        process = start_ingest(dump, db)
        deadline = time.monotonic() + 120
        known = len(membership(db))
        while process.poll() is None and len(membership(db)) <= known:
            if time.monotonic() > deadline:
                break
            time.sleep(0.02)
        time.sleep(rng.uniform(0.0, 0.5))
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
        now = membership(db)
        assert all(now[a] == s for a, s in kept.items()), f"seed {seed}: a filed article moved"
        kept = now

    again = start_ingest(dump, db)
    _, err = again.communicate(timeout=300)
    assert again.returncode == 0, err
    final = membership(db)
    assert all(final[a] == s for a, s in kept.items()), f"seed {seed}: a filed article moved"
    assert final == reference, f"seed {seed}"
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == total
        counts = conn.execute(
            "SELECT id, articles FROM stories WHERE status != 'merged' ORDER BY id"
        ).fetchall()
    sizes: dict[str, int] = {}
    for story in final.values():
        sizes[story] = sizes.get(story, 0) + 1
    assert dict(counts) == sizes, f"seed {seed}: the stored counts drifted"
