"""Benchmark: ingest throughput on Ray (issue 8) against the single-process path.

    .venv/bin/python bench/bench_ray.py [--articles 2000] [--analysed 200]

The same replicated dev corpus as ``bench_ingest.py`` (30 articles a day), written to a
JSONL dump, is ingested into a fresh store by: the single-process ``ingest``; the Ray engine
with 1 worker; with 2 workers. First clustering only (``--articles``), then with the full
analysis on a smaller set (``--analysed``; the single-process path analyses in batches of
32 as ``bench_ingest.py throughput`` does). Each run is its own process (Ray started by the
run and included in its time, as ``newsprism ingest --engine ray`` pays it), reporting
articles/s, the speed-up over the single process, the scaling efficiency (speed-up divided
by workers), the peak resident memory of the driver and of each Ray worker (VmHWM of the
``ray::`` processes), the time of each stage, and the load average before and after.
Prints one JSON object.

    .venv/bin/python bench/bench_ray.py --seams [--articles 3000]

Simulates the seam pass of partitioned story clustering in one process (no Ray): the same
stream cut into more and more partitions; for each cut, the articles the sequential seam
pass files again, its time, the longest speculative partition (the parallel critical path)
and the sequential clusterer's time on the whole stream.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

import bench_ingest  # noqa: E402


def ray_worker_peaks() -> list[float]:
    """Peak resident memory (MiB) of every live Ray worker process of this machine."""
    peaks = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            command = (proc / "cmdline").read_bytes().split(b"\0")[0]
            if not command.startswith(b"ray::"):
                continue
            for line in (proc / "status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peaks.append(round(int(line.split()[1]) / 1024.0, 1))
        except OSError:
            continue
    return sorted(peaks)


def one(dump: Path, mode: str, workers: int, analyse: bool) -> dict[str, object]:
    """One ingest of ``dump`` into a fresh store, in this process."""
    from newsprism.settings import DEFAULT
    from newsprism.store.sqlite import Store

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        started = time.perf_counter()
        out: dict[str, object] = {}
        with Store(db) as store:
            if mode == "single":
                from newsprism.analyze.article import analyze_articles
                from newsprism.engines.local import ingest_sources
                from newsprism.model import Article
                from newsprism.stories.persist import StoryFiler

                filer = StoryFiler(store, DEFAULT.stories)
                buffer: list[Article] = []

                def on_article(article: Article) -> None:
                    filer.file(article)
                    if analyse:
                        buffer.append(article)
                        if len(buffer) >= 32:
                            analyze_articles(buffer)
                            buffer.clear()

                summary = ingest_sources(
                    [str(dump)],
                    store,
                    DEFAULT.ingest,
                    on_article=on_article,
                    on_copy=filer.file_copy,
                )
                if buffer:
                    analyze_articles(buffer)
                filer.close()
                stored = summary.new + summary.near_copies
            else:
                from newsprism.engines.ray import ingest_ray

                result = ingest_ray([str(dump)], store, DEFAULT, workers=workers, analyze=analyse)
                stored = result.summary.new + result.summary.near_copies
                out["stages_s"] = result.stages
                out["partitions"] = result.partitions
                out["refiled"] = result.refiled
                out["worker_peak_rss_mib"] = ray_worker_peaks()
        seconds = time.perf_counter() - started
        out.update(
            {
                "seconds": round(seconds, 2),
                "articles_per_s": round(stored / seconds, 2),
                "stored": stored,
                "store_bytes_per_article": round(db.stat().st_size / max(1, stored)),
                "driver_peak_rss_mib": round(bench_ingest.peak_mib(), 1),
            }
        )
    return out


def seams(data: Path, count: int) -> dict[str, object]:
    """The seam pass's cost as the number of partitions grows (see the module docstring)."""
    from newsprism.settings import DEFAULT
    from newsprism.stories import partition
    from newsprism.stories.features import extract_features
    from newsprism.stories.persist import fallback_title

    articles = bench_ingest.replicated(bench_ingest.load_corpus(data), count)
    items = [partition.Item(a.id, fallback_title(a), extract_features(a)) for a in articles]
    empty = partition.Start({}, {}, 0, None)
    started = time.perf_counter()
    partition.cluster_sequential(items, empty, [], DEFAULT.stories)
    sequential = time.perf_counter() - started
    days = count / bench_ingest.PER_DAY
    rows = []
    for parts in (1, 2, 4, 8, 16):
        bounds = partition.split([i.features.published for i in items], days / parts, least=1)
        begin = partition.count_starts(empty, items, bounds)
        carried: list[partition.Carried] = []
        longest = settling = 0.0
        refiled = 0
        for (a, b), start in zip(bounds, begin, strict=False):
            started = time.perf_counter()
            guess = partition.speculate(items[a:b], start, DEFAULT.stories)
            longest = max(longest, time.perf_counter() - started)
            started = time.perf_counter()
            settled = partition.settle(items[a:b], start, carried, guess, DEFAULT.stories)
            settling += time.perf_counter() - started
            refiled += settled.refiled
            carried = settled.ending
        rows.append(
            {
                "partitions": len(bounds),
                "days_each": round(days / parts, 1),
                "refiled": refiled,
                "refiled_share": round(refiled / len(items), 3),
                "seam_pass_s": round(settling, 2),
                "longest_partition_s": round(longest, 2),
            }
        )
    return {
        "articles": len(items),
        "days": round(days, 1),
        "window_days": DEFAULT.stories.window_days,
        "sequential_s": round(sequential, 2),
        "cuts": rows,
        "load_average": bench_ingest.loadavg(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--analysed", type=int, default=200)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--seams", action="store_true", help="simulate the seam pass")
    parser.add_argument("--one", nargs=4, metavar=("DUMP", "MODE", "WORKERS", "ANALYSE"))
    args = parser.parse_args(argv)
    if args.seams:
        print(json.dumps(seams(args.data, args.articles), indent=2))
        return 0
    if args.one:
        dump, mode, workers, analyse = args.one
        print(json.dumps(one(Path(dump), mode, int(workers), analyse == "1")))
        return 0
    result: dict[str, object] = {"load_average_before": bench_ingest.loadavg()}
    corpus = bench_ingest.load_corpus(args.data)
    with tempfile.TemporaryDirectory() as tmp:
        for part, count, analyse in (
            ("clustering_only", args.articles, "0"),
            ("full_analysis", args.analysed, "1"),
        ):
            dump = Path(tmp) / f"{part}.jsonl"
            with dump.open("w", encoding="utf-8") as handle:
                for article in bench_ingest.replicated(corpus, count):
                    record = {"text": article.text, "title": article.title}
                    record["outlet"] = article.outlet
                    if article.published is not None:
                        record["published"] = article.published.isoformat()
                    handle.write(json.dumps(record) + "\n")
            runs: dict[str, dict[str, object]] = {}
            for name, mode, workers in (
                ("single", "single", 1),
                ("ray_1_worker", "ray", 1),
                ("ray_2_workers", "ray", 2),
            ):
                done = subprocess.run(
                    [sys.executable, __file__, "--one", str(dump), mode, str(workers), analyse],
                    capture_output=True,
                    text=True,
                    check=True,
                    env={**os.environ, "RAY_DEDUP_LOGS": "0"},
                )
                runs[name] = json.loads(done.stdout.strip().splitlines()[-1])
            base = float(str(runs["single"]["articles_per_s"]))
            for name, workers in (("ray_1_worker", 1), ("ray_2_workers", 2)):
                speed = float(str(runs[name]["articles_per_s"]))
                runs[name]["speedup"] = round(speed / base, 3)
                runs[name]["efficiency"] = round(speed / base / workers, 3)
            two = float(str(runs["ray_2_workers"]["articles_per_s"]))
            one_worker = float(str(runs["ray_1_worker"]["articles_per_s"]))
            result[part] = {
                "articles": count,
                **runs,
                "ray_2_over_1": round(two / one_worker, 3),
            }
    result["cpus"] = os.cpu_count()
    result["load_average_after"] = bench_ingest.loadavg()
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
