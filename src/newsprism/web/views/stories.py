"""View data of the story list and of one story.

The story page's findings come from the stored comparison through ``report.html.HtmlReport``
and ``report.view.ReportView``, the code behind the static HTML report; ``StoryAnchors`` only
gives them the web page's sentence anchors (``#a1-s12``: sentence 12 of article 1). A story
whose comparison is missing or stale has status "analysing"; ``web.story_jobs`` queues its
compare job.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal
from urllib.parse import quote, urlencode

from pydantic import BaseModel, Field, field_validator, model_validator

from newsprism.report.html import HtmlReport
from newsprism.report.stored import load_report
from newsprism.report.view import Ref, ReportView, format_published
from newsprism.store.base import Backend
from newsprism.store.browse import OutletCount, OutletRef
from newsprism.store.stories import StoryRecord
from newsprism.web.outlets import OutletDirectory, OutletInfo, store_countries
from newsprism.web.views.articles import ArticleMeta, ArticleOut, article_meta, article_out

OWNERSHIP_KINDS: tuple[str, ...] = ("state", "public", "private")
Ownership = Literal["state", "public", "private"]
StoryStatus = Literal["compared", "single", "analysing", "failed"]

# More countries than this and the coverage strip names only those that covered a story.
STRIP_COUNTRIES = 12


# --- the story list ----------------------------------------------------------------------


def blank_to_none(value: object) -> object:
    if isinstance(value, str) and not value.strip():
        return None
    return value


# The last day a ``since`` or ``until`` may name: a period ends at the first moment of the day
# after ``until`` (``day_after``), and the day after 9999-12-31 does not exist (it overflowed
# into a 500 before; now it is a 422 naming the parameter).
LAST_DAY = date.max - timedelta(days=1)


def printable(value: str | None) -> str | None:
    if value is not None and not value.isprintable():
        raise ValueError("must not contain control characters")
    return value


class StoryFilters(BaseModel):
    """The story list's query: words, outlet, country, ownership, period, page."""

    model_config = {"extra": "ignore"}

    q: str | None = Field(default=None, max_length=300, description="words one article of it holds")
    outlet: str | None = Field(
        default=None, max_length=200, description="an outlet key, registry name or alias, or a name"
    )
    country: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z]{2}$",
        description="ISO 3166-1 alpha-2 of an outlet's country",
    )
    ownership: Ownership | None = Field(default=None, description="an outlet's ownership")
    since: date | None = Field(
        default=None, le=LAST_DAY, description="the story has news on or after this day"
    )
    until: date | None = Field(
        default=None, le=LAST_DAY, description="the story began on or before this day"
    )
    page: int = Field(default=1, ge=1, le=5000)
    per_page: int = Field(default=20, ge=1, le=100)

    _blanks = field_validator(
        "q", "outlet", "country", "ownership", "since", "until", mode="before"
    )(blank_to_none)
    _texts = field_validator("q", "outlet")(printable)

    @model_validator(mode="after")
    def _period(self) -> StoryFilters:
        if self.since and self.until and self.until < self.since:
            raise ValueError("until is before since")
        return self

    def query(self, **changes: object) -> str:
        """These filters as a query string, with ``changes`` applied (None removes)."""
        values: dict[str, object] = {
            "q": self.q,
            "outlet": self.outlet,
            "country": self.country,
            "ownership": self.ownership,
            "since": self.since,
            "until": self.until,
            "page": self.page if self.page != 1 else None,
            "per_page": self.per_page if self.per_page != 20 else None,
        }
        values.update(changes)
        return urlencode({k: str(v) for k, v in values.items() if v is not None})

    def is_filtered(self) -> bool:
        return any(
            v is not None
            for v in (self.q, self.outlet, self.country, self.ownership, self.since, self.until)
        )


def day_start(day: date | None) -> str | None:
    """The first moment of ``day`` in UTC, as stored times are written."""
    if day is None:
        return None
    return datetime.combine(day, time(0), tzinfo=UTC).isoformat()


def day_after(day: date | None) -> str | None:
    """The first moment after ``day`` in UTC (an exclusive bound)."""
    if day is None:
        return None
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=UTC).isoformat()


