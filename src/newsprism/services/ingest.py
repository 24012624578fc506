"""Ingest a set of sources into a store and file what it stores under stories: the one run
behind ``newsprism ingest`` and ``newsprism watch``, whichever engine does the work.

The two engines of ``engines/`` share the readers of ``ingest/`` and the building of an
article (``ingest.loader``), and store the same articles in the same order:

- ``single`` (``engines/local.py``): one process reads, stores and files one document at a
  time; a story filer files each new article as it is committed.
- ``ray`` (``engines/ray.py``): Ray workers read and compute features in chunks, the driver
  stores them in batches, then files stories by partitions of publication time.

Either way the run never raises for a bad source (each is a ``Problem`` in the summary);
``stop`` ends it early, and what was stored stays stored for a later run to go on from.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Literal

from newsprism.engines.common import IngestSummary, story_filer
from newsprism.engines.local import ingest_sources
from newsprism.settings import Settings
from newsprism.store.base import Backend

if TYPE_CHECKING:
    from newsprism.stories.persist import FilingCounts

Engine = Literal["single", "ray"]


@dataclass(frozen=True)
class IngestRequest:
    """What to ingest and how. ``workers``, ``address`` and ``store_batch`` are the Ray
    engine's; ``allow_private``, ``rate`` and ``feeds_only`` the fetching of the single one."""

    sources: tuple[str, ...]
    engine: Engine = "single"
    stories: bool = True  # file what is stored under stories (else a later run files it)
    follow_symlinks: bool = False
    allow_private: bool = False
    rate: float | None = None  # least seconds between two requests to a host
    feeds_only: bool = False  # refuse anything but feed URLs (``watch``)
    workers: int = 1
    address: str | None = None  # a running Ray cluster, else a local Ray is started
    store_batch: int | None = None  # articles a write transaction (None: the engine's)


@dataclass
class IngestOutcome:
    """What a run did: the summary, the filing counts (None when not filing), and for Ray the
    workers it ran on, the partitions it filed and the articles its seam pass filed again."""

    summary: IngestSummary
    counts: FilingCounts | None = None
    ray: dict[str, int] = field(default_factory=dict)


def ingest(
    store: Backend,
    request: IngestRequest,
    settings: Settings,
    *,
    stop: threading.Event | None = None,
    on_progress: Callable[[str], None] | None = None,
) -> IngestOutcome:
    """Run ``request`` on ``store`` with ``settings``. Raises the store's ``StoreLocked``
    when another writer holds it too long, and for Ray ``ConnectionError`` (the cluster
    cannot be reached) or ``RayWorkerError`` (a stage failed past Ray's retries): what was
    stored stays stored."""
    ingest_settings = replace(settings.ingest, follow_symlinks=request.follow_symlinks)
    if request.engine == "ray":
        return _on_ray(store, request, replace(settings, ingest=ingest_settings), stop)
    with story_filer(store, settings.stories, request.stories) as filer:
        summary = ingest_sources(
            list(request.sources),
            store,
            ingest_settings,
            allow_private=request.allow_private,
            on_article=filer.file if filer is not None else None,
            on_copy=filer.file_copy if filer is not None else None,
            on_progress=on_progress,
            rate=request.rate,
            stop=stop,
            feeds_only=request.feeds_only,
        )
    return IngestOutcome(summary, filer.counts if filer is not None else None)


def _on_ray(
    store: Backend, request: IngestRequest, settings: Settings, stop: threading.Event | None
) -> IngestOutcome:
    from newsprism.engines import ray as ray_engine

    batch = ray_engine.STORE_BATCH if request.store_batch is None else request.store_batch
    try:
        result = ray_engine.ingest_ray(
            list(request.sources),
            store,
            settings,
            address=request.address,
            workers=request.workers,
            stories=request.stories,
            store_batch=batch,
            stop=stop,
        )
    finally:
        ray_engine.shutdown_ray()
    ray = {"workers": result.workers, "partitions": result.partitions, "refiled": result.refiled}
    return IngestOutcome(result.summary, result.counts, ray)
