"""Fact alignment (compare/facts.py) on real wording: the same fact in other words is one
row, different values of one fact are a contradiction naming both values and outlets, a
quotation is its speaker's statement, and the facts model and its evaluation are exact."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsprism.compare.context import CONTEXT_FEATURES
from newsprism.compare.facts import (
    _ASKED,
    FEATURES,
    FactModel,
    FactUnit,
    _balanced,
    _clause,
    _participle,
    _resolved,
    _stating,
    best_threshold,
    claim_words,
    content_words,
    develops,
    fits,
    load_model,
    merge_alike,
    merge_overlapping,
    story_units,
)
from newsprism.compare.words import CONNECTIVE, opening_note
from newsprism.eval.common import EvalOptions, detect_dataset, run_task
from newsprism.eval.loaders.facts import Triplet, load_triplets
from newsprism.eval.tasks.facts import read_mrpc
from newsprism.model import Article, Claim
from newsprism.pipeline import analyze_story, compare_articles


def _article(key: str, outlet: str, text: str, day: int = 12) -> Article:
    published = datetime(2016, 7, day, tzinfo=UTC)
    return Article(id=key, text=text, outlet=outlet, published=published)


def _dev_triplet(shared_data: Path, uuid: str, among_first: int) -> Triplet:
    """One hand-aligned dev triplet, by id, from the first ``among_first`` (skips without
    the data)."""
    folder = shared_data / "facts"
    if not folder.is_dir():
        pytest.skip(f"{folder} is absent")
    return next(t for t in load_triplets(folder, among_first) if t.uuid == uuid)


def test_content_words_are_cut_to_a_common_stem() -> None:
    assert content_words("Obama vetoed the bill; overriding his veto was easy.") == {
        "obama",
        "vetoed",
        "bill",
        "overri",
        "veto",
        "easy",
    }


def test_different_numbers_of_one_fact_are_a_contradiction_naming_both() -> None:
    fox = _article(
        "fox",
        "Fox News",
        "The House Intelligence Committee released a report of 48 pages on the Benghazi "
        "attack. Chairman Mike Rogers praised the work of the staff.",
    )
    hpo = _article(
        "hpo",
        "HuffPost",
        "The House Intelligence Committee released a report of 47 pages on the Benghazi "
        "attack. Republicans have long accused the White House of a cover-up.",
    )
    alignments = compare_articles([fox, hpo]).alignments
    shared = [a for a in alignments if a.relation != "single"]
    assert [(a.relation, a.conflicts, a.detail) for a in shared] == [
        ("contradicted", ["number"], "48 pages (Fox News) vs 47 pages (HuffPost)")
    ]
    assert [a.label for a in alignments if a.relation == "single"] == [
        "Chairman Mike Rogers praised the work of the staff",
        "Republicans have long accused the White House of a cover-up",
    ]


def test_different_days_of_one_event_are_a_date_contradiction() -> None:
    fox = _article(
        "fox",
        "Fox News",
        "Senator Elizabeth Warren apologized on Saturday for taking a DNA test to prove her "
        "Native American heritage.",
    )
    nyt = _article(
        "nyt",
        "The New York Times",
        "Senator Elizabeth Warren apologized on Friday for taking a DNA test to prove her "
        "Native American heritage.",
    )
    (alignment,) = compare_articles([fox, nyt]).alignments
    assert (alignment.relation, alignment.conflicts) == ("contradicted", ["date"])
    assert alignment.detail == "9 July 2016 (Fox News) vs 8 July 2016 (The New York Times)"


def test_a_hedged_number_agrees_with_a_close_exact_one() -> None:
    fox = _article(
        "fox",
        "Fox News",
        "Reading the Constitution aloud on the House floor cost taxpayers more than $1 million, "
        "according to an estimate by the House clerk.",
    )
    hpo = _article(
        "hpo",
        "HuffPost",
        "Reading the Constitution aloud on the House floor cost taxpayers $1.1 million, "
        "according to an estimate by the House clerk.",
    )
    (alignment,) = compare_articles([fox, hpo]).alignments
    assert (alignment.relation, alignment.conflicts) == ("agreed", [])


def _row_words(text: str, drop_from: str) -> str:
    """The words of a row of the one-sentence article ``text``, cutting the clauses that
    start with ``drop_from`` (as a shared row cuts what the sentence alone says)."""
    article = _article("fox", "Fox News", text)
    analyses, concepts = analyze_story([article])
    (unit,) = story_units([article], analyses)[0]
    drop = [c for c in unit.claims if claim_words(c, unit).startswith(drop_from)]
    assert drop, [claim_words(c, unit) for c in unit.claims]
    return _clause(unit, article, {c.id: c.name for c in concepts}, drop)


def test_a_shared_row_is_cut_only_at_a_joined_clause() -> None:
    """A relative or coordinated clause the sentence alone states is cut from a shared row;
    a clause the rest leans on is not ("Pointing to his time ..." is no statement)."""
    assert (
        _row_words(
            "Putin met with Antonio Guterres, who visited Russia for the first time in over two "
            "years to attend the BRICS Summit in Kazan.",
            "who visited",
        )
        == "Putin met with Antonio Guterres"
    )
    pointing = (
        "Pointing to his time as a recovering alcoholic, the Fox News host urged the GOP to "
        "embark on a 12-step program of recovery."
    )
    assert _row_words(pointing, "the Fox News host") == pointing


def test_groups_alike_but_for_one_outlets_sentences_are_one_row() -> None:
    """Two groups that differ only in one outlet's sentences merge, neighbours or apart (the
    outlet tells in two places what the other states once); not when two outlets differ."""
    assert merge_alike([[(0, 0), (1, 0)], [(0, 0), (1, 1)]]) == [[(0, 0), (1, 0), (1, 1)]]
    assert merge_alike([[(0, 0), (1, 0)], [(0, 0), (1, 2)]]) == [[(0, 0), (1, 0), (1, 2)]]
    assert merge_alike([[(0, 0), (1, 0)], [(0, 1), (1, 1)]]) == [
        [(0, 0), (1, 0)],
        [(0, 1), (1, 1)],
    ]
    # Three groups of one sentence and three of the other outlet's, and a third outlet's.
    chain = [[(0, 0), (1, 2)], [(0, 0), (1, 0)], [(0, 0), (1, 1)], [(0, 0), (2, 0)]]
    assert merge_alike(chain) == [[(0, 0), (1, 0), (1, 1), (1, 2)], [(0, 0), (2, 0)]]


def test_rows_sharing_a_sentence_merge_when_the_new_pairs_score() -> None:
    """Two groups sharing a sentence become one when every new cross-article pair scored at
    least the floor; a pair of one article is no new pair; the best-supported merge first."""
    scored = {
        ((0, 0), (1, 0)): 0.9,
        ((0, 0), (2, 0)): 0.8,
        ((1, 0), (2, 0)): 0.25,  # under the link threshold, over the floor
        ((0, 1), (1, 1)): 0.9,
        ((0, 1), (2, 1)): 0.9,
        ((1, 1), (2, 1)): 0.05,
    }
    groups = [[(0, 0), (1, 0)], [(0, 0), (2, 0)], [(0, 1), (1, 1)], [(0, 1), (2, 1)]]
    assert merge_overlapping(groups, scored, 0.2) == [
        [(0, 0), (1, 0), (2, 0)],
        [(0, 1), (1, 1)],
        [(0, 1), (2, 1)],
    ]
    assert merge_overlapping(groups, scored, 0.3) == groups
    # Groups that differ only in one article's sentences have no new pair to weigh: they are
    # left to merge_alike, and do not pre-empt a merge the scores support.
    assert merge_overlapping([[(0, 0), (1, 0)], [(0, 2), (1, 0)]], {}, 0.2) == [
        [(0, 0), (1, 0)],
        [(0, 2), (1, 0)],
    ]
    a, b, b2 = [(0, 0), (1, 0)], [(0, 0), (2, 0)], [(0, 0), (2, 1)]
    scores = {((1, 0), (2, 0)): 0.9, ((1, 0), (2, 1)): 0.05}
    assert merge_overlapping([a, b, b2], scores, 0.2) == [[(0, 0), (1, 0), (2, 0)], b2]
    # The best-supported merge first: A with C (0.9), after which B no longer fits.
    c = [(0, 0), (3, 0)]
    scores = {((1, 0), (2, 0)): 0.3, ((1, 0), (3, 0)): 0.9, ((2, 0), (3, 0)): 0.05}
    assert merge_overlapping([a, b, c], scores, 0.2) == [[(0, 0), (1, 0), (3, 0)], b]
    # A group inside another is the same row.
    assert merge_overlapping([[(0, 0), (1, 0), (2, 0)], [(0, 0), (1, 0)]], {}, 0.9) == [
        [(0, 0), (1, 0), (2, 0)]
    ]


@pytest.mark.data
def test_a_real_triplet_shows_each_shared_fact_once(shared_data: Path) -> None:
    """BASIL's triplet on the letter of the 42 Senate Republicans (Fox, the Times, HuffPost):
    with links kept four to an article and rows sharing a sentence left apart, it showed 17
    shared rows, three of them reading "The Senate GOP's threat to filibuster ..." and two
    "they (quoted): ..."; now each row reads differently (11 rows: two that differed only in
    the Times' sentences are one), and a quotation whose speaker is only "they" is marked as
    quoted without a pronoun for a name."""
    triplet = _dev_triplet(shared_data, "ae243a95-b2c2-410c-9e2b-b083b4b8eb48", 8)
    comparison = compare_articles(triplet.ordered())
    labels = [a.label for a in comparison.alignments if a.relation != "single"]
    assert len(labels) == 11 and len(set(labels)) == 11
    assert sum(label.startswith("The Senate GOP's threat to filibuster") for label in labels) == 1
    assert not any(label.startswith("they (quoted)") for label in labels)
    # What a row shows an outlet reporting is not also listed as left out by it: the Times'
    # "... were put on notice by their Republican colleagues Wednesday morning" labelled the
    # row the three shared and was listed as left out by Fox News; so was "[until] the
    # chamber resolves budget and tax cut measures", which states nothing.
    rows = {a.id: a for a in comparison.alignments}
    for omission in comparison.omissions:
        left_out = rows[omission.alignment].label
        assert "chamber resolves" not in left_out
        assert not any(
            left_out in row.label and omission.article in row.articles
            for row in comparison.alignments
            if row.relation != "single"
        ), left_out


@pytest.mark.data
def test_a_row_reads_as_a_statement_of_its_own(shared_data: Path) -> None:
    """BASIL's triplet on Dave Brat's defeat of Eric Cantor: the lead row was labelled by
    Fox News' "So who is Dave Brat, and how did he pull off such a stunning win?" (its
    shortest clause), a question that states nothing; and "But Brat unseated ...", "Instead,
    he relied ..." leaned on sentences the row does not show."""
    triplet = _dev_triplet(shared_data, "ee05c9b3-529c-4268-ad72-19bd34f7197e", 46)
    alignments = compare_articles(triplet.ordered()).alignments
    labels = [a.label for a in alignments]
    shared = [a.label for a in alignments if a.relation != "single"]
    assert shared[0] == (
        "House Majority Leader Eric Cantor was beaten Tuesday night by a political novice who "
        "is currently working as an economics professor at a small Virginia college."
    )
    assert "Brat relied mostly on state and local activists" in shared
    assert not any(label.startswith(("But ", "Instead,", "So who")) for label in labels)


