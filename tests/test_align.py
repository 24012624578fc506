"""Claim alignment: relations, conflicts, status changes, labels and ids, on hand-built claims."""

from __future__ import annotations

from datetime import UTC, datetime

from newsprism.compare.align import (
    align_claims,
    build_alignments,
    predicate_key,
    times_compatible,
)
from newsprism.model import Article, ArticleAnalysis, Claim, Concept, Quantity, TimeExpr

CONCEPTS = [
    Concept("c1", "Vladimir Putin", "PERSON"),
    Concept("c2", "Antonio Guterres", "PERSON"),
    Concept("c3", "Recep Tayyip Erdogan", "PERSON"),
]


def _article(aid: str, text: str, day: int | None) -> Article:
    published = datetime(2024, 10, day, 9, tzinfo=UTC) if day else None
    return Article(id=aid, text=text, published=published)


def _claim(article: Article, cid: str, predicate: str, **kw: object) -> Claim:
    words = kw.pop("words", article.text)
    start = article.text.index(str(words))
    return Claim(
        id=f"{article.id}:{cid}",
        article=article.id,
        start=start,
        end=start + len(str(words)),
        sentence=0,
        subject=str(kw.pop("subject", "")),
        predicate=predicate,
        **kw,  # type: ignore[arg-type]
    )


def _day(article: Article, value: str, granularity: str = "day", text: str = "") -> TimeExpr:
    return TimeExpr(article.id, 0, 1, text or value, value, granularity=granularity)  # type: ignore[arg-type]


def test_predicate_key_reads_light_verbs() -> None:
    a = _article("A", "Putin intends to hold a meeting with Guterres.", 21)
    claim = _claim(a, "k1", "hold", object="a meeting with Guterres")
    assert predicate_key(claim) == "meet"
    assert predicate_key(_claim(a, "k2", "meet")) == "meet"


def test_times_compatible_is_granularity_aware() -> None:
    a = _article("A", "x", 21)
    oct24 = _day(a, "2024-10-24")
    thursday = _day(a, "2024-10-24", text="Thursday")
    october = _day(a, "2024-10", "month")
    oct23 = _day(a, "2024-10-23")
    summit = TimeExpr("A", 0, 1, "October 22-24", "2024-10-22", "2024-10-24", "range")
    assert times_compatible(oct24, thursday) is True
    assert times_compatible(october, oct23) is True
    assert times_compatible(oct24, oct23) is False
    assert times_compatible(summit, oct23) is True
    assert times_compatible(oct24, None) is None
    assert times_compatible(_day(a, "2022-04", "month"), october) is False


def test_meeting_agrees_across_articles_and_single_fact_stands_alone() -> None:
    a = _article("A", "Putin met Guterres in Kazan on Thursday.", 25)
    b = _article(
        "B",
        "Putin held talks with Guterres in Kazan. Delegations from 36 nations attended the summit.",
        25,
    )
    ca = _claim(a, "k1", "meet", subject="Putin", subject_concept="c1", object="Guterres",
                object_concept="c2", place="Kazan")  # fmt: skip
    cb = _claim(b, "k1", "hold", subject="Putin", subject_concept="c1",
                object="talks with Guterres", object_concept="c2", place="Kazan",
                words="Putin held talks with Guterres in Kazan.")  # fmt: skip
    cb2 = _claim(b, "k2", "attend", subject="Delegations from 36 nations", object="the summit",
                 words="Delegations from 36 nations attended the summit.")  # fmt: skip
    analyses = [ArticleAnalysis("A", claims=[ca]), ArticleAnalysis("B", claims=[cb, cb2])]
    alignments = align_claims([a, b], analyses, CONCEPTS)
    assert [(x.id, x.relation, x.claims) for x in alignments] == [
        ("a1", "agreed", ["A:k1", "B:k1"]),
        ("a2", "single", ["B:k2"]),
    ]
    assert alignments[0].label == "Vladimir Putin — meet — Antonio Guterres"
    assert alignments[0].articles == ["A", "B"]
    assert alignments[1].articles == ["B"]


def _pair(text_a: str, text_b: str, ka: dict[str, object], kb: dict[str, object]):  # type: ignore[no-untyped-def]
    a, b = _article("A", text_a, 21), _article("B", text_b, 25)
    ca = _claim(a, "k1", str(ka.pop("predicate")), **ka)
    cb = _claim(b, "k1", str(kb.pop("predicate")), **kb)
    (alignment,) = build_alignments([a, b], [ca, cb], [[0, 1]], CONCEPTS)
    return alignment


