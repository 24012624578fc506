"""Ray workers killed in the middle of ``newsprism ingest --engine ray``, and a cancelled run.

One worker of each kind killed (SIGKILL) while it works - a ``Reader`` and a ``Featurer``
actor during a batch, a story partition task - is restarted by Ray and its batch or task run
again (``ray_engine._Pools``, Ray's task retries): the run ends normally with every article
stored once and filed into exactly the stories the single-process ingest files. A run
cancelled with SIGTERM stops after its chunk and exits 130; a run whose story tasks die more
often than Ray retries them exits 1 with an error naming them; the next run stores nothing
twice and files everything.

Only the Ray processes started under the test's own driver are killed (other Ray runs may
share the machine). The corpus and the single-process reference are tests/
test_ray_engine.py's (600 replicated dev-corpus articles, 8 a day).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from test_ray_engine import (  # noqa: F401  (corpus, dump and single are fixtures)
    COUNT,
    _ids,
    _members,
    _same_stories,
    _stored,
    corpus,
    dump,
    single,
)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path("/proc").is_dir(), reason="finds Ray's processes in /proc"),
]

LIMIT = 300.0  # seconds a run may take before it counts as hung


def _parent(pid: int) -> int:
    stat = (Path("/proc") / str(pid) / "stat").read_text()
    return int(stat[stat.rindex(")") + 2 :].split()[1])


def _workers(driver: int, prefixes: tuple[str, ...]) -> list[tuple[str, int]]:
    """(prefix, process id) of the Ray processes started under ``driver`` (its raylet is
    their parent) whose title starts with one of ``prefixes``: a worker is titled
    ``ray::Class.method`` while an actor runs a method, ``ray::function`` for a task."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            title = (entry / "cmdline").read_bytes().split(b"\x00")[0].decode()
            prefix = next((p for p in prefixes if title.startswith(p)), None)
            ancestor = int(entry.name)
            while prefix is not None and ancestor > 1 and ancestor != driver:
                ancestor = _parent(ancestor)
        except (OSError, ValueError, IndexError):
            continue
        if prefix is not None and ancestor == driver:
            found.append((prefix, int(entry.name)))
    return found


def _kill(pid: int) -> bool:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        return False
    return True


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


def _start(db: Path, source: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(  # its own session: a hung run is ended with its Ray processes
        _cli(db, source, *extra),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def _finish(driver: subprocess.Popen[str], began: float) -> tuple[str, str]:
    """The driver's output once it has ended; fails (ending it) when it runs past LIMIT."""
    try:
        return driver.communicate(timeout=max(1.0, began + LIMIT - time.monotonic()))
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(driver.pid, signal.SIGKILL)
        driver.communicate()
        pytest.fail(f"the run did not end in {LIMIT:.0f} s")


def _filed(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM story_articles").fetchone()[0])


def _stories(db: Path) -> int:
    return len(set(_members(db).values()))


def test_killed_workers_are_restarted_and_the_run_completes(
    dump: Path,  # noqa: F811
    single: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    db = tmp_path / "ray.db"
    began = time.monotonic()
    driver = _start(db, dump)
    targets = ("ray::Reader.__call__", "ray::Featurer.__call__", "ray::_remote_speculate")
    killed: dict[str, int] = {}  # the first of each seen, while it works
    while driver.poll() is None and len(killed) < len(targets):
        if time.monotonic() > began + LIMIT:
            break
        for prefix, pid in _workers(driver.pid, targets):
            if prefix not in killed and _kill(pid):
                killed[prefix] = pid
        time.sleep(0.02)
    out, err = _finish(driver, began)
    assert sorted(killed) == sorted(targets)
    assert driver.returncode == 0, err[-2000:]
    summary = json.loads(out)
    assert (summary["new"], summary["duplicates"], summary["near_copies"]) == (COUNT, 0, 0)
    assert (summary["failed"], summary["interrupted"]) == (0, False)
    assert summary["stories"]["new_stories"] == _stories(single)
    assert summary["stories"]["new_stories"] + summary["stories"]["joined"] == COUNT
    ids = _ids(db)
    assert len(ids) == len(set(ids)) == COUNT  # every article stored once
    assert _filed(db) == COUNT  # and filed once
    _same_stories(single, db)  # into the same stories


def test_a_cancelled_run_then_a_failed_one_then_a_rerun_files_everything_once(
    dump: Path,  # noqa: F811
    single: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    """SIGTERM while storing: the chunk being stored is finished, the stories are not
    clustered, the command exits 130. The next run's story tasks are all killed: Ray retries
    each 3 times, then the run exits 1 naming them, storing nothing again. The third run
    stores nothing twice and files everything."""
    db = tmp_path / "cancelled.db"
    began = time.monotonic()
    driver = _start(db, dump, "--store-batch", "4")
    while _stored(db) == 0 and driver.poll() is None and time.monotonic() < began + LIMIT:
        time.sleep(0.02)
    driver.send_signal(signal.SIGTERM)
    out, _ = _finish(driver, began)
    assert driver.returncode == 130
    first = json.loads(out)
    assert (first["new"], first["interrupted"]) == (COUNT, True)
    assert first["stories"]["new_stories"] + first["stories"]["joined"] == 0
    assert (len(_ids(db)), _filed(db)) == (COUNT, 0)

    began = time.monotonic()
    driver = _start(db, dump)
    killed: set[int] = set()  # every story task seen (ray::_remote_totals, ..._speculate)
    while driver.poll() is None and time.monotonic() < began + LIMIT:
        for _, pid in _workers(driver.pid, ("ray::_remote_",)):
            if pid not in killed and _kill(pid):
                killed.add(pid)
        time.sleep(0.02)
    out, err = _finish(driver, began)
    assert driver.returncode == 1, err[-2000:]
    assert out == ""
    assert len(killed) >= 4  # a task is tried 4 times
    assert (
        "error: the Ray tasks counting the story partitions failed (WorkerCrashedError: " in err
    ), err[-2000:]
    assert "; what was stored stays stored: run the same command again to continue" in err
    ids = _ids(db)
    assert (len(ids), len(set(ids)), _filed(db)) == (COUNT, COUNT, 0)

    began = time.monotonic()
    again = _start(db, dump)
    out, err = _finish(again, began)
    assert again.returncode == 0, err[-2000:]
    summary = json.loads(out)
    assert (summary["new"], summary["duplicates"]) == (0, COUNT)
    assert summary["stories"]["new_stories"] == _stories(single)
    assert summary["stories"]["new_stories"] + summary["stories"]["joined"] == COUNT
    ids = _ids(db)
    assert len(ids) == len(set(ids)) == COUNT
    assert _filed(db) == COUNT
    _same_stories(single, db)
