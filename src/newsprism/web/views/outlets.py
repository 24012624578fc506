"""View data of the outlets page and of one outlet's page: its record over a period (stories
it covered, facts and topics it left out, its wording, whom it quoted)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any
from urllib.parse import quote, urlencode

from pydantic import BaseModel, Field, field_validator, model_validator

from newsprism.store.base import Backend
from newsprism.store.browse import OUTLET_WINDOW, OutletRef
from newsprism.web.outlets import (
    OutletDirectory,
    OutletInfo,
    outlet_url,
    store_countries,
    stored_outlet_infos,
)
from newsprism.web.views.stories import (
    LAST_DAY,
    StorySummary,
    blank_to_none,
    day_after,
    day_start,
    summarize,
)

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

    _blanks = field_validator("since", "until", mode="before")(blank_to_none)

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
