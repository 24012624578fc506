"""The `newsprism` command line: compare, eval."""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import replace
from pathlib import Path

from newsprism.settings import DEFAULT
from newsprism.store.open import DB_HELP

FORMATS = ("html", "md", "json")


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsprism",
        description="Compare how news outlets report the same events.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

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
    cmp.add_argument("--db", default="newsprism.db", help=DB_HELP)
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

    from newsprism.ingest import run as ingest_run

    ing = sub.add_parser(
        "ingest",
        help="store articles from files, URLs, feeds, WARC and JSONL",
        description="Store every article once (idempotent), linking syndicated near-copies.",
    )
    ingest_run.add_arguments(ing)
    ing.set_defaults(func=ingest_run.run)
    watch = sub.add_parser(
        "watch",
        help="ingest feeds repeatedly until stopped",
        description="Ingest the feeds every interval until stopped; safe to kill at any moment.",
    )
    ingest_run.add_watch_arguments(watch)
    watch.set_defaults(func=ingest_run.run_watch)

    from newsprism.stories import commands as story_commands

    st = sub.add_parser(
        "stories",
        help="list the stories ingest filed articles under",
        description="List stories (id, title, time range, outlets, article count), newest first.",
    )
    story_commands.add_stories_arguments(st)
    st.set_defaults(func=story_commands.run_stories)
    mg = sub.add_parser(
        "merge",
        help="merge stories into the first one given",
        description="Merge stories: the first keeps its id, the others become its aliases; "
        "later ingests respect it.",
    )
    story_commands.add_merge_arguments(mg)
    mg.set_defaults(func=story_commands.run_merge)
    sp = sub.add_parser(
        "split",
        help="move articles out of a story into a new story",
        description="Move articles (and their near-copies) to a new story; later ingests "
        "never move them back.",
    )
    story_commands.add_split_arguments(sp)
    sp.set_defaults(func=story_commands.run_split)
    mv = sub.add_parser(
        "move",
        help="move an article to another existing story",
        description="Move an article (and its near-copies) to another story; later ingests "
        "never move it back.",
    )
    story_commands.add_move_arguments(mv)
    mv.set_defaults(func=story_commands.run_move)

    sv = sub.add_parser(
        "serve",
        help="browse the store in a web browser",
        description="Serve the store as a web app: stories, story pages, outlets, adding "
        "articles and correcting stories. Binds to 127.0.0.1 unless --host says otherwise.",
    )
    sv.add_argument("--db", default="newsprism.db", help=DB_HELP)
    sv.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    sv.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    sv.add_argument(
        "--token",
        default=None,
        help="require this token for every write (or set NEWSPRISM_TOKEN); "
        "recommended whenever --host is not a loopback address",
    )
    sv.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="NAME",
        help="also answer requests for this host name (repeatable); the server answers only "
        "127.0.0.1, localhost, [::1] and --host, refusing other names (DNS rebinding)",
    )
    sv.add_argument(
        "--max-connections",
        type=int,
        default=DEFAULT.web.max_connections,
        metavar="N",
        help="connections held at once; one more closes the longest-idle one "
        f"(default: {DEFAULT.web.max_connections})",
    )
    sv.set_defaults(func=_serve)

    ev = sub.add_parser(
        "eval",
        help="measure quality on an annotated dataset",
        description="Run an evaluation task on a dataset folder (recognised from its layout).",
    )
    ev.add_argument("task", help="stories, omissions, loaded, wordchoice, status, brief or facts")
    ev.add_argument("--data", type=Path, required=True, help="dataset folder")
    ev.add_argument("--json", action="store_true", help="print one JSON object")
    ev.add_argument("--baseline", action="store_true", help="score the trivial baseline instead")
    ev.add_argument("--limit", type=int, default=None, help="score only the first N items")
    ev.add_argument("--split", default=None, help="restrict to one split (e.g. dev, val)")
    ev.add_argument("--errors", type=int, default=0, metavar="N", help="print the N worst cases")
    ev.add_argument("-q", "--quiet", action="store_true", help="no progress bar")

    tr = sub.add_parser(
        "train",
        help="retrain a shipped model on labelled dev data",
        description="Retrain one of the small shipped models from labelled dataset folders "
        "and write its weights file into the package data (deterministic).",
    )
    tr.add_argument("model", choices=("stories", "loaded", "align", "facts"), help="which model")
    tr.add_argument(
        "--data", type=Path, action="append", required=True, help="dataset folder (repeatable)"
    )
    tr.add_argument("--out", type=Path, default=None, help="write here instead of the package")
    return parser


