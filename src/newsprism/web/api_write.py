"""The writing side of the JSON API: add articles (pasted text, a URL, uploaded files) as a
background job, read a job's progress, and correct stories (merge, move an article).

    POST /api/articles          {text, title?, outlet?, published?, url?} or {url}  -> 202 job
    POST /api/articles/upload   multipart, one or more "files"                       -> 202 job
    GET  /api/jobs/{id}         state, progress, message, story, and what an add did
    POST /api/stories/merge     {into, others: [...]}                                 -> 200
    POST /api/articles/{id}/move {story}                                              -> 200

Every write needs the app's token (header ``X-Newsprism-Token``, or a ``token`` form field
in an upload) when it has one, and is refused (403) when a browser posts it from a page that
is not this server's own (another site, or another port of the same host). A body over
``max_upload_bytes`` is refused (413) before it is read: from its declared length, else as
soon as that many bytes have come. The helpers here are shared with the HTML forms
(``pages_write``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError
from starlette.datastructures import FormData, UploadFile
from starlette.types import Message

from newsprism.services.adding import (
    AddReport,
    FromUrl,
    Pasted,
    Source,
    Upload,
    text_problem,
    url_problem,
)
from newsprism.settings import DEFAULT, IngestSettings, Settings
from newsprism.store.errors import StoryConflict
from newsprism.store.open import open_store
from newsprism.web.adding import add_log, submit_add
from newsprism.web.deps import OWN_PAGE_SITES, TOKEN_FIELD, TOKEN_HEADER, check_token, config
from newsprism.web.jobs import Job, jobs

router = APIRouter()

# --- request bodies --------------------------------------------------------------------------


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MiB" if n >= 100_000 else f"{n} bytes"


def too_large(limit: int, size: int | None = None) -> HTTPException:
    """The 413 answer to a body over ``limit`` bytes (of ``size`` bytes when declared)."""
    what = f"the request body ({_size(size)})" if size else "the request body"
    return HTTPException(
        status_code=413,
        detail=f"{what} is over this server's {_size(limit)} limit for an upload "
        "(max_upload_bytes); nothing was stored",
    )


def limited(request: Request) -> Request:
    """``request`` reading at most ``max_upload_bytes`` of body: 413 at once when the declared
    Content-Length is over it, else as soon as more than that has arrived."""
    limit = config(request).max_upload_bytes
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            size = int(declared)
        except ValueError:
            raise HTTPException(
                status_code=400, detail="the Content-Length is not a number"
            ) from None
        if size > limit:
            raise too_large(limit, size)
    seen = 0
    receive = request.receive

    async def counted() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise too_large(limit)
        return message

    return Request(request.scope, counted)


async def read_form(request: Request) -> FormData:
    """The form (urlencoded or multipart) of a write, within the body limit and the files and
    fields limits (``[web]`` settings)."""
    cfg = config(request)
    return await limited(request).form(
        max_files=cfg.settings.web.max_upload_files,
        max_fields=cfg.settings.web.max_form_fields,
        max_part_size=cfg.max_upload_bytes,
    )


def check_origin(request: Request) -> None:
    """Refuse (403) a write a browser sends from a page that is not this server's own: its
    Origin must be exactly this server's scheme://host:port, and its Sec-Fetch-Site (when
    sent) same-origin. A page on another port of the same host is "same-site": the browser
    sends it this server's cookies, so only the origin tells it apart (issue 14, item 3)."""
    own = f"{request.url.scheme}://{request.headers.get('host', '')}".lower()
    origin = request.headers.get("origin")  # absent: no browser (an API client)
    site = request.headers.get("sec-fetch-site")
    what = None
    if origin is not None and origin.lower() != own:
        what = origin
    elif site is not None and site not in OWN_PAGE_SITES:
        what = f"Sec-Fetch-Site: {site}"
    if what is not None:
        raise HTTPException(
            status_code=403,
            detail=f"a write from another site or port ({what}) is refused: "
            "a write must come from this server's own pages",
        )


def check_write(request: Request, form_token: str | None = None) -> None:
    """The checks every write makes: same site, and the token when the app has one."""
    check_origin(request)
    check_token(request, request.headers.get(TOKEN_HEADER) or form_token)


def field_text(form: FormData, name: str) -> str:
    """A form field's text ("" when absent or a file)."""
    value = form.get(name)
    return value if isinstance(value, str) else ""


# --- adding ----------------------------------------------------------------------------------


_AT_MOST = "at most [ingest] max_field_chars characters (1000 unless set)"


