"""``newsprism ingest`` and ``newsprism watch``: parse the flags, run the ingest service
(``services/ingest.py``: either engine, filing what it stores under stories) on the store,
print the summary.

Exit statuses: 0 done (failures are listed), 1 nothing could be read, 2 the store cannot be
opened, 3 another connection held the store's write lock past ``lock_wait_seconds``, 130
interrupted (what was stored stays stored).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict

from rich.console import Console
from rich.progress import Progress, ProgressColumn, SpinnerColumn, Task, TextColumn
from rich.text import Text

from newsprism.cli.common import Subparsers, add_db_argument, settings_of
from newsprism.engines.common import stop_on_signals
from newsprism.services.ingest import IngestOutcome, IngestRequest, ingest
from newsprism.settings import DEFAULT, Settings
from newsprism.store.base import Backend
from newsprism.store.errors import StoreError, StoreLocked
from newsprism.store.open import open_store


def register(sub: Subparsers) -> None:
    """``newsprism ingest`` and ``newsprism watch``."""
    ing = sub.add_parser(
        "ingest",
        help="store articles from files, URLs, feeds, WARC and JSONL",
        description="Store every article once (idempotent), linking syndicated near-copies.",
    )
    add_arguments(ing)
    ing.set_defaults(func=run)
    watch = sub.add_parser(
        "watch",
        help="ingest feeds repeatedly until stopped",
        description="Ingest the feeds every interval until stopped; safe to kill at any moment.",
    )
    add_watch_arguments(watch)
    watch.set_defaults(func=run_watch)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments of ``newsprism ingest``."""
    parser.add_argument(
        "sources",
        nargs="+",
        metavar="SOURCE",
        help="files, folders, .jsonl, .warc(.gz), '-' (stdin), or http(s) URLs of pages or feeds",
    )
    _common(parser)
    parser.add_argument(
        "--follow-symlinks",
        action="store_true",
        help="read files in a folder that are symbolic links to files outside it "
        "(skipped by default)",
    )
    parser.add_argument(
        "--engine",
        choices=("single", "ray"),
        default="single",
        help="single: one process (default); ray: read, clean and cluster on Ray workers",
    )
    parser.add_argument(
        "--address", default=None, help="with --engine ray: a running Ray cluster's address"
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="with --engine ray: worker processes of the local Ray (default: CPU count)",
    )
    parser.add_argument(
        "--store-batch",
        type=int,
        default=None,
        help="with --engine ray: articles stored per write transaction (default: 128)",
    )


def _common(parser: argparse.ArgumentParser) -> None:
    add_db_argument(parser)
    parser.add_argument(
        "--allow-private",
        action="store_true",
        help="allow fetching loopback and private-network addresses (refused by default)",
    )
    parser.add_argument(
        "--rate",
        type=float,
        default=None,
        metavar="SECONDS",
        help=f"least seconds between two requests to one host (default "
        f"{DEFAULT.ingest.fetch_rate:g})",
    )
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.add_argument(
        "--no-stories",
        action="store_true",
        help="store articles without filing them under stories (a later ingest files them)",
    )


def add_watch_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments of ``newsprism watch``."""
    parser.add_argument("feeds", nargs="+", metavar="FEED", help="RSS or Atom feed URLs")
    parser.add_argument(
        "--every", default="15m", type=parse_interval, help="time between rounds (30s, 15m, 1h)"
    )
    parser.add_argument(
        "--rounds", type=int, default=0, help="stop after this many rounds (default: never)"
    )
    _common(parser)


def parse_interval(text: str) -> float:
    """Seconds in "90", "30s", "15m", "1h" or "1h30m"."""
    text = text.strip().lower()
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return float(text)
    parts = re.findall(r"(\d+(?:\.\d+)?)\s*([smhd])", text)
    if not parts or "".join(f"{n}{u}" for n, u in parts) != text.replace(" ", ""):
        raise argparse.ArgumentTypeError(f"not an interval: {text!r} (try 30s, 15m, 1h)")
    scale = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    seconds = sum(float(n) * scale[u] for n, u in parts)
    if seconds <= 0:
        raise argparse.ArgumentTypeError("the interval must be positive")
    return seconds


def _report(outcome: IngestOutcome, as_json: bool) -> int:
    """Print what a run did; its exit status (0 done, 1 nothing could be read, 130
    interrupted)."""
    summary = outcome.summary
    if as_json:
        data = summary.to_dict()
        if outcome.counts is not None:
            data["stories"] = asdict(outcome.counts)
        if outcome.ray:
            data["ray"] = outcome.ray
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        lines = summary.lines()
        if outcome.counts is not None:
            lines.insert(1, outcome.counts.line())
        print("\n".join(lines))
    if summary.interrupted:
        return 130
    nothing = summary.new + summary.duplicates + summary.near_copies == 0
    return 1 if nothing and summary.failed else 0


class _RateColumn(ProgressColumn):
    def render(self, task: Task) -> Text:
        return Text(f"{task.speed or 0.0:.1f} articles/s", style="progress.data.speed")


@contextlib.contextmanager
def _progress(enabled: bool) -> Iterator[Callable[[str], None]]:
    """A progress line on standard error (articles, rate, outcomes) fed by the run's
    ``on_progress``; nothing when not ``enabled``."""
    if not enabled:
        yield lambda outcome: None
        return
    console = Console(stderr=True)
    columns = (
        SpinnerColumn(),
        TextColumn("ingest"),
        TextColumn("{task.completed:.0f} articles"),
        _RateColumn(),
        TextColumn("{task.fields[detail]}"),
    )
    with Progress(*columns, console=console, transient=False) as bar:
        task = bar.add_task("ingest", total=None, detail="")
        counts: dict[str, int] = {}

        def advance(outcome: str) -> None:
            counts[outcome] = counts.get(outcome, 0) + 1
            detail = ", ".join(f"{v} {k}" for k, v in sorted(counts.items()))
            bar.update(task, advance=1, detail=detail)

        yield advance


def say_locked(err: StoreLocked) -> None:
    """The one line a run stopped by another writer's long lock ends with."""
    print(
        f"error: {err} (ingest lock_wait_seconds); ingest stopped: what it stored stays "
        "stored, run it again to store the rest",
        file=sys.stderr,
    )


