"""View data of the reading pages, built from the store: the story list, one story, the
outlets, one outlet and one article.

Each view is a pydantic model: the JSON twin under ``/api`` returns it as it is (so the
OpenAPI document describes it) and the page renders the same object. The story page's
findings come from the stored comparison through ``report.html.HtmlReport`` and
``report.view.ReportView``, the code behind the static HTML report; ``StoryAnchors`` only
gives them the web page's sentence anchors (``#a1-s12``: sentence 12 of article 1).
SQL lives in ``store.browse``; this module only shapes what it returns.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from time import monotonic
from typing import Any, Literal
from urllib.parse import quote, urlencode

from pydantic import BaseModel, Field, field_validator, model_validator

from newsprism.ingest.outlets import Registry, cached_registry
from newsprism.model import Outlet
from newsprism.report.html import HtmlReport, safe_link
from newsprism.report.stored import load_report
from newsprism.report.view import OWNERSHIP_WORDS, Ref, ReportView, format_published
from newsprism.settings import Settings
from newsprism.store.base import Backend
from newsprism.store.browse import OUTLET_WINDOW, OutletCount, OutletRef
from newsprism.store.stories import StoryRecord
from newsprism.web.jobs import Job, JobRunner, compare_key, submit_compare

OWNERSHIP_KINDS: tuple[str, ...] = ("state", "public", "private")
Ownership = Literal["state", "public", "private"]
StoryStatus = Literal["compared", "single", "analysing", "failed"]

# More countries than this and the coverage strip names only those that covered a story.
STRIP_COUNTRIES = 12


# --- outlets -----------------------------------------------------------------------------


def outlet_key(outlet_id: str, name: str) -> str:
    """The outlet's key in URLs: its registry id, else "~" and the name it goes by."""
    return outlet_id or f"~{name}"


def outlet_url(outlet_id: str, name: str) -> str:
    """The outlet page's path."""
    return "/outlets/" + quote(outlet_key(outlet_id, name), safe="~")


class OutletInfo(BaseModel):
    """An outlet with what the registry says about it."""

    key: str = Field(description="its key in /outlets/{key}: the registry id, else ~name")
    id: str = Field(description="registry id; empty when the registry does not know it")
    name: str
    country: str = Field(description="ISO 3166-1 alpha-2; empty when unknown or international")
    ownership: str = Field(description="state, public, private or unknown")
    ownership_words: str
    kind: str = ""
    funding: str = ""
    url: str = Field(description="the outlet's page")
    articles: int = Field(default=0, description="articles counted in the context (story, store)")
    copies: int = Field(default=0, description="near-copies counted in the context")


class OutletDirectory:
    """Outlet facts from the shipped registry, overridden by the entries stored with
    comparisons (a user's ``--outlets`` file); turns filters into ``OutletRef`` lists."""

    def __init__(self, stored: dict[str, Outlet], registry: Registry | None = None) -> None:
        self.registry = registry if registry is not None else cached_registry("")
        self.stored = stored

    @classmethod
    def of(cls, store: Backend) -> OutletDirectory:
        return cls(store.outlets())

    def get(self, outlet_id: str) -> Outlet | None:
        if not outlet_id:
            return None
        return self.stored.get(outlet_id) or self.registry.get(outlet_id)

    def _all(self) -> list[Outlet]:
        known = {o.id: o for o in self.registry.outlets}
        known.update(self.stored)
        return list(known.values())

    def refs_for_country(self, country: str) -> list[OutletRef]:
        code = country.upper()
        return [OutletRef(o.id) for o in self._all() if o.country.upper() == code]

    def refs_for_ownership(self, ownership: str) -> list[OutletRef]:
        return [OutletRef(o.id) for o in self._all() if o.ownership == ownership]

    def ref_for(self, text: str) -> OutletRef:
        """An outlet key (``rt``, ``~Some Blog``), registry name or alias, or a name as the
        articles give it."""
        text = text.strip()
        if text.startswith("~"):
            return OutletRef("", text[1:])
        if self.get(text) is not None:
            return OutletRef(text)
        found = self.registry.match(text)
        if found is not None:
            return OutletRef(found.id)
        for outlet in self.stored.values():
            if outlet.name.lower() == text.lower():
                return OutletRef(outlet.id)
        return OutletRef("", text)

    def info(self, outlet_id: str, name: str, articles: int = 0, copies: int = 0) -> OutletInfo:
        outlet = self.get(outlet_id)
        ownership = outlet.ownership if outlet else "unknown"
        shown = (outlet.name if outlet else name) or name or outlet_id or "unknown outlet"
        return OutletInfo(
            key=outlet_key(outlet_id, name),
            id=outlet_id,
            name=shown,
            country=outlet.country if outlet else "",
            ownership=ownership,
            ownership_words=OWNERSHIP_WORDS.get(ownership, ownership),
            kind=outlet.kind if outlet else "",
            funding=outlet.funding if outlet else "",
            url=outlet_url(outlet_id, name),
            articles=articles,
            copies=copies,
        )