@pytest.mark.data
def test_rows_name_the_person_and_keep_whole_statements(shared_data: Path) -> None:
    """BASIL's triplet on Jesse Jackson Jr.'s guilty plea: "He pleaded guilty to conspiracy"
    read "Rolex pleaded guilty ..." (the parser took the watch's brand for a person), then
    "Jr. pleaded guilty ..." (the last word of his name); the Times' "... during the time that
    Mr. Jackson was dipping into his campaign treasury" read "Mr. Jackson Mr. Jackson was
    dipping ...", and the second half of a purpose ("to pay for living expenses and buy items
    like stuffed animals") was a row of its own: "use buy items like stuffed animals"."""
    triplet = _dev_triplet(shared_data, "f506aafc-8b43-427a-936e-bbd1ef33e076", 34)
    labels = [a.label for a in compare_articles(triplet.ordered()).alignments]
    assert "Jackson pleaded guilty to conspiracy before U.S. District Judge Robert L. Wilkins" in (
        labels
    )
    assert not any(
        label.startswith(("Rolex", "Jr.", "use buy", "Mr. Jackson Mr. Jackson")) for label in labels
    )


def test_quotation_marks_in_a_row_pair_up() -> None:
    assert _balanced("\"You've been debating a coin for baseball.") == (
        '"You\'ve been debating a coin for baseball."'
    )
    assert _balanced("You've been debating a coin?\" Obama said.") == (
        '"You\'ve been debating a coin?" Obama said.'
    )
    assert _balanced('calling the incident a "prank') == 'calling the incident a "prank"'
    assert _balanced("trapped in the \u201cpast") == "trapped in the \u201cpast\u201d"
    # Straight and curly marks mixed, and inches, are left as they pair.
    assert _balanced('\u201cI love my sister," she wrote.') == '\u201cI love my sister," she wrote.'
    assert _balanced('a 5" screen') == 'a 5" screen'


