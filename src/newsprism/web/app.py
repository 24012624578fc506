"""The application factory: ``create_app(db)`` returns the ASGI app that `newsprism serve`
runs with uvicorn (and the tests drive directly)."""

from __future__ import annotations

import math
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp

from newsprism import __version__
from newsprism.settings import DEFAULT, Settings
from newsprism.store.errors import StoreLocked
from newsprism.web.controls import DropControls
from newsprism.web.deps import STATIC_DIR, TEMPLATES, WebConfig
from newsprism.web.guard import (  # the serve command's errors and names come from here
    WILDCARD_BINDS,
    BadHostName,
    HostCheck,
    SecurityHeaders,
    allowed_hosts,
)
from newsprism.web.jobs import JobRunner


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api")


class NewsprismApp(FastAPI):
    """FastAPI with ``web.guard`` wrapped around its whole middleware stack: middleware added
    the usual way sits inside Starlette's ServerErrorMiddleware, so the 500 answer to an
    unhandled error would leave without the security headers. ``DropControls`` keeps bidi
    and C1 controls (titles of a store written before they were cleaned) out of answers."""

    def build_middleware_stack(self) -> ASGIApp:
        return SecurityHeaders(HostCheck(DropControls(super().build_middleware_stack())))


__all__ = ["WILDCARD_BINDS", "BadHostName", "create_app"]


def create_app(
    db: str,
    token: str | None = None,
    *,
    allow_private: bool = False,
    hosts: Iterable[str] = (),
    settings: Settings = DEFAULT,
) -> FastAPI:
    """The web app over the store at ``db``; with ``token``, write endpoints need it;
    ``allow_private`` lets added URLs be on loopback or private networks (tests); it answers
    requests for the loopback names and ``hosts`` only (``--host``, ``--allow-host``);
    ``settings`` are those in force (``newsprism.toml`` or ``--config``)."""
    runner = JobRunner()

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        runner.shutdown()

    app = NewsprismApp(
        title="newsprism",
        version=__version__,
        description="Browse stored news stories: what every outlet reports, what only some "
        "report, contradictions, framing, timelines and a cited brief.",
        docs_url=None,  # the interactive docs load scripts from a CDN; serve the schema only
        redoc_url=None,
        openapi_url="/api/openapi.json",
        lifespan=lifespan,
    )
    app.state.config = WebConfig(
        db=db,
        token=token,
        allow_private=allow_private,
        hosts=allowed_hosts(hosts),
        max_upload_bytes=settings.web.max_upload_bytes,
        settings=settings,
    )
    app.state.jobs = runner  # background analyses, one at a time (web.jobs)
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")

    from newsprism.web import api_read, api_write, pages_read, pages_write

    app.include_router(api_read.router)
    app.include_router(api_write.router)
    app.include_router(pages_read.router)
    app.include_router(pages_write.router)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code)
        return TEMPLATES.TemplateResponse(
            request,
            "error.html.j2",
            {"status": exc.status_code, "message": str(exc.detail)},
            status_code=exc.status_code,
        )

    @app.exception_handler(ClientDisconnect)
    async def client_gone(request: Request, exc: ClientDisconnect) -> Response:
        """The connection closed while its body was arriving (the client left, or the server
        closed a body too slow: ``web.serving``): nobody to answer and nothing stored, so no
        traceback in the log (200 slow uploads made 200 of them)."""
        return Response(status_code=400)

    @app.exception_handler(StoreLocked)
    async def store_busy(request: Request, exc: StoreLocked) -> Response:
        """Another connection (an ``ingest``) held the write lock past the store's wait: the
        write stored nothing and can simply be sent again, so 503 with Retry-After."""
        message = (
            f"the store is busy: another writer held it for over {exc.wait:g} s; try again shortly"
        )
        headers = {"Retry-After": str(max(1, math.ceil(exc.wait)))}
        if _wants_json(request):
            return JSONResponse({"detail": message}, status_code=503, headers=headers)
        page = TEMPLATES.get_template("error.html.j2").render(status=503, message=message)
        return HTMLResponse(page, status_code=503, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        problems = [
            f"{'.'.join(str(p) for p in err.get('loc', ()))}: {err.get('msg', '')}"
            for err in exc.errors()
        ]
        if _wants_json(request):
            return JSONResponse({"detail": "bad request", "problems": problems}, status_code=422)
        return HTMLResponse(
            TEMPLATES.get_template("error.html.j2").render(
                status=422, message="bad request: " + "; ".join(problems)
            ),
            status_code=422,
        )

    return app
