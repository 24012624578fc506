"""Benchmark: the PostgreSQL store against the SQLite store (issue 8).

    .venv/bin/python bench/bench_store.py [--articles 1000] [--repeat 30] [--compare 4]
        [--pg-url postgresql://...]

1. Ingest: the same N dev-corpus articles (sampled with seed 7 from ECB+, BASIL and NeuS, as
   ``bench_ingest.py throughput`` does) from a JSONL dump into a fresh store of each kind:
   read, clean, dedup (MinHash LSH), store (one transaction per article) and file into
   stories (clustering only). A 30-article ingest into a throwaway store of each kind comes
   first, so lazy imports and the first connection are not timed. ``same_stories`` says
   whether both stores filed every article under the same story.
2. Reading: the largest stories of 2 to 6 articles (up to ``--compare`` of them) are compared
   once (``compare_articles``) and the same comparisons saved into both stores;
   then what the web app's pages ask of a store is timed on each: the story list
   (``web.views.stories.story_list``: ``browse_stories``, coverage, compared ids), the list
   with a word query and with an outlet filter, a story page
   (``web.views.stories.story_detail``, which reads the stored comparison), ``load_report``
   alone, and opening plus closing a store (each web request opens one). Two warm-up calls,
   then ``--repeat`` timed calls: median and p95 in milliseconds.

Without ``--pg-url`` it starts its own PostgreSQL server on 127.0.0.1 (``tests/pg_server.py``)
with ``synchronous_commit=off`` (a commit does not wait for the disk, as SQLite's WAL with
``synchronous=NORMAL``) and fsync on. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))

import bench_ingest  # noqa: E402

from newsprism.model import Article  # noqa: E402
from newsprism.report.stored import load_report  # noqa: E402

BENCH_SETTINGS = "-c synchronous_commit=off"  # durability comparable to SQLite WAL + NORMAL
WARM_ARTICLES = 30
MAX_COMPARED_ARTICLES = 6


def _dump(articles: list[Article], path: Path) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for article in articles:
            record = {"text": article.text, "title": article.title}
            if article.outlet:
                record["outlet"] = article.outlet
            if article.published:
                record["published"] = article.published.isoformat()
            handle.write(json.dumps(record) + "\n")
    return path


def ingest(db: str, dump: Path) -> dict[str, object]:
    """Ingest ``dump`` into the store ``db`` with story filing (clustering only)."""
    from newsprism.engines.local import ingest_sources
    from newsprism.settings import DEFAULT
    from newsprism.store import open_store
    from newsprism.stories.persist import StoryFiler

    with open_store(db) as store:
        filer = StoryFiler(store, DEFAULT.stories)
        started = time.perf_counter()
        summary = ingest_sources(
            [str(dump)],
            store,
            DEFAULT.ingest,
            on_article=filer.file,
            on_copy=filer.file_copy,
        )
        filer.close()
        seconds = time.perf_counter() - started
    stored = summary.new + summary.near_copies
    return {
        "seconds": round(seconds, 2),
        "articles_per_s": round(stored / seconds, 1),
        "stored": stored,
        "stories": filer.counts.new_stories,
    }


def compare_stories(db: str, count: int) -> list[tuple[str, object]]:
    """(story id, comparison) of the ``count`` largest stories of 2 to 6 articles (all of
    them compared, so the story page shows the comparison)."""
    from newsprism.pipeline import compare_articles
    from newsprism.services.stories import load_story_articles
    from newsprism.store import open_store

    with open_store(db) as store:
        stories = [
            s for s in store.list_stories(limit=None) if 2 <= s.articles <= MAX_COMPARED_ARTICLES
        ]
        stories.sort(key=lambda s: (-s.articles, s.id))
        out = []
        for story in stories[:count]:
            articles = load_story_articles(store, story.id)
            comparison = compare_articles(articles)
            comparison.story = story.id
            out.append((story.id, comparison))
    return out


def timed(call: Callable[[], object], repeat: int) -> dict[str, float]:
    for _ in range(2):
        call()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {
        "median_ms": round(statistics.median(times), 2),
        "p95_ms": round(times[min(len(times) - 1, round(0.95 * (len(times) - 1)))], 2),
    }


def reading(db: str, story: str, word: str, outlet: str, repeat: int) -> dict[str, object]:
    from newsprism.store import open_store
    from newsprism.web.views.stories import StoryFilters, story_detail, story_list

    out: dict[str, object] = {}
    with open_store(db) as store:
        detail = story_detail(store, story)
        assert detail is not None and detail.status == "compared", story
        out["story list"] = timed(lambda: story_list(store, StoryFilters()), repeat)
        out["story list, word query"] = timed(
            lambda: story_list(store, StoryFilters(q=word)), repeat
        )
        out["story list, outlet filter"] = timed(
            lambda: story_list(store, StoryFilters(outlet=outlet)), repeat
        )
        out["story page"] = timed(lambda: story_detail(store, story), repeat)
        out["load_comparison"] = timed(lambda: load_report(store, story), repeat)
    out["open and close a store"] = timed(lambda: open_store(db).close(), repeat)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--compare", type=int, default=4, help="stories compared for pages")
    parser.add_argument("--pg-url", default=None, help="an empty database (else a new server)")
    args = parser.parse_args(argv)

    from newsprism.analyze.nlp import get_nlp
    from newsprism.settings import DEFAULT
    from newsprism.store import open_store

    load_before = bench_ingest.loadavg()
    corpus = bench_ingest.load_corpus(args.data)
    chosen = random.Random(7).sample(corpus, min(args.articles + WARM_ARTICLES, len(corpus)))
    warm, chosen = chosen[:WARM_ARTICLES], chosen[WARM_ARTICLES:]
    server = None
    if args.pg_url is None:
        import pg_server

        server = pg_server.start_server(BENCH_SETTINGS)
    result: dict[str, object] = {"articles": len(chosen)}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            dbs = {
                "sqlite": str(folder / "bench.db"),
                "postgres": args.pg_url or server.database(),  # type: ignore[union-attr]
            }
            warm_dump = _dump(warm, folder / "warm.jsonl")
            ingest(str(folder / "warm.db"), warm_dump)
            if server is not None:
                ingest(server.database(), warm_dump)
            dump = _dump(chosen, folder / "dump.jsonl")
            result["ingest"] = {name: ingest(db, dump) for name, db in dbs.items()}
            filed = []
            for db in dbs.values():
                with open_store(db) as store:
                    rows = store.conn.execute("SELECT article, story FROM story_articles")
                    filed.append(sorted((str(a), str(s)) for a, s in rows))
            result["same_stories"] = filed[0] == filed[1]

            get_nlp(DEFAULT.models)
            compared = compare_stories(dbs["sqlite"], args.compare)
            for db in dbs.values():
                with open_store(db) as store:
                    for _, comparison in compared:
                        store.save_comparison(comparison)  # type: ignore[arg-type]
            story = compared[0][0]
            with open_store(dbs["sqlite"]) as store:
                first = store.story_article_rows(story)[0]
                outlet = str(first["outlet"] or first["outlet_id"])
                word = str(first["title"]).split()[0]
                result["story"] = {
                    "id": story,
                    "articles": len(store.story_members(story)),
                    "compared_stories": len(compared),
                    "word_query": word,
                    "outlet": outlet,
                }
                result["stories"] = len(store.list_stories(limit=None))
            result["reading"] = {
                name: reading(db, story, word, outlet, args.repeat) for name, db in dbs.items()
            }
            with open_store(dbs["postgres"]) as store:
                version = store.conn.execute("SHOW server_version").fetchone()[0]
            result["versions"] = {"sqlite": sqlite3.sqlite_version, "postgresql": version}
    finally:
        if server is not None:
            server.stop()
    result["cpu_count"] = os.cpu_count()
    result["load_average_before"] = load_before
    result["load_average_after"] = bench_ingest.loadavg()
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