class Coverage(BaseModel):
    """Which kinds of outlet covered a story and which did not."""

    ownership_covered: list[str]
    ownership_missing: list[str]
    countries_covered: list[str]
    countries_missing: list[str] = Field(
        description="countries of the store's outlets that did not cover it"
    )
    unknown_outlets: int = Field(description="outlets the registry does not describe")


class StorySummary(BaseModel):
    """One story as the list shows it."""

    id: str
    title: str
    start: str | None = Field(description="first publication time (ISO, UTC)")
    end: str | None = Field(description="last publication time (ISO, UTC)")
    when: str = Field(description="the time range in words")
    articles: int = Field(description="articles that are not near-copies")
    copies: int = Field(description="near-copies filed with their original")
    open: bool = Field(description="still taking new articles")
    compared: bool = Field(description="a comparison is stored for it")
    url: str
    outlets: list[OutletInfo]
    coverage: Coverage


class StoryList(BaseModel):
    """A page of stories, newest first."""

    stories: list[StorySummary]
    filters: StoryFilters
    page: int
    per_page: int
    has_more: bool
    next: str | None = Field(description="the next page, when there is one")
    previous: str | None
    countries: list[str] = Field(description="countries of the store's outlets")
    ownership_kinds: list[str]


def time_range(start: str | None, end: str | None) -> str:
    """A story's time range in words: "21 Oct 2024 – 25 Oct 2024"."""
    if not start and not end:
        return "undated"
    first = format_published(start or end)
    last = format_published(end or start)
    return first if first == last else f"{first} – {last}"


def summarize(
    records: list[StoryRecord],
    coverage: dict[str, list[OutletCount]],
    compared: set[str],
    directory: OutletDirectory,
    countries: list[str],
) -> list[StorySummary]:
    """The list entries of ``records`` (coverage: ``Backend.story_coverage``)."""
    out = []
    for record in records:
        outlets = [
            directory.info(o.id, o.name, o.articles, o.copies) for o in coverage.get(record.id, [])
        ]
        owned = {o.ownership for o in outlets}
        covered = sorted({o.country for o in outlets if o.country})
        out.append(
            StorySummary(
                id=record.id,
                title=record.title or "(untitled story)",
                start=record.start,
                end=record.end,
                when=time_range(record.start, record.end),
                articles=record.articles,
                copies=record.copies,
                open=record.status == "open",
                compared=record.id in compared,
                url=f"/stories/{quote(record.id, safe='')}",
                outlets=outlets,
                coverage=Coverage(
                    ownership_covered=[k for k in OWNERSHIP_KINDS if k in owned],
                    ownership_missing=[k for k in OWNERSHIP_KINDS if k not in owned],
                    countries_covered=covered,
                    countries_missing=[c for c in countries if c not in covered],
                    unknown_outlets=sum(1 for o in outlets if o.ownership == "unknown"),
                ),
            )
        )
    return out


def story_list(store: Backend, filters: StoryFilters) -> StoryList:
    """The stories page: one page of stories matching ``filters``, newest first."""
    directory = OutletDirectory.of(store)
    outlet_sets: list[list[OutletRef]] = []
    if filters.outlet:
        outlet_sets.append([directory.ref_for(filters.outlet)])
    if filters.country:
        outlet_sets.append(directory.refs_for_country(filters.country))
    if filters.ownership:
        outlet_sets.append(directory.refs_for_ownership(filters.ownership))
    offset = (filters.page - 1) * filters.per_page
    records = store.browse_stories(
        outlet_sets,
        since=day_start(filters.since),
        until=day_after(filters.until),
        query=filters.q,
        limit=filters.per_page + 1,
        offset=offset,
    )
    has_more = len(records) > filters.per_page
    records = records[: filters.per_page]
    ids = [r.id for r in records]
    countries = store_countries(store, directory)
    stories = summarize(
        records,
        store.story_coverage(ids),
        store.compared_story_ids(ids),
        directory,
        countries,
    )
    return StoryList(
        stories=stories,
        filters=filters,
        page=filters.page,
        per_page=filters.per_page,
        has_more=has_more,
        next="/?" + filters.query(page=filters.page + 1) if has_more else None,
        previous=(
            "/?" + filters.query(page=filters.page - 1 if filters.page > 2 else None)
            if filters.page > 1
            else None
        ),
        countries=countries,
        ownership_kinds=list(OWNERSHIP_KINDS),
    )


