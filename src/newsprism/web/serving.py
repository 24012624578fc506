"""How `newsprism serve` runs the app: uvicorn with bounded connections (``WebSettings``).

uvicorn keeps every accepted connection open until its client sends a request, however long
that takes, and accepts as many as come. A client that opened about 20,000 connections and
sent nothing (or half a request head) used up the server's file descriptors, and every request
then failed: the store could not open its files (issue 14, item 10). ``BoundedH11Protocol``
closes a connection that has not sent a whole request head within ``request_head_seconds``,
and, when ``max_connections`` are open, closes the longest-idle one to make room, so a new
client is still answered.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import ClassVar

import h11
import uvicorn
from starlette.types import ASGIApp
from uvicorn.protocols.http.h11_impl import H11Protocol

from newsprism.settings import DEFAULT, WebSettings
from newsprism.web.guard import SECURITY_HEADERS


class BoundedH11Protocol(H11Protocol):
    """uvicorn's HTTP/1.1 connection, closed when idle too long or when room is needed."""

    limits: ClassVar[WebSettings] = DEFAULT.web
    idle_since: float = 0.0  # when the connection last became idle (loop time)
    deadline: asyncio.TimerHandle | None = None  # closes it unless a request came meanwhile

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self.became_idle()
        open_now = [c for c in self.connections if not c.transport.is_closing()]
        if len(open_now) > self.limits.max_connections:
            self.make_room(open_now)

    def connection_lost(self, exc: Exception | None) -> None:
        self.cancel_deadline()
        super().connection_lost(exc)

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self.became_idle()

    def send_400_response(self, msg: str) -> None:
        """uvicorn's own answer to a request it cannot parse (a head over ``max_head_bytes``,
        bad syntax), with the security headers every answer of the app carries."""
        headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"connection", b"close")]
        headers += [(k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
        for event in (
            h11.Response(status_code=400, headers=headers, reason=b"Bad Request"),
            h11.Data(data=msg.encode("ascii")),
            h11.EndOfMessage(),
        ):
            self.transport.write(self.conn.send(event) or b"")
        self.transport.close()

    def is_idle(self) -> bool:
        """No request is being answered (none came yet, or the last one's answer is sent)."""
        return self.cycle is None or self.cycle.response_complete

    def became_idle(self) -> None:
        self.idle_since = self.loop.time()
        self.cancel_deadline()
        self.deadline = self.loop.call_later(self.limits.request_head_seconds, self.expire)

    def cancel_deadline(self) -> None:
        if self.deadline is not None:
            self.deadline.cancel()
            self.deadline = None

    def expire(self) -> None:
        """The deadline passed: close the connection unless it is being answered (then the
        deadline starts again when the answer is sent)."""
        self.deadline = None
        if self.is_idle() and not self.transport.is_closing():
            self.transport.close()

    def make_room(self, open_now: Sequence[object]) -> None:
        """Close the longest-idle connection (this new one when every other is being
        answered)."""
        idle = [c for c in open_now if isinstance(c, BoundedH11Protocol) and c.is_idle()]
        victim = min(idle, key=lambda c: c.idle_since) if idle else self
        victim.transport.close()


def protocol_for(limits: WebSettings) -> type[BoundedH11Protocol]:
    """``BoundedH11Protocol`` with ``limits`` (uvicorn makes one instance per connection)."""
    return type("BoundedH11Protocol", (BoundedH11Protocol,), {"limits": limits})


def server_config(
    app: ASGIApp, host: str = "127.0.0.1", port: int = 8000, limits: WebSettings = DEFAULT.web
) -> uvicorn.Config:
    """The uvicorn configuration `newsprism serve` (and the tests' real servers) run with."""
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        http=protocol_for(limits),
        timeout_keep_alive=limits.keep_alive_seconds,
        backlog=limits.backlog,
        h11_max_incomplete_event_size=limits.max_head_bytes,
        log_level="warning",
    )
