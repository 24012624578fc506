"""How `newsprism serve` runs the app: uvicorn with bounded connections (``WebSettings``).

uvicorn keeps every accepted connection open until its client sends a request, however long
that takes, and accepts as many as come. A client that opened about 20,000 connections and
sent nothing (or half a request head) used up the server's file descriptors, and every request
then failed: the store could not open its files (issue 14, item 10). ``BoundedH11Protocol``
closes a connection that has not sent a whole request head within ``request_head_seconds``,
and, when ``max_connections`` are open, closes the longest-idle one to make room, so a new
client is still answered.

A connection whose request body is still arriving is no idle one, yet the app is only waiting
for it: 200 slow uploads used to hold every connection, and each new one was closed (issue 14
review, item 3). So a whole body must arrive within ``request_body_seconds`` of its head, and
when no connection is idle, the one that has been receiving a body longest makes room; both
are answered 408 and closed.
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
    """uvicorn's HTTP/1.1 connection, closed when idle too long, when its request body comes
    too slowly, or when room is needed."""

    limits: ClassVar[WebSettings] = DEFAULT.web
    idle_since: float = 0.0  # when the connection last became idle (loop time)
    deadline: asyncio.TimerHandle | None = None  # closes it unless a request came meanwhile
    body_since: float | None = None  # when the body now arriving began (its request's head)
    body_deadline: asyncio.TimerHandle | None = None  # answers 408 unless the body came

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self.became_idle()
        open_now = [c for c in self.connections if not c.transport.is_closing()]
        if len(open_now) > self.limits.max_connections:
            self.make_room(open_now)

    def connection_lost(self, exc: Exception | None) -> None:
        self.cancel_deadline()
        self.stop_body_clock()
        super().connection_lost(exc)

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self.watch_body()  # answered before its body came (a 403, a 413): the head clock rules
        self.became_idle()

    def handle_events(self) -> None:
        super().handle_events()
        self.watch_body()

    def send_400_response(self, msg: str) -> None:
        """uvicorn's own answer to a request it cannot parse (a head over ``max_head_bytes``,
        bad syntax), with the security headers every answer of the app carries."""
        self.answer_and_close(400, b"Bad Request", msg)

    def answer_and_close(self, status: int, reason: bytes, msg: str) -> None:
        """Answer ``status`` with ``msg`` and the security headers when no answer has begun
        (else only close: the app's answer is under way), and close the connection."""
        if self.conn.our_state in (h11.IDLE, h11.SEND_RESPONSE):  # IDLE: a head it cannot parse
            headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"connection", b"close")]
            headers += [(k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
            for event in (
                h11.Response(status_code=status, headers=headers, reason=reason),
                h11.Data(data=msg.encode("ascii")),
                h11.EndOfMessage(),
            ):
                self.transport.write(self.conn.send(event) or b"")
        self.transport.close()

    def is_receiving_body(self) -> bool:
        """A request's head came and its body is still arriving, unanswered."""
        cycle = self.cycle
        return cycle is not None and cycle.more_body and not cycle.response_complete

    def watch_body(self) -> None:
        """Start the body clock when a request's body begins to arrive; stop it when the whole
        body is in, or the request is answered (or its connection closed) before."""
        receiving = self.is_receiving_body() and not self.transport.is_closing()
        if receiving and self.body_since is None:
            self.body_since = self.loop.time()
            self.body_deadline = self.loop.call_later(
                self.limits.request_body_seconds, self.body_too_slow
            )
        elif not receiving:
            self.stop_body_clock()

    def stop_body_clock(self) -> None:
        self.body_since = None
        if self.body_deadline is not None:
            self.body_deadline.cancel()
            self.body_deadline = None

    def body_too_slow(self) -> None:
        """The body deadline passed with the body still arriving: 408, and close."""
        self.body_deadline = None
        if self.is_receiving_body() and not self.transport.is_closing():
            seconds = f"{self.limits.request_body_seconds:g}"
            self.answer_and_close(
                408,
                b"Request Timeout",
                f"the request body did not arrive within {seconds} s of its head "
                "(serve request_body_seconds); nothing was stored",
            )
        self.stop_body_clock()

    def make_way(self) -> None:
        """Closed to make room for a new connection while its body was still arriving."""
        self.answer_and_close(
            408,
            b"Request Timeout",
            "the server needed this connection for another client while the request body "
            "was still arriving (serve max_connections); nothing was stored",
        )
        self.stop_body_clock()

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
        """Close the longest-idle other connection; else the one that has been receiving a
        request body longest (408); else this new one (every other is being answered, which
        the app bounds)."""
        others = [c for c in open_now if isinstance(c, BoundedH11Protocol) and c is not self]
        idle = [c for c in others if c.is_idle()]
        if idle:
            min(idle, key=lambda c: c.idle_since).transport.close()
            return
        receiving = [c for c in others if c.body_since is not None]
        if receiving:
            min(receiving, key=lambda c: c.body_since or 0.0).make_way()
            return
        self.transport.close()


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
