"""``newsprism ingest --engine ray``: the same ingest, its heavy work spread over Ray workers.

The driver (this process) reads the sources into rows, one per document (a file, a JSONL
line, a WARC record); URLs, feeds and standard input are fetched and stored by the
single-process path (``ingest_sources``), in their place among the sources, because fetching
keeps per-host politeness limits in one process. Each chunk of rows then goes through two
stages, each on a pool of Ray actors started once for the whole run (``_Pools``: each actor
loads its models once, and a dead actor is restarted and its batch retried by Ray):

1. ``Reader``: read, extract and clean each document into an ``Article`` (its id is the
   hash of the clean text);
2. the driver drops articles whose id or URL is already stored (a re-run after a killed
   driver or a dead worker does no more work for them), and ``Featurer`` computes the
   MinHash fingerprint, the story-clustering features and, when asked, the full analysis.

The driver stores the articles in batches of ``STORE_BATCH``, one transaction each
(``Store.add_ingested_many``), in the order the single-process path stores them, so
duplicates and near-copies are decided the same way: an article sees the ones before it in
its batch as if they were stored (the same id is a duplicate, a near-copy is linked to an
earlier one, a line whose URL an earlier article of the batch has is a duplicate). A driver
killed mid-batch loses that batch only; a re-run skips what was stored (by id and URL) and
stores the rest. Then the articles not filed yet are clustered into stories by
``stories.partition`` (partitions by publication time clustered in parallel as Ray tasks,
joined exactly at the seams by one sequential pass) and written through the story tables one
partition per transaction. The store has one writer: only the driver writes.

    newsprism ingest dump.jsonl archive.warc.gz --engine ray --workers 4 --db news.db
    newsprism ingest dump.jsonl --engine ray --address 127.0.0.1:6379   # an existing cluster
"""

from __future__ import annotations

import contextlib
import logging
import re
import signal
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from newsprism.engines.common import IngestSummary
from newsprism.engines.local import ingest_sources
from newsprism.ingest.confine import confinement, sidecar_confinement
from newsprism.ingest.dedup import Fingerprint, best_original, canonical_url, fingerprint
from newsprism.ingest.files import RawDoc, kind_of, read_input
from newsprism.ingest.jsonl import iter_jsonl
from newsprism.ingest.loader import build_noted, raw_from_warc, registry_for
from newsprism.ingest.warc import WarcSkipped, expand_with_archives, is_warc, iter_warc
from newsprism.model import Article, Problem
from newsprism.settings import DEFAULT, IngestSettings, Settings
from newsprism.store.articles import Ingested
from newsprism.store.base import Backend
from newsprism.store.errors import StoryConflict
from newsprism.stories.features import StoryFeatures, extract_features
from newsprism.stories.partition import (
    PARTITION_DAYS,
    Copy,
    Item,
    Settled,
    Speculation,
    Start,
    StoryWriter,
    Totals,
    anchor,
    partitionable,
    settle,
    speculate,
    split,
    starts,
    totals,
)
from newsprism.stories.persist import FilingCounts, StoryFiler, fallback_title

CHUNK = 4096  # documents read per Ray Data pass (bounds the driver's memory)
BATCH = 16  # documents per actor call
STORE_BATCH = 128  # articles stored per transaction (the writer's lock is held that long)

# A job for the Reader: ("file", name, path, folder it must lie in or "") | ("raw", RawDoc,
# notes) | ("warc", WarcPage)
Job = tuple[Any, ...]


@dataclass
class RayIngest:
    """What an ingest on Ray did: the usual summary, the filing counts, the partitions."""

    summary: IngestSummary
    counts: FilingCounts | None = None
    partitions: int = 0
    refiled: int = 0  # articles the sequential seam pass filed again
    analysed: int = 0
    workers: int = 0
    stages: dict[str, float] = field(default_factory=dict)  # seconds per stage


# --- Ray ----------------------------------------------------------------------------------


class RayWorkerError(RuntimeError):
    """A stage's Ray workers failed past Ray's retries (a worker killed more often than it
    is restarted, or an error raised in it): the run stops there; what was stored stays
    stored and a re-run continues."""