# The outlets with stored articles, per store: read again when an article was stored since,
# but at most every OUTLETS_MAX_AGE seconds while ``ingest`` keeps storing (the outlet menu and
# the coverage strip's list of countries may lag that long; nothing else is cached).
OUTLETS_MAX_AGE = 5.0
_OUTLETS_LOCK = threading.Lock()
_OUTLETS: dict[str, tuple[tuple[int, int], float, list[OutletInfo]]] = {}
_OUTLETS_READING: set[str] = set()  # stores whose outlets a request is reading again now


def stored_outlet_infos(store: Backend, directory: OutletDirectory) -> list[OutletInfo]:
    """Every outlet with stored articles, by name, with its article count."""
    mark = (store.article_high_water(), len(directory.stored))
    now = monotonic()
    with _OUTLETS_LOCK:
        cached = _OUTLETS.get(store.path)
        if cached is not None:
            # While another request reads them again (a full pass over the articles), the
            # others keep the last list instead of all reading at once.
            if cached[0] == mark or now - cached[1] < OUTLETS_MAX_AGE:
                return cached[2]
            if store.path in _OUTLETS_READING:
                return cached[2]
        _OUTLETS_READING.add(store.path)
    try:
        infos = []
        for counted in store.stored_outlets():
            name = counted.name
            if counted.id and directory.get(counted.id) is None:
                name = store.outlet_name(counted.id) or counted.id
            infos.append(directory.info(counted.id, name, counted.articles))
        infos.sort(key=lambda o: (o.name.lower(), o.key))
    finally:
        with _OUTLETS_LOCK:
            _OUTLETS_READING.discard(store.path)
    with _OUTLETS_LOCK:
        _OUTLETS[store.path] = (mark, now, infos)
    return infos


def store_countries(store: Backend, directory: OutletDirectory) -> list[str]:
    """The countries of the outlets with stored articles."""
    return sorted({o.country for o in stored_outlet_infos(store, directory) if o.country})


# --- the story list ----------------------------------------------------------------------


def _blank_to_none(value: object) -> object:
    if isinstance(value, str) and not value.strip():
        return None
    return value


# The last day a ``since`` or ``until`` may name: a period ends at the first moment of the day
# after ``until`` (``day_after``), and the day after 9999-12-31 does not exist (it overflowed
# into a 500 before; now it is a 422 naming the parameter).
LAST_DAY = date.max - timedelta(days=1)


def _printable(value: str | None) -> str | None:
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
    )(_blank_to_none)
    _texts = field_validator("q", "outlet")(_printable)

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


# --- one article -------------------------------------------------------------------------


class ArticleMeta(BaseModel):
    """An article's metadata (no text)."""

    id: str
    title: str
    outlet: OutletInfo
    url: str = Field(description="where it was found, as given")
    link: str = Field(description="the URL when it is a safe http(s) link, else empty")
    published: str | None = Field(description="ISO 8601; null when unknown")
    published_words: str
    published_source: str
    language: str
    copy_of: str = Field(default="", description="the article it nearly copies, when a near-copy")


class ArticleOut(ArticleMeta):
    """One stored article with its text and the story it is filed under."""

    text: str
    source: str
    notes: list[str]
    story: str | None
    story_url: str | None


def article_meta(row: dict[str, Any], directory: OutletDirectory) -> ArticleMeta:
    """An article row of ``Backend.story_article_rows`` as ``ArticleMeta``."""
    return ArticleMeta(
        id=row["id"],
        title=row["title"] or "",
        outlet=directory.info(row["outlet_id"] or "", row["outlet"] or ""),
        url=row["url"] or "",
        link=safe_link(row["url"] or ""),
        published=row["published"],
        published_words=format_published(row["published"]),
        published_source=row["published_source"] or "unknown",
        language=row["language"] or "",
        copy_of=row.get("copy_of") or "",
    )


