"""What wraps every request and response of the app, outside FastAPI's own error handling, so
that nothing (a page, the API, a static file, a 404, an unhandled 500) escapes it:

- ``SecurityHeaders`` sends the headers that keep other pages from framing the app, browsers
  from guessing content types, and the app's URLs (which may carry ``?token=``) from leaking
  to other sites in a Referer (issue 14, item 2: three clicks in an invisible frame merged two
  stories).
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

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