@pytest.mark.data
def test_quotations_name_their_speaker_and_one_vote_has_one_day(shared_data: Path) -> None:
    """BASIL's triplet on Obama's "In God We Trust" jab: HuffPost's quotation after "Obama
    continued, calling out ... Boehner." had no speaker and its sentences were rows in the
    outlet's own voice ("You've had legislation reaffirming ..."), one with an unclosed
    quotation mark; the Times' "passing a resolution on Tuesday" against HuffPost's "On
    Wednesday, the House voted 396-9" (the gold's contradiction) was not compared (two
    verbs), while "made a drumbeat over the last week" against "just as he did in September"
    was a false one. Fox's two quotations of the coin had been two rows."""
    triplet = _dev_triplet(shared_data, "2153fb3e-6b09-410c-bfea-d095c49a54ba", 17)
    alignments = compare_articles(triplet.ordered()).alignments
    labels = [a.label for a in alignments]
    assert (
        "Obama (quoted): You've had legislation reaffirming that 'In God We Trust' is our motto."
        in (labels)
    )
    assert 'Obama (quoted): "You\'ve been debating a commemorative coin for baseball."' in labels
    # Fox quotes the coin twice (§9 and §12-13), HuffPost once (§6): one row, not two.
    coin = [a for a in alignments if "commemorative coin" in a.label]
    assert [a.label for a in coin] == [
        'Obama (quoted): "You\'ve been debating a commemorative coin for baseball."'
    ]
    assert not any(label.startswith("You've") for label in labels)
    assert all(_balanced(label) == label for label in labels)
    contradicted = [(a.conflicts, a.detail) for a in alignments if a.relation == "contradicted"]
    assert contradicted == [
        (["date"], "1 November 2011 (The New York Times) vs 2 November 2011 (HuffPost)")
    ]


