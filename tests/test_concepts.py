"""Mentions and cross-article concept linking, on the seeds and on short texts."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsprism.analyze.concepts import alias_data, link_concepts, name_key, normalise
from newsprism.analyze.mentions import find_mentions
from newsprism.model import Article, ArticleAnalysis, Claim, Concept, Mention, Quote
from newsprism.settings import ConceptSettings

SEEDS = Path(__file__).resolve().parent.parent.parent / "shared" / "seeds"


def _analyse(nlp, texts: dict[str, str]) -> tuple[list[Article], list[ArticleAnalysis]]:  # type: ignore[no-untyped-def]
    articles = [Article(id=k, text=t) for k, t in texts.items()]
    analyses = [
        ArticleAnalysis(article=a.id, mentions=find_mentions(nlp(a.text), a)) for a in articles
    ]
    return articles, analyses


def _concept_of(analyses: list[ArticleAnalysis], article: str, text: str) -> str:
    for an in analyses:
        if an.article == article:
            for m in an.mentions:
                if m.text == text:
                    return m.concept
    raise AssertionError(f"no mention {text!r} in {article}")


@pytest.fixture(scope="module")
def seeds(nlp):  # type: ignore[no-untyped-def]
    paths = sorted(SEEDS.glob("*.txt"))
    if len(paths) < 2:
        pytest.skip("seeds not found beside the checkout")
    texts = {p.name[:3]: p.read_text(encoding="utf-8") for p in paths}
    articles, analyses = _analyse(nlp, texts)
    concepts = link_concepts(articles, analyses, ConceptSettings())
    return articles, analyses, concepts


def test_find_mentions_entities_and_descriptions(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "The UN chief met Russian President Vladimir Putin in Kazan on Thursday."
    article = Article(id="a", text=text)
    mentions = find_mentions(nlp(text), article)
    got = [(m.text, m.label) for m in mentions]
    assert ("UN chief", "NP") in got
    assert ("Russian President Vladimir Putin", "NP") in got
    assert ("Vladimir Putin", "PERSON") in got
    assert ("Kazan", "GPE") in got
    assert all(m.label not in {"DATE", "TIME"} for m in mentions)
    assert [m.id for m in mentions] == [f"a:m{k}" for k in range(len(mentions))]
    assert [m.start for m in mentions] == sorted(m.start for m in mentions)
    for m in mentions:
        assert text[m.start : m.end] == m.text
    chief = next(m for m in mentions if m.text == "UN chief")
    assert chief.head == "chief" and chief.sentence == 0


def test_name_normalisation() -> None:
    aliases = alias_data()
    assert normalise("U.S.") == "us"
    assert name_key("Mr. Kim's", aliases) == "kim"
    assert name_key("the U.S.", aliases) == "united states"
    assert name_key("Kiev", aliases) == "kyiv"
    assert name_key("Kim Jong-un", aliases) == "kim jong un"


def test_seed_kyiv_and_kiev_are_one_concept(seeds) -> None:  # type: ignore[no-untyped-def]
    _, analyses, concepts = seeds
    kyiv = _concept_of(analyses, "000", "Kyiv")
    assert kyiv == _concept_of(analyses, "004", "Kiev")
    concept = next(c for c in concepts if c.id == kyiv)
    assert concept.name == "Kyiv" and concept.kind == "GPE"


def test_seed_un_chief_is_guterres_across_articles(seeds) -> None:  # type: ignore[no-untyped-def]
    _, analyses, concepts = seeds
    guterres = _concept_of(analyses, "000", "Antonio Guterres")
    assert _concept_of(analyses, "000", "UN chief") == guterres
    assert _concept_of(analyses, "004", "UN chief") == guterres
    assert _concept_of(analyses, "004", "Guterres") == guterres
    assert _concept_of(analyses, "004", "Antonio Guterres") == guterres
    assert _concept_of(analyses, "000", "UN Secretary-General Antonio Guterres") == guterres
    concept = next(c for c in concepts if c.id == guterres)
    assert concept.name == "Antonio Guterres" and concept.kind == "PERSON"


def test_seed_putin_one_concept_modi_and_xi_apart(seeds) -> None:  # type: ignore[no-untyped-def]
    _, analyses, concepts = seeds
    putin = _concept_of(analyses, "000", "Vladimir Putin")
    for article, text in [
        ("000", "Putin"),
        ("000", "Russian President Vladimir Putin"),
        ("004", "Putin"),
        ("004", "President Vladimir Putin"),
    ]:
        assert _concept_of(analyses, article, text) == putin
    modi = _concept_of(analyses, "000", "Narendra Modi")
    xi = _concept_of(analyses, "000", "Xi Jinping")
    assert len({putin, modi, xi}) == 3
    assert _concept_of(analyses, "000", "Zelenskiy") == _concept_of(
        analyses, "000", "Volodymyr Zelenskiy"
    )
    assert _concept_of(analyses, "000", "UN") == _concept_of(analyses, "004", "United Nations")
    # ids follow first appearance: Putin is the first thing the first article names
    assert putin == "c0" and [c.id for c in concepts] == [f"c{k}" for k in range(len(concepts))]


def test_variants_partial_names_and_roles(nlp) -> None:  # type: ignore[no-untyped-def]
    texts = {
        "a": (
            "North Korean dictator Kim Jong Un met Iranian President Masoud Pezeshkian and "
            "Palestinian leader Mahmoud Abbas. Volodymyr Zelensky was not invited."
        ),
        "b": (
            "Mr. Kim spoke with Pezeshkyan. The North Korean dictator later called Mahmud Abbas. "
            "Zelenskiy criticised the meeting."
        ),
    }
    articles, analyses = _analyse(nlp, texts)
    link_concepts(articles, analyses, ConceptSettings())
    kim = _concept_of(analyses, "a", "Kim Jong Un")
    assert _concept_of(analyses, "b", "Mr. Kim") == kim
    assert _concept_of(analyses, "b", "North Korean dictator") == kim
    assert _concept_of(analyses, "b", "Pezeshkyan") == _concept_of(
        analyses, "a", "Masoud Pezeshkian"
    )
    assert _concept_of(analyses, "b", "Mahmud Abbas") == _concept_of(analyses, "a", "Mahmoud Abbas")
    assert _concept_of(analyses, "b", "Zelenskiy") == _concept_of(
        analyses, "a", "Volodymyr Zelensky"
    )
    assert len({kim, _concept_of(analyses, "a", "Mahmoud Abbas")}) == 2


def test_a_surname_is_the_person_named_first_and_one_person_only(nlp) -> None:  # type: ignore[no-untyped-def]
    """BASIL dev (Jesse Jackson Jr.'s plea): every "Jackson" of the story had become Sandra
    Jackson, whose full name the articles repeat more often, and with her every "Mr. Jackson"
    of another article; the row read "Mr. Jackson resigned from her position on Chicago's
    city council". A bare surname is the person its article names first, a suffix is no
    surname, and the surname that stands for one person joins no second."""
    texts = {
        "a": (
            "Former Rep. Jesse Jackson Jr. pleaded guilty on Wednesday. His wife, Sandra "
            "Jackson, will plead guilty later. Sandra Jackson resigned from the council. "
            "Sandra Jackson faces three years. Jackson wept in court."
        ),
        "b": "Mr. Jackson pleaded guilty. Sandra Jackson will be sentenced in July.",
    }
    articles, analyses = _analyse(nlp, texts)
    link_concepts(articles, analyses, ConceptSettings())
    jesse = _concept_of(analyses, "a", "Jesse Jackson Jr.")
    sandra = _concept_of(analyses, "a", "Sandra Jackson")
    assert jesse != sandra
    assert _concept_of(analyses, "a", "Jackson") == jesse
    assert _concept_of(analyses, "b", "Mr. Jackson") == jesse
    assert _concept_of(analyses, "b", "Sandra Jackson") == sandra


def test_a_name_with_and_without_middle_initials_is_one_person(nlp) -> None:  # type: ignore[no-untyped-def]
    """The Times' "Susan E. Rice" is Fox's "Susan Rice" (BASIL dev): one person in the quote
    balance, not two. A suffix must agree: Jesse L. Jackson is not Jesse Jackson Jr."""
    texts = {
        "a": "Susan E. Rice spoke on Tuesday. Jesse L. Jackson visited his son.",
        "b": "Susan Rice criticized the speech. Jesse Jackson Jr. pleaded guilty.",
    }
    articles, analyses = _analyse(nlp, texts)
    link_concepts(articles, analyses, ConceptSettings())
    assert _concept_of(analyses, "a", "Susan E. Rice") == _concept_of(analyses, "b", "Susan Rice")
    assert _concept_of(analyses, "a", "Jesse L. Jackson") != _concept_of(
        analyses, "b", "Jesse Jackson Jr."
    )


def test_quotes_and_claims_take_concepts(nlp) -> None:  # type: ignore[no-untyped-def]
    text = 'UN Secretary-General Antonio Guterres met Putin. "We need peace," the UN chief said.'
    articles, analyses = _analyse(nlp, {"a": text})
    start = text.index("We need")
    speaker_start = text.index("the UN chief") + 4
    analyses[0].quotes = [
        Quote(
            id="a:q0",
            article="a",
            start=start,
            end=start + len("We need peace"),
            text="We need peace",
            speaker="the UN chief",
            speaker_start=speaker_start,
            speaker_end=speaker_start + len("UN chief"),
        ),
        Quote(id="a:q1", article="a", start=0, end=5, text="x", speaker="Guterres"),
    ]
    analyses[0].claims = [
        Claim(
            id="a:k0",
            article="a",
            start=0,
            end=text.index(".") + 1,
            sentence=0,
            subject="UN Secretary-General Antonio Guterres",
            predicate="meet",
            object="Putin",
        )
    ]
    concepts: list[Concept] = link_concepts(articles, analyses, ConceptSettings())
    guterres = _concept_of(analyses, "a", "Antonio Guterres")
    assert analyses[0].quotes[0].speaker_concept == guterres
    assert analyses[0].quotes[1].speaker_concept == guterres
    assert analyses[0].claims[0].subject_concept == guterres
    assert analyses[0].claims[0].object_concept == _concept_of(analyses, "a", "Putin")
    assert any(c.id == guterres and c.name == "Antonio Guterres" for c in concepts)


def test_linking_is_deterministic(nlp) -> None:  # type: ignore[no-untyped-def]
    texts = {"a": "Putin met Guterres in Kazan.", "b": "Vladimir Putin hosted Antonio Guterres."}
    first = link_concepts(*_analyse(nlp, texts), ConceptSettings())
    second = link_concepts(*_analyse(nlp, texts), ConceptSettings())
    assert first == second


def _mention(article: str, k: int, text: str, label: str, at: int) -> Mention:
    return Mention(f"{article}:m{k}", article, at, at + len(text), text, label, text.lower(), 0)


def test_spelling_variants_without_a_parse() -> None:
    pairs = [
        ("Maria Lopez", "Mario Lopez", False),  # another person, not a spelling
        ("Muammar Qaddafi", "Muammar Gaddafi", True),  # shipped variant
        ("Masud Pezeshkian", "Masoud Pezeshkyan", True),
        ("Iran", "Iraq", False),
    ]
    for left, right, same in pairs:
        articles = [Article(id="a", text=left), Article(id="b", text=right)]
        analyses = [
            ArticleAnalysis(article="a", mentions=[_mention("a", 0, left, "PERSON", 0)]),
            ArticleAnalysis(article="b", mentions=[_mention("b", 0, right, "PERSON", 0)]),
        ]
        concepts = link_concepts(articles, analyses, ConceptSettings())
        assert (len(concepts) == 1) is same, (left, right)
