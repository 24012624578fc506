"""Benchmark: ingest throughput and the time to file one article into stories (issue 5).

Two parts, each run in its own process so each reports its own peak memory:

    .venv/bin/python bench/bench_ingest.py throughput [--articles 300]
        Ingest N dev-corpus articles from a JSONL dump into a fresh store (store, dedup,
        story filing): clustering only, then with full analysis (``analyze_articles`` on
        the articles as they arrive, in batches of 32), against spaCy's parser alone
        (``analyze.nlp.parse``) on the same texts. Model loading is not timed.

    .venv/bin/python bench/bench_ingest.py control [--sizes 1000,10000,100000]
        The same stream positions as ``filing``, but each probe is filed into a fresh store
        holding only the 3,000 articles before it (the last 100 days): what filing costs
        with the same open stories and a small store. Filing time that ``filing`` shows
        above ``control`` is what the size of the store adds.

    .venv/bin/python bench/bench_ingest.py filing [--sizes 1000,10000,100000] [--rounds 4]
        Build one store from the dev corpora (ECB+, BASIL, NeuS train/val), replicated with
        varied dates (30 articles a day) and light edits (one sentence dropped, digits
        shifted), filing in batches (clustering only), and keep a copy of it at each size
        with the 200 articles that come next. Then reopen every copy (a new run: time to
        rebuild the open stories), store its 200 articles and time filing each of them as
        ``ingest`` does (one transaction per article): wall time and the process's CPU time.
        The sizes take turns, 200 / rounds articles at a time, so the machine's other load
        falls on every size alike.

Each prints one JSON object (articles/s, milliseconds, peak RSS in MiB from
``resource.getrusage``, the load average before and after). The data folder defaults to
../shared/data next to the repository (``--data``).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from newsprism.ingest.ids import article_id  # noqa: E402
from newsprism.model import Article  # noqa: E402

PER_DAY = 30  # articles a day in the replicated stream
PROBE = 200  # articles filed one by one at each store size


def peak_mib() -> float:
    """Peak resident memory of this process so far, MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def load_corpus(data: Path) -> list[Article]:
    """Dev-corpus articles: ECB+ (all topics), BASIL, NeuS train and val, in protocol order."""
    from newsprism.splits import stream

    articles: list[Article] = []
    articles += [a for a, _ in stream(data / "ecbplus", "ecbplus")]
    articles += [a for a, _ in stream(data / "basil", "basil")]
    for split in ("train", "val"):
        articles += [a for a, _ in stream(data / "neus", "neus", split=split)]
    seen: set[str] = set()
    unique = []
    for article in articles:
        if article.text.strip() and article.id not in seen:
            seen.add(article.id)
            unique.append(article)
    return unique


_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def edited(article: Article, replica: int, when: datetime) -> Article:
    """A light edit of ``article`` for replica ``replica`` (0: unchanged), dated ``when``."""
    text = article.text
    if replica:
        sentences = _SENTENCE.split(text)
        if len(sentences) >= 3:
            del sentences[replica % len(sentences)]
        text = " ".join(sentences)
        text = re.sub(r"\d", lambda m: str((int(m.group()) + replica) % 10), text)
        text = f"{text} ({replica})" if article_id(text) == article.id else text
    return Article(
        id=article_id(text),
        text=text,
        title=article.title,
        outlet=article.outlet or f"Outlet {replica % 7}",
        outlet_id=article.outlet_id,
        published=when,
        published_source="metadata",
    )


def replicated(corpus: list[Article], count: int, seed: int = 5) -> list[Article]:
    """``count`` articles: the corpus over and over, each pass shuffled and edited."""
    rng = random.Random(seed)
    start = datetime(2015, 1, 1, tzinfo=UTC)
    out: list[Article] = []
    seen: set[str] = set()
    replica = 0
    while len(out) < count:
        order = list(range(len(corpus)))
        rng.shuffle(order)
        for k in order:
            when = start + timedelta(days=len(out) / PER_DAY)
            article = edited(corpus[k], replica, when)
            if article.id in seen:
                continue
            seen.add(article.id)
            out.append(article)
            if len(out) >= count:
                break
        replica += 1
    return out


def loadavg() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


# --- throughput ----------------------------------------------------------------------------


