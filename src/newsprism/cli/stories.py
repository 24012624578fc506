"""The story commands: ``newsprism stories``, ``merge``, ``split`` and ``move`` (the work is
``services.stories``; this module parses the flags and prints).

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
from datetime import UTC, datetime
from typing import Any

from newsprism.cli.common import Subparsers, add_db_argument, say, settings_of
from newsprism.model import printable
from newsprism.services.stories import story_summary
from newsprism.store.base import Backend
from newsprism.store.errors import StoreError, StoryConflict
from newsprism.store.open import open_store


def register(sub: Subparsers) -> None:
    """``newsprism stories``, ``merge``, ``split`` and ``move``."""
    st = sub.add_parser(
        "stories",
        help="list the stories ingest filed articles under",
        description="List stories (id, title, time range, outlets, article count), newest first.",
    )
    add_stories_arguments(st)
    st.set_defaults(func=run_stories)
    mg = sub.add_parser(
        "merge",
        help="merge stories into the first one given",
        description="Merge stories: the first keeps its id, the others become its aliases; "
        "later ingests respect it.",
    )
    add_merge_arguments(mg)
    mg.set_defaults(func=run_merge)
    sp = sub.add_parser(
        "split",
        help="move articles out of a story into a new story",
        description="Move articles (and their near-copies) to a new story; later ingests "
        "never move them back.",
    )
    add_split_arguments(sp)
    sp.set_defaults(func=run_split)
    mv = sub.add_parser(
        "move",
        help="move an article to another existing story",
        description="Move an article (and its near-copies) to another story; later ingests "
        "never move it back.",
    )
    add_move_arguments(mv)
    mv.set_defaults(func=run_move)


def _open(path: str) -> Backend | None:
    try:
        return open_store(path)
    except StoreError as err:
        say(f"error: {err}")
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
    add_db_argument(parser)


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
        say("no stories match")
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
    add_db_argument(parser)


def run_merge(args: argparse.Namespace) -> int:
    """``newsprism merge``: 0 when merged, 2 on an unknown story or nothing to merge."""
    from newsprism.services.stories import CorrectionError
    from newsprism.services.stories import merge as merge_stories

    store = _open(args.db)
    if store is None:
        return 2
    with store:
        try:
            story = merge_stories(store, list(args.stories), settings_of(args).stories)
        except (CorrectionError, StoryConflict) as err:
            say(f"error: {err}")
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
    add_db_argument(parser)


def run_split(args: argparse.Namespace) -> int:
    """``newsprism split``: 0 when split (prints the new story id), 2 on bad input."""
    from newsprism.services.stories import CorrectionError
    from newsprism.services.stories import split as split_story

    store = _open(args.db)
    if store is None:
        return 2
    with store:
        try:
            story = split_story(store, args.story, list(args.articles), settings_of(args).stories)
        except (CorrectionError, StoryConflict) as err:
            say(f"error: {err}")
            return 2
        record = store.get_story(story)
    count = record.articles + record.copies if record else 0
    print(f"moved {count} articles to the new story {story}")
    return 0


def add_move_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments of ``newsprism move``."""
    parser.add_argument("article", metavar="ARTICLE", help="the id of the article to move")
    parser.add_argument("story", metavar="STORY", help="the story to move it to (it must exist)")
    add_db_argument(parser)


def run_move(args: argparse.Namespace) -> int:
    """``newsprism move``: 0 when moved, 2 on an unknown article or story or nothing to do."""
    from newsprism.services.stories import CorrectionError
    from newsprism.services.stories import move as move_article

    store = _open(args.db)
    if store is None:
        return 2
    with store:
        try:
            move = move_article(store, args.article, args.story, settings_of(args).stories)
        except (CorrectionError, StoryConflict) as err:
            say(f"error: {err}")
            return 2
    copies = len(move.moved) - 1
    extra = f" with {copies} near-cop{'ies' if copies != 1 else 'y'}" if copies else ""
    left = f"; {move.source} had nothing else and is now an alias" if move.merged else ""
    print(f"moved {move.article}{extra} from {move.source} to {move.story}{left}")
    return 0
