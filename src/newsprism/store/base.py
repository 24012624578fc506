"""The interface every store backend implements (``Store``: SQLite; ``PostgresStore``).

A store keeps articles once (by their stable id) and, per comparison (story), every derived
layer: sentences, mentions, concepts, quotes, claims, times, alignments, omissions, loaded
wording, framing terms, quote balance, events and the brief. Saving is all-or-nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol, Self, runtime_checkable

from newsprism.model import Article, Comparison, Outlet
from newsprism.store.articles import Ingested
from newsprism.store.browse import OutletCount, OutletRef
from newsprism.store.stories import Correction, Filing, StoryRecord


@runtime_checkable
class StoreBackend(Protocol):
    """What the pipeline, the ingest engines, the CLI and the web app may ask of a store."""

    def save_comparison(
        self, comparison: Comparison, outlets: Mapping[str, Outlet] | None = None
    ) -> str:
        """Store a comparison in one transaction and return its story id. Saving the same
        comparison again replaces its derived rows; articles are never duplicated."""
        ...

    def load_comparison_model(self, story_id: str) -> Comparison:
        """The stored comparison rebuilt as model dataclasses (``report.stored.load_report``
        turns it into the report dict)."""
        ...

    def outlets(self, ids: list[str] | None = None) -> dict[str, Outlet]:
        """Stored outlet registry entries (all, or those with the given ids)."""
        ...

    def list_comparisons(self) -> list[dict[str, Any]]:
        """Stored comparisons: id, title, created, updated, article ids (oldest first)."""
        ...

    def has_article(self, article_id: str) -> bool:
        """True when an article with this id is stored."""
        ...

    def original_of(self, article_id: str) -> tuple[str, float] | None:
        """(original id, similarity) when the article is a linked near-copy, else None."""
        ...

    def article_for_url(self, url: str) -> str | None:
        """The id of the stored article found at ``url`` (already normalized), or None."""
        ...

    def add_ingested(
        self,
        article: Article,
        urls: list[str],
        signature: bytes | None,
        bands: list[tuple[int, int]],
        choose_original: Callable[[list[tuple[str, bytes]]], tuple[str, float] | None],
    ) -> tuple[str, str, float]:
        """Store one ingested article in one transaction: (outcome, original id, similarity)."""
        ...

    def add_ingested_many(self, entries: Sequence[Ingested]) -> list[tuple[str, str, float]]:
        """Store ingested articles in one transaction, in order, each as ``add_ingested``."""
        ...

    def record_source(self, source: str, status: str, article: str = "", message: str = "") -> None:
        """Remember the outcome of fetching or reading one source ("ok" or "failed")."""
        ...

    def get_article(self, article_id: str) -> Article | None:
        """One stored article, or None."""
        ...

    def list_articles(self, limit: int | None = None, offset: int = 0) -> list[Article]:
        """Stored articles in the order they were first stored (all, or one page)."""
        ...

    def search_articles(self, query: str, limit: int = 20) -> list[Article]:
        """Articles whose title or text match a full-text query, best first."""
        ...

    def close(self) -> None:
        """Release the connection; the store cannot be used afterwards."""
        ...

    def __enter__(self) -> Self: ...

    def __exit__(self, *exc: object) -> None: ...


@runtime_checkable
class StoryStoreBackend(Protocol):
    """What story filing (``stories.persist``) and the story commands ask of a store
    (implemented for SQLite by ``store.stories.StoryTables``)."""

    def story_meta(self) -> dict[str, str]:
        """The clusterer's counters: 'documents', 'clock', 'seq', 'folded'."""
        ...

    def story_seq(self) -> int:
        """How many filings and corrections were written (changes when another writer files)."""
        ...

    def story_df(self, folded_only: bool = False) -> dict[int, int]:
        """Document count of every hashed word seen (``folded_only``: as of the last fold)."""
        ...

    def story_df_for(self, features: list[int]) -> dict[int, int]:
        """Document counts of some hashed words."""
        ...

    def story_name_df(self) -> dict[str, int]:
        """Document counts of every name seen."""
        ...

    def open_stories(self) -> list[StoryRecord]:
        """The open stories with their state, least recently joined first."""
        ...

    def story_apart(self) -> set[tuple[str, str]]:
        """Pairs of stories a user split apart."""
        ...

    def unfiled_articles(self) -> list[tuple[str, str]]:
        """(id, original or "") of stored articles not filed yet, oldest first."""
        ...

    def mark_checked(self) -> None:
        """Record that every stored article is filed (``unfiled_articles`` starts after it)."""
        ...

    def story_of(self, article_id: str) -> str | None:
        """The story an article is filed under."""
        ...

    def resolve_story(self, story_id: str) -> str | None:
        """The id a story goes by now (aliases followed), or None."""
        ...

    def get_story(self, story_id: str) -> StoryRecord | None:
        """One story row by its own id."""
        ...

    def story_members(self, story_id: str) -> list[dict[str, Any]]:
        """Members in filing order: article, seq, copy_of, pinned."""
        ...

    def story_outlets(self, story_id: str) -> list[str]:
        """Outlet names of a story's members."""
        ...

    def list_stories(
        self,
        since: str | None = None,
        outlet: str | None = None,
        query: str | None = None,
        limit: int | None = 50,
    ) -> list[StoryRecord]:
        """Stories newest first, filtered."""
        ...

    def save_filing(self, filing: Filing) -> None:
        """Write one filing step in one transaction."""
        ...

    def save_correction(self, correction: Correction) -> None:
        """Write a user's merge or split in one transaction."""
        ...

    def story_corrections(self) -> list[dict[str, Any]]:
        """Every merge and split, oldest first."""
        ...


