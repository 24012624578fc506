"""Bidi and C1 control characters kept out of every page and API answer.

Titles and outlet names are cleaned when they are stored (``ingest.clean.clean_label``), but a
store written before that keeps U+202E (which reverses how the rest of a line displays) and
C1 controls (U+0080-U+009F; U+009B starts a terminal escape sequence). ``DropControls``
removes them from each HTML, JSON or other text answer on its way out, whatever page or
endpoint built it, so no output path can forget to.
"""

from __future__ import annotations

import re

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# The UTF-8 bytes of U+0080-U+009F, U+202A-U+202E and U+2066-U+2069. Each starts with a lead
# byte (C2, E2), so in valid UTF-8 no other character's bytes can match.
CONTROL_BYTES = re.compile(rb"\xc2[\x80-\x9f]|\xe2\x80[\xaa-\xae]|\xe2\x81[\xa6-\xa9]")
_TEXT_TYPES = (b"text/", b"application/json")


class DropControls:
    """ASGI middleware: a text answer (HTML, JSON, plain text) is gathered, its bidi and C1
    controls removed and its Content-Length set again; other answers (static scripts,
    images) and HEAD answers pass through untouched."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") == "HEAD":
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        chunks: list[bytes] = []

        async def cleaning(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                kind = dict(message.get("headers", [])).get(b"content-type", b"")
                if kind.lower().startswith(_TEXT_TYPES):
                    start = message  # sent with the cleaned body
                    return
            elif message["type"] == "http.response.body" and start is not None:
                chunks.append(message.get("body", b""))
                if message.get("more_body", False):
                    return
                body = CONTROL_BYTES.sub(b"", b"".join(chunks))
                headers = [(k, v) for k, v in start["headers"] if k.lower() != b"content-length"]
                headers.append((b"content-length", str(len(body)).encode("ascii")))
                await send({**start, "headers": headers})
                await send({"type": "http.response.body", "body": body})
                return
            await send(message)

        await self.app(scope, receive, cleaning)
