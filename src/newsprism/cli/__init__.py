"""The ``newsprism`` command line: one module per command family, one dispatch.

Each family module has ``register(sub)``, which adds its commands to the sub-parsers and
sets ``func`` (the function that runs the command: ``func(args) -> exit status``). ``main``
parses and calls ``args.func``; nothing else dispatches. A command parses its flags, calls a
service or a stage, and prints; the flow between stages lives in ``newsprism.services``.

    compare          cli.compare   compare articles or a stored story, write a report
    ingest, watch    cli.ingest    store articles from files, URLs, feeds, WARC and JSONL
    stories, merge,  cli.stories   list stories and correct them
    split, move
    serve            cli.serve     the web app
    eval, train      cli.quality   measure on annotated data, retrain a shipped model
    config           cli.config    print the settings in force

Settings are read once, here: ``newsprism.toml`` in the working directory, or the file
``--config PATH`` names (``newsprism.config``); every command gets them as ``args.settings``.
"""

from __future__ import annotations

import argparse

from newsprism.cli import compare, config, ingest, quality, serve, stories
from newsprism.cli.common import say
from newsprism.config import CONFIG_FILE, ConfigError, find_config, load_settings


def build_parser() -> argparse.ArgumentParser:
    """The parser of every command, in the order ``newsprism --help`` lists them."""
    parser = argparse.ArgumentParser(
        prog="newsprism",
        description="Compare how news outlets report the same events.",
    )
    parser.add_argument(
        "--config",
        metavar="PATH",
        default=None,
        help=f"settings file (TOML; default: {CONFIG_FILE} in the working directory, if any)",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    compare.register(sub)
    ingest.register(sub)
    stories.register(sub)
    serve.register(sub)
    quality.register(sub)
    config.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; its exit status."""
    args = build_parser().parse_args(argv)
    try:  # a bad settings file is one clear line before any work
        found = find_config(args.config)
        args.settings = load_settings(found)
    except ConfigError as err:
        say(f"error: {err}")
        return 2
    args.config_file = str(found) if found else None
    result: int = args.func(args)
    return result
