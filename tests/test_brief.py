"""The neutral brief on hand-built comparisons: exact sentences, kinds and citations."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from newsprism.brief import attribution_free, content_words, is_supported, write_brief
from newsprism.model import (
    Alignment,
    Article,
    ArticleAnalysis,
    BriefSentence,
    Claim,
    Comparison,
    Concept,
    LoadedSpan,
    Mention,
    Quantity,
    Span,
)
from newsprism.settings import BriefSettings

# The texts here are short; the default word budget (scaled to article length) would keep
# only a sentence or two.
ROOMY = BriefSettings(min_words=120)

BEFORE = (
    "Russian President Vladimir Putin will meet UN Secretary-General Antonio Guterres in Kazan. "
    "The summit brings together leaders of 36 nations. "
    "He has brutally criticized the West over the conflict. "
    "Moscow calls the Kyiv regime illegitimate."
)
AFTER = (
    "Putin met Guterres in Kazan on Thursday. "
    "In response, Putin said that families have disagreements. "
    "The summit gathered 2,000 delegates of 35 nations."
)


def _claim(article: Article, k: int, sentence: str, **kw: object) -> Claim:
    start = article.text.index(sentence)
    return Claim(
        id=f"{article.id}:k{k}",
        article=article.id,
        start=start,
        end=start + len(sentence),
        sentence=k,
        subject="",
        predicate="",
        **kw,  # type: ignore[arg-type]
    )


def _quantity(article: Article, text: str, value: float) -> Quantity:
    start = article.text.index(text)
    return Quantity(article.id, start, start + len(text), text, value)


def _loaded(article: Article, word: str, kind: str = "loaded") -> LoadedSpan:
    start = article.text.index(word)
    return LoadedSpan(article.id, start, start + len(word), word, 0.9, kind)


@pytest.fixture()
def comparison() -> Comparison:
    rfe = Article(id="rfe", text=BEFORE, outlet="RFE/RL")
    rt = Article(id="rt", text=AFTER, outlet="RT")
    rfe_claims = [
        _claim(
            rfe,
            0,
            "Russian President Vladimir Putin will meet UN Secretary-General Antonio "
            "Guterres in Kazan.",
        ),
        _claim(
            rfe,
            1,
            "The summit brings together leaders of 36 nations.",
            numbers=[_quantity(rfe, "36", 36)],
        ),
        _claim(
            rfe, 2, "He has brutally criticized the West over the conflict.", subject_concept="c0"
        ),
        _claim(rfe, 3, "Moscow calls the Kyiv regime illegitimate."),
    ]
    rt_claims = [
        _claim(rt, 0, "Putin met Guterres in Kazan on Thursday."),
        _claim(rt, 1, "In response, Putin said that families have disagreements."),
        _claim(
            rt,
            2,
            "The summit gathered 2,000 delegates of 35 nations.",
            numbers=[_quantity(rt, "2,000", 2000), _quantity(rt, "35", 35)],
        ),
    ]
    name_start = BEFORE.index("Vladimir Putin")
    mention = Mention(
        "rfe:m0",
        "rfe",
        name_start,
        name_start + 14,
        "Vladimir Putin",
        "PERSON",
        "putin",
        0,
        concept="c0",
    )
    analyses = [
        ArticleAnalysis(
            article="rfe",
            claims=rfe_claims,
            mentions=[mention],
            loaded=[_loaded(rfe, "brutally", "emotive"), _loaded(rfe, "regime")],
        ),
        ArticleAnalysis(article="rt", claims=rt_claims),
    ]
    alignments = [
        Alignment("a0", "agreed", ["rfe:k0", "rt:k0"], ["rfe", "rt"], status_change=True),
        Alignment(
            "a1",
            "contradicted",
            ["rfe:k1", "rt:k2"],
            ["rfe", "rt"],
            conflicts=["number"],
            detail="36 nations (RFE/RL) vs 35 nations (RT)",
        ),
        Alignment("a2", "single", ["rt:k1"], ["rt"]),
        Alignment("a3", "single", ["rfe:k2"], ["rfe"]),
        Alignment("a4", "single", ["rfe:k3"], ["rfe"]),
    ]
    concepts = [Concept("c0", "Vladimir Putin", "PERSON", ["rfe:m0"])]
    return Comparison(
        articles=[rfe, rt], analyses=analyses, concepts=concepts, alignments=alignments
    )


def test_brief_sentences_kinds_and_citations(comparison: Comparison) -> None:
    brief = write_brief(comparison, ROOMY)
    assert [(s.kind, s.text, s.claims) for s in brief] == [
        (
            "shared",
            "Russian President Vladimir Putin will meet UN Secretary-General Antonio Guterres "
            "in Kazan.",
            ["rfe:k0", "rt:k0"],
        ),
        # Partial facts: most outlets first, then the one whose words the others share most.
        ("partial", "According to RT, Putin said that families have disagreements.", ["rt:k1"]),
        (
            "partial",
            "According to RFE/RL, Vladimir Putin has criticized the West over the conflict.",
            ["rfe:k2"],
        ),
        (  # the disputed number, not RT's first other one (2,000 delegates)
            "contradicted",
            "According to RFE/RL, the summit brings together leaders of 36 nations; "
            "RT gives 35 nations.",
            ["rfe:k1", "rt:k2"],
        ),
    ]
    # Every sentence cites the spans of its claims (the pronoun's name cites its mention).
    assert brief[0].spans == [Span("rfe", 0, BEFORE.index(" The")), Span("rt", 0, 40)]
    assert Span("rfe", BEFORE.index("Vladimir"), BEFORE.index("Vladimir") + 14) in brief[2].spans
    articles = {a.id: a for a in comparison.articles}
    assert all(is_supported(s, articles, ["RFE/RL", "RT"]) for s in brief)


def test_loaded_words_never_reach_the_brief(comparison: Comparison) -> None:
    text = " ".join(s.text for s in write_brief(comparison, ROOMY))
    assert "brutally" not in text  # a modifier: dropped
    assert "regime" not in text  # a noun without a neutral word: its claim is left out
    assert "illegitimate" not in text


def test_shared_fact_uses_the_least_loaded_wording(comparison: Comparison) -> None:
    first = comparison.analyses[0]
    start = BEFORE.index("will meet")
    first.loaded.append(LoadedSpan("rfe", start, start + 9, "will meet", 0.9, "loaded"))
    brief = write_brief(comparison, ROOMY)
    assert brief[0].kind == "shared"
    assert brief[0].text == "Putin met Guterres in Kazan on Thursday."
    assert brief[0].claims == ["rfe:k0", "rt:k0"]


def test_partial_fact_reported_by_two_of_three_names_both() -> None:
    a = Article(id="a", text="The vote passed 52 to 48 in the Senate.", outlet="AP")
    b = Article(id="b", text="Senators approved the bill on Friday.", outlet="Reuters")
    c = Article(id="c", text="Lawmakers in the Senate approved the bill.", outlet="BBC")
    claims = {x.id: _claim(x, 0, x.text) for x in (a, b, c)}
    comparison = Comparison(
        articles=[a, b, c],
        analyses=[ArticleAnalysis(x.id, claims=[claims[x.id]]) for x in (a, b, c)],
        alignments=[
            Alignment("a0", "agreed", ["b:k0", "c:k0"], ["b", "c"]),
            Alignment("a1", "single", ["a:k0"], ["a"]),
        ],
    )
    brief = write_brief(comparison, ROOMY)
    assert [s.text for s in brief] == [
        "Reuters and BBC report that senators approved the bill on Friday.",
        "According to AP, the vote passed 52 to 48 in the Senate.",
    ]
    assert brief[0].claims == ["b:k0", "c:k0"]


def test_limits_keep_the_brief_short(comparison: Comparison) -> None:
    brief = write_brief(comparison, BriefSettings(max_sentences=2, min_words=120))
    assert [s.kind for s in brief] == ["shared", "contradicted"]


def test_word_budget_follows_article_length(comparison: Comparison) -> None:
    brief = write_brief(comparison, BriefSettings(min_words=30, words_per_article_word=1.0))
    # ~27 words an article: the shared fact (13 words) and the contradiction (17) fit.
    assert [s.kind for s in brief] == ["shared", "contradicted"]


def test_attribution_is_exempt_and_nothing_else() -> None:
    names = ["RT", "RFE/RL"]
    assert attribution_free("According to RT, Putin met Guterres.", names) == "Putin met Guterres."
    assert attribution_free("RT and RFE/RL report that talks ended.", names) == "talks ended."
    assert attribution_free("According to RT, 36 came; RFE/RL gives 35.", names) == "36 came 35."
    assert (
        attribution_free(
            "According to RT, 36 of 40 came; RFE/RL gives 35, where RT gives 36.", names
        )
        == "36 of 40 came 35 36."
    )
    assert attribution_free("Putin spoke to RT.", names) == "Putin spoke to RT."
    assert content_words("The U.S. Senate's vote, 52-48.") == ["senate", "vote"]


def test_is_supported_checks_the_cited_words() -> None:
    article = Article(id="x", text="Putin met Guterres in Kazan.", outlet="RT")
    cited = [Span("x", 0, len(article.text))]
    good = BriefSentence("According to RT, Putin met Guterres.", ["x:k0"], cited, "partial")
    bad = BriefSentence("Putin met Guterres in Moscow.", ["x:k0"], cited)
    assert is_supported(good, {"x": article}, ["RT"])
    assert not is_supported(bad, {"x": article}, ["RT"])


def test_embedded_clause_is_told_with_its_whole_sentence() -> None:
    from newsprism.model import Sentence

    text = "Paul said he does not believe Trump will be convicted. The trial opens Tuesday."
    a = Article(id="a", text=text, outlet="Fox")
    b = Article(id="b", text="The Senate trial opens on Tuesday.", outlet="AP")
    embedded = _claim(a, 0, "Trump will be convicted")
    first_end = text.index(" The trial")
    analyses = [
        ArticleAnalysis(
            "a",
            claims=[embedded],
            sentences=[Sentence("a", 0, 0, first_end), Sentence("a", 1, first_end + 1, len(text))],
        ),
        ArticleAnalysis("b", claims=[]),
    ]
    comparison = Comparison(
        articles=[a, b], analyses=analyses, alignments=[Alignment("a0", "single", ["a:k0"], ["a"])]
    )
    brief = write_brief(comparison, ROOMY)
    assert [s.text for s in brief] == [
        "According to Fox, Paul said he does not believe Trump will be convicted."
    ]
    assert Span("a", 0, first_end) in brief[0].spans


def test_when_every_fact_is_loaded_one_is_told_with_the_words_quoted() -> None:
    a = Article(id="a", text="The regime jailed three reporters on Monday.", outlet="Fox")
    b = Article(id="b", text="Nothing else happened in the capital.", outlet="AP")
    claim = _claim(a, 0, a.text)
    start = a.text.index("regime")
    analyses = [
        ArticleAnalysis(
            "a", claims=[claim], loaded=[LoadedSpan("a", start, start + 6, "regime", 0.9, "label")]
        ),
        ArticleAnalysis("b", claims=[]),
    ]
    comparison = Comparison(
        articles=[a, b], analyses=analyses, alignments=[Alignment("a0", "single", ["a:k0"], ["a"])]
    )
    assert write_brief(comparison, BriefSettings(quote_loaded_fallback=False)) == []
    brief = write_brief(comparison, ROOMY)
    assert [s.text for s in brief] == [
        "According to Fox, the \u201cregime\u201d jailed three reporters on Monday."
    ]


def test_a_clause_told_after_an_attribution_begins_in_lower_case() -> None:
    """ "According to The New York Times, the most recent projections ...": a leading article
    is lower-cased even where the articles write "The" inside a sentence ("... by The New
    York Times"); a name is not ("May 2011" stays)."""
    from newsprism.brief import _Context, _lower_first
    from newsprism.pipeline import compare_articles

    published = datetime(2011, 6, 13, tzinfo=UTC)
    articles = [
        Article(
            id="fox",
            outlet="Fox News",
            published=published,
            text="The trustees' warning was first reported by The New York Times on Monday.",
        ),
        Article(
            id="nyt",
            outlet="The New York Times",
            published=published,
            text="The most recent projections from the Social Security Administration, issued "
            "last month, indicate that the program\u2019s trust funds will be exhausted by 2036.",
        ),
    ]
    ctx = _Context(compare_articles(articles), BriefSettings())
    assert "The" in ctx.capitalized_inside
    assert _lower_first(ctx, "The most recent projections") == "the most recent projections"
    assert _lower_first(ctx, "Social Security will start") == "Social Security will start"


def test_a_time_told_against_the_sentence_before_is_cut() -> None:
    """RT: "Earlier that day, Guterres addressed the panel." told alone: "that day" would point
    at nothing; "Finally, in December, ..." (The New York Times) begins with "in December"."""
    a = Article(
        id="a",
        outlet="RT",
        text="Earlier that day, Guterres addressed the wide-format BRICS Plus/Outreach panel.",
    )
    b = Article(
        id="b",
        outlet="NYT",
        text="Finally, in December, dozens of boxes of printed emails were delivered.",
    )
    comparison = Comparison(
        articles=[a, b],
        analyses=[ArticleAnalysis(x.id, claims=[_claim(x, 0, x.text)]) for x in (a, b)],
        alignments=[
            Alignment("a0", "single", ["a:k0"], ["a"]),
            Alignment("a1", "single", ["b:k0"], ["b"]),
        ],
    )
    assert [s.text for s in write_brief(comparison, ROOMY)] == [
        "According to RT, Guterres addressed the wide-format BRICS Plus/Outreach panel.",
        "According to NYT, in December, dozens of boxes of printed emails were delivered.",
    ]