@contextlib.contextmanager
def _failing_as(what: str) -> Iterator[None]:
    """Ray's errors inside the block raised as a ``RayWorkerError`` naming ``what``."""
    from ray.exceptions import RayError

    try:
        yield
    except RayError as err:
        cause = getattr(err, "cause", None)  # an error raised in the worker's own code
        shown = cause if isinstance(cause, Exception) else err
        lines = str(shown).strip().splitlines()
        detail = f"{type(shown).__name__}: {lines[0]}" if lines else type(shown).__name__
        raise RayWorkerError(f"{what} failed ({detail})") from err


def start_ray(address: str | None, workers: int) -> None:
    """Start a local Ray with ``workers`` CPUs on 127.0.0.1 (no dashboard), or connect to
    the cluster at ``address``; quiet either way."""
    import ray

    if ray.is_initialized():
        return
    # ray.init replaces the SIGTERM handler with one that exits at once: the command's own
    # (stop after the current chunk, exit 130) is put back.
    main = threading.current_thread() is threading.main_thread()
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)} if main else {}
    quiet = {"logging_level": logging.ERROR, "log_to_driver": False}
    if address:
        ray.init(address=address, **quiet)  # type: ignore[arg-type]
    else:
        ray.init(
            num_cpus=workers,
            include_dashboard=False,
            _node_ip_address="127.0.0.1",
            **quiet,  # type: ignore[arg-type]
        )
    for number, handler in handlers.items():
        signal.signal(number, handler)
    logging.getLogger("ray").setLevel(logging.ERROR)


def shutdown_ray() -> None:
    """Stop the Ray runtime this process started or joined (``start_ray``), if any."""
    import ray

    if ray.is_initialized():
        ray.shutdown()