def _open_store(path: str, lock_wait: float) -> Backend | None:
    """The store at ``path``, or None (with an error on stderr) when it cannot be opened;
    raises ``StoreLocked`` when another writer holds it past ``lock_wait_seconds``."""
    try:
        return open_store(path, lock_wait=lock_wait)
    except StoreLocked:
        raise
    except StoreError as err:
        print(f"error: {err}", file=sys.stderr)
        return None


def _request(args: argparse.Namespace) -> IngestRequest:
    """The ingest the flags ask for (``newsprism ingest``)."""
    ray = getattr(args, "engine", "single") == "ray"
    return IngestRequest(
        sources=tuple(args.sources),
        engine="ray" if ray else "single",
        stories=not getattr(args, "no_stories", False),
        follow_symlinks=args.follow_symlinks,
        allow_private=args.allow_private,
        rate=args.rate,
        workers=(args.workers or os.cpu_count() or 1) if ray else 1,
        address=args.address if ray else None,
        store_batch=getattr(args, "store_batch", None),
    )


def run(args: argparse.Namespace) -> int:
    """``newsprism ingest``: 0 when done (failures are listed), 1 when nothing could be read,
    2 when the store cannot be opened, 3 when another connection held the store's write lock
    past ``lock_wait_seconds`` (one line; what was stored stays stored), 130 when
    interrupted (what was stored stays stored)."""
    request = _request(args)
    settings = settings_of(args)
    if request.engine == "ray":
        return _run_ray(args, request, settings)
    try:
        store = _open_store(args.db, settings.ingest.lock_wait_seconds)
        if store is None:
            return 2
        show = not args.no_progress and sys.stderr.isatty()
        with stop_on_signals() as stop, store, _progress(show) as advance:
            outcome = ingest(store, request, settings, stop=stop, on_progress=advance)
    except StoreLocked as err:
        say_locked(err)
        return 3
    return _report(outcome, args.json)


def _run_ray(args: argparse.Namespace, request: IngestRequest, settings: Settings) -> int:
    """``newsprism ingest --engine ray``: exit codes as the single-process ``ingest``."""
    from newsprism.engines.ray import RayWorkerError

    if request.workers < 1:
        print("error: --workers must be at least 1", file=sys.stderr)
        return 2
    if request.store_batch is not None and request.store_batch < 1:
        print("error: --store-batch must be at least 1", file=sys.stderr)
        return 2
    try:
        store = open_store(args.db, lock_wait=settings.ingest.lock_wait_seconds)
    except StoreLocked as err:
        say_locked(err)
        return 3
    except StoreError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    # Ray prints what happens to its workers (a worker that died, ...) on standard output:
    # it goes to standard error, so the output stays the summary (JSON with --json).
    with stop_on_signals() as stop, store, contextlib.redirect_stdout(sys.stderr):
        try:
            outcome = ingest(store, request, settings, stop=stop)
        except ConnectionError as err:
            print(
                f"error: cannot reach Ray at {args.address}: {err} (a cluster with token "
                "authentication needs RAY_AUTH_MODE=token and its token in RAY_AUTH_TOKEN "
                "or ~/.ray/auth_token)",
                file=sys.stderr,
            )
            return 2
        except StoreLocked as err:
            say_locked(err)
            return 3
        except RayWorkerError as err:
            print(
                f"error: {err}; what was stored stays stored: run the same command again "
                "to continue",
                file=sys.stderr,
            )
            return 1
    return _report(outcome, args.json)


def run_watch(args: argparse.Namespace) -> int:
    """``newsprism watch``: ingest the feeds every ``--every`` until stopped (exit 0; 3 when
    another connection held the store's write lock past ``lock_wait_seconds``)."""
    try:
        return _watch(args)
    except StoreLocked as err:
        say_locked(err)
        return 3


def _watch(args: argparse.Namespace) -> int:
    rounds = 0
    settings = settings_of(args)
    store = _open_store(args.db, settings.ingest.lock_wait_seconds)
    if store is None:
        return 2
    request = IngestRequest(
        sources=tuple(args.feeds),
        stories=not getattr(args, "no_stories", False),
        allow_private=args.allow_private,
        rate=args.rate,
        feeds_only=True,
    )
    with stop_on_signals() as stop, store:
        while not stop.is_set():
            rounds += 1
            summary = ingest(store, request, settings, stop=stop).summary
            stamp = time.strftime("%Y-%m-%d %H:%M:%S")
            lines = summary.lines()
            print(f"[{stamp}] round {rounds}: {lines[0]}", *lines[1:], sep="\n", flush=True)
            if args.rounds and rounds >= args.rounds:
                break
            stop.wait(args.every)
    return 0


def main(argv: list[str] | None = None) -> int:
    """``newsprism ingest`` with its own parser (``main(["dump.jsonl", "--db", PATH])``)."""
    parser = argparse.ArgumentParser(
        prog="newsprism ingest",
        description="Store every article once (idempotent), linking syndicated near-copies.",
    )
    add_arguments(parser)
    return run(parser.parse_args(argv))