# --- one story ---------------------------------------------------------------------------


class JobInfo(BaseModel):
    """A background analysis (``/api/jobs/{id}`` tells how it goes)."""

    job: str
    kind: str
    state: str
    progress: float
    message: str
    error: str
    story: str | None
    location: str


class StoryDetail(BaseModel):
    """One story: its articles and, once compared, the comparison."""

    id: str
    title: str
    start: str | None
    end: str | None
    when: str
    status: StoryStatus = Field(
        description="compared: the comparison is current; single: one article, nothing to "
        "compare; analysing: a comparison job runs (see job); failed: the last comparison "
        "job failed (see job.error)"
    )
    articles: list[ArticleMeta] = Field(description="every member, near-copies included")
    compared_articles: list[str] = Field(
        description="the articles a comparison covers: the members that are not near-copies"
    )
    coverage: Coverage
    comparison: dict[str, Any] | None = Field(
        default=None,
        description="the comparison, as `newsprism compare --format json` writes it "
        "(articles, claims, alignments, omissions, concepts, quotes, loaded, events, brief, "
        "terms, quote_balance)",
    )
    single: ArticleOut | None = Field(
        default=None, description="the only article, when status=single"
    )
    job: JobInfo | None = None


def compared_ids(rows: list[dict[str, Any]]) -> list[str]:
    """The members a story's comparison covers: those that are not near-copies, or all of
    them when every member is a near-copy (the rule of ``services.stories
    .load_story_articles``, which the compare job uses)."""
    ids = [r["id"] for r in rows if not r.get("copy_of")]
    return ids or [r["id"] for r in rows]


def story_detail(store: Backend, story_id: str) -> StoryDetail | None:
    """The story (by its current id; see ``Backend.resolve_story``) with its comparison when
    the stored one covers exactly its current members; status "analysing" (without a job)
    when it must be compared first. None when there is no such story."""
    record = store.get_story(story_id)
    if record is None:
        return None
    directory = OutletDirectory.of(store)
    rows = store.story_article_rows(story_id)
    members = [article_meta(r, directory) for r in rows]
    wanted = compared_ids(rows)
    coverage = summarize(
        [record],
        store.story_coverage([story_id]),
        set(),
        directory,
        store_countries(store, directory),
    )[0].coverage
    detail = StoryDetail(
        id=record.id,
        title=record.title or "(untitled story)",
        start=record.start,
        end=record.end,
        when=time_range(record.start, record.end),
        status="analysing",
        articles=members,
        compared_articles=wanted,
        coverage=coverage,
    )
    if len(wanted) == 1:
        detail.status = "single"
        detail.single = article_out(store, wanted[0])
        return detail
    stored = store.comparison_article_ids(story_id)
    if stored is not None and sorted(stored) == sorted(wanted):
        detail.status = "compared"
        detail.comparison = stored_comparison(store, story_id, stored)
    return detail


class _ComparisonCache:
    """The last few comparisons read, by (store, story, saved at, articles): a story page
    opened again skips reading and rebuilding its comparison (a story of 40 articles: about
    250 ms). Saving a comparison changes its key, so nothing stale is served."""

    def __init__(self, size: int = 8) -> None:
        self.size = size
        self.lock = threading.Lock()
        self.items: dict[tuple[str, ...], dict[str, Any]] = {}

    def get(self, key: tuple[str, ...]) -> dict[str, Any] | None:
        with self.lock:
            found = self.items.pop(key, None)
            if found is not None:
                self.items[key] = found  # most recently used last
            return found

    def put(self, key: tuple[str, ...], value: dict[str, Any]) -> None:
        with self.lock:
            self.items[key] = value
            while len(self.items) > self.size:
                del self.items[next(iter(self.items))]


_COMPARISONS = _ComparisonCache()


