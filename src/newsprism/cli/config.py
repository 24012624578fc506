"""``newsprism config``: print the settings in force as TOML (every section and key).

The output is itself a valid ``newsprism.toml``: copy it, keep the keys to change, and either
leave it in the working directory or pass it with ``--config PATH``.
"""

from __future__ import annotations

import argparse
import sys

from newsprism.cli.common import Subparsers, settings_of
from newsprism.config import to_toml


def register(sub: Subparsers) -> None:
    """``newsprism config``."""
    cf = sub.add_parser(
        "config",
        help="print the settings in force as TOML",
        description="Print every setting in force (the defaults, with what newsprism.toml in "
        "the working directory or --config sets) as TOML.",
    )
    cf.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print the settings (0)."""
    source = getattr(args, "config_file", None)
    origin = f"the defaults with {source}" if source else "the defaults (no settings file)"
    sys.stdout.write(f"# newsprism settings in force: {origin}\n\n{to_toml(settings_of(args))}")
    return 0