def test_a_development_needs_a_later_report() -> None:
    """Planned in the first report, held in a later one: a development. Reports of one day
    (BASIL gives days only) or of unknown times read differently; nothing had happened in
    between (117 rows of the dev triplets were marked as developments, 51 now)."""
    day = datetime(2024, 10, 21, tzinfo=UTC)
    later = datetime(2024, 10, 24, tzinfo=UTC)
    assert develops([(day, "planned"), (later, "happened")])
    assert develops([(day, "planned"), (day, "uncertain"), (later, "denied")])
    assert not develops([(day, "planned"), (day, "happened")])
    assert not develops([(None, "planned"), (later, "happened")])
    assert not develops([(day, "happened"), (later, "planned")])
    assert not develops([(day, "planned"), (later, "planned")])
    naive = datetime(2024, 10, 21, 9, 0)  # the Python API takes either kind
    assert develops([(naive, "planned"), (later, "happened")])


@pytest.mark.data
def test_a_development_is_told_by_clauses_that_tell_the_rows_fact(shared_data: Path) -> None:
    """BASIL's triplet on Indiana's religious freedom law: "Murray ... issued his ban via
    executive order over the weekend" was a development (planned, then held) because a
    linked sentence's other clause read "he would ban state-funded travel to Indiana", Gov.
    Inslee's; so was a row on Pence from "moving to address a growing political firestorm".
    Neither clause tells its row's fact. The triplet on Sanders' visit keeps its development:
    "Obama will meet with Sanders in Washington on Thursday" / "Senator Bernie Sanders met
    with President Obama on Thursday"."""

    def developments(uuid: str, among_first: int) -> list[str]:
        triplet = _dev_triplet(shared_data, uuid, among_first)
        return [a.label for a in compare_articles(triplet.ordered()).alignments if a.status_change]

    indiana = developments("4f473faf-f928-4cfd-8bed-00578be9db9a", 53)
    # Three (the shipped model retrained on the eleventh session's speakers links Benioff's
    # "would halt all corporate travel to Indiana" to another outlet's sentence, no longer
    # a development): four before.
    assert len(indiana) == 3
    assert not any(label.startswith(("Murray, a Democrat", "Gov. Mike Pence")) for label in indiana)
    (sanders,) = developments("eadabee7-3db9-43c4-a485-3e8b1882cd3c", 63)
    assert sanders.startswith("Obama will meet with Sanders in Washington on Thursday")


