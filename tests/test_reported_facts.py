"""`reported_facts`: event coreference groups become facts only where outlets state them alike."""

from __future__ import annotations

from newsprism.compare.align import reported_facts, same_fact
from newsprism.model import Alignment, Article, ArticleAnalysis, Claim


def _claim(cid: str, subject: str, predicate: str, obj: str, concept: str = "") -> Claim:
    article = cid.split(":")[0]
    return Claim(
        id=cid,
        article=article,
        start=0,
        end=10,
        sentence=0,
        subject=subject,
        predicate=predicate,
        object=obj,
        subject_concept=concept,
    )


A = Article(id="A", text="x" * 20, outlet="One")
B = Article(id="B", text="x" * 20, outlet="Two")


def test_same_subject_and_object_is_one_fact() -> None:
    a = _claim("A:k0", "Putin", "meet", "Guterres", "c1")
    b = _claim("B:k0", "Vladimir Putin", "meet", "Guterres", "c1")
    assert same_fact(a, b)


def test_different_subjects_are_different_facts() -> None:
    zelensky = _claim("A:k1", "Zelenskiy", "address", "the UN Security Council", "c7")
    guterres = _claim("B:k9", "Guterres", "address", "the BRICS panel", "c3")
    assert not same_fact(zelensky, guterres)


def test_general_predicate_needs_both_arguments() -> None:
    a = _claim("A:k2", "", "be", "no indication")
    b = _claim("B:k2", "All BRICS countries", "be", "committed")
    assert not same_fact(a, b)


def test_a_bare_event_word_matches_only_the_same_event_word() -> None:
    plans = _claim("A:k3", "Putin", "hold", "bilateral discussions", "c1")
    went_on = _claim("B:e3", "Putin", "continue", "", "c1")
    assert not same_fact(plans, went_on)


def test_group_of_unlike_claims_splits_into_singles() -> None:
    zelensky = _claim("A:k1", "Zelenskiy", "address", "the UN Security Council", "c7")
    guterres = _claim("B:k9", "Guterres", "address", "the BRICS panel", "c3")
    group = Alignment(
        id="a4", relation="agreed", claims=["A:k1", "B:k9"], articles=["A", "B"], label="address"
    )
    analyses = [
        ArticleAnalysis(article="A", claims=[zelensky]),
        ArticleAnalysis(article="B", claims=[guterres]),
    ]
    facts = reported_facts([A, B], analyses, [group], [])
    assert [(f.id, f.relation, f.claims, f.articles) for f in facts] == [
        ("a4", "single", ["A:k1"], ["A"]),
        ("a4.2", "single", ["B:k9"], ["B"]),
    ]


def test_group_of_like_claims_stays_agreed() -> None:
    a = _claim("A:k0", "Putin", "meet", "Guterres", "c1")
    b = _claim("B:k0", "Vladimir Putin", "meet", "Guterres", "c1")
    group = Alignment(
        id="a1", relation="agreed", claims=["A:k0", "B:k0"], articles=["A", "B"], label="meet"
    )
    analyses = [ArticleAnalysis(article="A", claims=[a]), ArticleAnalysis(article="B", claims=[b])]
    facts = reported_facts([A, B], analyses, [group], [])
    assert [(f.id, f.relation, f.articles) for f in facts] == [("a1", "agreed", ["A", "B"])]


def test_a_claim_without_subject_does_not_chain_two_actors_into_a_contradiction() -> None:
    c = Article(id="C", text="x" * 20, outlet="Three")
    putin = _claim("A:k0", "Putin", "address", "the summit", "c1")
    nobody = _claim("B:k0", "", "address", "the summit")
    biden = _claim("C:k0", "Biden", "address", "the summit", "c2")
    group = Alignment(
        id="a1",
        relation="agreed",
        claims=["A:k0", "B:k0", "C:k0"],
        articles=["A", "B", "C"],
        label="address",
    )
    analyses = [
        ArticleAnalysis(article="A", claims=[putin]),
        ArticleAnalysis(article="B", claims=[nobody]),
        ArticleAnalysis(article="C", claims=[biden]),
    ]
    facts = reported_facts([A, B, c], analyses, [group], [])
    assert [(f.id, f.relation, f.articles) for f in facts] == [
        ("a1", "agreed", ["A", "B"]),
        ("a1.1", "single", ["C"]),
    ]


def test_a_linked_and_an_unlinked_argument_agree_on_their_head_word() -> None:
    linked = _claim("A:k0", "Vladimir Putin", "meet", "Guterres", "c1")
    unlinked = _claim("B:k0", "Putin", "meet", "Guterres")
    assert same_fact(linked, unlinked)
