"""Benchmark: web app page times on a store of 100k articles (issue 6).

    .venv/bin/python bench/bench_web.py [--store PATH] [--articles 100000] [--repeat 20]

Builds the store (or reuses ``--store`` when that file exists; ``--build-only`` stops there;
the data folder defaults to ../shared/data next to the repository, ``--data``): the dev corpora
replicated as ``bench_ingest.py filing`` does (varied dates, light edits) and filed into
stories (clustering only), the corpora's outlets named by the shipped registry (the anonymous
ones, NeuS's left/center/right and the replicas' "Outlet k", mostly given a registry outlet
drawn with Zipf weights, so that outlet, country and ownership filters and the outlet pages
have real work; one in ten keeps its unregistered name); then the two ``examples/`` articles
are ingested and their story compared, and a few dozen multi-outlet stories are compared as
``newsprism compare --story ID`` does, so story and outlet pages have findings.

Then it starts ``newsprism serve`` on 127.0.0.1 and times each page from a client on the same
machine (request sent to response read: the server's time plus loopback): the first request
after the server started (cold), then after two warm-up requests ``--repeat`` more (median,
p95, max, and the server process's CPU time per request over them, which the load of a shared
machine stretches far less than wall times). Prints one JSON object. Goal: the story list and
the story page under 200 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stdout
from dataclasses import replace
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

import bench_ingest  # noqa: E402

from newsprism.model import Article  # noqa: E402

EXAMPLES = ROOT / "examples"
DEMO_ARTICLE = "52f02e59a2a7d2ab"  # the RFE/RL seed: its story is the demo story
UNREGISTERED_SHARE = 0.1  # of the anonymous outlets' articles, this share keeps its name
COMPARE_NEWEST = 20  # multi-outlet stories compared among the newest
COMPARE_SPREAD = 20  # and spread over the rest of the store
BIG_STORY_CAPS = (40, 20)  # big stories compared: the largest of at most so many articles


# --- building the store ----------------------------------------------------------------------


def _zipf_pool(seed: int = 11) -> tuple[list[str], list[float]]:
    """Registry outlet ids in a seeded order with Zipf weights 1/rank."""
    from newsprism.ingest.outlets import cached_registry

    ids = sorted(o.id for o in cached_registry("").outlets)
    random.Random(seed).shuffle(ids)
    return ids, [1.0 / (rank + 1) for rank in range(len(ids))]


def with_outlets(articles: list[Article]) -> list[Article]:
    """The articles with registry outlets: a name the registry knows gets its id; an
    anonymous outlet gets a Zipf-drawn registry outlet (seeded by the article id), except
    ``UNREGISTERED_SHARE`` of them, which keep their name without an id."""
    from newsprism.ingest.outlets import cached_registry

    registry = cached_registry("")
    ids, weights = _zipf_pool()
    cumulative: list[float] = []
    total = 0.0
    for weight in weights:
        total += weight
        cumulative.append(total)
    out = []
    for article in articles:
        known = registry.match(article.outlet) if article.outlet else None
        if known is None:
            rng = random.Random(zlib.crc32(article.id.encode()))
            if rng.random() >= UNREGISTERED_SHARE:
                draw = rng.random() * total
                index = next(k for k, c in enumerate(cumulative) if c >= draw)
                known = registry.get(ids[index])
        if known is not None:
            article = replace(article, outlet=known.name, outlet_id=known.id)
        out.append(article)
    return out


def build_store(path: Path, data: Path, count: int, batch: int = 1000) -> dict[str, object]:
    """File ``count`` replicated dev-corpus articles into a new store at ``path``, ingest the
    examples and compare the demo story and a few dozen multi-outlet stories."""
    from newsprism.cli.ingest import main as ingest_main
    from newsprism.settings import DEFAULT
    from newsprism.store.sqlite import Store
    from newsprism.stories.persist import StoryFiler

    started = time.perf_counter()
    corpus = bench_ingest.load_corpus(data)
    stream = with_outlets(bench_ingest.replicated(corpus, count))
    with Store(path) as store:
        filer = StoryFiler(store, DEFAULT.stories)
        with filer.batch(batch):
            for k, article in enumerate(stream, 1):
                filer.file(article, store=True)
                if k % 10000 == 0:
                    print(f"filed {k} articles", file=sys.stderr, flush=True)
    filed_s = time.perf_counter() - started
    with redirect_stdout(sys.stderr):  # its summary is not this script's output
        code = ingest_main([str(EXAMPLES), "--db", str(path), "--no-progress"])
    if code != 0:
        raise SystemExit(f"ingesting {EXAMPLES} failed ({code})")
    started = time.perf_counter()
    chosen = stories_to_compare(path)
    for story in chosen:
        compare_story(path, story)
    return {
        "filed_articles": len(stream),
        "filing_s": round(filed_s, 1),
        "compared_stories": len(chosen),
        "compare_s": round(time.perf_counter() - started, 1),
    }


def stories_to_compare(path: Path) -> list[str]:
    """The demo story, for each of ``BIG_STORY_CAPS`` the largest story of at most so many
    articles, and stories of 3 to 10 articles by at least 3 outlets: the newest
    ``COMPARE_NEWEST`` and ``COMPARE_SPREAD`` spread evenly over the rest, newest first."""
    from newsprism.store.sqlite import Store

    with Store(path) as store:
        demo = store.story_of(DEMO_ARTICLE)
        rows = store.conn.execute(
            "SELECT s.id, COUNT(*) AS n, COUNT(DISTINCT a.outlet_id || '|' || a.outlet) AS o "
            "FROM stories s JOIN story_articles m ON m.story = s.id "
            "JOIN articles a ON a.id = m.article "
            "WHERE s.status != 'merged' AND m.copy_of = '' GROUP BY s.id "
            'ORDER BY COALESCE(s."end", s.updated) DESC, s.last_joined DESC, s.id'
        ).fetchall()
    multi = [r[0] for r in rows if 3 <= r[1] <= 10 and r[2] >= 3 and r[0] != demo]
    rest = multi[COMPARE_NEWEST:]
    step = max(1, len(rest) // COMPARE_SPREAD)
    chosen = multi[:COMPARE_NEWEST] + rest[::step][:COMPARE_SPREAD]
    big = [
        max((r for r in rows if r[1] <= cap and r[0] != demo), key=lambda r: (r[1], r[0]))[0]
        for cap in BIG_STORY_CAPS
    ]
    return list(dict.fromkeys(s for s in [demo, *big, *chosen] if s))


def compare_story(path: Path, story: str) -> None:
    """``newsprism compare --story STORY --db PATH`` in this process (models load once)."""
    from newsprism.cli import main as cli_main

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "comparison.json"
        code = cli_main(
            ["compare", "--story", story, "--db", str(path), "--format", "json", "-o", str(out)]
            + ["--quiet"]
        )
    if code != 0:
        raise SystemExit(f"comparing story {story} failed ({code})")


# --- the pages ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def newsprism(*args: str) -> tuple[list[str], dict[str, str]]:
    """The command line and environment of ``newsprism ARGS`` running this checkout's code
    (``src`` first on the path), for a child process."""
    src = str(ROOT / "src")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")])}
    return [sys.executable, "-m", "newsprism.cli", *args], env


@contextmanager
def serving(db: Path, port: int, log: Path) -> Iterator[tuple[str, int]]:
    """``newsprism serve --db DB --port PORT`` in a child process (its output to ``log``);
    yields its base URL and process id once it answers, and stops it (SIGTERM) afterwards."""
    import httpx

    command, env = newsprism("serve", "--db", str(db), "--port", str(port))
    with log.open("w", encoding="utf-8") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            if process.poll() is not None:
                raise RuntimeError(f"newsprism serve exited: {log.read_text()[-2000:]}")
            try:
                httpx.get(base + "/static/app.css", timeout=1.0)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            raise RuntimeError("newsprism serve did not answer within 60 s")
        yield base, process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def store_facts(db: Path) -> dict[str, object]:
    """What the pages are measured on: the demo story, the biggest compared story, the
    biggest outlet, the search words and how many articles each matches."""
    from newsprism.store.sqlite import Store

    with Store(db) as store:
        demo = store.story_of(DEMO_ARTICLE)
        sizes = store.conn.execute(
            "SELECT c.id, COUNT(*) AS n FROM comparisons c "
            "JOIN comparison_articles ca ON ca.comparison = c.id "
            "GROUP BY c.id ORDER BY n DESC, c.id"
        ).fetchall()
        big = sizes[0]
        mid = next((r for r in sizes if r[1] <= min(BIG_STORY_CAPS)), big)
        typical = sizes[len(sizes) // 2]
        outlet = store.conn.execute(
            "SELECT outlet_id, COUNT(*) AS n FROM articles WHERE outlet_id != '' "
            "GROUP BY outlet_id ORDER BY n DESC, outlet_id LIMIT 1"
        ).fetchone()
        words = {"common": "said", "mid": "earthquake", "rare": "Guterres"}
        matches = {k: store.count_matches(w) for k, w in words.items()}
        return {
            "articles": store.count_articles(),
            "stories": store.conn.execute(
                "SELECT COUNT(*) FROM stories WHERE status != 'merged'"
            ).fetchone()[0],
            "comparisons": store.conn.execute("SELECT COUNT(*) FROM comparisons").fetchone()[0],
            "db_mib": round(db.stat().st_size / 2**20, 1),
            "demo_story": demo,
            "big_story": big[0],
            "big_story_articles": big[1],
            "mid_story": mid[0],
            "mid_story_articles": mid[1],
            "typical_story": typical[0],
            "typical_story_articles": typical[1],
            "big_outlet": outlet[0],
            "big_outlet_articles": outlet[1],
            "words": words,
            "word_matches": matches,
        }


def pages(facts: dict[str, object]) -> dict[str, str]:
    """The measured pages by name."""
    words = facts["words"]
    assert isinstance(words, dict)
    demo = quote(str(facts["demo_story"]), safe="")
    big = quote(str(facts["big_story"]), safe="")
    mid = quote(str(facts["mid_story"]), safe="")
    typical = quote(str(facts["typical_story"]), safe="")
    outlet = quote(str(facts["big_outlet"]), safe="")
    return {
        "list /": "/",
        "list /api/stories": "/api/stories",
        "search common": f"/?q={words['common']}",
        "search mid": f"/?q={words['mid']}",
        "search rare": f"/?q={words['rare']}",
        "search two words": f"/?q={words['mid']}+{words['common']}",
        "filter outlet": f"/?outlet={outlet}",
        "filter country RU": "/?country=RU",
        "filter ownership state": "/?ownership=state",
        "filter date range": "/?since=2019-03-01&until=2019-03-31",
        "filter all": f"/?q={words['common']}&country=US&since=2018-01-01&until=2020-12-31",
        "page 2": "/?page=2",
        "deep page 1000": "/?page=1000",
        "story demo": f"/stories/{demo}",
        "story typical": f"/stories/{typical}",
        "story mid": f"/stories/{mid}",
        "story big": f"/stories/{big}",
        "api story demo": f"/api/stories/{demo}",
        "api story big": f"/api/stories/{big}",
        "outlets": "/outlets",
        "outlet big": f"/outlets/{outlet}",
        "api outlet big": f"/api/outlets/{outlet}",
        "outlet big 2019": f"/outlets/{outlet}?since=2019-01-01&until=2019-12-31",
    }


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def cpu_seconds(pid: int) -> float:
    """CPU time (user and system, every thread) the process ``pid`` has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(
    base: str, pid: int, paths: dict[str, str], repeat: int
) -> dict[str, dict[str, object]]:
    """Per page: the cold first request, then ``repeat`` after two warm-ups; with the
    server's CPU time per request over those (load on the machine stretches wall times, not
    CPU times)."""
    import httpx

    out: dict[str, dict[str, object]] = {}
    with httpx.Client(base_url=base, timeout=120.0) as client:

        def timed(path: str) -> tuple[float, int, int]:
            started = time.perf_counter()
            response = client.get(path)
            seconds = time.perf_counter() - started
            return seconds, response.status_code, len(response.content)

        for name, path in paths.items():  # every page's first request, in order
            seconds, status, size = timed(path)
            out[name] = {"path": path, "status": status, "bytes": size, "cold_ms": _ms(seconds)}
        for name, path in paths.items():
            for _ in range(2):
                timed(path)
            times = []
            cpu = cpu_seconds(pid)
            for _ in range(repeat):
                seconds, status, _size = timed(path)
                if status != out[name]["status"]:
                    raise RuntimeError(f"{path}: status {status}, first {out[name]['status']}")
                times.append(seconds)
            cpu = cpu_seconds(pid) - cpu
            times.sort()
            out[name].update(
                server_cpu_ms=_ms(cpu / repeat),
                median_ms=_ms(statistics.median(times)),
                p95_ms=_ms(times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]),
                max_ms=_ms(times[-1]),
            )
            print(json.dumps({name: out[name]}), file=sys.stderr, flush=True)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, default=None, help="build here, or reuse it")
    parser.add_argument("--articles", type=int, default=100000, help="articles to file")
    parser.add_argument("--repeat", type=int, default=20, help="timed requests a page")
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--build-only", action="store_true", help="build the store and stop")
    args = parser.parse_args(argv)
    result: dict[str, object] = {"load_average_before": bench_ingest.loadavg()}
    with tempfile.TemporaryDirectory() as tmp:
        db = args.store or Path(tmp) / "web.db"
        if not db.exists():
            result["build"] = build_store(db, args.data, args.articles)
        if args.build_only:
            print(json.dumps(result, indent=2))
            return 0
        facts = store_facts(db)
        result["store"] = facts
        log = Path(tmp) / "serve.log"
        try:
            with serving(db, free_port(), log) as (base, pid):
                result["pages"] = measure(base, pid, pages(facts), args.repeat)
        finally:
            errors = log.read_text(encoding="utf-8").splitlines()[1:]
            if errors:
                print("the server said:\n" + "\n".join(errors[-60:]), file=sys.stderr)
    result["load_average_after"] = bench_ingest.loadavg()
    result["cpus"] = os.cpu_count()
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
