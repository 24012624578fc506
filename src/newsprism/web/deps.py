"""What every route shares: the configuration, a store per request, the write token and the
template environment."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from fastapi import HTTPException, Request
from fastapi.templating import Jinja2Templates

from newsprism.settings import DEFAULT, Settings
from newsprism.store.base import Backend
from newsprism.store.open import open_store

HERE = Path(__file__).parent
TEMPLATES = Jinja2Templates(directory=str(HERE / "templates"))
# Every template is escaped (Jinja2Templates turns autoescape on for .html; be explicit).
TEMPLATES.env.autoescape = True
STATIC_DIR = HERE / "static"

# The largest body a write endpoint accepts (an upload of several article files).
MAX_UPLOAD_BYTES = DEFAULT.web.max_upload_bytes  # settings.WebSettings: newsprism.toml

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
    # this server run's own secret: the forms' token derives from it, so it is not the token
    # and works for no other run or server
    secret: bytes = field(default_factory=lambda: secrets.token_bytes(32), repr=False)
    # the settings in force (``newsprism.toml`` or ``--config``), for every analysis, filing
    # and correction the app runs
    settings: Settings = field(default_factory=lambda: DEFAULT)


def config(request: Request) -> WebConfig:
    cfg: WebConfig = request.app.state.config
    return cfg


def get_store(request: Request) -> Iterator[Backend]:
    """One store connection for the request (SQLite in WAL mode: readers never block the
    writer, and each request sees the last committed state). FastAPI opens it, runs the route
    and closes it one after another, but in worker threads that may differ."""
    store = open_store(config(request).db, check_same_thread=False)
    try:
        yield store
    finally:
        store.close()


TOKEN_HEADER = "X-Newsprism-Token"  # the write token of an API call
TOKEN_FIELD = "token"  # the write token of a form (a hidden field): the form token

# Browsers send cookies for 127.0.0.1 (or localhost) to every port there, and a page of
# another port is "same-site", so no cookie can tell this server's pages from another local
# server's: whatever the server would derive from a cookie, another server that received the
# cookie could replay (from a plain HTTP client, which sends no Origin and no Sec-Fetch-Site)
# to get it too (issue 14, item 3, and its review). Hence the server sets no cookie and gives
# a page the form token only when it was opened with the right ``?token=``, from this server's
# own pages or typed in (Sec-Fetch-Site same-origin or none; absent from non-browser clients).
# ``static/app.js`` keeps that form token in the tab's sessionStorage, which browsers keep per
# origin (scheme, host and port), and puts it in the forms of the later pages.
OWN_PAGE_SITES = ("same-origin", "none")


def _derived(cfg: WebConfig, purpose: str) -> str:
    """A value only this server run can make from its token, for ``purpose``."""
    token = (cfg.token or "").encode()
    return hmac.new(cfg.secret, purpose.encode() + b"\0" + token, hashlib.sha256).hexdigest()


def _same(given: str | None, expected: str) -> bool:
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())


def form_token(cfg: WebConfig) -> str:
    """What this server's pages put in their forms' hidden ``token`` field (a CSRF token
    standing for the write token, so the token itself never sits in a page or the tab's
    storage; it changes when the server restarts)."""
    return _derived(cfg, "form")


def from_own_pages(request: Request) -> bool:
    """Whether a browser says this request comes from this server's own pages, or was typed
    in (a client that sends no ``Sec-Fetch-Site`` is no browser page of another site)."""
    site = request.headers.get("sec-fetch-site")
    return site is None or site in OWN_PAGE_SITES


def page_token(request: Request) -> str:
    """The form token a page puts in its forms: only for a page opened with the right
    ``?token=`` from this server's own pages ("" otherwise, and when the app needs no token).
    Nothing else (no cookie, no header) yields it: whoever can ask for it knows the token."""
    cfg = config(request)
    if cfg.token is None or not from_own_pages(request):
        return ""
    if _same(request.query_params.get(TOKEN_FIELD), cfg.token):
        return form_token(cfg)
    return ""


def check_token(request: Request, given: str | None) -> None:
    """Refuse a write (403) when the app has a token and ``given`` is neither it nor this
    server's form token."""
    cfg = config(request)
    if cfg.token is None:
        return
    if not (_same(given, cfg.token) or _same(given, form_token(cfg))):
        raise HTTPException(status_code=403, detail="this server needs a valid write token")