def test_a_clause_with_its_own_subject_is_no_purpose_going_on() -> None:
    """ "to pay for living expenses and buy items ..." goes on with the purpose: no row of
    its own; ", and the two leaders signed a trade agreement" is a statement of its own."""
    day = datetime(2024, 1, 2, tzinfo=UTC)

    def singles(longer: str, shorter: str) -> list[str]:
        articles = [
            Article(id="a", text=longer, outlet="X", published=day),
            Article(id="b", text=shorter, outlet="Y", published=day),
        ]
        alignments = compare_articles(articles).alignments
        return [a.label for a in alignments if a.relation == "single"]

    assert singles(
        "Prime Minister Modi traveled to Paris on Monday to meet President Macron, and the two "
        "leaders signed a trade agreement worth billions of euros.",
        "Prime Minister Modi traveled to Paris on Monday to meet President Macron.",
    ) == ["The two leaders signed a trade agreement worth billions of euros"]
    assert singles(
        "Jackson used campaign money to pay for living expenses and buy items like stuffed "
        "animals, and he bought a Rolex watch for himself last year.",
        "Jackson used campaign money to pay for living expenses.",
    ) == ["Jackson bought a Rolex watch for himself last year"]


def test_a_clause_opened_by_that_keeps_the_subject_that_follows() -> None:
    """ "[the time] that Mr. Jackson was dipping ..." is Mr. Jackson's clause: "that" goes, no
    name is put before it; "who visited Russia" takes its subject's name."""
    dipping = Claim("t:k0", "t", 0, 1, 0, subject="Mr. Jackson", predicate="dip")
    assert _resolved(dipping, "that Mr. Jackson was dipping into his campaign treasury", {}) == (
        "Mr. Jackson was dipping into his campaign treasury"
    )
    visited = Claim("t:k1", "t", 0, 1, 0, subject="who", predicate="visit", subject_concept="c1")
    assert _resolved(visited, "who visited Russia", {"c1": "Antonio Guterres"}) == (
        "Antonio Guterres visited Russia"
    )