def article_out(store: Backend, article_id: str) -> ArticleOut | None:
    """One article with its text, or None when it is not stored."""
    article = store.get_article(article_id)
    if article is None:
        return None
    directory = OutletDirectory.of(store)
    published = article.published.isoformat() if article.published else None
    story = store.story_of(article.id)
    original = store.original_of(article.id)
    meta = article_meta(
        {
            "id": article.id,
            "title": article.title,
            "outlet_id": article.outlet_id,
            "outlet": article.outlet,
            "url": article.url,
            "published": published,
            "published_source": article.published_source,
            "language": article.language,
            "copy_of": original[0] if original else "",
        },
        directory,
    )
    return ArticleOut(
        **meta.model_dump(),
        text=article.text,
        source=article.source,
        notes=list(article.notes),
        story=story,
        story_url=f"/stories/{quote(story, safe='')}" if story else None,
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


# --- outlets -----------------------------------------------------------------------------


class OutletList(BaseModel):
    """Every outlet with stored articles."""

    outlets: list[OutletInfo]


def outlet_list(store: Backend) -> OutletList:
    directory = OutletDirectory.of(store)
    return OutletList(outlets=stored_outlet_infos(store, directory))


class Period(BaseModel):
    """An outlet page's query: the period and the page of its stories."""

    model_config = {"extra": "ignore"}

    since: date | None = Field(
        default=None, le=LAST_DAY, description="articles published on or after this day"
    )
    until: date | None = Field(
        default=None, le=LAST_DAY, description="articles published on or before this day"
    )
    page: int = Field(default=1, ge=1, le=5000)
    per_page: int = Field(default=20, ge=1, le=100)

    _blanks = field_validator("since", "until", mode="before")(_blank_to_none)

    @model_validator(mode="after")
    def _order(self) -> Period:
        if self.since and self.until and self.until < self.since:
            raise ValueError("until is before since")
        return self

    def query(self, **changes: object) -> str:
        values: dict[str, object] = {
            "since": self.since,
            "until": self.until,
            "page": self.page if self.page != 1 else None,
            "per_page": self.per_page if self.per_page != 20 else None,
        }
        values.update(changes)
        return urlencode({k: str(v) for k, v in values.items() if v is not None})


class OmittedFact(BaseModel):
    """A fact other outlets reported in a story and this outlet left out."""

    story: str
    story_url: str
    label: str
    reported_by: list[OutletInfo]


class OmittedTopic(BaseModel):
    """Who or what the facts an outlet leaves out are about."""

    name: str
    stories: int
    facts: int


class TermCount(BaseModel):
    term: str
    uses: int


class ConceptLabels(BaseModel):
    """The words an outlet uses for one concept, and those other outlets use for it in the
    same stories."""

    concept: str
    stories: int
    terms: list[TermCount]
    others: list[TermCount]


class QuotedSpeaker(BaseModel):
    speaker: str
    direct: int
    reported: int
    characters: int
    stories: int
    share: float = Field(description="characters relative to the most quoted speaker, 0..1")


class OutletDetail(BaseModel):
    """One outlet over a period: its stories and its tendencies across their comparisons."""

    outlet: OutletInfo
    period: Period
    articles: int
    stories: int
    compared: int = Field(description="how many of its stories have a stored comparison")
    window: int = Field(
        description="the tendencies come from at most this many of its latest articles"
    )
    story_page: list[StorySummary]
    has_more: bool
    next: str | None
    previous: str | None
    omitted_topics: list[OmittedTopic]
    omissions: list[OmittedFact] = Field(description="the latest facts it left out")
    labels: list[ConceptLabels]
    quotes: list[QuotedSpeaker]


def outlet_detail(store: Backend, key: str, period: Period) -> OutletDetail | None:
    """The outlet page of ``key`` (see ``outlet_key``); None when no stored article is by it."""
    directory = OutletDirectory.of(store)
    ref = OutletRef("", key[1:]) if key.startswith("~") else OutletRef(key)
    if ref.id == "" and not ref.name:
        return None
    if store.count_outlet_articles([ref], cap=1) == 0:
        return None
    since, until = day_start(period.since), day_after(period.until)
    counts = store.outlet_counts(ref, since, until)
    offset = (period.page - 1) * period.per_page
    ids = store.outlet_story_ids(ref, since, until, period.per_page + 1, offset)
    has_more = len(ids) > period.per_page
    ids = ids[: period.per_page]
    records = store.stories_by_ids(ids)
    ordered = [records[i] for i in ids if i in records]
    countries = store_countries(store, directory)
    stories = summarize(
        ordered, store.story_coverage(ids), store.compared_story_ids(ids), directory, countries
    )
    name = next((o.name for s in stories for o in s.outlets if o.key == key), ref.name or ref.id)
    info = directory.info(ref.id, ref.name or name, counts["articles"])
    base = outlet_url(ref.id, ref.name or name)

    omissions = store.outlet_omissions(ref, since, until)
    reporters = store.article_outlets(
        sorted({a for o in omissions for a in json.loads(o["reported_by"])})
    )
    facts = [
        OmittedFact(
            story=o["story"],
            story_url=f"/stories/{quote(o['story'], safe='')}",
            label=o["label"] or o["alignment"],
            reported_by=_unique(
                [
                    directory.info(*reporters[a])
                    for a in json.loads(o["reported_by"])
                    if a in reporters
                ]
            ),
        )
        for o in omissions
    ]

    terms = store.outlet_terms(ref, since, until)
    by_concept: dict[str, list[dict[str, Any]]] = {}
    for row in terms:
        by_concept.setdefault(row["concept"], []).append(row)
    ranked = sorted(
        by_concept.items(),
        key=lambda kv: (-max(r["stories"] for r in kv[1]), -sum(r["uses"] for r in kv[1]), kv[0]),
    )[:15]
    others: dict[str, list[TermCount]] = {}
    for row in store.others_terms(ref, [name for name, _ in ranked], since, until):
        others.setdefault(row["concept"], []).append(TermCount(term=row["term"], uses=row["uses"]))
    labels = [
        ConceptLabels(
            concept=concept,
            stories=max(r["stories"] for r in rows),
            terms=[TermCount(term=r["term"], uses=r["uses"]) for r in rows[:4]],
            others=others.get(concept, [])[:4],
        )
        for concept, rows in ranked
    ]

    quotes = store.outlet_quotes(ref, since, until)
    largest = max((q["characters"] for q in quotes), default=0) or 1
    return OutletDetail(
        outlet=info,
        period=period,
        articles=counts["articles"],
        stories=counts["stories"],
        compared=counts["compared"],
        window=OUTLET_WINDOW,
        story_page=stories,
        has_more=has_more,
        next=f"{base}?{period.query(page=period.page + 1)}" if has_more else None,
        previous=(
            f"{base}?{period.query(page=period.page - 1 if period.page > 2 else None)}"
            if period.page > 1
            else None
        ),
        omitted_topics=[
            OmittedTopic(**row) for row in store.outlet_omitted_concepts(ref, since, until)
        ],
        omissions=facts,
        labels=labels,
        quotes=[QuotedSpeaker(**q, share=q["characters"] / largest) for q in quotes],
    )


def _unique(outlets: list[OutletInfo]) -> list[OutletInfo]:
    seen: dict[str, OutletInfo] = {}
    for outlet in outlets:
        seen.setdefault(outlet.key, outlet)
    return list(seen.values())


# --- a story that must be compared first -----------------------------------------------------


def job_info(job: Job) -> JobInfo:
    return JobInfo(
        job=job.id,
        kind=job.kind,
        state=job.state,
        progress=job.progress,
        message=job.message,
        error=job.error,
        story=job.story,
        location=f"/api/jobs/{quote(job.id, safe='')}",
    )


def story_for_reading(
    store: Backend,
    runner: JobRunner,
    db: str,
    story_id: str,
    settings: Settings,
    retry: bool = False,
) -> StoryDetail | None:
    """``story_detail``, and when the story needs a (new) comparison, its compare job: the
    running one, else a new one, unless the last one failed (then status "failed", until
    ``retry``)."""
    detail = story_detail(store, story_id)
    if detail is None or detail.status != "analysing":
        return detail
    key = compare_key(story_id)
    job = runner.active(key)
    if job is None:
        last = runner.latest(key)
        if last is not None and last.state == "failed" and not retry:
            detail.status = "failed"
            detail.job = job_info(last)
            return detail
        job = submit_compare(runner, db, story_id, settings)
    detail.job = job_info(job)
    return detail
