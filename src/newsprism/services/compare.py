"""Compare articles and save the comparison: ``newsprism compare`` and the web app's
"compare this story" job are this one flow.

    compared = compare(articles, settings, registry, story=story_id)
    save(store, compared)                         # under the story's id

    compare_stored_story(db, story_id, settings)  # both, for a stored story (the web job)

A saved comparison carries no timings unless asked for (``keep_timings``): the stored data and
the reports of the same articles stay byte-identical whatever the machine's speed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from newsprism.ingest.outlets import Registry, load_registry
from newsprism.model import Article, Comparison, Outlet
from newsprism.pipeline import compare_articles
from newsprism.services.stories import load_story_articles, story_id_of
from newsprism.settings import Settings
from newsprism.store.base import StoreBackend
from newsprism.store.open import open_store

# The stages ``pipeline.compare_articles`` reports, in order, and the share of the work done
# when each starts (parsing and analysis take most of the time).
COMPARE_STAGES: dict[str, float] = {
    "parse": 0.05,
    "analyze": 0.35,
    "concepts": 0.55,
    "events": 0.6,
    "align": 0.7,
    "framing": 0.8,
    "timeline": 0.85,
    "brief": 0.9,
}

# How far a comparison got: (share of the work done, 0..1; what it is doing now).
Progress = Callable[[float, str], None]


@dataclass
class Compared:
    """A comparison and the outlet registry entries of its articles (what the reports show
    and the store keeps beside it)."""

    comparison: Comparison
    outlets: dict[str, Outlet]


def compare(
    articles: list[Article],
    settings: Settings,
    registry: Registry,
    *,
    story: str = "",
    keep_timings: bool = False,
    report: Callable[[str], None] | None = None,
) -> Compared:
    """Compare ``articles`` (``report`` is called with each stage's name as it starts).

    ``story`` is the id to save it under (a stored story's; empty: derived from the article
    ids). Timings are dropped unless ``keep_timings``."""
    comparison = compare_articles(articles, settings, report=report)
    if not keep_timings:
        comparison.timings = {}  # the same input gives byte-identical reports and rows
    if story:
        comparison.story = story
    outlets = {a.outlet_id: o for a in comparison.articles if (o := registry.get(a.outlet_id))}
    return Compared(comparison, outlets)


def save(store: StoreBackend, compared: Compared) -> str:
    """Save the comparison (one transaction; again under the same id replaces it) and
    return its story id."""
    return store.save_comparison(compared.comparison, compared.outlets)


def compare_stored_story(
    db: str,
    story_id: str,
    settings: Settings,
    progress: Progress | None = None,
    registry: Registry | None = None,
) -> str:
    """Compare the stored story ``story_id`` (an alias is followed) and save the comparison
    in the store at ``db`` under the story's id; return that id.

    The store is opened only to read the articles and to save the result, never held open
    while the analysis runs (``ingest`` may write meanwhile). ``KeyError`` for an unknown
    story, ``ValueError`` when it has no stored article."""

    def step(share: float, message: str) -> None:
        if progress is not None:
            progress(share, message)

    step(0.0, "reading the story's articles")
    with open_store(db) as store:
        resolved = story_id_of(store, story_id)
        articles = load_story_articles(store, resolved)
    if not articles:
        raise ValueError(f"story {resolved} has no stored article to compare")

    def stage(name: str) -> None:
        step(COMPARE_STAGES.get(name, 0.5), name)

    step(0.02, "loading the language models")
    compared = compare(
        articles, settings, registry or load_registry(), story=resolved, report=stage
    )
    step(0.95, "saving the comparison")
    with open_store(db) as store:
        save(store, compared)
    return resolved
