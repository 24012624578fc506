"""Moving one article to another existing story: a user's correction that later ingests keep.

``move_article(store, article, story)`` moves a filed article, with the near-copies filed
with it, into another story in one transaction (``Backend.save_correction``, kind ``move``):

- the moved articles are pinned to the story they moved to;
- both stories' clustering states are rebuilt from their remaining members' texts (as
  ``merge`` and ``split`` do), so later articles are compared with what each story now holds;
- the two stories are kept apart: the clusterer never merges them again, which would put the
  article back with the story it left;
- moving a story's only article merges that story into the target (its id becomes an alias
  of the target), since nothing of it would be left.

``merge_stories`` and ``split_story`` (``stories.persist``) are the other two corrections.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from newsprism.settings import DEFAULT, StorySettings
from newsprism.store.base import Backend
from newsprism.store.stories import Correction, StoryRecord
from newsprism.stories.persist import CorrectionError, kept_title, rebuild_story


class UnknownArticle(CorrectionError):
    """No stored article has that id."""


class UnknownStory(CorrectionError):
    """No story (or alias of one) has that id."""


@dataclass(frozen=True)
class Move:
    """What ``move_article`` did."""

    article: str  # the article the user moved
    source: str  # the story it left
    story: str  # the story it is in now
    moved: list[str] = field(default_factory=list)  # it and the near-copies that went with it
    merged: bool = False  # the source had nothing else and is now an alias of ``story``


def _originals(members: list[dict[str, Any]]) -> list[str]:
    """Member ids that are not near-copies (all of them when every one is a copy)."""
    originals = [str(m["article"]) for m in members if not m["copy_of"]]
    return originals or [str(m["article"]) for m in members]


def _story(store: Backend, story_id: str) -> tuple[str, StoryRecord]:
    resolved = store.resolve_story(story_id)
    record = store.get_story(resolved) if resolved is not None else None
    if resolved is None or record is None:
        raise UnknownStory(f"no story {story_id!r}")
    return resolved, record


def move_article(
    store: Backend, article_id: str, story_id: str, settings: StorySettings = DEFAULT.stories
) -> Move:
    """Move a filed article (and its near-copies) into the existing story ``story_id`` (an
    alias is followed); see the module docstring. Raises ``UnknownArticle``,
    ``UnknownStory``, ``CorrectionError`` (not filed yet, already there) and
    ``StoryConflict`` (another writer changed the stories meanwhile; nothing written)."""
    if not store.has_article(article_id):
        raise UnknownArticle(f"no article {article_id!r}")
    target, target_record = _story(store, story_id)
    filed = store.story_of(article_id)
    if filed is None:
        raise CorrectionError(
            f"article {article_id} is not filed under a story yet (an ingest files it)"
        )
    source, source_record = _story(store, filed)
    if source == target:
        raise CorrectionError(f"article {article_id} is already in story {target}")

    members = store.story_members(source)
    wanted = {article_id} | {str(m["article"]) for m in members if m["copy_of"] == article_id}
    moved = [m for m in members if m["article"] in wanted]
    kept = [m for m in members if m["article"] not in wanted]
    joined = sorted([*store.story_members(target), *moved], key=lambda m: (m["seq"], m["article"]))
    seq = store.story_seq() + 1
    rows = [
        rebuild_story(
            store,
            settings,
            target,
            target_record.title,
            _originals(joined),
            target_record.status == "open",
            seq,
        )
    ]
    aliases: list[tuple[str, str]] = []
    apart: list[tuple[str, str]] = []
    together: list[tuple[str, str]] = []
    if kept:
        rows.append(
            rebuild_story(
                store,
                settings,
                source,
                kept_title(store, source_record.title, list(wanted), _originals(kept)),
                _originals(kept),
                source_record.status == "open",
                seq,
            )
        )
        apart.append((source, target))
    else:  # nothing left: the source story becomes an alias of the target, as in a merge
        source_record.status, source_record.merged_into = "merged", target
        source_record.state, source_record.last_joined = None, seq
        rows.append(source_record)
        aliases.append((source, target))
        first, second = sorted((source, target))
        together.append((first, second))
        apart.extend(
            (target, b) for a, b in sorted(store.story_apart()) if a == source and b != target
        )
    moved_ids = [str(m["article"]) for m in moved]
    store.save_correction(
        Correction(
            kind="move",
            story=target,
            others=[source],
            articles=moved_ids,
            expect_seq=seq - 1,
            seq=seq,
            stories=rows,
            moves=[(a, target, 1) for a in moved_ids],
            aliases=aliases,
            apart=apart,
            together=together,
        )
    )
    return Move(article_id, source, target, moved_ids, merged=not kept)
