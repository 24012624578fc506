"""The story commands: ``newsprism stories``, ``merge``, ``split``, and the loader behind
``newsprism compare --story``.

    newsprism stories [--since DATE] [--outlet NAME] [--query TEXT] [--limit N] [--json]
    newsprism merge STORY STORY...      # the first story keeps its id; the others become aliases
    newsprism split STORY ARTICLE...    # the articles move to a new story, pinned there
    newsprism move ARTICLE STORY        # the article moves to another story, pinned there

Stories are filed by ``newsprism ingest`` (``stories.persist``); corrections are recorded in
the store and respected by every later ingest.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from typing import Any

from newsprism.model import printable
from newsprism.services.stories import story_summary
from newsprism.settings import DEFAULT
from newsprism.store.errors import StoreError, StoryConflict
from newsprism.store.open import DB_HELP, open_store
from newsprism.store.sqlite import Store


def _db_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", default="newsprism.db", help=DB_HELP)


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _open(path: str) -> Store | None:
    try:
        return open_store(path)
    except StoreError as err:
        _say(f"error: {err}")
        return None


def parse_since(text: str) -> str:
    """A date or ISO 8601 time (naive: UTC) as an ISO time in UTC, for comparing with the
    stored story times."""
    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError as err:
        raise argparse.ArgumentTypeError(f"not a date: {text!r} (try 2024-05-01)") from err
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).isoformat()


# --- newsprism stories -----------------------------------------------------------------------


def add_stories_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments of ``newsprism stories``."""
    parser.add_argument(
        "--since", type=parse_since, default=None, help="stories with news on or after this date"
    )
    parser.add_argument("--outlet", default=None, help="stories one article of this outlet is in")
    parser.add_argument(
        "--query", default=None, help="stories with an article whose title or text has these words"
    )
    parser.add_argument("--limit", type=int, default=20, help="at most this many (default 20)")
    parser.add_argument("--json", action="store_true", help="print a JSON list")
    _db_argument(parser)


def _day(iso: str | None) -> str:
    return iso[:10] if iso else "?"


def format_story(item: dict[str, Any]) -> str:
    """One line of the human listing."""
    span = (
        _day(item["start"])
        if item["start"] == item["end"]
        else (f"{_day(item['start'])}..{_day(item['end'])}")
    )
    count = f"{item['articles']} article{'s' if item['articles'] != 1 else ''}"
    if item["copies"]:
        count += f" (+{item['copies']} near-cop{'ies' if item['copies'] != 1 else 'y'})"
    outlets = ", ".join(item["outlets"]) or "-"
    # A store written before titles were cleaned may hold control characters: shown escaped.
    return printable(f"{item['id']}  {span}  {count}  [{outlets}]  {item['title']}")


def run_stories(args: argparse.Namespace) -> int:
    """``newsprism stories``: list stories newest first (0; 2 when the store cannot open)."""
    store = _open(args.db)
    if store is None:
        return 2
    with store:
        records = store.list_stories(args.since, args.outlet, args.query, args.limit)
        items = [story_summary(store, r) for r in records]
    if args.json:
        print(json.dumps(items, ensure_ascii=False, indent=2))
    elif not items:
        _say("no stories match")
    else:
        print("\n".join(format_story(item) for item in items))
    return 0


# --- newsprism merge / split -----------------------------------------------------------------


def add_merge_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments of ``newsprism merge``."""
    parser.add_argument(
        "stories",
        nargs="+",
        metavar="STORY",
        help="two or more story ids; the first keeps its id, the others become its aliases",
    )
    _db_argument(parser)


def run_merge(args: argparse.Namespace) -> int:
    """``newsprism merge``: 0 when merged, 2 on an unknown story or nothing to merge."""
    from newsprism.services.stories import CorrectionError
    from newsprism.services.stories import merge as merge_stories

    store = _open(args.db)
    if store is None:
        return 2
    with store:
        try:
            story = merge_stories(store, list(args.stories), DEFAULT.stories)
        except (CorrectionError, StoryConflict) as err:
            _say(f"error: {err}")
            return 2
        record = store.get_story(story)
    count = record.articles if record else 0
    print(f"merged into {story} ({count} articles)")
    return 0


def add_split_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments of ``newsprism split``."""
    parser.add_argument("story", metavar="STORY", help="the story to take articles from")
    parser.add_argument(
        "articles", nargs="+", metavar="ARTICLE", help="ids of the articles to move to a new story"
    )
    _db_argument(parser)


def run_split(args: argparse.Namespace) -> int:
    """``newsprism split``: 0 when split (prints the new story id), 2 on bad input."""
    from newsprism.services.stories import CorrectionError
    from newsprism.services.stories import split as split_story

    store = _open(args.db)
    if store is None:
        return 2
    with store:
        try:
            story = split_story(store, args.story, list(args.articles), DEFAULT.stories)
        except (CorrectionError, StoryConflict) as err:
            _say(f"error: {err}")
            return 2
        record = store.get_story(story)
    count = record.articles + record.copies if record else 0
    print(f"moved {count} articles to the new story {story}")
    return 0


def add_move_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments of ``newsprism move``."""
    parser.add_argument("article", metavar="ARTICLE", help="the id of the article to move")
    parser.add_argument("story", metavar="STORY", help="the story to move it to (it must exist)")
    _db_argument(parser)


def run_move(args: argparse.Namespace) -> int:
    """``newsprism move``: 0 when moved, 2 on an unknown article or story or nothing to do."""
    from newsprism.services.stories import CorrectionError
    from newsprism.services.stories import move as move_article

    store = _open(args.db)
    if store is None:
        return 2
    with store:
        try:
            move = move_article(store, args.article, args.story, DEFAULT.stories)
        except (CorrectionError, StoryConflict) as err:
            _say(f"error: {err}")
            return 2
    copies = len(move.moved) - 1
    extra = f" with {copies} near-cop{'ies' if copies != 1 else 'y'}" if copies else ""
    left = f"; {move.source} had nothing else and is now an alias" if move.merged else ""
    print(f"moved {move.article}{extra} from {move.source} to {move.story}{left}")
    return 0