class _Pools:
    """The run's actor pools, one per stage, each of ``workers`` actors started on first use
    and kept until the run ends, so a model is loaded once per actor per run. (Ray Data's
    ``map_batches`` pools live for one dataset, that is one chunk: restarting them cost about
    9 s a chunk here, and the models were loaded again each time.) A dead actor is restarted
    by Ray and the batch it held is run again (``RESTARTS``); past that the run stops with
    Ray's error and a re-run continues where it stopped.

    Each actor reserves half a CPU: both stages' pools stay up, and only one stage works at
    a time, so ``workers`` busy actors use ``workers`` CPUs. ``close`` ends them before the
    story tasks need the CPUs."""

    RESTARTS = 3
    CPUS = 0.5

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._pools: dict[type, Any] = {}
        self._actors: list[Any] = []

    def close(self) -> None:
        """End every actor (what they hold is not needed any more)."""
        import ray

        for actor in self._actors:
            ray.kill(actor)
        self._actors.clear()
        self._pools.clear()

    def map(
        self, actor: type, args: tuple[Any, ...], rows: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        """Run ``actor`` over ``rows`` in batches of ``BATCH`` (columns of lists, as the
        actors read them); the rows it gives back, in order."""
        import ray
        from ray.util import ActorPool

        if not rows:
            return []
        pool = self._pools.get(actor)
        if pool is None:
            remote: Any = ray.remote(
                num_cpus=self.CPUS,
                max_restarts=self.RESTARTS,
                max_task_retries=self.RESTARTS,
                scheduling_strategy="SPREAD",
            )(actor)
            actors = [remote.remote(*args) for _ in range(self.workers)]
            self._actors.extend(actors)
            pool = self._pools[actor] = ActorPool(actors)
        batches = [
            {key: [row[key] for row in rows[k : k + BATCH]] for key in rows[0]}
            for k in range(0, len(rows), BATCH)
        ]
        out: list[dict[str, Any]] = []
        with _failing_as(f"the Ray workers running {actor.__name__}"):
            for result in pool.map(lambda a, batch: a.__call__.remote(batch), batches):
                out.extend(
                    dict(zip(result, values, strict=True))
                    for values in zip(*result.values(), strict=True)
                )
        out.sort(key=lambda row: (int(row["pos"]), int(row["sub"])))
        return out


class Reader:
    """A Ray actor: documents -> cleaned articles (the outlet registry loaded once)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings.ingest
        self.registry = registry_for(self.settings, [])

    def build(self, raw: RawDoc, notes: list[str]) -> tuple[Any, ...]:
        article, problems = build_noted(raw, self.registry, self.settings, notes)
        if article is None:
            return ("problem", problems[0] if problems else Problem(raw.source, "no text"))
        return ("article", article, problems)

    def read(self, job: Job) -> list[tuple[Any, ...]]:
        if job[0] == "raw":
            return [self.build(job[1], list(job[2]))]
        if job[0] == "warc":
            read = raw_from_warc(job[1])
            if isinstance(read, Problem):
                return [("problem", read)]
            return [self.build(*read)]
        _, name, path, inside = job
        return [
            ("problem", raw) if isinstance(raw, Problem) else self.build(raw, [])
            for raw in read_input(name, Path(path), self.settings, Path(inside) if inside else None)
        ]

    def __call__(self, batch: dict[str, list[Any]]) -> dict[str, list[Any]]:
        out: dict[str, list[Any]] = {"pos": [], "sub": [], "result": []}
        for pos, job in zip(batch["pos"], batch["job"], strict=True):
            try:
                results = self.read(tuple(job))
            except Exception as err:  # one bad document must not end the run
                results = [("problem", Problem(str(job[1]), f"could not be read: {err}"))]
            for sub, result in enumerate(results):
                out["pos"].append(int(pos))
                out["sub"].append(sub)
                out["result"].append(result)
        return out


class Featurer:
    """A Ray actor: articles -> fingerprint, story features, title (and the full analysis
    when ``analyze``; the spaCy and embedding models are loaded once per actor)."""

    def __init__(self, settings: Settings, analyze: bool) -> None:
        self.settings = settings
        self.analyze = analyze
        if analyze:
            from newsprism.analyze.nlp import get_nlp

            get_nlp(settings.models)

    def __call__(self, batch: dict[str, list[Any]]) -> dict[str, list[Any]]:
        articles: list[Article] = list(batch["article"])
        analysed = [False] * len(articles)
        if self.analyze:
            from newsprism.analyze.article import analyze_articles

            done = analyze_articles(articles, self.settings)
            analysed = [True] * len(done) + [False] * (len(articles) - len(done))
        return {
            "pos": [int(p) for p in batch["pos"]],
            "sub": [0] * len(articles),
            "fingerprint": [fingerprint(a.text, self.settings.ingest) for a in articles],
            "features": [extract_features(a) for a in articles],
            "title": [fallback_title(a) for a in articles],
            "analysed": analysed,
        }


def _remote_totals(items: list[Item], before: int, folds_from: int) -> Totals:
    return totals(items, before, folds_from)


def _remote_speculate(
    items: list[Item], start: Start, settings: Settings, apart: list[tuple[str, str]]
) -> Speculation:
    return speculate(items, start, settings.stories, apart=apart)


# --- the run ------------------------------------------------------------------------------


@dataclass
class _Kept:
    article: Article
    urls: list[str]
    url: str  # the URL a duplicate is recognised by before storing ("" when none)


@dataclass
class _Queued:
    """An article waiting in the batch to store, with what is kept of it when it is new."""

    entry: Ingested
    title: str
    features: StoryFeatures


class _RayRun:
    """One run's state on the driver."""

    def __init__(
        self,
        store: Backend,
        settings: Settings,
        workers: int,
        analyze: bool,
        days: float,
        store_batch: int = STORE_BATCH,
    ) -> None:
        self.days = days
        self.store = store
        self.settings = settings
        self.workers = workers
        self.pools = _Pools(workers)
        self.store_batch = store_batch
        self.analyze = analyze
        self.summary = IngestSummary()
        self.items: dict[str, Item] = {}  # features of the articles stored by this run
        self.analysed = 0
        self.stages: dict[str, float] = {}
        self.batch: list[_Queued] = []  # articles to store in the next transaction
        self.batch_urls: set[str] = set()  # the URLs those articles record
        self.within: tuple[str, str] = ("", "")  # the file or folder read now, and its unit

    def timed(self, stage: str, started: float) -> None:
        self.stages[stage] = self.stages.get(stage, 0.0) + time.perf_counter() - started

    def fail(self, problem: Problem, within: tuple[str, str] | None = None) -> None:
        """Count a failure of ``within`` (by default the file or folder read now), listed
        or only counted as the single-process ingest does (``IngestSummary.fail``)."""
        where = self.within if within is None else within
        self.summary.fail(problem, *where, self.settings.ingest.max_failures_listed)

    @contextlib.contextmanager
    def failures_of(self, within: str, unit: str) -> Iterator[None]:
        """Failures meanwhile (and those of the jobs made meanwhile) belong to ``within``."""
        previous, self.within = self.within, (within, unit)
        try:
            yield
        finally:
            self.within = previous

    def known_url(self, url: str) -> bool:
        """True (and counted as a duplicate) when an article from ``url`` is stored or is in
        the batch to store."""
        key = canonical_url(url) if url else ""
        if key and (key in self.batch_urls or self.store.article_for_url(key) is not None):
            self.summary.duplicates += 1
            return True
        return False

    # -- reading the sources into jobs ---------------------------------------------------

    def jobs(self, item: str) -> Iterator[Job]:
        """The jobs of one local source (failures and skips counted here); ``self.within``
        says, as each job is yielded, whose failures that job's are."""
        if is_warc(item):
            yield from self.warc(Path(item), item)
        elif Path(item).is_file() and kind_of(Path(item)) == "jsonl":
            yield from self.jsonl(Path(item), item)
        else:
            with self.failures_of(item, "files" if Path(item).is_dir() else "records"):
                yield from self.files(item)

    def files(self, item: str) -> Iterator[Job]:
        follow = self.settings.ingest.follow_symlinks
        targets = expand_with_archives(item, follow)
        inside = confinement(item, follow)
        for target in targets:
            if isinstance(target, Problem):
                self.fail(target)
                continue
            name, path = target
            if path is not None and is_warc(path.name):
                yield from self.warc(path, name, inside)
            elif path is not None and kind_of(path) == "jsonl":
                yield from self.jsonl(path, name, inside)
            elif path is not None:
                yield ("file", name, str(path), str(inside) if inside is not None else "")

    def jsonl(self, path: Path, name: str, inside: Path | None = None) -> Iterator[Job]:
        """A JSONL file's lines as jobs; ``inside``: the folder it was walked from."""
        limit = self.settings.ingest.max_jsonl_line_bytes
        side_inside = sidecar_confinement(path, inside, self.settings.ingest.follow_symlinks)
        with self.failures_of(name, "lines"):
            for raw in iter_jsonl(path, name, limit, inside, side_inside, self.settings.ingest):
                if isinstance(raw, Problem):
                    self.fail(raw)
                elif not self.known_url(raw.meta.url or ""):
                    yield ("raw", raw, [])

    def warc(self, path: Path, name: str, inside: Path | None = None) -> Iterator[Job]:
        """A WARC archive's pages as jobs; ``inside``: the folder it was walked from."""
        limits = self.settings.ingest
        with self.failures_of(name, "records"):
            yield from self._warc(path, name, inside, limits)

    def _warc(
        self, path: Path, name: str, inside: Path | None, limits: IngestSettings
    ) -> Iterator[Job]:
        for record in iter_warc(
            path,
            name,
            limits.warc_max_record_bytes,
            max_decompressed_bytes=limits.max_decompressed_bytes,
            max_line_bytes=limits.max_line_bytes,
            max_header_bytes=limits.warc_max_header_bytes,
            max_header_lines=limits.warc_max_header_lines,
            inside=inside,
        ):
            if isinstance(record, Problem):
                self.fail(record)
            elif isinstance(record, WarcSkipped):
                self.summary.skipped += 1
            elif not self.known_url(record.url):
                yield ("warc", record)

    # -- one chunk of jobs ---------------------------------------------------------------

    def chunk(self, jobs: list[Job], origins: list[tuple[str, str]] | None = None) -> None:
        """Read, feature and store ``jobs``; ``origins[k]``: whose failures job k's are
        (by default nobody's: each is listed)."""
        if origins is None:
            origins = [("", "")] * len(jobs)
        started = time.perf_counter()
        rows = [{"pos": k, "job": job} for k, job in enumerate(jobs)]
        read = self.pools.map(Reader, (self.settings,), rows)
        self.timed("read", started)
        kept: list[_Kept] = []
        for row in read:
            result = tuple(row["result"])
            origin = origins[int(row["pos"])]
            if result[0] == "problem":
                self.fail(result[1], origin)
                continue
            article: Article = result[1]
            for warning in result[2]:
                self.summary.warn(warning, *origin, self.settings.ingest.max_failures_listed)
            job = jobs[int(row["pos"])]
            url = job[1].url if job[0] == "warc" else ""
            url = url or (job[1].meta.url or "" if job[0] == "raw" else "")
            if self.store.has_article(article.id):  # skipped before any heavy work
                self.summary.duplicates += 1
                continue
            kept.append(_Kept(article, [], url))
        started = time.perf_counter()
        rows = [{"pos": k, "article": k_.article} for k, k_ in enumerate(kept)]
        featured = self.pools.map(Featurer, (self.settings, self.analyze), rows)
        self.timed("features", started)
        started = time.perf_counter()
        for row in featured:
            one = kept[int(row["pos"])]
            self.analysed += bool(row["analysed"])
            self.store_article(one, row["fingerprint"], row["features"], str(row["title"]))
            if len(self.batch) >= self.store_batch:
                self.flush()
        self.flush()
        self.timed("store", started)

    def store_article(
        self, kept: _Kept, found: Fingerprint | None, features: StoryFeatures, title: str
    ) -> None:
        """Queue one article for the batch to store, as the single-process path stores it
        (a line whose URL an earlier line of this run had is a duplicate)."""
        article = kept.article
        if kept.url and self.known_url(kept.url):  # an earlier line of this run had it
            return
        keys = sorted({k for u in [article.url, *kept.urls] if u and (k := canonical_url(u))})
        threshold = self.settings.ingest.near_copy_threshold

        def choose(candidates: list[tuple[str, bytes]]) -> tuple[str, float] | None:
            return best_original(found.signature, candidates, threshold) if found else None

        entry = Ingested(
            article, keys, found.signature if found else None, found.bands if found else [], choose
        )
        self.batch.append(_Queued(entry, title, features))
        self.batch_urls.update(keys)  # recorded whatever the outcome, as add_ingested does

    def flush(self) -> None:
        """Store the queued articles in one transaction and count what happened."""
        if not self.batch:
            return
        outcomes = self.store.add_ingested_many([q.entry for q in self.batch])
        for queued, (outcome, original, score) in zip(self.batch, outcomes, strict=True):
            article = queued.entry.article
            if outcome == "duplicate":
                self.summary.duplicates += 1
            elif outcome == "near_copy":
                self.summary.near_copies += 1
                self.summary.links.append((article.id, original, score))
            else:
                self.summary.new += 1
                self.items[article.id] = Item(article.id, queued.title, queued.features)
        self.batch.clear()
        self.batch_urls.clear()

    # -- stories -------------------------------------------------------------------------

    def item(self, article_id: str) -> Item | None:
        found = self.items.get(article_id)
        if found is not None:
            return found
        article = self.store.get_article(article_id)
        if article is None:
            return None
        return Item(article.id, fallback_title(article), extract_features(article))

    def file_stories(self, stop: threading.Event | None) -> tuple[FilingCounts, int, int]:
        """Cluster every unfiled article (this run's and what a killed run left) into
        stories; (counts, partitions, articles re-filed at the seams)."""
        import ray

        if not partitionable(self.settings.stories):
            filer = StoryFiler(self.store, self.settings.stories)
            filer.catch_up()
            return filer.counts, 1, 0
        writer = StoryWriter(self.store)
        entries: list[Item | Copy] = []
        present: set[str] = set()
        for article_id, original in self.store.unfiled_articles():
            if original and (original in present or writer.story_for(original) is not None):
                entries.append(Copy(article_id, original))
            else:
                found = self.item(article_id)
                if found is None:
                    continue
                entries.append(found)
            present.add(article_id)
        items = [e for e in entries if isinstance(e, Item)]
        bounds = split([i.features.published for i in items], self.days)
        first, carried, apart = writer.start()
        started = time.perf_counter()
        totals_task = ray.remote(num_cpus=1)(_remote_totals)
        speculate_task = ray.remote(num_cpus=1)(_remote_speculate)
        parts = [ray.put(items[a:b]) for a, b in bounds]
        before = [first.documents + a for a, _ in bounds]  # articles counted before each
        with _failing_as("the Ray tasks counting the story partitions"):
            counted: list[Totals] = ray.get(
                [
                    totals_task.remote(p, b, anchor(first))
                    for p, b in zip(parts, before, strict=True)
                ]
            )
        begin = starts(first, counted)  # one more: the counters after the last partition
        pending = [
            speculate_task.remote(p, s, self.settings, apart)
            for p, s in zip(parts, begin, strict=False)
        ]
        refiled = 0
        item_at = [k for k, e in enumerate(entries) if isinstance(e, Item)]
        for n, ((a, b), start, ref) in enumerate(zip(bounds, begin, pending, strict=False)):
            if stop is not None and stop.is_set():
                break
            with _failing_as(f"the Ray task clustering partition {n + 1} of {len(bounds)}"):
                speculation: Speculation = ray.get(ref)
            settled: Settled = settle(
                items[a:b], start, carried, speculation, self.settings.stories, apart=apart
            )
            lo = 0 if n == 0 else item_at[a]
            hi = len(entries) if n == len(bounds) - 1 else item_at[b]
            written = replace(writer.counts)  # the partitions saved so far
            try:
                writer.write(entries[lo:hi], settled, begin[n + 1])
            except StoryConflict:
                self.timed("stories", started)
                return self.catch_up_after_conflict(written), n, refiled
            refiled += settled.refiled
            carried = settled.ending
        self.timed("stories", started)
        if stop is None or not stop.is_set():
            self.store.mark_checked()
        return writer.counts, len(bounds), refiled

    def catch_up_after_conflict(self, written: FilingCounts) -> FilingCounts:
        """Another writer (a single-process ``ingest``, a web merge) filed stories while
        this run's partitions were being written: the partition that met it wrote nothing
        (``StoryConflict``), and the partitions' counters no longer hold. File what is left
        unfiled one article at a time as the single-process ingest does, continuing from
        what the store holds now; the counts are those of the partitions saved plus these
        (an article the other writer filed meanwhile is counted by it, not here)."""
        filer = StoryFiler(self.store, self.settings.stories)
        filer.catch_up()
        more = filer.counts
        return FilingCounts(
            new_stories=written.new_stories + more.new_stories,
            joined=written.joined + more.joined,
            copies=written.copies + more.copies,
            caught_up=written.caught_up,
        )


def ingest_ray(
    sources: list[str],
    store: Backend,
    settings: Settings = DEFAULT,
    *,
    address: str | None = None,
    workers: int = 2,
    analyze: bool = False,
    stories: bool = True,
    stop: threading.Event | None = None,
    chunk: int = CHUNK,
    partition_days: float = PARTITION_DAYS,
    store_batch: int = STORE_BATCH,
) -> RayIngest:
    """Ingest ``sources`` into ``store`` with Ray (see the module docstring): never raises
    for a bad source; ``stop`` ends the run after the current chunk (what was stored stays
    stored and a later run files it). Stories are clustered in partitions of
    ``partition_days`` of publication time; articles are stored ``store_batch`` a
    transaction. Raises ``RayWorkerError`` when a stage's workers fail past Ray's retries
    (what was stored stays stored)."""
    began = time.perf_counter()
    start_ray(address, workers)
    import ray

    size = workers if not address else max(1, int(ray.cluster_resources().get("CPU", workers)))
    run = _RayRun(store, settings, size, analyze, partition_days, store_batch)
    summary = run.summary
    jobs: list[Job] = []
    origins: list[tuple[str, str]] = []  # whose failures each job's are (run.within)

    def drain() -> None:
        if jobs:
            run.chunk(list(jobs), list(origins))
            jobs.clear()
            origins.clear()

    for item in sources:
        if stop is not None and stop.is_set():
            summary.interrupted = True
            break
        if item == "-" or re.match(r"[a-z][a-z0-9+.-]*://", item, re.I):
            drain()
            single = ingest_sources([item], store, settings.ingest, stop=stop)
            summary.add(single)
            continue
        for job in run.jobs(item):
            jobs.append(job)
            origins.append(run.within)
            if len(jobs) >= chunk:
                drain()
                if stop is not None and stop.is_set():
                    summary.interrupted = True
                    break
    if not summary.interrupted:
        drain()
    run.pools.close()
    result = RayIngest(summary, workers=size)
    if stories and not summary.interrupted:
        result.counts, result.partitions, result.refiled = run.file_stories(stop)
    summary.interrupted = summary.interrupted or (stop is not None and stop.is_set())
    summary.seconds = time.perf_counter() - began
    result.analysed = run.analysed
    result.stages = {k: round(v, 3) for k, v in run.stages.items()}
    return result
