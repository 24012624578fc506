"""The interface every store backend implements (SQLite now; PostgreSQL can follow).

A store keeps articles once (by their stable id) and, per comparison (story), every derived
layer: sentences, mentions, concepts, quotes, claims, times, alignments, omissions, loaded
wording, framing terms, quote balance, events and the brief. Saving is all-or-nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol, Self, runtime_checkable

from newsprism.model import Article, Comparison, Outlet
from newsprism.store.stories import Correction, Filing, StoryRecord


@runtime_checkable
class StoreBackend(Protocol):
    """What the pipeline, the CLI and the web app may ask of a store."""

    def save_comparison(
        self, comparison: Comparison, outlets: Mapping[str, Outlet] | None = None
    ) -> str:
        """Store a comparison in one transaction and return its story id. Saving the same
        comparison again replaces its derived rows; articles are never duplicated."""
        ...

    def load_comparison(self, story_id: str) -> dict[str, Any]:
        """The stored comparison as the report dict (equal to ``report.jsonout.to_dict``)."""
        ...

    def load_comparison_model(self, story_id: str) -> Comparison:
        """The stored comparison rebuilt as model dataclasses."""
        ...

    def list_comparisons(self) -> list[dict[str, Any]]:
        """Stored comparisons: id, title, created, updated, article ids (oldest first)."""
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
        """The clusterer's counters: 'documents', 'clock', 'seq'."""
        ...

    def story_seq(self) -> int:
        """How many filings and corrections were written (changes when another writer files)."""
        ...

    def story_df(self) -> dict[int, int]:
        """Document count of every hashed word seen."""
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