def test_an_own_part_reads_as_a_statement_with_its_subject() -> None:
    """Own parts of dev sentences that read as fragments: a concept named by a common noun
    ("decision left open ..."), a subject put before the conjunction that opens the clause
    ("conservatives when conservatives ousted ..."); participle phrases and embedded
    questions are no statements at all."""
    left = Claim("t:k0", "t", 0, 1, 0, subject="The June decision", predicate="leave",
                 subject_concept="c9")  # fmt: skip
    assert _resolved(left, "left open the question", {"c9": "decision"}) == (
        "The June decision left open the question"
    )
    ousted = Claim("t:k1", "t", 0, 1, 0, subject="conservatives", predicate="oust",
                   subject_concept="c1")  # fmt: skip
    assert _resolved(ousted, "when conservatives ousted one of his loyalists", {}) == (
        "Conservatives ousted one of his loyalists"
    )
    filers = Claim("t:k2", "t", 0, 1, 0, subject="they", predicate="require")
    assert _resolved(filers, "may be required to file their returns", {}) == (
        "They may be required to file their returns"
    )
    text = "A bizarre episode threatening his dream dogged him, and how laws should be enforced."
    unit = FactUnit(article="t", sentence=0, position=0.0, start=0, end=len(text), text=text,
                    claim="t:k0")  # fmt: skip
    at = text.index("threatening")
    episode = Claim("t:k3", "t", at, at + 36, 0, subject="A bizarre episode",
                    predicate="threaten", predicate_start=at, predicate_end=at + 11)  # fmt: skip
    assert _participle(episode, unit)
    dogged = Claim("t:k4", "t", 0, 50, 0, subject="A bizarre episode", predicate="dog",
                   predicate_start=44, predicate_end=50)  # fmt: skip
    assert not _participle(dogged, unit)
    assert _ASKED.match("how laws should be enforced")
    # Dev triplet 8385a9: the parse took "she" (Justice Ginsburg) for Donald Trump; his title
    # says he is no "she", so the pronoun stays.
    doubled = Claim("t:k5", "t", 0, 1, 0, subject="Donald Trump", predicate="double",
                    subject_concept="c4")  # fmt: skip
    assert _resolved(doubled, "she doubled down on her criticism", {"c4": "Mr. Trump"}) == (
        "She doubled down on her criticism"
    )
    assert fits("he", "Mr. Trump") and not fits("she", "Mr. Trump")
    assert fits("she", "Ruth Bader Ginsburg") and not fits("he", "Mrs. Clinton")
    # Dev triplet 2153fb: "... just as he did in September when he visited an aging bridge"
    # had read "Mitch McConnell when he visited ..."; a pronoun after the opener is named.
    visited = Claim("t:k6", "t", 0, 1, 0, subject="Obama", predicate="visit",
                    subject_concept="c6")  # fmt: skip
    assert _resolved(
        visited, "when he visited an aging bridge over the Ohio River", {"c6": "Mr. Obama"}
    ) == ("Mr. Obama visited an aging bridge over the Ohio River")
    # "... urged lawmakers to move ..., while simultaneously mocking them for ...": an adverb
    # in -ly before the participle.
    text = "Obama urged lawmakers to act, while simultaneously mocking them for spending time."
    unit = FactUnit(article="t", sentence=0, position=0.0, start=0, end=len(text), text=text,
                    claim="t:k0")  # fmt: skip
    at = text.index("simultaneously")
    mocking = Claim("t:k7", "t", at, len(text) - 1, 0, subject="lawmakers", predicate="mock",
                    predicate_start=at + 15, predicate_end=at + 22)  # fmt: skip
    assert _participle(mocking, unit)


def test_a_connective_after_a_dateline_is_cut_too() -> None:
    day = datetime(2024, 1, 2, tzinfo=UTC)
    text = (
        "WASHINGTON — But Senator Smith voted against the farm bill on Tuesday, angering "
        "farmers across the state."
    )
    articles = [
        Article(id="a", text=text, outlet="X", published=day),
        Article(
            id="b", text="The weather in Paris was sunny on Sunday.", outlet="Y", published=day
        ),
    ]
    labels = [a.label for a in compare_articles(articles).alignments]
    assert labels[0] == (
        "Senator Smith voted against the farm bill on Tuesday, angering farmers across the state."
    )