class ArticleIn(BaseModel):
    """An article to add: its ``text`` (and metadata), or only a ``url`` to fetch."""

    model_config = ConfigDict(extra="forbid")

    text: str | None = Field(None, description="the article's text (plain text)")
    title: str = Field("", description=_AT_MOST)
    outlet: str = Field("", description=_AT_MOST)
    published: str = Field("", description=f"ISO 8601 time, {_AT_MOST}")
    url: str = Field("", description="with text: where it was published; alone: fetch it")

    @field_validator("title", "outlet", "published")
    @classmethod
    def _at_most(cls, value: str, info: ValidationInfo) -> str:
        """Over ``[ingest] max_field_chars`` (``read_json`` passes the settings in force as
        the validation context): 422, as a field's ``max_length`` would answer."""
        limits = (info.context or {}).get("ingest", DEFAULT.ingest)
        if len(value) > limits.max_field_chars:
            raise PydanticCustomError(
                "string_too_long",
                "String should have at most {max_length} characters",
                {"max_length": limits.max_field_chars},
            )
        return value


def source_from(
    settings: IngestSettings,
    text: str | None,
    url: str,
    title: str = "",
    outlet: str = "",
    published: str = "",
) -> Source:
    """What to add, from the fields given: text (with its metadata), else a URL to fetch;
    422 with the reason when neither is usable."""
    url = url.strip()
    if text is not None:
        problem = text_problem(text)
        if problem:
            raise HTTPException(status_code=422, detail=problem)
        return Pasted(text, title.strip(), outlet.strip(), published.strip(), url)
    if not url:
        raise HTTPException(status_code=422, detail="give the article's text or its URL")
    problem = url_problem(url, settings)
    if problem:
        raise HTTPException(status_code=422, detail=problem)
    return FromUrl(url)


async def uploads_from(form: FormData, name: str = "files") -> list[Upload]:
    """The uploaded files of a form (422 when there is none)."""
    found: list[Upload] = []
    for item in form.getlist(name):
        if isinstance(item, UploadFile) and (item.filename or item.size):
            found.append(Upload(item.filename or "", await item.read()))
    if not found:
        raise HTTPException(status_code=422, detail="choose one or more files to upload")
    return found


def submit(request: Request, source: Source) -> Job:
    """Queue adding ``source`` on the app's job runner."""
    cfg = config(request)
    return submit_add(
        jobs(request),
        add_log(request),
        cfg.db,
        source,
        cfg.settings,
        allow_private=cfg.allow_private,
    )


def job_json(job: Job, report: AddReport | None) -> dict[str, Any]:
    """A job as the API shows it (with what an add did, once it is known)."""
    data: dict[str, Any] = {
        "id": job.id,
        "kind": job.kind,
        "state": job.state,
        "finished": job.finished,
        "progress": round(job.progress, 3),
        "message": job.message,
        "error": job.error,
        "story": job.story,
        "page": f"/jobs/{job.id}",
        "story_page": f"/stories/{job.story}" if job.story else None,
    }
    if report is not None and job.finished:
        data["added"] = report.to_dict()
    return data


def _accepted(request: Request, job: Job) -> JSONResponse:
    body = job_json(job, add_log(request).get(job.id))
    return JSONResponse(body, status_code=202, headers={"Location": f"/api/jobs/{job.id}"})


def _schema(model: type[BaseModel]) -> dict[str, Any]:
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": model.model_json_schema()}},
        }
    }


async def read_json(request: Request, model: type[BaseModel]) -> Any:
    """The JSON body as ``model`` (413 over the limit; 422 naming each problem)."""
    body = await limited(request).body()
    try:
        return model.model_validate_json(body, context={"ingest": config(request).settings.ingest})
    except ValidationError as err:
        raise RequestValidationError(
            [{**e, "loc": ("body", *e.get("loc", ()))} for e in err.errors(include_url=False)]
        ) from None


@router.post(
    "/api/articles",
    status_code=202,
    summary="Add an article (text, or a URL to fetch); answers with the job",
    openapi_extra=_schema(ArticleIn),
)
async def add_article(request: Request) -> JSONResponse:
    check_write(request)
    given: ArticleIn = await read_json(request, ArticleIn)
    source = source_from(
        config(request).settings.ingest,
        given.text,
        given.url,
        given.title,
        given.outlet,
        given.published,
    )
    return _accepted(request, submit(request, source))


@router.post(
    "/api/articles/upload",
    status_code=202,
    summary="Add articles from uploaded files (.txt .html .json .jsonl); answers with the job",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "files": {
                                "type": "array",
                                "items": {"type": "string", "format": "binary"},
                            },
                            "token": {"type": "string"},
                        },
                        "required": ["files"],
                    }
                }
            },
        }
    },
)
async def upload_articles(request: Request) -> JSONResponse:
    check_origin(request)
    if request.headers.get(TOKEN_HEADER) is not None:
        check_write(request)  # refuse before reading the body
    form = await read_form(request)
    try:
        check_write(request, field_text(form, TOKEN_FIELD))
        uploads = await uploads_from(form)
    finally:
        await form.close()
    return _accepted(request, submit(request, uploads))