def stored_comparison(store: Backend, story_id: str, articles: list[str]) -> dict[str, Any]:
    """The comparison stored under ``story_id`` as the report dict (cached; treat it as
    read-only)."""
    updated = store.comparison_updated(story_id) or ""
    key = (str(store.path), story_id, updated, *articles)
    found = _COMPARISONS.get(key)
    if found is None:
        found = load_report(store, story_id)
        _COMPARISONS.put(key, found)
    return found


class StoryAnchors:
    """Links from a finding to its words on the story page: ``href`` is the anchor of the
    sentence it starts in (``#a2-s5``, highlighted by CSS ``:target`` without JavaScript);
    ``goto`` lists every span ("2:120:180 1:0:45") for the script's exact highlight."""

    def __init__(self, view: ReportView) -> None:
        self.view = view
        self.index = {a.id: a.index for a in view.articles}

    def sentence_anchor(self, article: str, start: int) -> str:
        index = self.index.get(article)
        if index is None:
            return ""
        number = self.view.by_id[article].sentence_number(start)
        return f"a{index}-s{number}" if number is not None else f"a{index}"

    def __call__(self, refs: list[Ref] | Ref | None) -> dict[str, str]:
        if refs is None:
            return {"href": "", "goto": ""}
        items = [refs] if isinstance(refs, tuple) else refs
        items = [r for r in items if r[0] in self.index]
        if not items:
            return {"href": "", "goto": ""}
        parts = [f"{self.index[a]}:{s}:{e}" for a, s, e in items]
        return {"href": "#" + self.sentence_anchor(*items[0][:2]), "goto": " ".join(parts)}


# A story page lists every omission while the story has at most this many in all; past it
# (a story of dozens of outlets has thousands), each outlet's list shows the facts most
# outlets report first, cut at OMISSIONS_SHOWN, and each fact cites CITES_SHOWN reports.
# ``?full=true`` (and the JSON twin) has them all.
OMISSIONS_ALL_BELOW = 300
OMISSIONS_SHOWN = 12
CITES_SHOWN = 4


@dataclass
class OmissionList:
    """One outlet's omissions as the story page lists them."""

    article: Any  # report.view.ArticleView
    items: list[dict[str, Any]]  # the omissions shown
    total: int  # how many it has in all


def omission_lists(view: ReportView, full: bool) -> tuple[list[OmissionList], bool]:
    """Each outlet's omissions for the page, and whether any list was cut."""
    per_article = view.omissions_by_article()
    total = sum(len(items) for _, items in per_article)
    if full or total <= OMISSIONS_ALL_BELOW:
        return [OmissionList(a, items, len(items)) for a, items in per_article], False
    out = []
    for article, items in per_article:
        ranked = sorted(items, key=lambda o: -len(o.get("reported_by", ())))  # stable
        out.append(OmissionList(article, ranked[:OMISSIONS_SHOWN], len(items)))
    return out, True


def story_page_context(detail: StoryDetail, full: bool = False) -> dict[str, Any]:
    """What the story template shows of a compared story: the static report's context
    (``HtmlReport``) with the web page's anchors (omission lists cut on big stories unless
    ``full``)."""
    if detail.comparison is None:
        return {}
    report = HtmlReport(detail.comparison)
    context = report.context()
    context["link_to"] = StoryAnchors(report.view)
    context["cells"] = matrix_cells(context["matrix"])
    context["omission_lists"], context["omissions_cut"] = omission_lists(report.view, full)
    context["cites_shown"] = len(report.view.articles) if full else CITES_SHOWN
    return context


def matrix_cells(rows: list[Any]) -> dict[str, list[str]]:
    """Each claim matrix cell's word (agreed, single, contradicted or omitted), by row
    (alignment id)."""
    out: dict[str, list[str]] = {}
    for row in rows:
        relation = row.alignment["relation"]
        words = []
        for cell in row.cells:
            if cell.kind == "omitted":
                words.append("omitted")
            elif cell.kind == "contradicted":
                words.append("contradicted")
            else:
                words.append("single" if relation == "single" else "agreed")
        out[row.alignment["id"]] = words
    return out