def _serve(args: argparse.Namespace) -> int:
    import os

    import uvicorn

    from newsprism.store.open import open_store
    from newsprism.store.sqlite import StoreError
    from newsprism.web.app import create_app
    from newsprism.web.guard import WILDCARD_BINDS, BadHostName
    from newsprism.web.serving import server_config

    try:  # open (and migrate) once up front, so a bad --db is one clear message
        store = open_store(args.db)
        store.close()
    except StoreError as exc:
        _say(f"error: {exc}")
        return 2
    if args.max_connections < 1:
        _say("error: --max-connections must be at least 1")
        return 2
    token = args.token or os.environ.get("NEWSPRISM_TOKEN") or None
    if args.host not in ("127.0.0.1", "localhost", "::1") and token is None:
        _say(f"warning: serving on {args.host} without --token: anyone who can reach it can write")
    try:
        app = create_app(args.db, token=token, hosts=[args.host, *args.allow_host])
    except BadHostName as exc:
        _say(f"error: {exc}")
        return 2
    if args.host in WILDCARD_BINDS:
        _say(
            f"note: answering requests for {', '.join(app.state.config.hosts)}; "
            "add the other names this machine is reached by with --allow-host NAME"
        )
    shown = store.path  # a PostgreSQL URL without its password
    _say(f"newsprism: serving {shown} on http://{args.host}:{args.port}/ (Ctrl-C stops)")
    limits = replace(DEFAULT.web, max_connections=args.max_connections)
    server = uvicorn.Server(server_config(app, args.host, args.port, limits))
    server.run()
    return 0 if server.started else 1


def _train(args: argparse.Namespace) -> int:
    from newsprism.eval.common import EvalError, detect_dataset

    try:
        folders = {detect_dataset(path): path for path in args.data}
    except EvalError as exc:
        _say(f"error: {exc}")
        return 2
    needs = {
        "stories": {"ecbplus", "basil", "neus"},
        "loaded": {"ptc"},
        "align": {"ecbplus", "basil"},
        "facts": {"facts"},
    }
    missing = needs[args.model] - set(folders)
    if args.model != "stories" and missing:
        _say(f"error: training {args.model} needs --data for {', '.join(sorted(missing))}")
        return 2
    if args.model == "stories":
        from newsprism.train.stories import train as train_stories

        path = train_stories(
            folders.get("ecbplus"), folders.get("basil"), folders.get("neus"), out=args.out
        )
        _say(f"wrote {path}")
    elif args.model == "loaded":
        from newsprism.train.loaded import train as train_loaded

        train_loaded(folders["ptc"], args.out)
        _say(f"wrote {args.out or 'the packaged loaded_model.json'}")
    elif args.model == "facts":
        from newsprism.train.facts import train as train_facts

        _say(f"wrote {train_facts(folders['facts'], args.out, show=sys.stderr.isatty())}")
    else:
        from newsprism.train.align import main as train_align

        return train_align([str(folders["ecbplus"]), str(folders["basil"])])
    return 0


def _format_for(args: argparse.Namespace) -> str:
    if args.format:
        return str(args.format)
    if args.output:
        suffix = Path(args.output).suffix.lower().lstrip(".")
        if suffix in ("htm", "html"):
            return "html"
        if suffix in ("md", "markdown"):
            return "md"
    return "json"


