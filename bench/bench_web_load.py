"""Load test: concurrent readers of the web app while ``ingest`` writes to the same store
(issues 6 and 7).

    .venv/bin/python bench/bench_web_load.py --store PATH [--clients 50] [--seconds 60]

Works on a copy of the store at ``--store`` (``--in-place``: on the store itself; built as
``bench_web.py`` builds it when the path does not exist yet, ``--articles`` sets its size, the
data folder defaults to ../shared/data next to the repository, ``--data``). Starts
``newsprism serve`` on 127.0.0.1 and, at the same time, ``newsprism ingest`` on JSONL dumps
of new articles (the dev corpora edited once more and dated after the store's newest
article), one dump of ``--chunk`` articles after another until the time is up (the last one
runs to its end). ``--clients`` asyncio clients (httpx) each send requests one after
another for ``--seconds`` seconds, a seeded mix of the story list (HTML and JSON, later
pages), searches, filters, story pages (HTML and JSON, of the compared stories), the outlet
list and outlet pages.

Prints one JSON object: requests, throughput (requests/s), p50/p99/max latency overall and
per kind, errors (HTTP status >= 400, timeouts, connection errors; each kind counted, the
first few shown), failed content checks (a list page that does not parse, the demo story page
without its shared fact), what the ingest runs stored, and the server's error output.
Zero errors is the bar.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

import bench_ingest  # noqa: E402
import bench_web  # noqa: E402

# What the demo story page must show: the fact both seed articles report.
DEMO_FACT = "President Vladimir Putin met with United Nations Secretary-General Antonio Guterres"
SEARCH_WORDS = ("said", "police", "election", "earthquake", "Kazan", "president", "fire court")
REQUEST_TIMEOUT = 60.0  # seconds; a request that takes longer counts as an error


# --- what the clients ask for -------------------------------------------------------------------


@dataclass(frozen=True)
class Targets:
    """What the store holds that the requests name."""

    demo_story: str
    stories: list[str]  # compared stories (the demo story included)
    outlets: list[str]  # outlet keys, most articles first
    countries: list[str]


def read_targets(db: Path, outlets: int = 10) -> Targets:
    """The demo story, the compared stories, the biggest outlets and their countries."""
    from newsprism.store.sqlite import Store
    from newsprism.web.outlets import OutletDirectory

    with Store(db) as store:
        demo = store.story_of(bench_web.DEMO_ARTICLE) or ""
        compared = [str(r[0]) for r in store.conn.execute("SELECT id FROM comparisons ORDER BY id")]
        rows = store.conn.execute(
            "SELECT outlet_id, COUNT(*) AS n FROM articles WHERE outlet_id != '' "
            "GROUP BY outlet_id ORDER BY n DESC, outlet_id LIMIT ?",
            (outlets,),
        ).fetchall()
        directory = OutletDirectory.of(store)
    keys = [str(r[0]) for r in rows]
    countries = sorted({o.country for k in keys if (o := directory.get(k)) and o.country})
    return Targets(demo, [s for s in compared if s], keys, countries or ["US"])


def request_mix(targets: Targets) -> list[tuple[str, float, Callable[[random.Random], str]]]:
    """(kind, weight, path maker) of each kind of request."""
    t = targets

    def pick(items: list[str]) -> Callable[[random.Random], str]:
        return lambda rng: quote(rng.choice(items), safe="")

    story = pick(t.stories)
    outlet = pick(t.outlets or [""])
    mix: list[tuple[str, float, Callable[[random.Random], str]]] = [
        ("list", 16, lambda rng: "/"),
        ("list api", 8, lambda rng: "/api/stories"),
        ("list page", 5, lambda rng: f"/?page={rng.randint(2, 60)}"),
        ("search", 12, lambda rng: "/?q=" + quote(rng.choice(SEARCH_WORDS))),
        ("filter outlet", 4, lambda rng: f"/?outlet={outlet(rng)}"),
        ("filter country", 3, lambda rng: f"/?country={rng.choice(t.countries)}"),
        ("filter ownership", 3, lambda rng: f"/?ownership={rng.choice(['state', 'public'])}"),
        ("filter period", 3, lambda rng: f"/?since=20{rng.randint(15, 23)}-06-01"),
        ("story demo", 6, lambda rng: f"/stories/{quote(t.demo_story, safe='')}"),
        ("story", 12, lambda rng: f"/stories/{story(rng)}"),
        ("story api", 8, lambda rng: f"/api/stories/{story(rng)}"),
        ("outlets", 4, lambda rng: "/outlets"),
        ("outlet", 8, lambda rng: f"/outlets/{outlet(rng)}"),
        ("outlet api", 4, lambda rng: f"/api/outlets/{outlet(rng)}"),
        ("article api", 3, lambda rng: f"/api/articles/{bench_web.DEMO_ARTICLE}"),
    ]
    if not t.outlets:
        mix = [m for m in mix if m[0] not in ("filter outlet", "outlet", "outlet api")]
    return mix


# --- the clients ------------------------------------------------------------------------------


@dataclass
class Outcome:
    """What the clients saw."""

    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: Counter[str] = field(default_factory=Counter)
    error_examples: list[str] = field(default_factory=list)
    bad_content: Counter[str] = field(default_factory=Counter)
    statuses: Counter[int] = field(default_factory=Counter)
    requests: int = 0
    seconds: float = 0.0

    def error(self, kind: str, what: str) -> None:
        self.errors[kind] += 1
        if len(self.error_examples) < 10:
            self.error_examples.append(what)


def content_problem(kind: str, response_text: str, status: int) -> str:
    """Why a successful response's body is wrong ("" when it is fine)."""
    if kind == "list api":
        try:
            data = json.loads(response_text)
        except ValueError:
            return "story list JSON does not parse"
        if not isinstance(data.get("stories"), list) or not data["stories"]:
            return "story list JSON has no stories"
    elif kind == "story demo" and status == 200 and DEMO_FACT not in response_text:
        return "demo story page without its shared fact"
    elif (
        status == 200
        and not kind.endswith(" api")
        and not response_text.rstrip().endswith("</html>")
    ):
        return f"{kind}: page not complete"
    return ""


