"""The interface every store backend implements (SQLite now; PostgreSQL can follow).

A store keeps articles once (by their stable id) and, per comparison (story), every derived
layer: sentences, mentions, concepts, quotes, claims, times, alignments, omissions, loaded
wording, framing terms, quote balance, events and the brief. Saving is all-or-nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol, Self, runtime_checkable

from newsprism.model import Article, Comparison, Outlet


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
