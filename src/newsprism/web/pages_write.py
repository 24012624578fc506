"""The writing side of the HTML pages: the Add page and its forms, a job's progress page, and
the form endpoints that correct stories.

    GET  /add                  paste text, give a URL, or upload files
    POST /add                  fields text, title, outlet, published, url, files, token -> 303 job
    GET  /jobs/{id}            progress (refreshes itself); when done, 303 to the story
    POST /stories/merge        fields story (repeated), into (optional), token -> 303 story
    POST /articles/{id}/move   fields story, token -> 303 story

Forms post only (never a write on GET) and carry, when the app has a token, this server's
form token in a hidden ``token`` field: the page opened with the right ``?token=`` (from this
server's own pages, or typed in) has it from the server (``deps.page_token``); ``app.js`` keeps
it in the tab's sessionStorage and puts it in the forms of the later pages. No cookie is set:
browsers send cookies to every port of a host, so one could not tell this server's pages apart.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import UploadFile

from newsprism.services.adding import UPLOAD_SUFFIXES, Source
from newsprism.web.adding import add_log
from newsprism.web.api_write import (
    check_origin,
    check_write,
    field_text,
    merge,
    move,
    read_form,
    source_from,
    submit,
    uploads_from,
)
from newsprism.web.deps import TEMPLATES, TOKEN_FIELD, config, page_token
from newsprism.web.jobs import jobs

router = APIRouter()

REFRESH_SECONDS = 1  # a running job's page reloads this often
NOTICE_SECONDS = 4  # a finished job that has something to say shows it this long


def _see(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


@router.get("/add", include_in_schema=False)
def add_page(request: Request) -> Response:
    limit = config(request).max_upload_bytes
    response = TEMPLATES.TemplateResponse(
        request,
        "add.html.j2",
        {
            "token": page_token(request),
            "accept": ",".join(UPLOAD_SUFFIXES),
            "kinds": " ".join(UPLOAD_SUFFIXES),
            "limit_mb": f"{limit / 1_000_000:g}",
        },
    )
    return response


@router.post("/add", include_in_schema=False)
async def add_post(request: Request) -> Response:
    check_origin(request)
    form = await read_form(request)
    try:
        check_write(request, field_text(form, TOKEN_FIELD))
        chosen = [f for f in form.getlist("files") if isinstance(f, UploadFile) and f.filename]
        source: Source
        if chosen:
            source = await uploads_from(form)
        else:
            text = form.get("text")
            source = source_from(
                config(request).settings.ingest,
                text if isinstance(text, str) else None,
                field_text(form, "url"),
                field_text(form, "title"),
                field_text(form, "outlet"),
                field_text(form, "published"),
            )
    finally:
        await form.close()
    return _see(f"/jobs/{submit(request, source).id}")


@router.get("/jobs/{job_id}", include_in_schema=False)
def job_page(request: Request, job_id: str) -> Response:
    job = jobs(request).get(job_id)
    if job is None:
        raise HTTPException(status_code=404, detail=f"no job {job_id!r} (jobs are kept a while)")
    report = add_log(request).get(job.id)
    quiet = report is None or not (report.duplicates or report.problems)
    if job.state == "done" and job.story and quiet:
        return _see(f"/stories/{job.story}")
    refresh: str | None = None
    if not job.finished:
        refresh = str(REFRESH_SECONDS)
    elif job.state == "done" and job.story and report is not None and not report.problems:
        refresh = f"{NOTICE_SECONDS}; url=/stories/{job.story}"
    response = TEMPLATES.TemplateResponse(
        request,
        "job.html.j2",
        {
            "job": job,
            "report": report if job.finished else None,
            "percent": round(100 * job.progress),
            "refresh": refresh,
        },
    )
    return response


@router.post("/stories/merge", include_in_schema=False)
async def merge_post(request: Request) -> Response:
    check_origin(request)
    form = await read_form(request)
    try:
        check_write(request, field_text(form, TOKEN_FIELD))
        ids = [s for s in form.getlist("story") if isinstance(s, str)]
        into = field_text(form, "into").strip()
    finally:
        await form.close()
    if into:
        ids = [into, *(s for s in ids if s.strip() != into)]
    cfg = config(request)
    done = await run_in_threadpool(merge, cfg.db, ids, cfg.settings)
    return _see(f"/stories/{done.story}")


@router.post("/articles/{article_id}/move", include_in_schema=False)
async def move_post(request: Request, article_id: str) -> Response:
    check_origin(request)
    form = await read_form(request)
    try:
        check_write(request, field_text(form, TOKEN_FIELD))
        story = field_text(form, "story").strip()
    finally:
        await form.close()
    if not story:
        raise HTTPException(status_code=422, detail="choose the story to move the article to")
    cfg = config(request)
    done = await run_in_threadpool(move, cfg.db, article_id, story, cfg.settings)
    return _see(f"/stories/{done.story}")