async def client_loop(
    base: str,
    number: int,
    seed: int,
    mix: list[tuple[str, float, Callable[[random.Random], str]]],
    deadline: float,
    outcome: Outcome,
) -> None:
    import httpx

    rng = random.Random(seed * 1000 + number)
    kinds = [k for k, _, _ in mix]
    weights = [w for _, w, _ in mix]
    makers = {k: m for k, _, m in mix}
    first = kinds[number % len(kinds)]  # clients >= kinds: every kind is asked at least once
    async with httpx.AsyncClient(base_url=base, timeout=REQUEST_TIMEOUT) as client:
        while time.monotonic() < deadline:
            kind, first = first or rng.choices(kinds, weights)[0], ""
            path = makers[kind](rng)
            started = time.perf_counter()
            try:
                response = await client.get(path)
                body = response.text
            except httpx.TimeoutException as exc:
                outcome.error("timeout", f"{path}: {type(exc).__name__}")
                continue
            except httpx.HTTPError as exc:
                outcome.error("connection", f"{path}: {type(exc).__name__}: {exc}")
                continue
            seconds = time.perf_counter() - started
            outcome.requests += 1
            outcome.statuses[response.status_code] += 1
            outcome.latencies.setdefault(kind, []).append(seconds)
            if response.status_code >= 400:
                outcome.error(f"http {response.status_code}", f"{path}: {body[:300]}")
                continue
            problem = content_problem(kind, body, response.status_code)
            if problem:
                outcome.bad_content[problem] += 1
                if len(outcome.error_examples) < 10:
                    outcome.error_examples.append(f"{path}: {problem}")


async def run_clients(
    base: str, targets: Targets, clients: int, seconds: float, seed: int = 7
) -> Outcome:
    """``clients`` clients sending the request mix for ``seconds``."""
    outcome = Outcome()
    mix = request_mix(targets)
    started = time.monotonic()
    deadline = started + seconds
    await asyncio.gather(
        *(client_loop(base, k, seed, mix, deadline, outcome) for k in range(clients))
    )
    outcome.seconds = time.monotonic() - started
    return outcome


# --- the writer ---------------------------------------------------------------------------------


def new_articles(db: Path, data: Path, count: int) -> list[dict[str, object]]:
    """``count`` JSONL records of articles the store does not hold: dev-corpus articles
    edited once more (replicas from 1000 on) with a closing line of their own (the edits
    alone repeat earlier replicas' texts), dated after the store's newest article, each with
    its own URL, outlets as ``bench_web`` gives them."""
    from newsprism.ingest.ids import article_id
    from newsprism.model import Article

    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        newest = conn.execute("SELECT MAX(published) FROM articles").fetchone()[0]
    start = datetime.fromisoformat(newest) if newest else datetime(2025, 1, 1, tzinfo=UTC)
    corpus = bench_ingest.load_corpus(data)
    rng = random.Random(3)
    out: list[Article] = []
    for k in range(count):
        source = corpus[rng.randrange(len(corpus))]
        when = start + timedelta(days=(k + 1) / bench_ingest.PER_DAY)
        article = bench_ingest.edited(source, 1000 + k, when)
        text = f"{article.text} (Update {k + 1}: this report was revised on {when:%d %B %Y}.)"
        out.append(replace(article, text=text, id=article_id(text)))
    return [
        {
            "text": a.text,
            "title": a.title,
            "outlet": a.outlet,
            "published": a.published.isoformat() if a.published else None,
            "url": f"https://example.org/load/{k}",
        }
        for k, a in enumerate(bench_web.with_outlets(out))
    ]


def write_dump(records: list[dict[str, object]], path: Path) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def start_ingest(dump: Path, db: Path) -> subprocess.Popen[str]:
    """``newsprism ingest DUMP --db DB --json`` in a child process."""
    command, env = bench_web.newsprism(
        "ingest", str(dump), "--db", str(db), "--no-progress", "--json"
    )
    return subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )


