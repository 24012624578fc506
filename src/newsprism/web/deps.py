"""What every route shares: the configuration, a store per request, the write token and the
template environment."""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from fastapi import HTTPException, Request, Response
from fastapi.templating import Jinja2Templates

from newsprism.store.open import open_store
from newsprism.store.sqlite import Store

HERE = Path(__file__).parent
TEMPLATES = Jinja2Templates(directory=str(HERE / "templates"))
# Every template is escaped (Jinja2Templates turns autoescape on for .html; be explicit).
TEMPLATES.env.autoescape = True
STATIC_DIR = HERE / "static"

# The largest body a write endpoint accepts (an upload of several article files).
MAX_UPLOAD_BYTES = 20 * 1024 * 1024

# The names a browser on this machine uses for a server on the loopback address; always served.
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")


@dataclass(frozen=True)
class WebConfig:
    """How the app was started."""

    db: str
    token: str | None = None  # when set, every write needs it (header or form field)
    max_upload_bytes: int = MAX_UPLOAD_BYTES
    allow_private: bool = False  # fetch loopback and private-network URLs (tests only)
    # the Host names it answers to (web.guard.allowed_hosts: the loopback names, --host and
    # each --allow-host); any other is refused (400), as a DNS-rebinding page would send it
    hosts: tuple[str, ...] = LOOPBACK_HOSTS


def config(request: Request) -> WebConfig:
    cfg: WebConfig = request.app.state.config
    return cfg


def get_store(request: Request) -> Iterator[Store]:
    """One store connection for the request (SQLite in WAL mode: readers never block the
    writer, and each request sees the last committed state). FastAPI opens it, runs the route
    and closes it one after another, but in worker threads that may differ."""
    store = open_store(config(request).db, check_same_thread=False)
    try:
        yield store
    finally:
        store.close()


TOKEN_HEADER = "X-Newsprism-Token"  # the write token of an API call
TOKEN_FIELD = "token"  # the write token of a form (a hidden field)
TOKEN_COOKIE = "newsprism_token"  # set when a page is opened with ?token=, for later pages


def page_token(request: Request) -> str:
    """The token a page puts in its forms' hidden ``token`` field: the one it was opened with
    (``?token=``), else the one remembered in the cookie ("" when the app needs none)."""
    if config(request).token is None:
        return ""
    return request.query_params.get(TOKEN_FIELD) or request.cookies.get(TOKEN_COOKIE) or ""


def remember_token(request: Request, response: Response) -> None:
    """When a page was opened with the right ``?token=``, keep it in a cookie (sent back to
    this site only) so the later pages' forms carry it too."""
    expected = config(request).token
    given = request.query_params.get(TOKEN_FIELD)
    if expected is not None and given and hmac.compare_digest(given.encode(), expected.encode()):
        response.set_cookie(TOKEN_COOKIE, given, httponly=True, samesite="strict")


def check_token(request: Request, given: str | None) -> None:
    """Refuse a write (403) when the app has a token and ``given`` is not it."""
    expected = config(request).token
    if expected is None:
        return
    if given is None or not hmac.compare_digest(given.encode(), expected.encode()):
        raise HTTPException(status_code=403, detail="this server needs a valid write token")
