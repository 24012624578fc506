"""The reading pages: the story list (``/``), a story (``/stories/{id}``), the outlets
(``/outlets``, ``/outlets/{key}``) and ``/articles/{id}`` (to its story). Server-rendered;
every page reads without JavaScript. The data is from ``web.views``, as the JSON twins give it."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from newsprism.report.view import OWNERSHIP_WORDS, RELATION_WORDS
from newsprism.store.base import Backend
from newsprism.web.deps import (
    TEMPLATES,
    WebConfig,
    config,
    get_store,
    page_token,
)
from newsprism.web.jobs import JobRunner, jobs
from newsprism.web.story_jobs import story_for_reading
from newsprism.web.views.outlets import Period, outlet_detail, outlet_list
from newsprism.web.views.stories import StoryFilters, story_list, story_page_context

router = APIRouter(include_in_schema=False)

StoreDep = Annotated[Backend, Depends(get_store)]

# How often the "analysing" page reloads itself (seconds).
REFRESH_SECONDS = 2


def render(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
    """A page from ``templates/``, with what every page may use."""
    shared = {
        "ownership_words": OWNERSHIP_WORDS,
        "relation_words": RELATION_WORDS,
        "token": page_token(request),  # for the forms of the writing side (pages_write)
    }
    response = TEMPLATES.TemplateResponse(request, name, {**shared, **context}, status_code=status)
    return response


@router.get("/", response_class=HTMLResponse)
def stories_page(
    request: Request, store: StoreDep, filters: Annotated[StoryFilters, Query()]
) -> Response:
    listing = story_list(store, filters)
    outlets = outlet_list(store).outlets
    return render(request, "stories.html.j2", {"listing": listing, "outlets": outlets})


@router.get("/stories/{story_id}", response_class=HTMLResponse)
def story_page(
    request: Request,
    story_id: Annotated[str, Path(min_length=1, max_length=200)],
    store: StoreDep,
    cfg: Annotated[WebConfig, Depends(config)],
    runner: Annotated[JobRunner, Depends(jobs)],
    retry: bool = False,
    full: bool = False,
) -> Response:
    resolved = store.resolve_story(story_id)
    if resolved is None:
        raise HTTPException(status_code=404, detail=f"no story {story_id!r} in this store")
    if resolved != story_id:
        return RedirectResponse(f"/stories/{quote(resolved, safe='')}", status_code=307)
    detail = story_for_reading(store, runner, cfg.db, resolved, cfg.settings, retry)
    if detail is None:
        raise HTTPException(status_code=404, detail=f"no story {story_id!r} in this store")
    if detail.status == "single":
        return render(request, "story_single.html.j2", {"story": detail})
    if detail.status in ("analysing", "failed"):
        return render(
            request,
            "story_analysing.html.j2",
            {"story": detail, "refresh": REFRESH_SECONDS},
            status=500 if detail.status == "failed" else 200,
        )
    context = story_page_context(detail, full)
    return render(request, "story.html.j2", {"story": detail, **context})


@router.get("/outlets", response_class=HTMLResponse)
def outlets_page(request: Request, store: StoreDep) -> Response:
    return render(request, "outlets.html.j2", {"listing": outlet_list(store)})


@router.get("/outlets/{key:path}", response_class=HTMLResponse)
def outlet_page(
    request: Request, key: str, store: StoreDep, period: Annotated[Period, Query()]
) -> Response:
    detail = outlet_detail(store, key, period)
    if detail is None:
        raise HTTPException(status_code=404, detail=f"no stored article is by the outlet {key!r}")
    return render(request, "outlet.html.j2", {"page": detail})


@router.get("/articles/{article_id}")
def article_page(
    article_id: Annotated[str, Path(min_length=1, max_length=200)], store: StoreDep
) -> Response:
    """An article's place: its story page (the article's column)."""
    story = store.story_of(article_id)
    if story is None:
        if store.get_article(article_id) is None:
            raise HTTPException(status_code=404, detail=f"no article {article_id!r} in this store")
        raise HTTPException(status_code=404, detail=f"article {article_id!r} is in no story yet")
    return RedirectResponse(
        f"/stories/{quote(story, safe='')}#article-{quote(article_id, safe='')}", status_code=307
    )
