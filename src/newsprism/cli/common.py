"""What every command module shares: messages on standard error and the ``--db`` flag."""

from __future__ import annotations

import argparse
import sys

from newsprism.settings import DEFAULT, Settings
from newsprism.store.open import DB_HELP

DEFAULT_DB = "newsprism.db"


def say(message: str) -> None:
    """One line on standard error (progress, notes, errors): standard output is the result."""
    print(message, file=sys.stderr, flush=True)


def add_db_argument(parser: argparse.ArgumentParser) -> None:
    """``--db``: the store, a SQLite file or a postgresql:// URL."""
    parser.add_argument("--db", default=DEFAULT_DB, help=DB_HELP)


# What ``register(sub)`` of each command module is given.
Subparsers = argparse._SubParsersAction


def settings_of(args: argparse.Namespace) -> Settings:
    """The settings in force for a command (``cli.main`` puts them in ``args.settings``, read
    from ``newsprism.toml`` or ``--config``); arguments parsed by a command's own parser
    alone (``cli.ingest.main``, tests) carry none: the defaults."""
    settings: Settings = getattr(args, "settings", None) or DEFAULT
    return settings