@dataclass
class IngestRuns:
    """The ingest runs of one load test."""

    summaries: list[dict[str, object]] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def add(self, process: subprocess.Popen[str]) -> None:
        out, err = process.communicate()
        if process.returncode != 0:
            self.failures.append(f"exit {process.returncode}: {err[-1000:]}")
            return
        try:
            self.summaries.append(json.loads(out))
        except ValueError:
            self.failures.append(f"summary does not parse: {out[-500:]}")

    def total(self, key: str) -> int:
        return sum(int(s.get(key, 0)) for s in self.summaries)  # type: ignore[call-overload]


async def ingest_until(
    dumps: list[Path], db: Path, deadline: float, runs: IngestRuns, *, all_dumps: bool = False
) -> None:
    """Ingest the dumps one after another until ``deadline`` (every dump with ``all_dumps``);
    a run under way at the deadline runs to its end."""
    for dump in dumps:
        if not all_dumps and time.monotonic() >= deadline:
            break
        process = start_ingest(dump, db)
        while process.poll() is None:
            await asyncio.sleep(0.2)
        runs.add(process)


# --- the run ------------------------------------------------------------------------------------


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


@dataclass
class LoadResult:
    outcome: Outcome
    ingest: IngestRuns
    server_errors: list[str]
    articles_before: int
    articles_after: int


def load_test(
    db: Path,
    dumps: list[Path],
    clients: int,
    seconds: float,
    work: Path,
    *,
    all_dumps: bool = False,
) -> LoadResult:
    """Serve ``db``, run the clients for ``seconds`` while ingesting ``dumps`` into it."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        before = int(conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0])
    targets = read_targets(db)
    log = work / "serve.log"
    runs = IngestRuns()
    with bench_web.serving(db, bench_web.free_port(), log) as (base, _pid):

        async def both() -> Outcome:
            deadline = time.monotonic() + seconds
            writer = asyncio.create_task(
                ingest_until(dumps, db, deadline, runs, all_dumps=all_dumps)
            )
            outcome = await run_clients(base, targets, clients, seconds)
            await writer
            return outcome

        outcome = asyncio.run(both())
    lines = log.read_text(encoding="utf-8").splitlines()[1:]  # after "serving ..."
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        after = int(conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0])
    return LoadResult(outcome, runs, lines, before, after)


def report(result: LoadResult, clients: int, seconds: float) -> dict[str, object]:
    outcome = result.outcome
    every = [s for values in outcome.latencies.values() for s in values]
    per_kind = {
        kind: {
            "requests": len(values),
            "p50_ms": _ms(statistics.median(values)),
            "p99_ms": _ms(percentile(values, 0.99)),
            "max_ms": _ms(max(values)),
        }
        for kind, values in sorted(outcome.latencies.items())
    }
    return {
        "clients": clients,
        "seconds": round(outcome.seconds, 1),
        "requests": outcome.requests,
        "requests_per_s": round(outcome.requests / outcome.seconds, 1) if outcome.seconds else 0,
        "p50_ms": _ms(statistics.median(every)) if every else None,
        "p99_ms": _ms(percentile(every, 0.99)) if every else None,
        "max_ms": _ms(max(every)) if every else None,
        "errors": sum(outcome.errors.values()),
        "errors_by_kind": dict(outcome.errors),
        "bad_content": dict(outcome.bad_content),
        "error_examples": outcome.error_examples,
        "statuses": {str(k): v for k, v in sorted(outcome.statuses.items())},
        "per_kind": per_kind,
        "ingest_runs": len(result.ingest.summaries),
        "ingest_failures": result.ingest.failures,
        "ingest_new": result.ingest.total("new"),
        "ingest_near_copies": result.ingest.total("near_copies"),
        "ingest_duplicates": result.ingest.total("duplicates"),
        "articles_before": result.articles_before,
        "articles_after": result.articles_after,
        "server_error_lines": result.server_errors[-40:],
    }


def copy_store(source: Path, target: Path) -> None:
    """A consistent copy of the store (SQLite's backup API)."""
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    with sqlite3.connect(target) as conn:
        conn.execute("PRAGMA journal_mode = WAL")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, required=True, help="the store (built if absent)")
    parser.add_argument("--articles", type=int, default=100000, help="size when building it")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--chunk", type=int, default=500, help="articles of one ingest run")
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--in-place", action="store_true", help="write into --store itself")
    args = parser.parse_args(argv)
    result: dict[str, object] = {"load_average_before": bench_ingest.loadavg()}
    if not args.store.exists():
        result["build"] = bench_web.build_store(args.store, args.data, args.articles)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        db = args.store
        if not args.in_place:
            db = work / "load.db"
            copy_store(args.store, db)
        # Enough new articles for ingest to keep writing the whole time (about 100/s at most).
        count = max(args.chunk, int(args.seconds * 100))
        records = new_articles(db, args.data, count)
        dumps = [
            write_dump(records[k : k + args.chunk], work / f"new{k // args.chunk}.jsonl")
            for k in range(0, len(records), args.chunk)
        ]
        outcome = load_test(db, dumps, args.clients, args.seconds, work)
        result.update(report(outcome, args.clients, args.seconds))
    result["load_average_after"] = bench_ingest.loadavg()
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
