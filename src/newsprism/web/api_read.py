"""The reading side's JSON twins: ``/api/stories``, ``/api/stories/{id}``, ``/api/outlets``,
``/api/outlets/{key}`` and ``/api/articles/{id}`` (models in ``web.views``)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, HTTPException, Path, Query
from fastapi.responses import JSONResponse, RedirectResponse, Response

from newsprism.store.base import Backend
from newsprism.web.deps import WebConfig, config, get_store
from newsprism.web.jobs import JobRunner, jobs
from newsprism.web.story_jobs import story_for_reading
from newsprism.web.views.articles import ArticleOut, article_out
from newsprism.web.views.outlets import OutletDetail, OutletList, Period, outlet_detail, outlet_list
from newsprism.web.views.stories import JobInfo, StoryDetail, StoryFilters, StoryList, story_list

router = APIRouter(prefix="/api", tags=["read"])

StoreDep = Annotated[Backend, Depends(get_store)]
StoryId = Annotated[str, Path(min_length=1, max_length=200, description="a story id")]


def no_story(story_id: str) -> HTTPException:
    return HTTPException(status_code=404, detail=f"no story {story_id!r} in this store")


@router.get("/stories", response_model=StoryList, summary="Stories, newest first")
def list_stories(store: StoreDep, filters: Annotated[StoryFilters, Query()]) -> StoryList:
    """Stories newest first: full-text search (``q``), filters by outlet, country, ownership
    and period, one page at a time; each with its outlets and coverage."""
    return story_list(store, filters)


@router.get(
    "/stories/{story_id}",
    response_model=StoryDetail,
    summary="One story and its comparison",
    responses={
        202: {"model": JobInfo, "description": "being compared: poll the Location"},
        307: {"description": "a merged story's id: the surviving story"},
        404: {"description": "no such story"},
        500: {"description": "the comparison failed (retry=true tries again)"},
    },
)
def get_story(
    story_id: StoryId,
    store: StoreDep,
    cfg: Annotated[WebConfig, Depends(config)],
    runner: Annotated[JobRunner, Depends(jobs)],
    retry: Annotated[bool, Query(description="compare again after a failure")] = False,
) -> Response | StoryDetail:
    """The story with its comparison. A story whose comparison is missing or older than its
    articles is compared in the background: 202 with the job and a Location to poll."""
    resolved = store.resolve_story(story_id)
    if resolved is None:
        raise no_story(story_id)
    if resolved != story_id:
        return RedirectResponse(f"/api/stories/{quote(resolved, safe='')}", status_code=307)
    detail = story_for_reading(store, runner, cfg.db, resolved, cfg.settings, retry)
    if detail is None:
        raise no_story(story_id)
    if detail.status == "failed" and detail.job is not None:
        raise HTTPException(
            status_code=500,
            detail=f"comparing story {resolved} failed: {detail.job.error} "
            "(retry=true tries again)",
        )
    if detail.status == "analysing" and detail.job is not None:
        return JSONResponse(
            detail.job.model_dump(), status_code=202, headers={"Location": detail.job.location}
        )
    return detail


@router.get("/outlets", response_model=OutletList, summary="Outlets with stored articles")
def list_outlets(store: StoreDep) -> OutletList:
    return outlet_list(store)


@router.get(
    "/outlets/{key:path}",
    response_model=OutletDetail,
    summary="One outlet over a period",
    responses={404: {"description": "no stored article is by this outlet"}},
)
def get_outlet(key: str, store: StoreDep, period: Annotated[Period, Query()]) -> OutletDetail:
    """What the outlet covered, what it leaves out that others report, its words for
    recurring concepts and whom it quotes, over ``since``..``until``."""
    detail = outlet_detail(store, key, period)
    if detail is None:
        raise HTTPException(status_code=404, detail=f"no stored article is by the outlet {key!r}")
    return detail


@router.get(
    "/articles/{article_id}",
    response_model=ArticleOut,
    summary="One article",
    responses={404: {"description": "no such article"}},
)
def get_article(
    article_id: Annotated[str, Path(min_length=1, max_length=200)], store: StoreDep
) -> ArticleOut:
    """One stored article: metadata, text and the story it is filed under."""
    article = article_out(store, article_id)
    if article is None:
        raise HTTPException(status_code=404, detail=f"no article {article_id!r} in this store")
    return article
