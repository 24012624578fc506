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
"""

from __future__ import annotations

import argparse

from newsprism.cli import compare, ingest, quality, serve, stories


def build_parser() -> argparse.ArgumentParser:
    """The parser of every command, in the order ``newsprism --help`` lists them."""
    parser = argparse.ArgumentParser(
        prog="newsprism",
        description="Compare how news outlets report the same events.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    compare.register(sub)
    ingest.register(sub)
    stories.register(sub)
    serve.register(sub)
    quality.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; its exit status."""
    args = build_parser().parse_args(argv)
    result: int = args.func(args)
    return result
