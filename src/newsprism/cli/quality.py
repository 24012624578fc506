"""``newsprism eval`` and ``newsprism train``: measure on an annotated dataset folder, and
retrain one of the small shipped models from labelled dev data."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from newsprism.cli.common import Subparsers, say, settings_of


def register(sub: Subparsers) -> None:
    """``newsprism eval`` and ``newsprism train``."""
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
    ev.set_defaults(func=_eval)

    tr = sub.add_parser(
        "train",
        help="retrain a shipped model on labelled dev data",
        description="Retrain one of the small shipped models from labelled dataset folders "
        "and write its weights file into the package data (deterministic).",
    )
    tr.add_argument(
        "model", choices=("stories", "loaded", "align", "facts", "names"), help="which model"
    )
    tr.add_argument(
        "--data",
        type=Path,
        action="append",
        default=[],
        help="dataset folder (repeatable; every model but names needs one)",
    )
    tr.add_argument("--out", type=Path, default=None, help="write here instead of the package")
    tr.set_defaults(func=_train)


def _eval(args: argparse.Namespace) -> int:
    from newsprism.eval.common import EvalError, EvalOptions, run_task

    opts = EvalOptions(
        split=args.split,
        limit=args.limit,
        baseline=args.baseline,
        errors=args.errors,
        progress=not args.quiet and sys.stderr.isatty(),
        settings=settings_of(args),  # newsprism.toml or --config: measure what is in force
    )
    try:
        result = run_task(args.task, args.data, opts)
    except EvalError as exc:
        say(f"error: {exc}")
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


def _train(args: argparse.Namespace) -> int:
    from newsprism.eval.common import EvalError, detect_dataset

    if args.model == "names":
        from newsprism.train.names import SourceMissing
        from newsprism.train.names import train as train_names

        try:
            say(f"wrote {train_names(args.out)}")
        except SourceMissing as exc:
            say(f"error: {exc}")
            return 2
        return 0
    if not args.data:
        say(f"error: training {args.model} needs --data")
        return 2

    try:
        folders = {detect_dataset(path): path for path in args.data}
    except EvalError as exc:
        say(f"error: {exc}")
        return 2
    needs = {
        "stories": {"ecbplus", "basil", "neus"},
        "loaded": {"ptc"},
        "align": {"ecbplus", "basil"},
        "facts": {"facts"},
    }
    settings = settings_of(args)  # newsprism.toml or --config: train for what is in force
    missing = needs[args.model] - set(folders)
    if args.model != "stories" and missing:
        say(f"error: training {args.model} needs --data for {', '.join(sorted(missing))}")
        return 2
    if args.model == "stories":
        from newsprism.train.stories import train as train_stories

        path = train_stories(
            folders.get("ecbplus"),
            folders.get("basil"),
            folders.get("neus"),
            settings.stories,
            out=args.out,
        )
        say(f"wrote {path}")
    elif args.model == "loaded":
        from newsprism.train.loaded import train as train_loaded

        train_loaded(folders["ptc"], args.out)
        say(f"wrote {args.out or 'the packaged loaded_model.json'}")
    elif args.model == "facts":
        from newsprism.train.facts import train as train_facts

        path = train_facts(folders["facts"], args.out, settings, show=sys.stderr.isatty())
        say(f"wrote {path}")
    else:
        from newsprism.train.align import train as train_align

        for path in train_align(folders["ecbplus"], folders["basil"], settings):
            say(f"wrote {path}")
    return 0