def test_number_conflict() -> None:
    al = _pair(
        "The quake killed 12 people.",
        "The quake killed 15 people.",
        {
            "predicate": "kill",
            "subject": "The quake",
            "numbers": [Quantity("A", 17, 26, "12 people", 12, "people")],
        },
        {
            "predicate": "kill",
            "subject": "The quake",
            "numbers": [Quantity("B", 17, 26, "15 people", 15, "people")],
        },
    )
    assert (al.relation, al.conflicts, al.detail) == (
        "contradicted",
        ["number"],
        "12 people vs 15 people",
    )


def test_date_conflict_and_agreement() -> None:
    a = _article("A", "x", 21)
    al = _pair(
        "They met on October 24.",
        "They met on October 23.",
        {"predicate": "meet", "subject": "They", "time": _day(a, "2024-10-24")},
        {"predicate": "meet", "subject": "They", "time": _day(a, "2024-10-23")},
    )
    assert (al.relation, al.conflicts, al.detail) == (
        "contradicted",
        ["date"],
        "24 October 2024 vs 23 October 2024",
    )
    al = _pair(
        "They met on October 24.",
        "They met in October.",
        {"predicate": "meet", "subject": "They", "time": _day(a, "2024-10-24")},
        {"predicate": "meet", "subject": "They", "time": _day(a, "2024-10-01", "month")},
    )
    assert (al.relation, al.conflicts) == ("agreed", [])


def test_actor_conflict() -> None:
    al = _pair(
        "Putin met Guterres.",
        "Erdogan met Guterres.",
        {"predicate": "meet", "subject": "Putin", "subject_concept": "c1", "object_concept": "c2"},
        {
            "predicate": "meet",
            "subject": "Erdogan",
            "subject_concept": "c3",
            "object_concept": "c2",
        },
    )
    assert (al.relation, al.conflicts, al.detail) == (
        "contradicted",
        ["actor"],
        "Vladimir Putin vs Recep Tayyip Erdogan",
    )


def test_negation_conflict() -> None:
    al = _pair(
        "Putin met Guterres.",
        "Putin did not meet Guterres.",
        {"predicate": "meet", "subject": "Putin", "object": "Guterres"},
        {"predicate": "meet", "subject": "Putin", "object": "Guterres", "negated": True},
    )
    assert (al.relation, al.conflicts, al.detail) == (
        "contradicted",
        ["negation"],
        "meet vs not meet",
    )


def test_planned_then_held_is_a_status_change_not_a_contradiction() -> None:
    a = _article("A", "x", 21)
    al = _pair(
        "Putin intends to hold a meeting with Guterres on October 24.",
        "Putin met Guterres on Thursday.",
        {"predicate": "hold", "subject": "Putin", "object": "a meeting with Guterres",
         "status": "planned", "time": _day(a, "2024-10-24")},
        {"predicate": "meet", "subject": "Putin", "object": "Guterres", "status": "happened",
         "time": _day(a, "2024-10-24", text="Thursday")},
    )  # fmt: skip
    assert (al.relation, al.conflicts, al.status_change) == ("agreed", [], True)


def test_outcome_conflict_and_planned_then_cancelled() -> None:
    al = _pair(
        "The mayor won the vote.",
        "The mayor lost the vote.",
        {"predicate": "win", "subject": "The mayor", "object": "the vote"},
        {"predicate": "lose", "subject": "The mayor", "object": "the vote"},
    )
    assert (al.relation, al.conflicts, al.detail) == ("contradicted", ["outcome"], "win vs lose")
    al = _pair(
        "Putin will meet Guterres.",
        "Putin did not meet Guterres.",
        {"predicate": "meet", "subject": "Putin", "object": "Guterres", "status": "planned"},
        {"predicate": "meet", "subject": "Putin", "object": "Guterres", "status": "denied"},
    )
    assert (al.relation, al.conflicts, al.status_change) == ("agreed", [], True)


def test_events_dated_far_apart_are_never_aligned() -> None:
    a = _article("A", "Putin met Guterres in April 2022.", 21)
    b = _article("B", "Putin met Guterres on October 24.", 25)
    ca = _claim(a, "k1", "meet", subject="Putin", subject_concept="c1", object="Guterres",
                object_concept="c2", time=_day(a, "2022-04", "month"))  # fmt: skip
    cb = _claim(b, "k1", "meet", subject="Putin", subject_concept="c1", object="Guterres",
                object_concept="c2", time=_day(b, "2024-10-24"))  # fmt: skip
    analyses = [ArticleAnalysis("A", claims=[ca]), ArticleAnalysis("B", claims=[cb])]
    alignments = align_claims([a, b], analyses, CONCEPTS)
    assert [(x.id, x.relation, x.claims) for x in alignments] == [
        ("a1", "single", ["A:k1"]),
        ("a2", "single", ["B:k1"]),
    ]
