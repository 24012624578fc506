"""``newsprism serve``: check the flags and the store, then run the web app under uvicorn."""

from __future__ import annotations

import argparse
from dataclasses import replace

from newsprism.cli.common import Subparsers, add_db_argument, say, settings_of
from newsprism.settings import DEFAULT


def register(sub: Subparsers) -> None:
    """``newsprism serve``."""
    sv = sub.add_parser(
        "serve",
        help="browse the store in a web browser",
        description="Serve the store as a web app: stories, story pages, outlets, adding "
        "articles and correcting stories. Binds to 127.0.0.1 unless --host says otherwise.",
    )
    add_db_argument(sv)
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
    sv.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import os

    import uvicorn

    from newsprism.store.errors import StoreError
    from newsprism.store.open import open_store
    from newsprism.web.app import WILDCARD_BINDS, BadHostName, create_app
    from newsprism.web.serving import server_config

    try:  # open (and migrate) once up front, so a bad --db is one clear message
        store = open_store(args.db)
        store.close()
    except StoreError as exc:
        say(f"error: {exc}")
        return 2
    if args.max_connections < 1:
        say("error: --max-connections must be at least 1")
        return 2
    token = args.token or os.environ.get("NEWSPRISM_TOKEN") or None
    if args.host not in ("127.0.0.1", "localhost", "::1") and token is None:
        say(f"warning: serving on {args.host} without --token: anyone who can reach it can write")
    settings = settings_of(args)
    try:
        app = create_app(
            args.db, token=token, hosts=[args.host, *args.allow_host], settings=settings
        )
    except BadHostName as exc:
        say(f"error: {exc}")
        return 2
    if args.host in WILDCARD_BINDS:
        say(
            f"note: answering requests for {', '.join(app.state.config.hosts)}; "
            "add the other names this machine is reached by with --allow-host NAME"
        )
    shown = store.path  # a PostgreSQL URL without its password
    say(f"newsprism: serving {shown} on http://{args.host}:{args.port}/ (Ctrl-C stops)")
    limits = replace(settings.web, max_connections=args.max_connections)
    server = uvicorn.Server(server_config(app, args.host, args.port, limits))
    server.run()
    return 0 if server.started else 1
