"""A real PostgreSQL server on 127.0.0.1 for the test session, and the store fixtures that run
a test on both backends.

The server is Debian's PostgreSQL (``make test`` installs it): ``initdb`` into a temporary
folder, ``pg_ctl start`` on a free port (listening on 127.0.0.1 only, its socket in that
folder), stopped and removed at the end of the session. initdb refuses to run as root, so as
root the server runs as the ``postgres`` system user. Each test (or module) gets a fresh
database. Where no server can be started, the PostgreSQL half of the tests skips and says why.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

BACKENDS = ["sqlite", "postgres"]
# Tests need no durability: nothing is flushed to disk.
TEST_SETTINGS = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
INITDB_GLOB = "/usr/lib/postgresql/*/bin/initdb"  # Debian's layout (package postgresql)


class PgUnavailable(RuntimeError):
    """No PostgreSQL server can be started here; the message says why."""


def _bindir() -> Path:
    found = sorted(glob.glob(INITDB_GLOB), key=lambda p: int(Path(p).parts[-3]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    raise PgUnavailable(f"PostgreSQL is not installed (no {INITDB_GLOB}; `make test` installs it)")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class PgServer:
    """A running server: ``database()`` makes a fresh database and gives its URL."""

    bindir: Path
    folder: Path
    port: int = 0
    settings: str = TEST_SETTINGS  # server options (``postgres -c``) besides the address
    prefix: list[str] = field(default_factory=list)  # runs a command as the server's user
    _names: Iterator[int] = field(default_factory=itertools.count)

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*self.prefix, *args], capture_output=True, text=True, timeout=120, check=False
        )

    def url(self, database: str) -> str:
        return f"postgresql://newsprism@127.0.0.1:{self.port}/{database}"

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(sql)  # type: ignore[arg-type]

    def database(self) -> str:
        """A new empty database; its URL."""
        name = f"test_{os.getpid()}_{next(self._names)}"
        self._admin(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def copy(self, url: str) -> str:
        """A new database holding what the database at ``url`` holds; its URL."""
        from newsprism.store.postgres import close_pools

        close_pools(url)  # a template database must have no connections
        name = f"test_{os.getpid()}_{next(self._names)}"
        self._admin(f'CREATE DATABASE "{name}" TEMPLATE "{url.rsplit("/", 1)[1]}"')
        return self.url(name)

    def drop(self, url: str) -> None:
        """Drop a database made by ``database`` (the store's pooled connections first)."""
        from newsprism.store.postgres import close_pools

        close_pools(url)
        name = url.rsplit("/", 1)[1]
        self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def start(self) -> None:
        data = self.folder / "data"
        init = self.run(
            str(self.bindir / "initdb"), "-D", str(data), "-U", "newsprism", "-A", "trust",
            "-E", "UTF8", "--locale=C", "--no-sync",
        )  # fmt: skip
        if init.returncode != 0:
            raise PgUnavailable(f"initdb failed: {init.stderr.strip() or init.stdout.strip()}")
        last = ""
        for _ in range(3):  # a free port can be taken by another process before we bind it
            self.port = free_port()
            options = (
                f"-c listen_addresses=127.0.0.1 -p {self.port} "
                f"-c unix_socket_directories={self.folder} -c max_connections=200 " + self.settings
            )
            started = self.run(
                str(self.bindir / "pg_ctl"), "-D", str(data), "-l", str(self.folder / "log"),
                "-w", "-t", "60", "-o", options, "start",
            )  # fmt: skip
            if started.returncode == 0:
                return
            log = self.folder / "log"
            last = log.read_text(errors="replace")[-500:] if log.exists() else started.stderr
        raise PgUnavailable(f"pg_ctl start failed: {last.strip()}")

    def stop(self) -> None:
        from newsprism.store.postgres import close_pools

        close_pools()
        self.run(str(self.bindir / "pg_ctl"), "-D", str(self.folder / "data"), "-m", "fast", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)


def start_server(settings: str = TEST_SETTINGS) -> PgServer:
    """Start a server in a new temporary folder (raises ``PgUnavailable``)."""
    bindir = _bindir()
    folder = Path(tempfile.mkdtemp(prefix="newsprism-pg-"))
    server = PgServer(bindir, folder, settings=settings)
    if os.geteuid() == 0:  # initdb refuses root: run the server as the postgres user
        try:
            user = pwd.getpwnam("postgres")
        except KeyError:
            shutil.rmtree(folder, ignore_errors=True)
            raise PgUnavailable("running as root and there is no postgres user") from None
        os.chown(folder, user.pw_uid, user.pw_gid)
        server.prefix = ["runuser", "-u", "postgres", "--"]
    try:
        server.start()
    except (PgUnavailable, OSError, subprocess.SubprocessError) as err:
        shutil.rmtree(folder, ignore_errors=True)
        raise PgUnavailable(str(err)) from err
    return server


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """The session's PostgreSQL server (the test skips, saying why, where none can start)."""
    try:
        server = start_server()
    except PgUnavailable as err:
        pytest.skip(f"PostgreSQL tests skipped: no server could be started ({err})")
    try:
        yield server
    finally:
        server.stop()


@contextmanager
def backend_db(request: pytest.FixtureRequest, backend: str, sqlite_path: Path) -> Iterator[str]:
    """A --db for ``backend``: the SQLite file ``sqlite_path``, or a fresh PostgreSQL
    database (dropped afterwards)."""
    if backend == "sqlite":
        yield str(sqlite_path)
        return
    server: PgServer = request.getfixturevalue("pg_server")
    url = server.database()
    try:
        yield url
    finally:
        server.drop(url)


@pytest.fixture(params=BACKENDS)
def store_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A --db for each backend in turn: a SQLite file, then a fresh PostgreSQL database."""
    with backend_db(request, request.param, tmp_path / "news.db") as db:
        yield db
