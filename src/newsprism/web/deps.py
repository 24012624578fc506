"""What every route shares: the configuration, a store per request, the write token and the
template environment."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from fastapi import HTTPException, Request, Response
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
    # this server run's own secret: the token cookie and the forms' token derive from it, so
    # neither is the token, and neither works for another run or another server
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
# The cookie a page opened with ?token= leaves, for later pages (its name ends with the port).
TOKEN_COOKIE = "newsprism_token"

# Browsers send cookies for 127.0.0.1 (or localhost) to every port there, and a page of
# another port is "same-site", so SameSite=Strict does not keep it from sending this server's
# cookie with a frame, link or form (issue 14, item 3). Hence: the cookie holds no token (a
# value derived from this run's secret), is named for this server's port (two servers do not
# overwrite each other's), and only fills the forms of a page requested from this server's own
# pages or typed in (Sec-Fetch-Site same-origin or none; absent from non-browser clients).
OWN_PAGE_SITES = ("same-origin", "none")


def _derived(cfg: WebConfig, purpose: str) -> str:
    """A value only this server run can make from its token, for ``purpose``."""
    token = (cfg.token or "").encode()
    return hmac.new(cfg.secret, purpose.encode() + b"\0" + token, hashlib.sha256).hexdigest()


def _same(given: str | None, expected: str) -> bool:
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())


def form_token(cfg: WebConfig) -> str:
    """What this server's pages put in their forms' hidden ``token`` field (a CSRF token
    standing for the write token; it changes when the server restarts)."""
    return _derived(cfg, "form")


def token_cookie(request: Request) -> tuple[str, str]:
    """The name (with the port the browser reached this server on) and the value of the
    cookie that remembers the token."""
    port = request.url.port or (443 if request.url.scheme == "https" else 80)
    return f"{TOKEN_COOKIE}_{port}", _derived(config(request), "cookie")


def from_own_pages(request: Request) -> bool:
    """Whether a browser says this request comes from this server's own pages, or was typed
    in (a client that sends no ``Sec-Fetch-Site`` is no browser page of another site)."""
    site = request.headers.get("sec-fetch-site")
    return site is None or site in OWN_PAGE_SITES


def page_token(request: Request) -> str:
    """The form token a page puts in its forms, when it was opened with the right
    ``?token=`` or carries the cookie, from this server's own pages ("" otherwise, and when
    the app needs no token)."""
    cfg = config(request)
    if cfg.token is None or not from_own_pages(request):
        return ""
    name, value = token_cookie(request)
    if _same(request.query_params.get(TOKEN_FIELD), cfg.token) or _same(
        request.cookies.get(name), value
    ):
        return form_token(cfg)
    return ""


def remember_token(request: Request, response: Response) -> None:
    """When a page was opened with the right ``?token=`` from this server's own pages (or
    typed in), leave the cookie so the later pages' forms carry the form token too."""
    cfg = config(request)
    given = request.query_params.get(TOKEN_FIELD)
    if cfg.token is not None and _same(given, cfg.token) and from_own_pages(request):
        name, value = token_cookie(request)
        response.set_cookie(name, value, path="/", httponly=True, samesite="strict")


def check_token(request: Request, given: str | None) -> None:
    """Refuse a write (403) when the app has a token and ``given`` is neither it nor this
    server's form token."""
    cfg = config(request)
    if cfg.token is None:
        return
    if not (_same(given, cfg.token) or _same(given, form_token(cfg))):
        raise HTTPException(status_code=403, detail="this server needs a valid write token")