@runtime_checkable
class BrowseStoreBackend(Protocol):
    """What the web app's reading pages ask of a store (implemented for SQLite by
    ``store.browse.BrowseQueries``). Every call is bounded, whatever the store's size."""

    def count_outlet_articles(self, refs: list[OutletRef], cap: int | None = None) -> int:
        """How many stored articles are by any of these outlets (at most ``cap``)."""
        ...

    def count_matches(self, query: str, cap: int | None = None) -> int:
        """How many articles hold every word of a query (at most ``cap``)."""
        ...

    def browse_stories(
        self,
        outlet_sets: list[list[OutletRef]] | None = None,
        since: str | None = None,
        until: str | None = None,
        query: str | None = None,
        limit: int = 20,
        offset: int = 0,
    ) -> list[StoryRecord]:
        """One page of stories newest first, filtered by outlets, period and words."""
        ...

    def stories_by_ids(self, story_ids: list[str]) -> dict[str, StoryRecord]:
        """Story rows by id."""
        ...

    def story_coverage(self, story_ids: list[str]) -> dict[str, list[OutletCount]]:
        """Per story, its outlets with article and near-copy counts."""
        ...

    def compared_story_ids(self, story_ids: list[str]) -> set[str]:
        """Those of the stories that have a stored comparison."""
        ...

    def article_outlets(self, article_ids: list[str]) -> dict[str, tuple[str, str]]:
        """(outlet id, outlet name) of stored articles."""
        ...

    def article_high_water(self) -> int:
        """A number that changes whenever an article is stored."""
        ...

    def stored_outlets(self) -> list[OutletCount]:
        """Every outlet with stored articles, with its article count."""
        ...

    def outlet_name(self, outlet_id: str) -> str:
        """A name the articles of a registry outlet give it."""
        ...

    def comparison_updated(self, story_id: str) -> str | None:
        """When the comparison stored under a story id was last saved (None: none)."""
        ...

    def comparison_article_ids(self, story_id: str) -> list[str] | None:
        """The article ids of the comparison stored under a story id (None: none)."""
        ...

    def story_article_rows(self, story_id: str) -> list[dict[str, Any]]:
        """A story's members in filing order with their metadata (no texts)."""
        ...

    def outlet_story_ids(
        self,
        ref: OutletRef,
        since: str | None = None,
        until: str | None = None,
        limit: int = 20,
        offset: int = 0,
    ) -> list[str]:
        """The stories an outlet has articles in, newest article first."""
        ...

    def outlet_counts(
        self, ref: OutletRef, since: str | None = None, until: str | None = None
    ) -> dict[str, int]:
        """An outlet's articles, stories and stories with a comparison in a period."""
        ...

    def outlet_omissions(
        self, ref: OutletRef, since: str | None = None, until: str | None = None, limit: int = 30
    ) -> list[dict[str, Any]]:
        """Facts others reported and the outlet left out, newest first."""
        ...

    def outlet_omitted_concepts(
        self, ref: OutletRef, since: str | None = None, until: str | None = None, limit: int = 12
    ) -> list[dict[str, Any]]:
        """Who or what the facts an outlet leaves out are about."""
        ...

    def outlet_terms(
        self, ref: OutletRef, since: str | None = None, until: str | None = None, limit: int = 300
    ) -> list[dict[str, Any]]:
        """The words an outlet uses for each concept."""
        ...

    def others_terms(
        self,
        ref: OutletRef,
        concepts: list[str],
        since: str | None = None,
        until: str | None = None,
    ) -> list[dict[str, Any]]:
        """The words other outlets use for the same concepts in the same stories."""
        ...

    def outlet_quotes(
        self, ref: OutletRef, since: str | None = None, until: str | None = None, limit: int = 15
    ) -> list[dict[str, Any]]:
        """Who an outlet quotes and how much."""
        ...


class Backend(StoreBackend, StoryStoreBackend, BrowseStoreBackend, Protocol):
    """One store as the services and the front ends see it: comparisons, stories and the
    browse queries over one connection (both ``Store`` and ``PostgresStore`` are one).

    Type a caller against this, not against the SQLite class, so it works with either."""

    path: str  # what the store is: a file path, or a PostgreSQL URL without its password
