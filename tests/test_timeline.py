"""The events timeline: each event's status and time per article, by publication time."""

from __future__ import annotations

from datetime import UTC, datetime

from newsprism.compare.timeline import build_events
from newsprism.model import Alignment, Article, ArticleAnalysis, Claim, TimeExpr


def _claim(article: str, predicate: str, status: str, value: str | None) -> Claim:
    time = TimeExpr(article, 0, 1, "t", value) if value else None
    return Claim(f"{article}:k1", article, 0, 10, 0, "Putin", predicate, "Guterres",
                 time=time, status=status)  # type: ignore[arg-type]  # fmt: skip


def test_reports_ordered_by_publication_unknown_last() -> None:
    late = Article("L", "x", published=datetime(2024, 10, 25, tzinfo=UTC))
    undated = Article("U", "x")
    early = Article("E", "x", published=datetime(2024, 10, 21, tzinfo=UTC))
    articles = [late, undated, early]
    analyses = [
        ArticleAnalysis("L", claims=[_claim("L", "meet", "happened", "2024-10-24")]),
        ArticleAnalysis("U", claims=[_claim("U", "meet", "happened", None)]),
        ArticleAnalysis("E", claims=[_claim("E", "meet", "planned", "2024-10-24")]),
    ]
    alignments = [
        Alignment("a1", "agreed", ["L:k1", "U:k1", "E:k1"], ["E", "L", "U"],
                  label="Putin — meet — Guterres", status_change=True),
        Alignment("a2", "single", ["X:k9"], ["X"]),
    ]  # fmt: skip
    events = build_events(articles, analyses, alignments)
    assert [(e.event, e.article, e.status, e.time, e.published) for e in events] == [
        ("a1", "E", "planned", "2024-10-24", "2024-10-21T00:00:00+00:00"),
        ("a1", "L", "happened", "2024-10-24", "2024-10-25T00:00:00+00:00"),
        ("a1", "U", "happened", None, None),
    ]
    assert events[0].label == "Putin — meet — Guterres"


def test_stative_predicates_are_not_events() -> None:
    a = Article("A", "x")
    b = Article("B", "x")
    analyses = [
        ArticleAnalysis("A", claims=[_claim("A", "say", "happened", None)]),
        ArticleAnalysis("B", claims=[_claim("B", "say", "happened", None)]),
    ]
    alignments = [Alignment("a1", "agreed", ["A:k1", "B:k1"], ["A", "B"])]
    assert build_events([a, b], analyses, alignments) == []
