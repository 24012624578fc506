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

import contextlib
import ipaddress
import re
import socket
import struct
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


class BadHostName(ValueError):
    """A ``--host`` or ``--allow-host`` value no Host header can carry (a URL, a path, a
    pattern): refused at start-up, since it would silently match nothing."""

    def __init__(self, name: str) -> None:
        super().__init__(
            f"the host {name!r} is not a host name or IP address (such as news.lan, "
            "192.168.1.20 or [fe80::1]; a port is ignored, a scheme or path is refused)"
        )


# A DNS name as a Host header carries it: dot-separated labels of letters, digits, "-" and "_"
# (not at a label's ends), 253 characters at most.
_LABEL = r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?"
_DNS_NAME = re.compile(rf"(?=.{{1,253}}$){_LABEL}(?:\.{_LABEL})*")
_PORT = re.compile(r"\d{1,5}")
WILDCARD_BINDS = ("0.0.0.0", "::")  # --host values that listen on every address


def _address(text: str) -> str | None:
    """``text`` as a Host header names that IP address (IPv6 in brackets), or None."""
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    return f"[{address.compressed}]" if address.version == 6 else address.compressed


def host_name(name: str) -> str:
    """``name`` as a Host header carries it, without a port: lower case, an IPv6 address in
    brackets (``::1`` -> ``[::1]``). A port given with it is dropped (``news.lan:8000`` ->
    ``news.lan``: a Host header is compared without its port, so a name kept with one never
    matched); anything else that no Host header can be raises ``BadHostName``."""
    text = name.strip().lower()
    if text.startswith("["):  # [IPv6] or [IPv6]:port
        inside, bracket, rest = text[1:].partition("]")
        named = _address(inside) if bracket else None
        port_ok = not rest or (rest.startswith(":") and _PORT.fullmatch(rest[1:]) is not None)
        if named is None or ":" not in inside or not port_ok:
            raise BadHostName(name)
        return named
    named = _address(text)  # an address (IPv6 without brackets takes no port)
    if named is not None:
        return named
    head, colon, port = text.rpartition(":")
    if colon:
        if not _PORT.fullmatch(port):
            raise BadHostName(name)
        text = head
    named = _address(text)
    if named is not None and ":" not in text:
        return named
    if not _DNS_NAME.fullmatch(text):
        raise BadHostName(name)
    return text


def own_names() -> list[str]:
    """This machine's host name and its own addresses, as far as they can be listed cheaply
    without any package: what the host name resolves to, each network interface's IPv4
    (Linux) and IPv6 (Linux) address, and the addresses it sends from towards the internet
    (a UDP connect, which sends nothing). A LAN user who opens a server bound to 0.0.0.0 or
    :: by one of these must be answered (issue 14 review, item 6)."""
    found: list[str] = []
    hostname = socket.gethostname()
    if hostname:
        found.append(hostname)
    with contextlib.suppress(OSError, UnicodeError):
        found += [str(info[4][0]) for info in socket.getaddrinfo(hostname, None)]
    found += _interface_addresses()
    for family, probe in ((socket.AF_INET, "192.0.2.1"), (socket.AF_INET6, "2001:db8::1")):
        with contextlib.suppress(OSError), socket.socket(family, socket.SOCK_DGRAM) as udp:
            udp.connect((probe, 9))  # documentation addresses: nothing is sent
            found.append(str(udp.getsockname()[0]))
    return found


def _interface_addresses() -> list[str]:
    """Each network interface's addresses on Linux (IPv4 by SIOCGIFADDR, IPv6 from
    /proc/net/if_inet6); none elsewhere."""
    found: list[str] = []
    try:
        import fcntl

        interfaces = [name for _, name in socket.if_nameindex()]
    except (ImportError, OSError):
        return found
    siocgifaddr = 0x8915
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        for interface in interfaces:
            request = struct.pack("256s", interface.encode()[:15])
            with contextlib.suppress(OSError):
                answer = fcntl.ioctl(probe.fileno(), siocgifaddr, request)
                found.append(socket.inet_ntoa(answer[20:24]))
    with contextlib.suppress(OSError, ValueError), open("/proc/net/if_inet6") as table:
        for line in table:
            found.append(str(ipaddress.IPv6Address(int(line.split()[0], 16))))
    return found


def allowed_hosts(names: Iterable[str] = ()) -> tuple[str, ...]:
    """The hosts a server answers to: the loopback names, then ``names`` (its ``--host`` and
    each ``--allow-host``, ports dropped), each once; for a wildcard ``--host`` (0.0.0.0, ::)
    also this machine's host name and addresses (``own_names``). Raises ``BadHostName`` for
    a name no Host header can carry."""
    given = list(names)
    found = dict.fromkeys(LOOPBACK_HOSTS)
    found.update(dict.fromkeys(host_name(n) for n in given))
    if any(n.strip() in WILDCARD_BINDS for n in given):
        for name in own_names():
            with contextlib.suppress(BadHostName):  # a host name no Host header could carry
                found.setdefault(host_name(name.split("%", 1)[0]))
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
