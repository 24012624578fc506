"""The JSON form of a comparison: one plain dict, built in a fixed order.

Every item that comes from text carries ``article`` and ``span`` (``[start, end)`` into that
article's ``text``, which is included), so a reader can always go from a finding to its words.
The HTML and Markdown reports are rendered from this dict, and ``report.stored.load_report``
builds the same dict from a stored comparison, so all three outputs agree by construction.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from newsprism.model import (
    Alignment,
    BriefSentence,
    Claim,
    Comparison,
    Concept,
    EventReport,
    LoadedSpan,
    Mention,
    Omission,
    Outlet,
    Quantity,
    Quote,
    QuoteShare,
    Span,
    TermUse,
    TimeExpr,
    loaded_spans,
    ordered_analyses,
)

# The top-level keys, in output order.
TOP_LEVEL_KEYS = (
    "articles",
    "claims",
    "alignments",
    "omissions",
    "concepts",
    "quotes",
    "loaded",
    "events",
    "brief",
    "terms",
    "quote_balance",
    "timings",
)


def _span(start: int | None, end: int | None) -> list[int] | None:
    if start is None or end is None:
        return None
    return [start, end]


def outlet_dict(outlet: Outlet) -> dict[str, Any]:
    """The registry facts about one outlet, as the ``outlet_info`` of its articles."""
    return {
        "id": outlet.id,
        "name": outlet.name,
        "country": outlet.country,
        "ownership": outlet.ownership,
        "funding": outlet.funding,
        "kind": outlet.kind,
        "domains": list(outlet.domains),
        "aliases": list(outlet.aliases),
    }


def _time_dict(time: TimeExpr) -> dict[str, Any]:
    return {
        "article": time.article,
        "span": [time.start, time.end],
        "text": time.text,
        "value": time.value,
        "end_value": time.end_value,
        "granularity": time.granularity,
        "anchored": time.anchored,
        "verb": time.verb,
    }


def _number_dict(number: Quantity) -> dict[str, Any]:
    return {
        "article": number.article,
        "span": [number.start, number.end],
        "text": number.text,
        "value": number.value,
        "unit": number.unit,
    }


def _claim_dict(claim: Claim, text: str) -> dict[str, Any]:
    return {
        "id": claim.id,
        "article": claim.article,
        "span": [claim.start, claim.end],
        "text": text[claim.start : claim.end],
        "sentence": claim.sentence,
        "subject": claim.subject,
        "predicate": claim.predicate,
        "predicate_span": _span(claim.predicate_start, claim.predicate_end),
        "object": claim.object,
        "subject_concept": claim.subject_concept,
        "object_concept": claim.object_concept,
        "time": _time_dict(claim.time) if claim.time is not None else None,
        "place": claim.place,
        "numbers": [_number_dict(n) for n in claim.numbers],
        "status": claim.status,
        "negated": claim.negated,
        "attribution": claim.attribution,
        "attribution_concept": claim.attribution_concept,
        "quoted": claim.quoted,
        "kind": claim.kind,
    }


def _span_ref(article: str, start: int, end: int) -> dict[str, Any]:
    return {"article": article, "span": [start, end]}


def _alignment_dict(alignment: Alignment, claims: Mapping[str, Claim]) -> dict[str, Any]:
    spans = [
        _span_ref(claims[c].article, claims[c].start, claims[c].end)
        for c in alignment.claims
        if c in claims
    ]
    return {
        "id": alignment.id,
        "relation": alignment.relation,
        "label": alignment.label,
        "claims": list(alignment.claims),
        "articles": list(alignment.articles),
        "spans": spans,
        "conflicts": list(alignment.conflicts),
        "detail": alignment.detail,
        "status_change": alignment.status_change,
        "kind": alignment.kind,
        "disputed": list(alignment.disputed),
    }


def _omission_dict(omission: Omission, alignments: Mapping[str, Alignment]) -> dict[str, Any]:
    alignment = alignments.get(omission.alignment)
    return {
        "article": omission.article,
        "alignment": omission.alignment,
        "label": alignment.label if alignment is not None else "",
        "reported_by": list(omission.reported_by),
    }


def _mention_dict(mention: Mention) -> dict[str, Any]:
    return {
        "id": mention.id,
        "article": mention.article,
        "span": [mention.start, mention.end],
        "text": mention.text,
        "label": mention.label,
        "head": mention.head,
        "sentence": mention.sentence,
    }


def _concept_dict(concept: Concept, mentions: Mapping[str, Mention]) -> dict[str, Any]:
    return {
        "id": concept.id,
        "name": concept.name,
        "kind": concept.kind,
        "mentions": [_mention_dict(mentions[m]) for m in concept.mentions if m in mentions],
    }


def _quote_dict(quote: Quote) -> dict[str, Any]:
    return {
        "id": quote.id,
        "article": quote.article,
        "span": [quote.start, quote.end],
        "text": quote.text,
        "speaker": quote.speaker,
        "speaker_span": _span(quote.speaker_start, quote.speaker_end),
        "speaker_concept": quote.speaker_concept,
        "direct": quote.direct,
        "sentence": quote.sentence,
    }


def _loaded_dict(loaded: LoadedSpan) -> dict[str, Any]:
    return {
        "article": loaded.article,
        "span": [loaded.start, loaded.end],
        "text": loaded.text,
        "score": loaded.score,
        "kind": loaded.kind,
        "sentence": loaded.sentence,
    }


def _event_dict(event: EventReport, claims: Mapping[str, Claim]) -> dict[str, Any]:
    claim = claims.get(event.claim)
    return {
        "event": event.event,
        "label": event.label,
        "article": event.article,
        "claim": event.claim,
        "span": [claim.start, claim.end] if claim is not None else None,
        "status": event.status,
        "time": event.time,
        "granularity": event.granularity,
        "published": event.published,
    }


def _spans_list(spans: list[Span]) -> list[dict[str, Any]]:
    return [_span_ref(s.article, s.start, s.end) for s in spans]


def _brief_dict(sentence: BriefSentence) -> dict[str, Any]:
    return {
        "text": sentence.text,
        "kind": sentence.kind,
        "claims": list(sentence.claims),
        "spans": _spans_list(sentence.spans),
    }


def _term_dict(term: TermUse) -> dict[str, Any]:
    return {
        "concept": term.concept,
        "article": term.article,
        "term": term.term,
        "count": term.count,
        "spans": _spans_list(term.spans),
    }


def _quote_share_dict(share: QuoteShare) -> dict[str, Any]:
    return {
        "speaker": share.speaker,
        "speaker_concept": share.speaker_concept,
        "article": share.article,
        "direct": share.direct,
        "reported": share.reported,
        "characters": share.characters,
    }


def to_dict(comparison: Comparison, outlets: Mapping[str, Outlet] | None = None) -> dict[str, Any]:
    """The whole comparison as a JSON-ready dict with a fixed key and list order.

    ``outlets`` maps outlet ids to registry entries; an article whose ``outlet_id`` is found
    there gets them as ``outlet_info`` (otherwise ``outlet_info`` is null).
    """
    analyses = ordered_analyses(comparison)
    texts = {a.id: a.text for a in comparison.articles}
    claims = {c.id: c for an in analyses for c in an.claims}
    mentions = {m.id: m for an in analyses for m in an.mentions}
    alignments = {a.id: a for a in comparison.alignments}

    articles = []
    for article, analysis in zip(comparison.articles, analyses, strict=True):
        outlet = outlets.get(article.outlet_id) if outlets and article.outlet_id else None
        articles.append(
            {
                "id": article.id,
                "outlet": article.outlet,
                "outlet_id": article.outlet_id,
                "outlet_info": outlet_dict(outlet) if outlet is not None else None,
                "title": article.title,
                "published": article.published.isoformat() if article.published else None,
                "published_source": article.published_source,
                "url": article.url,
                "language": article.language,
                "source": article.source,
                "notes": list(article.notes),
                "text": article.text,
                "sentences": [[s.start, s.end] for s in analysis.sentences],
            }
        )

    return {
        "articles": articles,
        "claims": [_claim_dict(c, texts.get(c.article, "")) for an in analyses for c in an.claims],
        "alignments": [_alignment_dict(a, claims) for a in comparison.alignments],
        "omissions": [_omission_dict(o, alignments) for o in comparison.omissions],
        "concepts": [_concept_dict(c, mentions) for c in comparison.concepts],
        "quotes": [_quote_dict(q) for an in analyses for q in an.quotes],
        "loaded": [_loaded_dict(s) for s in loaded_spans(comparison)],
        "events": [_event_dict(e, claims) for e in comparison.events],
        "brief": [_brief_dict(s) for s in comparison.brief],
        "terms": [_term_dict(t) for t in comparison.terms],
        "quote_balance": [_quote_share_dict(q) for q in comparison.quote_balance],
        "timings": dict(comparison.timings),
    }


def dumps(data: Mapping[str, Any]) -> str:
    """Serialise a report dict the one way newsprism does (UTF-8 text, 2-space indent)."""
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def to_json(comparison: Comparison, outlets: Mapping[str, Outlet] | None = None) -> str:
    """The comparison as JSON text."""
    return dumps(to_dict(comparison, outlets))
