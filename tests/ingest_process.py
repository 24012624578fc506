"""Helpers shared by the kill tests: run `newsprism ingest` in a child process and read the
store read-only while it writes."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any


def start_ingest(dump: Path, db: Path) -> subprocess.Popen[str]:
    """Start ingesting ``dump`` into ``db`` in a child process (no progress bar)."""
    src = str(Path(__file__).resolve().parents[1] / "src")
    env = {**os.environ, "PYTHONPATH": src + os.pathsep + os.environ.get("PYTHONPATH", "")}
    command = [sys.executable, "-m", "newsprism.cli", "ingest", str(dump), "--db", str(db)]
    return subprocess.Popen(
        [*command, "--no-progress"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def read_rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    """Rows of a read-only query; empty while the database is still being created."""
    if not db.exists():
        return []
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return conn.execute(sql).fetchall()
    except sqlite3.OperationalError:
        return []
