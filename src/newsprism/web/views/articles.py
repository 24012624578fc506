"""View data of one article: its text, its metadata and the stories it is filed under."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from pydantic import BaseModel, Field

from newsprism.report.html import safe_link
from newsprism.report.view import format_published
from newsprism.store.base import Backend
from newsprism.web.outlets import OutletDirectory, OutletInfo

# --- one article -------------------------------------------------------------------------


class ArticleMeta(BaseModel):
    """An article's metadata (no text)."""

    id: str
    title: str
    outlet: OutletInfo
    url: str = Field(description="where it was found, as given")
    link: str = Field(description="the URL when it is a safe http(s) link, else empty")
    published: str | None = Field(description="ISO 8601; null when unknown")
    published_words: str
    published_source: str
    language: str
    copy_of: str = Field(default="", description="the article it nearly copies, when a near-copy")


class ArticleOut(ArticleMeta):
    """One stored article with its text and the story it is filed under."""

    text: str
    source: str
    notes: list[str]
    story: str | None
    story_url: str | None


def article_meta(row: dict[str, Any], directory: OutletDirectory) -> ArticleMeta:
    """An article row of ``Backend.story_article_rows`` as ``ArticleMeta``."""
    return ArticleMeta(
        id=row["id"],
        title=row["title"] or "",
        outlet=directory.info(row["outlet_id"] or "", row["outlet"] or ""),
        url=row["url"] or "",
        link=safe_link(row["url"] or ""),
        published=row["published"],
        published_words=format_published(row["published"]),
        published_source=row["published_source"] or "unknown",
        language=row["language"] or "",
        copy_of=row.get("copy_of") or "",
    )


def article_out(store: Backend, article_id: str) -> ArticleOut | None:
    """One article with its text, or None when it is not stored."""
    article = store.get_article(article_id)
    if article is None:
        return None
    directory = OutletDirectory.of(store)
    published = article.published.isoformat() if article.published else None
    story = store.story_of(article.id)
    original = store.original_of(article.id)
    meta = article_meta(
        {
            "id": article.id,
            "title": article.title,
            "outlet_id": article.outlet_id,
            "outlet": article.outlet,
            "url": article.url,
            "published": published,
            "published_source": article.published_source,
            "language": article.language,
            "copy_of": original[0] if original else "",
        },
        directory,
    )
    return ArticleOut(
        **meta.model_dump(),
        text=article.text,
        source=article.source,
        notes=list(article.notes),
        story=story,
        story_url=f"/stories/{quote(story, safe='')}" if story else None,
    )