def throughput(data: Path, count: int) -> dict[str, object]:
    from newsprism.analyze.article import analyze_articles
    from newsprism.analyze.nlp import get_nlp, parse
    from newsprism.engines.local import ingest_sources
    from newsprism.settings import DEFAULT
    from newsprism.store.sqlite import Store
    from newsprism.stories.persist import StoryFiler

    load_before = loadavg()
    corpus = load_corpus(data)
    rng = random.Random(7)
    chosen = rng.sample(corpus, min(count, len(corpus)))
    texts = [a.text for a in chosen]
    words = sum(len(t.split()) for t in texts)
    get_nlp(DEFAULT.models)
    analyze_articles([chosen[0]])  # warm every lazy model of the analysis
    result: dict[str, object] = {
        "articles": len(chosen),
        "mean_words": round(words / len(chosen), 1),
    }
    with tempfile.TemporaryDirectory() as tmp:
        dump = Path(tmp) / "dump.jsonl"
        with dump.open("w", encoding="utf-8") as handle:
            for article in chosen:
                record = {"text": article.text, "title": article.title}
                if article.outlet:
                    record["outlet"] = article.outlet
                if article.published:
                    record["published"] = article.published.isoformat()
                handle.write(json.dumps(record) + "\n")

        def run(name: str, analyse: bool) -> None:
            with Store(Path(tmp) / f"{name}.db") as store:
                filer = StoryFiler(store, DEFAULT.stories)
                buffer: list[Article] = []
                analysed = [0]

                def on_article(article: Article) -> None:
                    filer.file(article)
                    if analyse:
                        buffer.append(article)
                        if len(buffer) >= 32:
                            analysed[0] += len(analyze_articles(buffer))
                            buffer.clear()

                started = time.perf_counter()
                summary = ingest_sources(
                    [str(dump)],
                    store,
                    DEFAULT.ingest,
                    on_article=on_article,
                    on_copy=filer.file_copy,
                )
                if buffer:
                    analysed[0] += len(analyze_articles(buffer))
                filer.close()
                seconds = time.perf_counter() - started
            stored = summary.new + summary.near_copies
            result[name] = {
                "seconds": round(seconds, 2),
                "articles_per_s": round(stored / seconds, 1),
                "stored": stored,
                "analysed": analysed[0],
                "stories": filer.counts.new_stories,
            }

        run("clustering_only", False)
        run("full_analysis", True)
    started = time.perf_counter()
    parsed = sum(1 for _ in parse(texts))
    seconds = time.perf_counter() - started
    result["spacy_parse_only"] = {
        "seconds": round(seconds, 2),
        "articles_per_s": round(parsed / seconds, 1),
    }
    full = result["full_analysis"]
    assert isinstance(full, dict)
    result["full_over_parse"] = round(float(full["articles_per_s"]) / (parsed / seconds), 3)
    result["peak_rss_mib"] = round(peak_mib(), 1)
    result["load_average_before"] = load_before
    result["load_average_after"] = loadavg()
    return result


# --- filing time vs store size --------------------------------------------------------------