def _compare(args: argparse.Namespace) -> int:
    from newsprism.ingest import ArticleMeta, load
    from newsprism.pipeline import compare_articles
    from newsprism.report import render

    settings = DEFAULT
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
        _say("error: give either files to compare or --story ID, not both")
        return 2
    from newsprism.store.open import is_postgres_url

    if args.story and not is_postgres_url(args.db) and not Path(args.db).is_file():
        _say(f"error: no store at {args.db} (give the --db that `newsprism ingest` wrote)")
        return 2
    if args.story:
        from newsprism.ingest import IngestResult
        from newsprism.store.sqlite import StoreError
        from newsprism.stories.commands import story_for_compare

        try:
            story_id, story_articles = story_for_compare(args.db, args.story)
        except (KeyError, StoreError) as exc:
            _say(f"error: {exc.args[0]}")
            return 2
        result = IngestResult(articles=story_articles, problems=[])
    elif not args.inputs:
        _say("error: give files to compare, or --story ID")
        return 2
    else:
        ingest = replace(settings.ingest, follow_symlinks=args.follow_symlinks)
        result = load(args.inputs, overrides, ingest)
    timings["ingest"] = time.perf_counter() - started
    for problem in result.problems:
        _say(f"skipped {problem.line()}")
    if not result.articles:
        _say("error: no usable article in the input; nothing to compare")
        return 2
    if len(result.articles) == 1:
        _say("note: only one usable article; it is analysed, but there is nothing to compare it to")

    from newsprism.ingest.outlets import RegistryError, load_registry

    try:  # read the outlet registry before the analysis, so that a bad --outlets fails at once
        registry = load_registry(args.outlets)
    except RegistryError as exc:
        _say(f"error: {exc}")
        return 2

    # Open the store before the analysis, so that a bad --db fails at once.
    store = None
    if not args.no_db:
        from newsprism.store.open import open_store
        from newsprism.store.sqlite import StoreError

        try:
            store = open_store(args.db)
        except (StoreError, OSError) as exc:
            _say(f"error: {exc}")
            return 2

    started = time.perf_counter()
    from newsprism.analyze.embed import get_embedder
    from newsprism.analyze.nlp import get_nlp

    get_nlp(settings.models)
    get_embedder(settings.models)
    timings["load models"] = time.perf_counter() - started

    progress = None if args.quiet else (lambda stage: _say(f"… {stage}"))
    comparison = compare_articles(result.articles, settings, report=progress)
    if not args.profile:
        comparison.timings = {}  # reports of the same input stay byte-identical
    if story_id:
        comparison.story = story_id  # saved under the story's id
    timings.update(comparison.timings)

    outlets = {a.outlet_id: o for a in comparison.articles if (o := registry.get(a.outlet_id))}
    if store is not None:
        started = time.perf_counter()
        with store:
            store.save_comparison(comparison, outlets)
        timings["store"] = time.perf_counter() - started

    fmt = _format_for(args)
    started = time.perf_counter()
    text = render(comparison, fmt, outlets)
    timings["render"] = time.perf_counter() - started
    if args.output:
        out = Path(args.output)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
        if not args.quiet:
            _say(f"wrote {out} ({fmt})")
    else:
        sys.stdout.write(text)
    if args.profile:
        total = sum(timings.values())
        for stage, seconds in timings.items():
            _say(f"{stage:>12}: {seconds:7.3f} s")
        _say(f"{'total':>12}: {total:7.3f} s")
    return 0


def _eval(args: argparse.Namespace) -> int:
    from newsprism.eval.common import EvalError, EvalOptions, run_task

    opts = EvalOptions(
        split=args.split,
        limit=args.limit,
        baseline=args.baseline,
        errors=args.errors,
        progress=not args.quiet and sys.stderr.isatty(),
    )
    try:
        result = run_task(args.task, args.data, opts)
    except EvalError as exc:
        _say(f"error: {exc}")
        return 2
    if args.json:
        print(json.dumps(result.protocol(), ensure_ascii=False))
    else:
        print(f"{result.task} on {result.dataset} ({result.system}): n={result.n}")
        for key, value in result.metrics.items():
            shown = f"{value:.4f}" if isinstance(value, float) else json.dumps(value)
            print(f"  {key:>20}: {shown}")
        for stage, seconds in result.stages.items():
            print(f"  {'time ' + stage:>20}: {seconds:.1f} s")
        print(f"  {'seconds':>20}: {result.seconds:.1f}")
    for line in result.errors:
        print(line, file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _build_parser().parse_args(argv)
    if args.command == "compare":
        return _compare(args)
    if args.command == "eval":
        return _eval(args)
    if args.command == "train":
        return _train(args)
    result: int = args.func(args)
    return result


if __name__ == "__main__":
    raise SystemExit(main())
