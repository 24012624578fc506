"""Framing: words per outlet for one concept (term_uses) and quote balance."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsprism.analyze.concepts import link_concepts
from newsprism.analyze.mentions import find_mentions
from newsprism.compare.framing import quote_balance, term_uses
from newsprism.model import Article, ArticleAnalysis, Concept, Mention, Quote, Span
from newsprism.settings import ConceptSettings

SEEDS = Path(__file__).resolve().parent.parent.parent / "shared" / "seeds"


@pytest.fixture(scope="module")
def seeds(nlp):  # type: ignore[no-untyped-def]
    paths = sorted(SEEDS.glob("*.txt"))
    if len(paths) < 2:
        pytest.skip("seeds not found beside the checkout")
    articles = [Article(id=p.name[:3], text=p.read_text(encoding="utf-8")) for p in paths]
    analyses = [
        ArticleAnalysis(article=a.id, mentions=find_mentions(nlp(a.text), a)) for a in articles
    ]
    concepts = link_concepts(articles, analyses, ConceptSettings())
    return articles, analyses, concepts


def test_seed_kyiv_kiev_term_uses(seeds) -> None:  # type: ignore[no-untyped-def]
    articles, analyses, concepts = seeds
    kyiv = next(c for c in concepts if c.name == "Kyiv")
    uses = [u for u in term_uses(articles, analyses, concepts) if u.concept == kyiv.id]
    assert [(u.article, u.term, u.count) for u in uses] == [("000", "Kyiv", 1), ("004", "Kiev", 1)]
    text = {a.id: a.text for a in articles}
    for u in uses:
        assert [text[s.article][s.start : s.end] for s in u.spans] == [u.term]


def test_seed_guterres_terms_count_outermost_words(seeds) -> None:  # type: ignore[no-untyped-def]
    articles, analyses, concepts = seeds
    guterres = next(c for c in concepts if c.name == "Antonio Guterres")
    uses = {
        (u.article, u.term): u.count
        for u in term_uses(articles, analyses, concepts)
        if u.concept == guterres.id
    }
    assert uses[("000", "UN Secretary-General Antonio Guterres")] == 1
    assert uses[("000", "UN chief")] == 1
    assert uses[("004", "United Nations Secretary-General Antonio Guterres")] == 1
    assert uses[("004", "UN chief")] == 2
    # "Antonio Guterres" inside the longer title counts once, as the longer words
    assert ("000", "Antonio Guterres") not in uses


def test_term_uses_filters_and_sorts() -> None:
    articles = [Article(id="x", text="Kiev. Kiev. Moscow."), Article(id="y", text="Kyiv.")]
    analyses = [
        ArticleAnalysis(
            article="x",
            mentions=[
                Mention("x:m0", "x", 0, 4, "Kiev", "GPE", "kiev", 0, "c0"),
                Mention("x:m1", "x", 6, 10, "Kiev", "GPE", "kiev", 1, "c0"),
                Mention("x:m2", "x", 12, 18, "Moscow", "GPE", "moscow", 2, "c1"),
            ],
        ),
        ArticleAnalysis(
            article="y", mentions=[Mention("y:m0", "y", 0, 4, "Kyiv", "GPE", "kyiv", 0, "c0")]
        ),
    ]
    concepts = [
        Concept("c0", "Kyiv", "GPE", ["x:m0", "x:m1", "y:m0"]),
        Concept("c1", "Moscow", "GPE", ["x:m2"]),
    ]
    uses = term_uses(articles, analyses, concepts)
    # Moscow: one article, one word: no framing difference to show
    assert [(u.concept, u.article, u.term, u.count) for u in uses] == [
        ("c0", "x", "Kiev", 2),
        ("c0", "y", "Kyiv", 1),
    ]
    assert uses[0].spans == [Span("x", 0, 4), Span("x", 6, 10)]


def test_quote_balance_counts_direct_reported_and_characters() -> None:
    articles = [Article(id="x", text=""), Article(id="y", text="")]
    concepts = [
        Concept("c0", "Antonio Guterres", "PERSON"),
        Concept("c1", "Vladimir Putin", "PERSON"),
    ]
    analyses = [
        ArticleAnalysis(
            article="x",
            quotes=[
                Quote("x:q0", "x", 0, 10, "a" * 10, "Guterres", speaker_concept="c0"),
                Quote(
                    "x:q1",
                    "x",
                    20,
                    50,
                    "b" * 30,
                    "the UN chief",
                    speaker_concept="c0",
                    direct=False,
                ),
                Quote("x:q2", "x", 60, 65, "c" * 5, "a spokesman"),
            ],
        ),
        ArticleAnalysis(
            article="y",
            quotes=[Quote("y:q0", "y", 0, 100, "d" * 100, "Putin", speaker_concept="c1")],
        ),
    ]
    shares = quote_balance(articles, analyses, concepts)
    assert [
        (s.article, s.speaker, s.speaker_concept, s.direct, s.reported, s.characters)
        for s in shares
    ] == [
        ("x", "Antonio Guterres", "c0", 1, 1, 40),
        ("x", "a spokesman", "", 1, 0, 5),
        ("y", "Vladimir Putin", "c1", 1, 0, 100),
    ]
