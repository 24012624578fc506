"""``newsprism watch`` left running: a feed on 127.0.0.1 gains entries every round, for about
a minute of one-second rounds. Every new entry is stored once, the process holds no more
open files at the end than after its first rounds and its memory stays flat, and SIGTERM or
SIGINT ends it cleanly (exit 0, the current round finished, no traceback).

``NEWSPRISM_SOAK_SECONDS`` sets the length (default 60); figures in docs/RELIABILITY.md.
"""

from __future__ import annotations

import os
import queue
import signal
import sqlite3
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from newsprism.ingest.dedup import canonical_url
from test_reliability_kill import _child, _xml, corpus, violations

pytestmark = pytest.mark.slow

SECONDS = float(os.environ.get("NEWSPRISM_SOAK_SECONDS", "60"))
WINDOW = 10  # entries a feed response lists
NEW_PER_ROUND = 2  # entries added before each feed response
START = datetime(2024, 10, 21, 6, 0, tzinfo=UTC)


@dataclass
class Feed:
    """A feed whose every response lists WINDOW entries, NEW_PER_ROUND of them new."""

    pages: list[dict[str, str]]
    served: list[list[int]] = field(default_factory=list)  # entries of each response
    lock: threading.Lock = field(default_factory=threading.Lock)

    def next_response(self) -> list[int]:
        with self.lock:
            newest = min(len(self.pages), (len(self.served) + 1) * NEW_PER_ROUND)
            entries = list(range(max(0, newest - WINDOW), newest))
            self.served.append(entries)
            return entries


def _handler(feed: Feed) -> type[BaseHTTPRequestHandler]:
    class Site(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            port = self.server.server_address[1]
            if self.path == "/feed":
                items = "".join(
                    f"<item><title>{_xml(feed.pages[k]['title'])}</title>"
                    f"<link>http://127.0.0.1:{port}/a/{k}</link><guid>a{k}</guid>"
                    f"<pubDate>{format_datetime(START + timedelta(minutes=k))}</pubDate></item>"
                    for k in reversed(feed.next_response())
                )
                body = f"<rss version='2.0'><channel><title>Soak</title>{items}</channel></rss>"
                self._send(body.encode(), "application/rss+xml")
            elif self.path.startswith("/a/") and self.path[3:].isdigit():
                page = feed.pages[int(self.path[3:])]
                html = (
                    f"<html><head><title>{_xml(page['title'])}</title></head><body><article>"
                    f"<h1>{_xml(page['title'])}</h1><p>{_xml(page['text'])}</p></article>"
                    "</body></html>"
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

    return Site


@pytest.fixture
def feed() -> Iterator[tuple[str, Feed]]:
    rounds = int(SECONDS) + 30
    pages, _ = corpus(rounds * NEW_PER_ROUND)
    state = Feed(pages)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/feed", state
    httpd.shutdown()
    httpd.server_close()


@dataclass
class Usage:
    """Resident memory (kB) and open file descriptors of a process, from /proc."""

    rss_kb: int
    fds: int

    @classmethod
    def of(cls, pid: int) -> Usage:
        status = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
        rss = next(
            int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")
        )
        return cls(rss, len(os.listdir(f"/proc/{pid}/fd")))


def _lines(process: subprocess.Popen[str]) -> queue.Queue[str | None]:
    """The child's stdout lines as they come (None at the end)."""
    lines: queue.Queue[str | None] = queue.Queue()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.put(line.rstrip("\n"))
        lines.put(None)

    threading.Thread(target=read, daemon=True).start()
    return lines


def _next_round(
    lines: queue.Queue[str | None], log: list[str], process: subprocess.Popen[str]
) -> int:
    """Wait for the next "round N:" line; return N."""
    while True:
        line = lines.get(timeout=120)
        if line is None:
            _, err = process.communicate(timeout=60)
            raise AssertionError(f"watch ended ({process.returncode}): {log[-5:]} {err[-3000:]}")
        log.append(line)
        if "] round " in line:
            return int(line.split("] round ")[1].split(":")[0])


def _stop(process: subprocess.Popen[str], sig: signal.Signals, log: list[str]) -> str:
    process.send_signal(sig)
    out, err = process.communicate(timeout=60)
    log.extend(out.splitlines())
    assert process.returncode == 0, err
    assert "Traceback" not in err, err
    return err


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs /proc (Linux)")
def test_watch_soak(
    feed: tuple[str, Feed], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url, state = feed
    db = tmp_path / "soak.db"
    args = ["watch", url, "--db", str(db), "--every", "1s", "--allow-private", "--rate", "0"]
    process = _child(args)
    lines, log = _lines(process), []
    for _ in range(3):  # warmed up: models loaded, first pages stored
        _next_round(lines, log, process)
    start = Usage.of(process.pid)
    began = time.monotonic()
    samples = [start]
    rounds = 3
    while time.monotonic() - began < SECONDS:
        rounds = _next_round(lines, log, process)
        if rounds % 10 == 0:
            samples.append(Usage.of(process.pid))
    end = Usage.of(process.pid)
    seconds = time.monotonic() - began
    _stop(process, signal.SIGTERM, log)

    served = {k for response in state.served for k in response}
    done = [line for line in log if "] round " in line]
    last = done[-1]
    finished = state.served[: len(done) - ("interrupted" in last)]
    expected = {k for response in finished for k in response}
    port = url.split(":")[2].split("/")[0]
    with sqlite3.connect(db) as conn:
        stored = dict(conn.execute("SELECT url, article FROM article_urls").fetchall())
        articles = conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    page_urls = {canonical_url(f"http://127.0.0.1:{port}/a/{k}"): k for k in served}
    got = {page_urls[u] for u in stored if u in page_urls}
    assert expected <= got <= served  # every entry of every finished round, nothing else
    assert articles == len(got)  # each stored once (the pages' texts all differ)
    assert violations(db) == []
    assert all("0 failed" in line for line in done), [
        line for line in done if "0 failed" not in line
    ]

    # Open files: exactly as many as after the first rounds. Memory: flat (the sqlite page
    # cache and the stories' state grow a little with the store, not with the rounds).
    assert end.fds == start.fds, (start, end)
    assert end.rss_kb - start.rss_kb < 30_000, samples

    # SIGINT (Ctrl-C) ends a fresh run as cleanly.
    again = _child(args)
    more, log2 = _lines(again), []
    _next_round(more, log2, again)
    _stop(again, signal.SIGINT, log2)
    assert violations(db) == []
    with capsys.disabled():
        trend = ", ".join(f"{s.rss_kb / 1024:.0f}" for s in samples)
        print(
            f"\nwatch soak: {rounds} rounds in {seconds:.0f} s, {len(got)} entries stored of "
            f"{len(served)} served, RSS {start.rss_kb / 1024:.1f} -> {end.rss_kb / 1024:.1f} MB "
            f"(every 10 rounds: {trend}), open fds {start.fds} -> {end.fds}"
        )
