"""Stories as a user sees them: read a stored story, and correct the stories ingest filed.

``newsprism stories / merge / split / move / compare --story`` and the web app's story pages,
merge and move all come through here, so a correction made from the terminal and one made
from a browser are the same operation with the same settings and the same errors:
``CorrectionError`` (nothing to do, unknown ids), ``UnknownArticle`` and ``UnknownStory``
(both ``CorrectionError``), and ``StoryConflict`` (another writer filed meanwhile; nothing
was written, try again).
"""

from __future__ import annotations

from typing import Any

from newsprism.model import Article
from newsprism.settings import StorySettings
from newsprism.store.base import Backend
from newsprism.store.errors import StoryConflict
from newsprism.store.open import open_store
from newsprism.store.stories import StoryRecord
from newsprism.stories.corrections import Move, UnknownArticle, UnknownStory, move_article
from newsprism.stories.persist import CorrectionError, merge_stories, split_story

__all__ = [
    "CorrectionError",
    "Move",
    "StoryConflict",
    "UnknownArticle",
    "UnknownStory",
    "load_story_articles",
    "merge",
    "move",
    "split",
    "story_for_compare",
    "story_id_of",
    "story_summary",
]


def story_summary(store: Backend, record: StoryRecord) -> dict[str, Any]:
    """One story as the listing shows it (JSON-ready)."""
    return {
        "id": record.id,
        "title": record.title,
        "start": record.start,
        "end": record.end,
        "outlets": store.story_outlets(record.id),
        "articles": record.articles,
        "copies": record.copies,
        "open": record.status == "open",
    }


def story_id_of(store: Backend, story_id: str) -> str:
    """The id a story goes by now (a merged story's alias leads to the surviving story);
    ``KeyError`` when there is no such story. Save its comparison under this id."""
    found = store.resolve_story(story_id)
    if found is None:
        raise KeyError(f"no story {story_id!r} in {store.path}")
    return found


def load_story_articles(
    store: Backend, story_id: str, include_copies: bool = False
) -> list[Article]:
    """The stored articles of a story, in filing order, ready for ``compare_articles``.

    Near-copies are left out (they repeat their original) unless ``include_copies``.
    ``KeyError`` when there is no such story."""
    resolved = story_id_of(store, story_id)
    members = store.story_members(resolved)
    ids = [str(m["article"]) for m in members if include_copies or not m["copy_of"]]
    if not ids:  # a story of near-copies only: compare them after all
        ids = [str(m["article"]) for m in members]
    articles = [store.get_article(i) for i in ids]
    return [a for a in articles if a is not None]


def story_for_compare(db: str, story_id: str) -> tuple[str, list[Article]]:
    """For comparing a stored story: (the id to save the comparison under, the story's
    articles). ``KeyError`` when there is no such story, ``StoreError`` when the store
    cannot be opened. The store is closed again at once (ingest may write meanwhile)."""
    with open_store(db) as store:
        resolved = story_id_of(store, story_id)
        return resolved, load_story_articles(store, resolved)


def merge(store: Backend, story_ids: list[str], settings: StorySettings) -> str:
    """Merge stories into the first one given and return its id; the others' ids become its
    aliases and later ingests file into the merged story only."""
    return merge_stories(store, story_ids, settings)


def split(store: Backend, story_id: str, article_ids: list[str], settings: StorySettings) -> str:
    """Move articles (and their near-copies) out of a story into a new story; return its id.
    Later ingests never move them back."""
    return split_story(store, story_id, article_ids, settings)


def move(store: Backend, article_id: str, story_id: str, settings: StorySettings) -> Move:
    """Move a filed article (and its near-copies) into another existing story (an alias is
    followed); later ingests never move it back."""
    return move_article(store, article_id, story_id, settings)