def filing(
    data: Path, sizes: list[int], batch: int, keep: Path | None, rounds: int = 4
) -> dict[str, object]:
    from newsprism.settings import DEFAULT
    from newsprism.store.sqlite import Store
    from newsprism.stories.features import extract_features
    from newsprism.stories.persist import StoryFiler

    load_before = loadavg()
    corpus = load_corpus(data)
    total = max(sizes) + PROBE * len(sizes)
    stream = replicated(corpus, total)
    result: dict[str, object] = {
        "corpus_articles": len(corpus),
        "per_day": PER_DAY,
        "rounds": rounds,
    }
    rows: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory() as tmp:
        path = keep or Path(tmp) / "stories.db"
        position = 0
        build_seconds = 0.0
        snapshots: list[tuple[int, Path, list[Article]]] = []
        for size in sizes:
            with Store(path) as store:
                filer = StoryFiler(store, DEFAULT.stories)
                started = time.perf_counter()
                with filer.batch(batch):
                    while store.count_articles() + filer.pending_articles < size:
                        filer.file(stream[position], store=True)
                        position += 1
                build_seconds += time.perf_counter() - started
                store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            snapshot = Path(tmp) / f"at-{size}.db"
            shutil.copyfile(path, snapshot)  # the store as it is at this size
            with snapshot.open("rb+") as handle:  # on disk before timing (a fresh copy's
                os.fsync(handle.fileno())  # first fsync would write all of it)
            probe = stream[position : position + PROBE]
            position += PROBE
            snapshots.append((size, snapshot, probe))
            with Store(path) as store:  # the growing store files the probe too (untimed)
                filer = StoryFiler(store, DEFAULT.stories)
                with filer.batch(batch):
                    for article in probe:
                        filer.file(article, store=True)
        # Each snapshot is reopened (a new run: the open stories are rebuilt), then the probe
        # articles are filed one by one as ``ingest`` does, in rounds that take turns between
        # the sizes, so a change in the machine's other load touches every size alike.
        runs = []
        for size, snapshot, probe in snapshots:
            store = Store(snapshot)
            started = time.perf_counter()
            filer = StoryFiler(store, DEFAULT.stories)
            reload_seconds = time.perf_counter() - started
            with store._transaction() as conn:
                store._save_articles(conn, probe, "bench")
            runs.append((size, snapshot, probe, store, filer, reload_seconds, [], [], []))
        chunk = -(-PROBE // rounds)
        for k in range(rounds):
            for _, _, probe, _, filer, _, times, cpu, feature_times in runs:
                for article in probe[k * chunk : (k + 1) * chunk]:
                    started, used = time.perf_counter(), time.process_time()
                    filer.file(article)  # features, clustering and one transaction
                    cpu.append(time.process_time() - used)
                    times.append(time.perf_counter() - started)
                    started = time.perf_counter()
                    extract_features(article)
                    feature_times.append(time.perf_counter() - started)
        for size, snapshot, _, store, filer, reload_seconds, times, cpu, feature_times in runs:
            rows.append(
                {
                    "stored_articles": size,
                    "file_ms_median": round(statistics.median(times) * 1000, 2),
                    "file_ms_mean": round(statistics.fmean(times) * 1000, 2),
                    "file_ms_p90": round(sorted(times)[int(0.9 * len(times))] * 1000, 2),
                    "file_cpu_ms_median": round(statistics.median(cpu) * 1000, 2),
                    "features_ms_median": round(statistics.median(feature_times) * 1000, 2),
                    "open_stories": filer.open_story_count(),
                    "stories": store.conn.execute(
                        "SELECT COUNT(*) FROM stories WHERE status != 'merged'"
                    ).fetchone()[0],
                    "reload_s": round(reload_seconds, 2),
                    "db_mib": round(snapshot.stat().st_size / 2**20, 1),
                }
            )
            store.close()
            print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
        result["sizes"] = rows
        result["build_articles_per_s"] = round(position / build_seconds, 1)
    result["peak_rss_mib"] = round(peak_mib(), 1)
    result["load_average_before"] = load_before
    result["load_average_after"] = loadavg()
    return result


def control(data: Path, sizes: list[int], window: int = 3000) -> dict[str, object]:
    from newsprism.settings import DEFAULT
    from newsprism.store.sqlite import Store
    from newsprism.stories.persist import StoryFiler

    load_before = loadavg()
    corpus = load_corpus(data)
    stream = replicated(corpus, max(sizes) + PROBE * len(sizes))
    rows = []
    for k, size in enumerate(sizes):
        position = size + PROBE * k  # where ``filing`` probes at this size
        with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "window.db") as store:
            filer = StoryFiler(store, DEFAULT.stories)
            with filer.batch(1000):
                for article in stream[max(0, position - window) : position]:
                    filer.file(article, store=True)
            filer = StoryFiler(store, DEFAULT.stories)
            probe = stream[position : position + PROBE]
            with store._transaction() as conn:
                store._save_articles(conn, probe, "bench")
            times = []
            for article in probe:
                started = time.perf_counter()
                filer.file(article)
                times.append(time.perf_counter() - started)
            rows.append(
                {
                    "position": size,
                    "stored_articles": store.count_articles() - PROBE,
                    "file_ms_median": round(statistics.median(times) * 1000, 2),
                    "file_ms_mean": round(statistics.fmean(times) * 1000, 2),
                    "open_stories": filer.open_story_count(),
                    "load_average": loadavg(),
                }
            )
            print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
    return {
        "sizes": rows,
        "peak_rss_mib": round(peak_mib(), 1),
        "load_average_before": load_before,
        "load_average_after": loadavg(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("part", choices=("throughput", "filing", "control"))
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--articles", type=int, default=300, help="throughput: articles")
    parser.add_argument("--sizes", default="1000,10000,100000", help="filing: store sizes")
    parser.add_argument("--batch", type=int, default=1000, help="filing: articles a transaction")
    parser.add_argument("--keep", type=Path, default=None, help="filing: keep the store here")
    parser.add_argument("--rounds", type=int, default=4, help="filing: turns between sizes")
    args = parser.parse_args(argv)
    if args.part == "throughput":
        out = throughput(args.data, args.articles)
    elif args.part == "control":
        out = control(args.data, sorted(int(s) for s in args.sizes.split(",")))
    else:
        sizes = sorted(int(s) for s in args.sizes.split(","))
        out = filing(args.data, sizes, args.batch, args.keep, max(1, args.rounds))
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