def test_a_connective_is_cut_but_not_the_sentences_own_words() -> None:
    def cut(text: str) -> str:
        tie = CONNECTIVE.match(text)
        return text[tie.end() :] if tie else text

    assert cut("Instead, he relied on activists.") == "he relied on activists."
    assert cut("In response, Putin remarked.") == "Putin remarked."
    assert cut("But so far it held.") == "so far it held."
    for own in ("So far, 12 people have died.", "But for the rain, it held.", "Or Sasson won."):
        assert cut(own) == own


def test_a_dateline_is_no_part_of_a_row() -> None:
    assert [
        text[opening_note(text, True) :]
        for text in (
            "DANVILLE, Ky. –- Joe Biden did everything",
            "NEW YORK (AP) -- Stocks fell",
            "UPDATE 2:52 p.m. -- Additional records",
            "NATO — the alliance — met",  # no capital after the dash: no dateline
        )
    ] == [
        "Joe Biden did everything",
        "Stocks fell",
        "Additional records",
        "NATO — the alliance — met",
    ]
    assert opening_note("WASHINGTON — The court ruled", False) == 0  # a first sentence's only
    articles = [
        _article(
            "hpo",
            "HuffPost",
            "WASHINGTON — The Supreme Court appears ready to block a sex discrimination "
            "lawsuit against Wal-Mart on behalf of up to 1.6 million women.",
        ),
        _article("fox", "Fox News", "Lawyers for the company filed their briefs in March."),
    ]
    labels = [a.label for a in compare_articles(articles).alignments]
    assert labels == [
        "The Supreme Court appears ready to block a sex discrimination lawsuit against Wal-Mart "
        "on behalf of up to 1.6 million women.",
        "Lawyers for the company filed their briefs in March",
    ]


def test_best_threshold_is_the_middle_of_the_best_plateau() -> None:
    import numpy as np

    probability = np.array([0.9, 0.8, 0.7, 0.3, 0.2, 0.1])
    labels = np.array([1, 1, 0, 1, 0, 0])
    # The first four: F1 6/7 and accuracy 5/6, the best of both, from 0.21 to 0.30: the
    # middle, not the first threshold that reaches it.
    assert best_threshold(probability, labels) == 0.25
    # Accuracy 5/6 also from 0.71 to 0.80 (the first two): the lowest plateau is taken.
    assert best_threshold(probability, labels, "accuracy") == 0.25
    assert best_threshold(np.array([0.9, 0.6, 0.4]), np.array([1, 0, 0]), "accuracy") == 0.75


def test_the_shipped_model_names_its_features_and_training_triplets() -> None:
    model = load_model()
    assert len(model.pairwise.coef) == len(FEATURES)
    assert model.in_story is not None
    assert len(model.in_story.coef) == len(FEATURES) + len(CONTEXT_FEATURES)
    assert len(model.trained_on) == 70 and 0.05 <= model.threshold <= 0.95
    assert FactModel.from_json(model.to_json()) == model


def test_mrpc_is_recognised_and_read(tmp_path: Path) -> None:
    (tmp_path / "train.tsv").write_text(
        "\ufeffQuality\t#1 ID\t#2 ID\t#1 String\t#2 String\n"
        '1\t1\t2\tHe said "no".\tHe said no.\n'
        "0\t3\t4\tThe bill passed the Senate.\tThe bill passed the House.\n"
        "x\tbroken line\n",
        encoding="utf-8",
    )
    assert detect_dataset(tmp_path) == "mrpc"
    assert read_mrpc(tmp_path, None) == [
        (1, 'He said "no".', "He said no."),
        (0, "The bill passed the Senate.", "The bill passed the House."),
    ]


