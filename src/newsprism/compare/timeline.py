"""How a story develops: each event's status and resolved time as each article reports it."""

from __future__ import annotations

from collections.abc import Sequence

from newsprism.compare.align import predicate_key, publication_order
from newsprism.compare.events import is_event_word_claim
from newsprism.model import Alignment, Article, ArticleAnalysis, Claim, EventReport

# Predicates that state, report or describe rather than name something that takes place.
NON_EVENTS = {
    "be", "have", "say", "tell", "state", "add", "argue", "remain", "seem", "appear",
    "know", "think", "believe", "mean", "include", "represent", "show", "need", "want",
    "see", "consider", "underscore", "note", "report", "write", "claim", "suggest",
}  # fmt: skip


def is_event(alignment: Alignment, claims: Sequence[Claim]) -> bool:
    """An alignment names an event when its predicate is not a stative or reporting verb and
    some article dates it, its status moves between articles, or two articles report it."""
    if not claims:
        return False
    if alignment.kind == "setting":
        return True  # an occasion (compare/setting.py), whatever clause names it
    if predicate_key(claims[0]) in NON_EVENTS:
        return False
    dated = any(c.time is not None and c.time.value for c in claims)
    return dated or alignment.status_change or len(alignment.articles) > 1


def _preference(claim: Claim) -> tuple[bool, bool, int]:
    event_word = is_event_word_claim(claim)
    return event_word, claim.time is None or not claim.time.value, claim.start


def build_events(
    articles: Sequence[Article],
    analyses: Sequence[ArticleAnalysis],
    alignments: Sequence[Alignment],
) -> list[EventReport]:
    """One report per (event, article): the status and resolved time that article gives the
    event. Events in alignment order; reports of an event by publication time (unknown last),
    then article order."""
    by_id = {c.id: c for an in analyses for c in an.claims}
    order = {a.id: publication_order(a, i) for i, a in enumerate(articles)}
    published = {a.id: (a.published.isoformat() if a.published else None) for a in articles}
    out: list[EventReport] = []
    for alignment in alignments:
        claims = [by_id[c] for c in alignment.claims if c in by_id]
        if not is_event(alignment, claims):
            continue
        first: dict[str, Claim] = {}
        for claim in claims:
            if claim.article not in order:
                continue
            if alignment.kind == "setting":
                # An occasion's setting (compare/setting.py) leads each article's claims with
                # the one that dates it, else one that has it held.
                first.setdefault(claim.article, claim)
                continue
            held = first.get(claim.article)
            # One report per article: a full claim before an event-word claim (compare/events.py,
            # whose only status is the one its date gives), then a dated one, then the first.
            if held is None or _preference(claim) < _preference(held):
                first[claim.article] = claim
        for article in sorted(first, key=lambda a: order[a]):
            claim = first[article]
            time = claim.time if claim.time is not None and claim.time.value else None
            out.append(
                EventReport(
                    event=alignment.id,
                    label=alignment.label,
                    article=article,
                    claim=claim.id,
                    status=claim.status,
                    time=time.value if time else None,
                    granularity=time.granularity if time else None,
                    published=published[article],
                )
            )
    return out
