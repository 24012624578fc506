"""A Ray worker killed in the middle of ``newsprism ingest --engine ray``: Ray restarts the
actor and runs its batch again (``ray_engine._Pools``), so the run ends normally with every
article stored once and filed into exactly the stories the single-process ingest files. A
run cancelled with SIGTERM stops after its chunk, and the next run files what it left.

The corpus and the single-process reference are tests/test_ray_engine.py's (600 replicated
dev-corpus articles, 8 a day).
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from test_ray_engine import COUNT, _ids, _same_stories, _stored, corpus, dump, single  # noqa: F401

pytestmark = pytest.mark.slow


def _parent(pid: int) -> int:
    try:
        stat = (Path("/proc") / str(pid) / "stat").read_text()
    except OSError:
        return 0
    return int(stat[stat.rindex(")") + 2 :].split()[1])  # the field after the state


def _actors(name: str, root: int) -> list[int]:
    """Process ids of the Ray actor processes running ``name`` (their title is ray::name)
    started under process ``root`` (the driver starts its local Ray, the raylet its workers;
    another Ray on the machine is left alone)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            title = (entry / "cmdline").read_bytes().split(b"\x00")[0]
        except OSError:
            continue
        if not title.startswith(f"ray::{name}".encode()):
            continue
        pid = int(entry.name)
        while pid > 1 and pid != root:
            pid = _parent(pid)
        if pid == root:
            found.append(int(entry.name))
    return found


def _cli(db: Path, source: Path, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "newsprism.cli",
        "ingest",
        str(source),
        "--engine",
        "ray",
        "--workers",
        "2",
        "--db",
        str(db),
        "--json",
        "--no-progress",
        *extra,
    ]


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="finds Ray's processes in /proc")
def test_a_killed_worker_is_restarted_and_the_run_completes(
    dump: Path,  # noqa: F811
    single: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    db = tmp_path / "ray.db"
    driver = subprocess.Popen(
        _cli(db, dump), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    killed: list[int] = []
    deadline = time.monotonic() + 240
    while not killed and driver.poll() is None and time.monotonic() < deadline:
        # one of the two feature workers, while it works
        for pid in _actors("Featurer", driver.pid)[:1]:
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)
        time.sleep(0.02)
    out, err = driver.communicate(timeout=300)
    assert killed, "no Featurer actor was seen"
    assert driver.returncode == 0, err[-2000:]
    summary = json.loads(out)
    assert (summary["new"] + summary["near_copies"], summary["duplicates"]) == (COUNT, 0)
    ids = _ids(db)
    assert len(ids) == len(set(ids)) == COUNT  # every article stored once
    _same_stories(single, db)
    with sqlite3.connect(db) as conn:
        unfiled = conn.execute(
            "SELECT COUNT(*) FROM articles WHERE id NOT IN (SELECT article FROM story_articles)"
        ).fetchone()[0]
    assert unfiled == 0


def test_a_cancelled_run_stops_after_its_chunk_and_a_rerun_files_the_rest(
    dump: Path,  # noqa: F811
    single: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    """SIGTERM while storing: the chunk being stored is finished, the stories are not
    clustered, the command exits 130; the next run stores nothing twice and files all."""
    db = tmp_path / "cancelled.db"
    driver = subprocess.Popen(
        _cli(db, dump, "--store-batch", "4"), stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 240
    while _stored(db) == 0 and driver.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    driver.send_signal(signal.SIGTERM)
    out, _ = driver.communicate(timeout=300)
    assert driver.returncode == 130
    first = json.loads(out)
    assert (first["new"], first["interrupted"]) == (COUNT, True)
    assert first["stories"]["new_stories"] + first["stories"]["joined"] == 0
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM story_articles").fetchone()[0] == 0
    again = subprocess.run(_cli(db, dump), capture_output=True, text=True, timeout=300, check=False)
    assert again.returncode == 0, again.stderr[-2000:]
    summary = json.loads(again.stdout)
    assert (summary["new"], summary["duplicates"]) == (0, COUNT)
    assert summary["stories"]["new_stories"] + summary["stories"]["joined"] == COUNT
    ids = _ids(db)
    assert len(ids) == len(set(ids)) == COUNT
    _same_stories(single, db)