@router.get("/api/jobs/{job_id}", summary="A job's state and progress (and what an add did)")
def get_job(request: Request, job_id: str) -> dict[str, Any]:
    job = jobs(request).get(job_id)
    if job is None:
        raise HTTPException(status_code=404, detail=f"no job {job_id!r} (jobs are kept a while)")
    return job_json(job, add_log(request).get(job.id))


# --- corrections -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Merged:
    story: str
    merged: list[str]
    articles: int


@dataclass(frozen=True)
class Moved:
    article: str
    source: str
    story: str
    moved: list[str]
    merged: bool


def _retrying(work: Any, retries: int) -> Any:
    for attempt in range(retries):
        try:
            return work()
        except StoryConflict:
            if attempt == retries - 1:
                raise HTTPException(
                    status_code=409, detail="the stories changed meanwhile; try again"
                ) from None
    raise AssertionError("unreachable")


def merge(db: str, story_ids: list[str], settings: Settings) -> Merged:
    """Merge stories into the first one (``newsprism merge``): 404 naming unknown ids, 422
    when fewer than two different stories are given."""
    from newsprism.services.stories import CorrectionError
    from newsprism.services.stories import merge as merge_stories

    ids = [s.strip() for s in story_ids if s.strip()]
    with open_store(db) as store:
        unknown = [s for s in ids if store.resolve_story(s) is None]
        if unknown:
            raise HTTPException(status_code=404, detail=f"no story {', '.join(unknown)}")

        def work() -> Merged:
            resolved = [store.resolve_story(s) or s for s in ids]
            into = merge_stories(store, ids, settings.stories)
            record = store.get_story(into)
            others = sorted({s for s in resolved if s != into})
            return Merged(into, others, record.articles if record else 0)

        try:
            result: Merged = _retrying(work, settings.web.conflict_retries)
        except CorrectionError as err:
            raise HTTPException(status_code=422, detail=str(err)) from None
    return result


def move(db: str, article_id: str, story_id: str, settings: Settings) -> Moved:
    """Move an article to another story (``newsprism move``): 404 for an unknown article or
    story, 422 when it cannot move (not filed yet, already there)."""
    from newsprism.services.stories import CorrectionError, UnknownArticle, UnknownStory
    from newsprism.services.stories import move as move_article

    with open_store(db) as store:
        try:
            done = _retrying(
                lambda: move_article(store, article_id, story_id.strip(), settings.stories),
                settings.web.conflict_retries,
            )
        except (UnknownArticle, UnknownStory) as err:
            raise HTTPException(status_code=404, detail=str(err)) from None
        except CorrectionError as err:
            raise HTTPException(status_code=422, detail=str(err)) from None
    return Moved(done.article, done.source, done.story, list(done.moved), done.merged)


class MergeIn(BaseModel):
    """Stories to merge: ``others`` go into ``into``, which keeps its id."""

    model_config = ConfigDict(extra="forbid")

    into: str = Field(..., min_length=1, max_length=200)
    others: list[str] = Field(..., min_length=1, max_length=1000)


class MoveIn(BaseModel):
    """The story to move an article to."""

    model_config = ConfigDict(extra="forbid")

    story: str = Field(..., min_length=1, max_length=200)


@router.post(
    "/api/stories/merge",
    summary="Merge stories into one (the others' ids become its aliases)",
    openapi_extra=_schema(MergeIn),
)
async def merge_api(request: Request) -> dict[str, Any]:
    check_write(request)
    given: MergeIn = await read_json(request, MergeIn)
    cfg = config(request)
    done = await run_in_threadpool(merge, cfg.db, [given.into, *given.others], cfg.settings)
    return {"story": done.story, "merged": done.merged, "articles": done.articles}


@router.post(
    "/api/articles/{article_id}/move",
    summary="Move an article (and its near-copies) to another existing story",
    openapi_extra=_schema(MoveIn),
)
async def move_api(request: Request, article_id: str) -> dict[str, Any]:
    check_write(request)
    given: MoveIn = await read_json(request, MoveIn)
    cfg = config(request)
    done = await run_in_threadpool(move, cfg.db, article_id, given.story, cfg.settings)
    return {
        "article": done.article,
        "from": done.source,
        "story": done.story,
        "moved": done.moved,
        "merged": done.merged,
    }