@pytest.mark.data
def test_eval_facts_scores_three_triplets_exactly(shared_data: Path) -> None:
    folder = shared_data / "facts"
    if not folder.is_dir():
        pytest.skip(f"{folder} is absent")
    result = run_task("facts", folder, EvalOptions(limit=3, progress=False, errors=4))
    metrics = result.metrics
    assert result.n == 3 and result.system == "newsprism (5-fold by triplet)"
    # Deterministic: the folds, the fitted models and the comparisons are the same each run.
    # Models fitted on three triplets (folds of one) move with every change of the units:
    # event-word claims kept to their sentences took these from (256, 215, 312) and
    # (0.4841, 0.8462), a setting row (compare/setting.py, the news conference of 18 May
    # 2010) adding one gold pair among them. Six links a sentence to one other article
    # (not four) and rows sharing a sentence merged (merge_overlapping) took them from (256,
    # 212, 315) and (0.4701, 0.8476). A sentence's own parts worked out from its merged rows,
    # and not listed when the row it labels reads them, took omissions from 297 and 0.8552;
    # pronouns no longer resolved to a name that qualifies a thing ("a Rolex watch") moved the
    # subjects and so the fitted models: (256, 248, 279), (0.4762, 0.8674) before.
    # A speaker after a closed quotation kept with it (analyze/sentences.py), and own parts
    # weighed against other outlets' sentences only, moved them again: (256, 240, 283),
    # (0.4798, 0.8657) before. Thresholds read off the middle of the best plateau, a quotation
    # running on past a sentence about its speaker, and an infinitive standing for its
    # sentence only where nothing else can: (256, 248, 279), (0.4762, 0.8674) before; no
    # participle phrase or embedded question listed as a sentence's own part: 275, 0.8727.
    # Rows alike but for one outlet's sentences merged wherever those sentences are (not only
    # neighbours): the same pairs, omissions 269 and 0.8848 before. A "he" taken for the
    # person subject of the clause above it moved the subjects and the fitted models: (256,
    # 256, 251), 0.4766 before. The person of an apposition as a clause's subject ("Robert W.
    # Goodlatte, Republican of Virginia, who ..."), one person with and without middle
    # initials, and a quotation's "he" or "she" no one the article's titles or given names
    # rule out: (256, 249, 251), (0.4752, 0.8805) before.
    assert (metrics["pairs_gold"], metrics["pairs_pred"], metrics["omissions"]) == (256, 246, 256)
    assert (metrics["pair_f1"], metrics["omission_precision"]) == (0.4821, 0.8711)
    assert (metrics["contradictions_gold"], metrics["false_contradiction_pairs"]) == (1, 0)
    assert any(line.startswith("missed ") for line in result.errors)
    assert any(line.startswith("false ") for line in result.errors)


def test_a_cell_leads_with_the_clause_that_states_its_rows_fact() -> None:
    """The dev triplet on Jesse Jackson Jr.'s plea: in HuffPost's row "... was accused of spending
    $750,000 in campaign funds on personal items", Fox's cell had led with its sentence's
    first clause, "pleaded guilty Wednesday in federal court to charges"; the clause that
    states the row's fact is "he spent $750,000 in campaign cash on personal items". A row
    on the plea keeps the first clause."""
    fox = _article(
        "fox",
        "Fox News",
        "Former Rep. Jesse Jackson Jr. pleaded guilty Wednesday in federal court to charges "
        "that he spent $750,000 in campaign cash on personal items.",
    )
    analyses, _ = analyze_story([fox])
    ((unit,),) = story_units([fox], analyses)
    claims = {c.id: c for c in analyses[0].claims}
    texts = {"fox": fox.text}

    def stating(label: str) -> str:
        claim = claims[_stating(unit, content_words(label), claims, texts)]
        return fox.text[claim.start : claim.end]

    assert stating(
        "How You Can Get Out of Debt, Build Wealth, and Achieve Your Financial Dreams, was "
        "accused of spending $750,000 in campaign funds on personal items"
    ) == ("he spent $750,000 in campaign cash on personal items")
    assert (
        stating("Jesse L. Jackson Jr. pleaded guilty on Wednesday to one felony count")
        == (fox.text[claims[unit.claim].start : claims[unit.claim].end])
    )
