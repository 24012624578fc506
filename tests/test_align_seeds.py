"""The two seed articles end to end through analyze, concepts and alignment: the
Putin–Guterres meeting is one event that moves from planned to held, and 004's "36 nations"
is a fact 000 leaves out."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from newsprism.model import Alignment, Article, ArticleAnalysis, Claim

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _seed(name: str) -> Article:
    path = next(EXAMPLES.glob(f"{name}_*.txt"))
    meta = json.loads(path.with_name(path.name + ".meta.json").read_text(encoding="utf-8"))
    return Article(
        id=name,
        text=path.read_text(encoding="utf-8"),
        title=meta["title"],
        outlet=meta["outlet"],
        published=datetime.fromisoformat(meta["published"]),
    )


@pytest.fixture(scope="module")
def story() -> tuple[list[Article], list[ArticleAnalysis], list[Alignment]]:
    pytest.importorskip("newsprism.analyze.article")
    from newsprism.analyze.article import analyze_articles
    from newsprism.analyze.concepts import link_concepts
    from newsprism.compare.align import align_claims
    from newsprism.settings import DEFAULT

    articles = [_seed("000"), _seed("004")]
    analyses = analyze_articles(articles)
    concepts = link_concepts(articles, analyses, DEFAULT.concepts)
    return articles, analyses, align_claims(articles, analyses, concepts, DEFAULT.align)


def _claim_at(article: Article, analysis: ArticleAnalysis, words: str) -> Claim:
    at = article.text.index(words)
    return next(
        c
        for c in analysis.claims
        if c.predicate_start is not None and c.predicate_start <= at < (c.predicate_end or 0)
    )


def test_meeting_aligns_with_a_status_change(story) -> None:  # type: ignore[no-untyped-def]
    articles, analyses, alignments = story
    planned = _claim_at(articles[0], analyses[0], "hold a meeting")
    held = _claim_at(articles[1], analyses[1], "met with")
    (meeting,) = [a for a in alignments if planned.id in a.claims]
    assert held.id in meeting.claims
    assert (meeting.relation, meeting.status_change, meeting.articles) == (
        "agreed",
        True,
        ["000", "004"],
    )
    assert meeting.label == "Vladimir Putin — meet — Antonio Guterres"


def test_thirty_six_nations_is_an_omission_of_000(story) -> None:  # type: ignore[no-untyped-def]
    from newsprism.compare.omissions import find_omissions

    articles, analyses, alignments = story
    fact = _claim_at(articles[1], analyses[1], "attended by high-level delegations")
    (alignment,) = [a for a in alignments if fact.id in a.claims]
    assert alignment.articles == ["004"]
    omitted = {(o.article, o.alignment) for o in find_omissions(articles, alignments)}
    assert ("000", alignment.id) in omitted
    assert ("004", alignment.id) not in omitted
