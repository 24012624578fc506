"""``newsprism compare``: articles (files, stdin) or a stored story -> one report.

The flags are parsed here; comparing and saving is ``services.compare``; the report formats
are ``report.FORMATS``.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path

from newsprism.cli.common import Subparsers, add_db_argument, say, settings_of
from newsprism.report import FORMATS, format_for_path


def register(sub: Subparsers) -> None:
    """``newsprism compare``."""
    cmp = sub.add_parser(
        "compare",
        help="compare two or more articles about one event",
        description="Compare articles about one event: shared facts, omissions, "
        "contradictions, framing, timeline and a cited neutral brief.",
    )
    cmp.add_argument(
        "inputs", nargs="*", help="files (.txt .html .json .jsonl), directories, or - for stdin"
    )
    cmp.add_argument(
        "--story", metavar="ID", help="compare a stored story (see `newsprism stories`) instead"
    )
    cmp.add_argument("--format", choices=FORMATS, default=None, help="output format")
    cmp.add_argument("-o", "--output", default=None, help="output file (default: stdout)")
    add_db_argument(cmp)
    cmp.add_argument("--no-db", action="store_true", help="do not store the results")
    cmp.add_argument("--outlet", help="outlet of a single input (overrides its metadata)")
    cmp.add_argument("--published", help="publication time of a single input (ISO 8601)")
    cmp.add_argument("--url", help="URL of a single input")
    cmp.add_argument("--title", help="title of a single input")
    cmp.add_argument("--language", help="language of a single input")
    cmp.add_argument("--outlets", type=Path, help="extra outlet registry (JSON) to merge")
    cmp.add_argument(
        "--follow-symlinks",
        action="store_true",
        help="read files in a folder that are symbolic links to files outside it "
        "(skipped by default)",
    )
    cmp.add_argument("--profile", action="store_true", help="print per-stage timings to stderr")
    cmp.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    cmp.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from newsprism.ingest import ArticleMeta, load
    from newsprism.report import render
    from newsprism.services.compare import compare, save

    settings = settings_of(args)
    timings: dict[str, float] = {}
    overrides = ArticleMeta(
        outlet=args.outlet,
        published=args.published,
        url=args.url,
        title=args.title,
        language=args.language,
    )
    started = time.perf_counter()
    story_id = ""
    if args.story and (args.inputs or not overrides.is_empty()):
        say("error: give either files to compare or --story ID, not both")
        return 2
    from newsprism.store.open import is_postgres_url

    if args.story and not is_postgres_url(args.db) and not Path(args.db).is_file():
        say(f"error: no store at {args.db} (give the --db that `newsprism ingest` wrote)")
        return 2
    if args.story:
        from newsprism.ingest import IngestResult
        from newsprism.services.stories import story_for_compare
        from newsprism.store.errors import StoreError

        try:
            story_id, story_articles = story_for_compare(args.db, args.story)
        except (KeyError, StoreError) as exc:
            say(f"error: {exc.args[0]}")
            return 2
        result = IngestResult(articles=story_articles, problems=[])
    elif not args.inputs:
        say("error: give files to compare, or --story ID")
        return 2
    else:
        ingest = replace(settings.ingest, follow_symlinks=args.follow_symlinks)
        result = load(args.inputs, overrides, ingest)
    timings["ingest"] = time.perf_counter() - started
    for problem in result.problems:
        say(f"skipped {problem.line()}")
    if not result.articles:
        say("error: no usable article in the input; nothing to compare")
        return 2
    if len(result.articles) == 1:
        say("note: only one usable article; it is analysed, but there is nothing to compare it to")

    from newsprism.ingest.outlets import RegistryError, load_registry

    try:  # read the outlet registry before the analysis, so that a bad --outlets fails at once
        registry = load_registry(args.outlets)
    except RegistryError as exc:
        say(f"error: {exc}")
        return 2

    # Open the store before the analysis, so that a bad --db fails at once.
    store = None
    if not args.no_db:
        from newsprism.store.errors import StoreError
        from newsprism.store.open import open_store

        try:
            store = open_store(args.db)
        except (StoreError, OSError) as exc:
            say(f"error: {exc}")
            return 2

    started = time.perf_counter()
    from newsprism.analyze.embed import get_embedder
    from newsprism.analyze.nlp import get_nlp

    get_nlp(settings.models)
    get_embedder(settings.models)
    timings["load models"] = time.perf_counter() - started

    progress = None if args.quiet else (lambda stage: say(f"… {stage}"))
    compared = compare(
        result.articles,
        settings,
        registry,
        story=story_id,  # a stored story's comparison is saved under its id
        keep_timings=args.profile,  # otherwise reports of the same input stay byte-identical
        report=progress,
    )
    comparison, outlets = compared.comparison, compared.outlets
    timings.update(comparison.timings)

    if store is not None:
        started = time.perf_counter()
        with store:
            save(store, compared)
        timings["store"] = time.perf_counter() - started

    fmt = args.format or format_for_path(args.output)
    started = time.perf_counter()
    text = render(comparison, fmt, outlets)
    timings["render"] = time.perf_counter() - started
    if args.output:
        out = Path(args.output)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
        if not args.quiet:
            say(f"wrote {out} ({fmt})")
    else:
        sys.stdout.write(text)
    if args.profile:
        total = sum(timings.values())
        for stage, seconds in timings.items():
            say(f"{stage:>12}: {seconds:7.3f} s")
        say(f"{'total':>12}: {total:7.3f} s")
    return 0
