"""What every command module shares: messages on standard error and the ``--db`` flag."""

from __future__ import annotations

import argparse
import sys

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
