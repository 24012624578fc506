"""What wraps every request and response of the app, outside FastAPI's own error handling, so
that nothing (a page, the API, a static file, a 404, an unhandled 500) escapes it:

- ``SecurityHeaders`` sends the headers that keep other pages from framing the app, browsers
  from guessing content types, and the app's URLs (which may carry ``?token=``) from leaking
  to other sites in a Referer (issue 14, item 2: three clicks in an invisible frame merged two
  stories).
- ``HostCheck`` answers only requests whose Host header names a host the server was started
  for, so a page of another name that resolves to this machine (DNS rebinding) cannot read or
  write through the user's browser (issue 14, item 4: ``Host: rebind.attacker.example`` with a
  matching Origin was a same-site write, accepted).
"""

from __future__ import annotations

from collections.abc import Iterable

from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from newsprism.web.deps import LOOPBACK_HOSTS, TEMPLATES, WebConfig

# Scripts and styles from the app's own files only (no inline script, style or style=
# attribute); images from the app or data: URLs (the empty favicon); forms post to the app;
# no page may frame it (frame-ancestors, and X-Frame-Options for older browsers).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
# same-origin, not no-referrer: with no-referrer a browser sends ``Origin: null`` on the
# app's own form posts, which the write check (``api_write.check_origin``) must refuse.
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


class SecurityHeaders:
    """Adds ``SECURITY_HEADERS`` to every HTTP response of ``app`` (replacing any it set)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)


def host_name(name: str) -> str:
    """``name`` as a Host header carries it, without a port: lower case, an IPv6 address in
    brackets (``::1`` -> ``[::1]``)."""
    name = name.strip().lower()
    if ":" in name and not name.startswith("["):
        return f"[{name}]"
    return name


def allowed_hosts(names: Iterable[str] = ()) -> tuple[str, ...]:
    """The hosts a server answers to: the loopback names, then ``names`` (its ``--host`` and
    each ``--allow-host``), each once."""
    found = dict.fromkeys(LOOPBACK_HOSTS)
    found.update(dict.fromkeys(host_name(n) for n in names if n.strip()))
    return tuple(found)


def requested_host(header: str) -> str:
    """The host a Host header names, without its port (``[::1]:8000`` -> ``[::1]``)."""
    header = header.strip().lower()
    if header.startswith("["):
        end = header.find("]")
        return header[: end + 1] if end > 0 else header
    return header.rpartition(":")[0] if ":" in header else header


def refusal(scope: Scope, hosts: tuple[str, ...], host: str) -> Response:
    """The 400 answer to a request for ``host``, as JSON under /api, else an error page."""
    message = (
        f"this server answers only to the hosts it was started for ({', '.join(hosts)}), "
        f"not to {host!r}: add a name with `newsprism serve --allow-host NAME`"
    )
    if str(scope.get("path", "")).startswith("/api"):
        return JSONResponse({"detail": message}, status_code=400)
    page = TEMPLATES.get_template("error.html.j2").render(status=400, message=message)
    return HTMLResponse(page, status_code=400)


class HostCheck:
    """Answers 400 to an HTTP request whose Host header names none of the app's
    ``WebConfig.hosts`` (read from the app on each request, so a test may change them)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            config: WebConfig = scope["app"].state.config
            host = requested_host(Headers(scope=scope).get("host", ""))
            if host not in config.hosts:
                await refusal(scope, config.hosts, host)(scope, receive, send)
                return
        await self.app(scope, receive, send)
