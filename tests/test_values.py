"""Values two outlets give for one fact (compare/values.py), on sentences of the hand-aligned
BASIL dev triplets: different values of one fact are a contradiction naming both and their
outlets; rounding, hedges, lists of numbers, odds and different quantities are not."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

from newsprism.analyze.numbers import parse_value
from newsprism.compare.align import describe_time
from newsprism.compare.facts import FactUnit, story_units
from newsprism.compare.values import (
    date_conflict,
    matched_numbers,
    number_range,
    numbers_agree,
    period_conflict,
    place_conflict,
    values_conflict,
)
from newsprism.model import Alignment, Article, Quantity
from newsprism.pipeline import analyze_story, compare_articles
from newsprism.report.view import relation_of
from newsprism.settings import DEFAULT


def _article(key: str, outlet: str, text: str) -> Article:
    published = datetime(2015, 7, 31, tzinfo=UTC)
    return Article(id=key, text=text, outlet=outlet, published=published)


def _shared(left: tuple[str, str], right: tuple[str, str]) -> list[Alignment]:
    articles = [_article("a", *left), _article("b", *right)]
    return [a for a in compare_articles(articles).alignments if a.relation != "single"]


def _units(left: tuple[str, str], right: tuple[str, str]) -> tuple[FactUnit, FactUnit]:
    """The fact units of two one-sentence articles."""
    articles = [_article("a", *left), _article("b", *right)]
    analyses, _ = analyze_story(articles)
    (a,), (b,) = story_units(articles, analyses)
    return a, b


def _quantity(text: str) -> Quantity:
    parsed = parse_value(text)
    assert parsed is not None
    return Quantity("a", 0, len(text), text, parsed[0], parsed[1])


def test_a_number_stands_for_the_range_its_digits_allow() -> None:
    assert number_range(_quantity("55,000"), 0.0) == (54_500, 55_500)
    assert number_range(_quantity("50,000"), 0.0) == (45_000, 55_000)
    # An amount in millions may be cut, not rounded: "$43 million" for $43,885,310.
    assert number_range(_quantity("$43 million"), 0.0) == (42.5e6, 44e6)
    assert number_range(_quantity("31.55 percent"), 0.0) == pytest.approx((31.545, 31.555))
    assert number_range(_quantity("more than $1 million"), 0.0) == (0.5e6, float("inf"))
    assert number_range(_quantity("nearly 24"), 0.0) == (float("-inf"), 24.5)


@pytest.mark.parametrize(
    ("left", "right", "agree"),
    [
        ("55,000", "50,000", False),  # pages of emails: Fox vs NYT, a gold contradiction
        ("$139 million", "roughly $141 million", False),
        ("1.5 million", "up to 1.6 million", False),
        ("$5,587.75", "$5,687.75", False),
        ("$1.52 billion", "$1.5 billion", True),
        ("$43 million", "$43,885,310", True),
        ("$139 million", "$140,937,785", False),
        ("more than $1 million", "$1.1 million", True),
        ("about 1.5 million", "1.54 million", True),
        ("nearly 24", "23", True),
    ],
)
def test_numbers_agree_when_either_lies_in_the_others_range(
    left: str, right: str, agree: bool
) -> None:
    assert numbers_agree(_quantity(left), _quantity(right), 0.0) is agree


def test_an_amount_differently_rounded_is_a_number_contradiction() -> None:
    shared = _shared(
        (
            "The New York Times",
            "Hillary Rodham Clinton on Friday released her most recent eight years of tax "
            "returns, showing that she and former President Bill Clinton earned $139 million "
            "in adjusted gross income from 2007 to 2014.",
        ),
        (
            "HuffPost",
            "Hillary and Bill Clinton earned roughly $141 million and paid nearly $44 million "
            "in federal income taxes from 2007 to 2014, according to tax returns released "
            "Friday.",
        ),
    )
    assert [(a.relation, a.conflicts, a.detail) for a in shared] == [
        (
            "contradicted",
            ["number"],
            "$139 million (The New York Times) vs roughly $141 million (HuffPost)",
        )
    ]


def test_two_years_of_one_fact_are_a_date_contradiction() -> None:
    shared = _shared(
        ("Fox News", "Pelosi has led House Democrats since 2002."),
        ("HuffPost", "Pelosi has led House Democrats since 2003, and that is what Ryan argued."),
    )
    assert [(a.relation, a.conflicts, a.detail) for a in shared] == [
        ("contradicted", ["date"], "2002 (Fox News) vs 2003 (HuffPost)")
    ]


def test_two_days_of_one_apology_are_a_date_contradiction() -> None:
    """'had to apologize Saturday' is an apology (its clause's verb is not "have")."""
    shared = _shared(
        (
            "Fox News",
            "The communications director for a Republican member of Congress had to apologize "
            "Saturday for a Facebook post critical of the first daughters during President "
            "Barack Obama's Thanksgiving address earlier this week. Elizabeth Lauten wrote in a "
            "now-deleted Facebook post Friday that Malia and Sasha Obama, aged 16 and 13 "
            'respectively, should "try showing a little class" and described their outfits as '
            'more appropriate for "a spot at the bar."',
        ),
        (
            "HuffPost",
            "A Republican staffer on Friday apologized for a Facebook post that criticized Malia "
            "and Sasha Obama's appearance at the annual White House turkey pardon ceremony, one "
            "of America's silliest holiday traditions. Elizabeth Lauten, the communications "
            "director for Rep. Stephen Fincher (R-Tenn.), wrote that the two teenagers should "
            '"try showing a little class," "dress like you deserve respect, not a spot at a '
            'bar," and, most of all, "don\'t make faces" at Very Serious public events.',
        ),
    )
    assert [(a.relation, a.conflicts, a.detail) for a in shared][0] == (
        "contradicted",
        ["date"],
        "1 August 2015 (Fox News) vs 31 July 2015 (HuffPost)",
    )


def test_one_person_with_two_given_names_is_an_actor_contradiction() -> None:
    shared = _shared(
        (
            "Fox News",
            "Rep. Loretta Sanchez won the competition for vice Democratic Caucus chairman, "
            "defeating fellow California congresswoman Barbara Lee. Sanchez formerly led the "
            "Congressional Hispanic Caucus.",
        ),
        (
            "The New York Times",
            "Representative Joseph Crowley of New York was also elected chairman of the House "
            "Democratic Caucus, and in a narrow victory, 98 to 96, Representative Linda T. "
            "Sánchez of California defeated another California Democrat, Representative "
            "Barbara Lee, to become vice chairwoman.",
        ),
    )
    assert [(a.relation, a.conflicts, a.detail) for a in shared] == [
        (
            "contradicted",
            ["actor"],
            "Rep. Loretta Sanchez (Fox News) vs Representative Linda T. Sánchez "
            "(The New York Times)",
        )
    ]


def test_two_people_of_one_family_are_not_an_actor_contradiction() -> None:
    shared = _shared(
        (
            "The New York Times",
            "Hillary Rodham Clinton earned $139 million in adjusted gross income from 2007 to "
            "2014 with her husband Bill.",
        ),
        (
            "HuffPost",
            "Bill Clinton earned $139 million in adjusted gross income from 2007 to 2014 with "
            "his wife Hillary.",
        ),
    )
    assert [(a.relation, a.conflicts) for a in shared] == [("agreed", [])]


def test_numbers_in_a_list_are_matched_by_the_words_around_them() -> None:
    nyt, hpo = _units(
        (
            "The New York Times",
            "In 2008, Mr. Jackson used the money for things like a $466.30 dinner at CityZen in "
            "the Mandarin Oriental in Washington and a $5,587.75 vacation at the Martha's "
            "Vineyard Holistic Retreat, the document said.",
        ),
        (
            "HuffPost",
            "Additional records disclosed Wednesday revealed that expenses charged by Jackson "
            "and his wife to his campaign included $4,272.78 on the Navigator of the Seas "
            "cruise, $2,306.08 at Walt Disney World, over $10,000 at Best Buy and $5,687.75 at "
            "Martha's Vineyard Holistic Retreat.",
        ),
    )
    assert [(a.text, b.text) for a, b in matched_numbers(nyt, hpo, 1.5)] == [
        ("$5,587.75", "$5,687.75")
    ]


def test_the_same_numbers_in_another_order_agree() -> None:
    shared = _shared(
        (
            "Fox News",
            "In the poll, former Massachusetts Gov. Mitt Romney leads the would-be group of "
            "contenders with 21 percent of Republican primary voters surveyed followed by Trump "
            "and former Arkansas Gov. Mike Huckabee at 17 percent each.",
        ),
        (
            "HuffPost",
            "A national NBC/WSJ poll released yesterday shows Trump tied for 2nd with Mike "
            "Huckabee in the 2012 GOP primary field at 17 percent (Mitt Romney leads the pack "
            "at 21 percent).",
        ),
    )
    assert [(a.relation, a.conflicts) for a in shared] == [("agreed", [])]


def test_odds_are_not_counts() -> None:
    fox, nyt = _units(
        (
            "Fox News",
            'The House speaker gave his Republican Party a "two-in-three chance" of holding on '
            "to control of the House in November.",
        ),
        (
            "The New York Times",
            "Speaker John A. Boehner said on Monday that Republicans had a one-in-three chance "
            "of losing control of the House in November.",
        ),
    )
    assert [(q.text, q.unit) for q in fox.numbers] == [("two", "chance"), ("three", "")]
    # Not for being far apart: odds are not compared at any ratio.
    assert matched_numbers(fox, nyt, 10.0) == []


def test_ranks_are_not_counts() -> None:
    articles = [
        _article(
            "a",
            "Fox News",
            "Reps. Steny Hoyer, Maryland, kept the No. 2 job of House minority whip, and Jim "
            "Clyburn, South Carolina, remained in No. 3 position of assistant leader.",
        ),
        _article(
            "b",
            "The New York Times",
            "Democrats also re-elected Representative Steny H. Hoyer, 77, of Maryland as whip, "
            "the No. 2 position, as well as Representative James E. Clyburn, 76, of South "
            "Carolina in the No. 3 spot as the assistant Democratic leader.",
        ),
    ]
    analyses, _ = analyze_story(articles)
    (fox,), (nyt,) = story_units(articles, analyses)
    assert [(q.text, q.unit) for q in fox.numbers] == [("2", "job"), ("3", "position")]
    assert [(q.text, q.unit) for q in nyt.numbers] == [("2", "position"), ("3", "spot")]
    assert matched_numbers(fox, nyt, 1.5) == []


def test_a_dollar_sign_before_a_bare_number_makes_it_an_amount() -> None:
    assert parse_value("an additional $13.6 million") == (13.6e6, "USD")
    articles = [
        _article(
            "a",
            "The New York Times",
            "In 2008, Mr. Jackson used the money for things like a $466.30 dinner at CityZen "
            "and a $5,587.75 vacation at the Martha's Vineyard Holistic Retreat, the document "
            "said.",
        )
    ]
    (analysis,) = compare_articles(articles).analyses
    assert [(q.text, q.value, q.unit) for q in analysis.quantities] == [
        ("$466.30", 466.3, "USD"),
        ("$5,587.75", 5587.75, "USD"),
    ]


def test_a_number_restated_in_other_rounding_is_that_number() -> None:
    # Fox rounds the Clintons' state taxes and gifts; HuffPost gives them to the dollar.
    # "$13.6 million" is "$13,625,777", not a misreported "$14,959,450".
    fox, hpo = _units(
        (
            "Fox News",
            "They also donated $15 million to charity, and paid an additional $13.6 million in "
            "state taxes.",
        ),
        (
            "HuffPost",
            "The couple paid $43,885,310 in federal taxes and $13,625,777 in state and local "
            "taxes, and made $14,959,450 in charitable contributions during that time.",
        ),
    )
    assert matched_numbers(fox, hpo, 1.5) == []


def test_numbers_of_sentences_naming_different_years_are_not_compared() -> None:
    # A tax rate for 2014 and one for 2007 through 2014 are two rates, not a contradiction.
    fox, nyt = _units(
        (
            "Fox News",
            "The Clintons' effective federal tax rate for 2014 was 35.7 percent, while the "
            "effective tax rate for federal, state and local taxes was 45.8 percent.",
        ),
        (
            "The New York Times",
            "The new ones show that from 2007 through 2014 the couple paid $43,885,310 in "
            "federal taxes, for an effective tax rate of 31.55 percent.",
        ),
    )
    assert matched_numbers(fox, nyt, 1.5) == []
    # Without the years, the two rates are one number told two ways.
    fox_plain, nyt_plain = _units(
        ("Fox News", "The Clintons' effective federal tax rate was 35.7 percent."),
        ("The New York Times", "The couple paid an effective federal tax rate of 31.55 percent."),
    )
    assert [(a.text, b.text) for a, b in matched_numbers(fox_plain, nyt_plain, 1.5)] == [
        ("35.7 percent", "31.55 percent")
    ]


def test_a_number_the_other_sentence_gives_without_its_unit_is_not_disputed() -> None:
    # Dev triplet 6e502405: the Times gives the 2014 rate as "35.72" (no "percent") beside
    # the combined 45.8 percent; HuffPost's 35.7 percent is that rate, not a rival of 45.8.
    nyt, hpo = _units(
        (
            "The New York Times",
            "Clinton’s tax return showed that her 2014 federal tax rate was 35.72, and, with "
            "city and state income taxes, was a combined rate of 45.8 percent.",
        ),
        (
            "HuffPost",
            "Last year, the Clintons paid an effective federal tax rate of 35.7 percent and "
            "donated over 10 percent of their income to charity.",
        ),
    )
    assert matched_numbers(nyt, hpo, 1.5) == []


def test_one_event_in_two_places_is_a_place_contradiction() -> None:
    # Fox News and The New York Times on Richard Blumenthal's 2008 speech (dev triplet
    # 85475456): each names a town the other never names, for what he misspoke at.
    shared = _shared(
        (
            "Fox News",
            "Blumenthal's campaign disputed a report in the New York Times as an \"outrageous "
            'distortion" of his service in the Marines - six months on Paris Island and six '
            "years in the reserves, according to his campaign. The A.G., according to the "
            "Times, said he had misspoken at a 2008 event in Norfolk in which he said he had "
            "served in Vietnam.",
        ),
        (
            "The New York Times",
            "\u201cWe have learned something important since the days that I served in "
            "Vietnam,\u201d Mr. Blumenthal said to the group gathered in Norwalk in March 2008. "
            "In an interview on Monday, the attorney general said that he had misspoken about "
            "his service during the Norwalk event and might have misspoken on other occasions.",
        ),
    )
    assert [(a.relation, a.conflicts, a.detail) for a in shared] == [
        ("contradicted", ["place"], "Norfolk (Fox News) vs Norwalk (The New York Times)")
    ]


def test_places_of_two_doers_or_of_a_city_and_its_state_are_not_compared() -> None:
    obama, boehner = _units(
        (
            "Fox News",
            "President Obama was heading to Detroit Monday afternoon to continue campaigning "
            "for tax hikes on top earners -- a day after a face-to-face meeting with House "
            "Speaker John Boehner that offered slight hope the two could be headed toward a "
            "deal.",
        ),
        ("HuffPost", "Boehner is heading back to Ohio for the weekend."),
    )
    texts = {obama.article: obama.text, boehner.article: boehner.text}
    assert (obama.places, boehner.places) == (["Detroit"], ["Ohio"])
    assert place_conflict(obama, boehner, texts) is None  # Obama heads, Boehner heads
    city, state = _units(
        (
            "Fox News",
            "Trump originally was planning to deliver a speech Monday in Manchester, N.H., "
            "focused on the Clintons.",
        ),
        (
            "HuffPost",
            'Trump\'s campaign said he would be delivering a "major speech" in New Hampshire '
            'on Monday that would address "this terrorist attack, immigration, and national '
            'security."',
        ),
    )
    # In the whole HuffPost article "he" is Trump: the same doer, a city and its state.
    state = dataclasses.replace(
        state, claims=[dataclasses.replace(c, subject="Trump") for c in state.claims]
    )
    texts = {city.article: city.text, state.article: state.text}
    assert (city.places, state.places) == (["Manchester"], ["New Hampshire"])
    assert place_conflict(city, state, texts) is None
    moved = dataclasses.replace(state, places=["Concord"])
    texts[state.article] = state.text.replace("New Hampshire", "Concord")
    assert place_conflict(city, moved, texts) == ("Manchester", "Concord")


def test_one_term_misdated_is_a_date_contradiction() -> None:
    # Dev triplet d3a1ce0a: Edward Brooke's Senate term, a year apart at both ends.
    shared = _shared(
        (
            "The New York Times",
            "Mr. Cowan, 43, who is known as Mo, is a former partner in the politically connected "
            "law firm of Mintz Levin and will become Massachusetts\u2019 first black senator "
            "since Edward Brooke, a Republican, held the seat from 1966 to 1978.",
        ),
        (
            "HuffPost",
            "Cowan will become the second black senator from Massachusetts, after Edward "
            "Brooke, who served from 1967 to 1979.",
        ),
    )
    assert [(a.relation, a.conflicts, a.detail) for a in shared] == [
        ("contradicted", ["date"], "1966 to 1978 (The New York Times) vs 1967 to 1979 (HuffPost)")
    ]


def test_the_brief_tells_a_contradiction_with_both_values() -> None:
    # Each side is told by its clause that gives its value (the shared row's clause is cut
    # before "held the seat from 1966 to 1978").
    articles = [
        _article(
            "a",
            "The New York Times",
            "Mr. Cowan, 43, who is known as Mo, is a former partner in the politically connected "
            "law firm of Mintz Levin and will become Massachusetts\u2019 first black senator "
            "since Edward Brooke, a Republican, held the seat from 1966 to 1978.",
        ),
        _article(
            "b",
            "HuffPost",
            "Cowan will become the second black senator from Massachusetts, after Edward "
            "Brooke, who served from 1967 to 1979.",
        ),
    ]
    (told,) = compare_articles(articles).brief
    assert told.kind == "contradicted"
    assert told.text.startswith("According to The New York Times, Mr. Cowan, 43,")
    assert told.text.endswith("held the seat from 1966 to 1978; HuffPost gives 1967 to 1979.")
    assert {span.article for span in told.spans} == {"a", "b"}


def _told(first: tuple[str, str, int], second: tuple[str, str, int]) -> tuple[str, str]:
    """The contradiction's detail and the brief's sentence for it, two one-sentence articles
    (outlet, text, day of publication)."""
    articles = [
        Article(id=k, text=t, outlet=o, published=datetime(2013, 2, day, tzinfo=UTC))
        for k, (o, t, day) in zip("ab", (first, second), strict=True)
    ]
    comparison = compare_articles(articles)
    (row,) = [a for a in comparison.alignments if a.relation == "contradicted"]
    (told,) = [b for b in comparison.brief if b.kind == "contradicted"]
    return row.detail, told.text


def test_the_brief_names_the_disputed_value_in_the_outlets_words() -> None:
    detail, told = _told(
        (
            "Fox News",
            "Trustees of the Social Security and Medicare Trust Fund last week warned the "
            "Social Security Trust Fund will be exhausted in 2036.",
            13,
        ),
        (
            "The New York Times",
            "The most recent projections from the Social Security Administration, issued last "
            "month, indicate that the program’s trust funds will be exhausted by 2036.",
            13,
        ),
    )
    assert detail == "4 February - 10 February 2013 (Fox News) vs January 2013 (The New York Times)"
    assert told == (
        "According to Fox News, Trustees of the Social Security and Medicare Trust Fund last "
        "week warned the Social Security Trust Fund will be exhausted in 2036; The New York "
        "Times gives last month."
    )
    # A dateline is no part of the fact ("WASHINGTON — ").
    detail, told = _told(
        (
            "HuffPost",
            "WASHINGTON — The Supreme Court appears ready to block a sex discrimination "
            "lawsuit against Wal-Mart on behalf of up to 1.6 million women.",
            12,
        ),
        (
            "Fox News",
            "The justices expressed concerns about the sex discrimination lawsuit against "
            "Wal-Mart that covers 1.5 million women.",
            12,
        ),
    )
    assert detail == "up to 1.6 million women (HuffPost) vs 1.5 million women (Fox News)"
    assert told == (
        "According to HuffPost, the Supreme Court appears ready to block a sex discrimination "
        "lawsuit against Wal-Mart on behalf of up to 1.6 million women; Fox News gives 1.5 "
        "million women."
    )


def test_two_outlets_saying_monday_for_two_days_are_told_by_both_dates() -> None:
    """ "Monday" in each outlet's words, a week apart (each published on a Monday): the brief
    gives both dates, and the clause keeps the full stop of "N.H."."""
    detail, told = _told(
        (
            "Fox News",
            "Donald Trump was planning to deliver a speech Monday in Manchester, N.H.",
            18,
        ),
        ("HuffPost", "Donald Trump was planning to deliver a speech Monday in Manchester.", 11),
    )
    assert detail == "18 February 2013 (Fox News) vs 11 February 2013 (HuffPost)"
    assert told == (
        "According to Fox News, Donald Trump was planning to deliver a speech Monday in "
        "Manchester, N.H.; HuffPost gives 11 February 2013, where Fox News gives 18 February "
        "2013."
    )


def test_last_week_against_last_month_is_a_date_contradiction() -> None:
    # Dev triplet 576116e5: when the Social Security trustees' projection came out.
    trustees, administration = _units(
        (
            "Fox News",
            "Trustees of the Social Security and Medicare Trust Fund last week warned the Social "
            "Security Trust Fund will be exhausted in 2036 and under current law, seniors would "
            "then face a 23 percent across-the-board cut in benefits.",
        ),
        (
            "The New York Times",
            "The most recent projections from the Social Security Administration, issued last "
            "month, indicate that at the current rate, the program\u2019s trust funds will be "
            "exhausted by 2036, and that $6.5 trillion in additional money will be needed over "
            "a 75-year period to pay all scheduled benefits.",
        ),
    )
    found = period_conflict(trustees, administration)
    assert found is not None
    assert [(t.text, describe_time(t)) for t in found] == [
        ("last week", "20 July - 26 July 2015"),
        ("last month", "June 2015"),
    ]
    # Two months are most often two events: the primaries and the election.
    primaries, election = _units(
        ("Fox News", "Both political parties will hold special-election primaries in mid May."),
        (
            "HuffPost",
            "Cowan will hold the seat in an interim capacity until an election in June.",
        ),
    )
    assert period_conflict(primaries, election) is None


def test_one_event_told_in_other_words_is_dated_as_one() -> None:
    """Dev triplet 2153fb: the Times has the House pass the motto resolution on Tuesday,
    HuffPost has it vote on Wednesday: one event, two days. A week dating what the
    administration "has made a drumbeat" is no event to set against "in September"."""
    passed, voted = _units(
        (
            "The New York Times",
            "He tweaked House Republicans for passing a resolution on Tuesday reaffirming the "
            "national motto.",
        ),
        (
            "HuffPost",
            "On Wednesday, the House voted 396-9 on a bill that reaffirmed the motto.",
        ),
    )
    found = date_conflict(passed, voted, DEFAULT.facts)
    assert found is not None
    assert [(t.text, describe_time(t)) for t in found] == [
        ("Tuesday", "28 July 2015"),
        ("Wednesday", "29 July 2015"),
    ]
    drumbeat, september = _units(
        (
            "Fox News",
            "The president also called out House Speaker John Boehner for what the "
            "administration has made a drumbeat over the last week -- a do-nothing Congress.",
        ),
        (
            "The New York Times",
            "Mr. Obama singled out the Republican leaders of the House and Senate, just as he "
            "did in September when he visited an aging bridge.",
        ),
    )
    assert period_conflict(drumbeat, september) is None
    assert date_conflict(drumbeat, september, DEFAULT.facts) is None


TRUSTEES = (
    "Trustees of the Social Security and Medicare Trust Fund last week warned the Social "
    "Security Trust Fund will be exhausted in 2036 and under current law, seniors would then "
    "face a 23 percent across-the-board cut in benefits."
)
PROJECTIONS = (
    "The most recent projections from the Social Security Administration, issued last month, "
    "indicate that at the current rate, the program\u2019s trust funds will be exhausted by "
    "2036, and that $6.5 trillion in additional money will be needed over a 75-year period to "
    "pay all scheduled benefits."
)
REPORT = (
    "Social Security will start paying out more in benefits than it absorbs in taxes this year "
    "which will lead the retirement program's trust fund to become exhausted in 2036, according "
    "to the latest annual trustees report."
)


def test_an_outlet_that_gives_no_value_does_not_contradict() -> None:
    # Dev triplet 576116e5: Fox News and the Times date the projection differently; HuffPost
    # reports the fact (exhausted in 2036) with no date of its own.
    outlets = {"fox": "Fox News", "nyt": "The New York Times", "hpo": "HuffPost"}
    texts = {"fox": TRUSTEES, "nyt": PROJECTIONS, "hpo": REPORT}
    articles = [_article(key, outlets[key], text) for key, text in texts.items()]
    analyses, _ = analyze_story(articles)
    (fox,), (nyt,), (hpo,) = story_units(articles, analyses)
    conflicts, details, disputed = values_conflict(
        [(fox, nyt), (fox, hpo), (nyt, hpo)], outlets, texts, DEFAULT.facts
    )
    assert (conflicts, details, disputed) == (
        ["date"],
        ["20 July - 26 July 2015 (Fox News) vs June 2015 (The New York Times)"],
        ["fox", "nyt"],
    )
    row = {"relation": "contradicted", "disputed": disputed}
    assert [relation_of(row, key) for key in texts] == ["contradicted", "contradicted", "agreed"]
    assert relation_of({"relation": "contradicted", "disputed": []}, "hpo") == "contradicted"


def test_a_day_outside_what_earlier_this_week_leaves_is_a_date_conflict() -> None:
    """Both written on Friday 31 July 2015: "published the story on Friday" cannot be
    "published a story earlier this week" (Monday to Thursday). "Last week" or "this week"
    against a day are not compared this way."""
    friday = ("Fox News", "The tabloid published the story on Friday, the senator said.")
    earlier = ("HuffPost", "The tabloid published a story earlier this week.")
    a, b = _units(friday, earlier)
    found = date_conflict(a, b, DEFAULT.facts)
    assert found is not None
    assert [describe_time(t) for t in found] == ["31 July 2015", "27 July - 30 July 2015"]
    for loose in ("last week", "this week"):
        a, b = _units(friday, ("HuffPost", f"The tabloid published a story {loose}."))
        assert date_conflict(a, b, DEFAULT.facts) is None, loose


def test_a_time_on_a_verb_that_makes_no_clause_is_compared_by_that_verb() -> None:
    """BASIL dev triplet 59f2f4 (both written on Friday 25 March 2016): Fox's "the story
    published Friday" is a participle, no clause of its own; HuffPost's tabloid "published a
    story earlier this week". Both date the publishing, and cannot both be right. Dates of
    statements are not compared this way ("announced Friday" / "announced earlier this
    week")."""
    fox = (
        "Fox News",
        "The Texas lawmaker blamed his rival for the National Enquirer story published Friday "
        "that alleged Cruz has had extramarital affairs.",
    )
    hpo = (
        "HuffPost",
        "The tabloid published a story earlier this week claiming that Cruz had "
        "extramarital affairs with five women.",
    )
    articles = [
        dataclasses.replace(_article("a", *fox), published=datetime(2016, 3, 25, tzinfo=UTC)),
        dataclasses.replace(_article("b", *hpo), published=datetime(2016, 3, 25, tzinfo=UTC)),
    ]
    analyses, _ = analyze_story(articles)
    (a,), (b,) = story_units(articles, analyses)
    found = date_conflict(a, b, DEFAULT.facts)
    assert found is not None
    assert [(t.text, t.verb) for t in found] == [
        ("Friday", "publish"),
        ("earlier this week", "publish"),
    ]
    said = [
        dataclasses.replace(_article(k, outlet, text), published=datetime(2016, 3, 25, tzinfo=UTC))
        for k, outlet, text in (
            ("a", "Fox News", "The senator announced the plan Friday."),
            ("b", "HuffPost", "The senator announced the plan earlier this week."),
        )
    ]
    analyses, _ = analyze_story(said)
    (a,), (b,) = story_units(said, analyses)
    assert [t.verb for t in a.times + b.times] == ["announce", "announce"]
    assert date_conflict(a, b, DEFAULT.facts) is None
    # Speech that is an event of its own is dated like any event.
    a, b = _units(
        ("Fox News", "Jackson pleaded guilty on Wednesday to conspiracy."),
        ("HuffPost", "Jackson pleaded guilty on Monday to conspiracy."),
    )
    assert date_conflict(a, b, DEFAULT.facts) is not None


def test_a_figure_over_a_span_of_years_is_not_compared_with_one_years() -> None:
    """Dev triplet 6e5024: the Times' rate "from 2007 through 2014" (31.55 percent) and
    HuffPost's "Last year" (35.7 percent) are the figures of two periods. Two sentences that
    both give the span are compared ("$139 million ... from 2007 to 2014" / "roughly $141
    million ... from 2007 to 2014" stays a contradiction)."""
    nyt = (
        "The New York Times",
        "The new ones show that from 2007 through 2014 the couple paid $43,885,310 in federal "
        "taxes, for an effective tax rate of 31.55 percent.",
    )
    huffpost = (
        "HuffPost",
        "Last year, the Clintons paid an effective federal tax rate of 35.7 percent and donated "
        "over 10 percent of their income to charity.",
    )
    assert matched_numbers(*_units(nyt, huffpost), 1.5) == []
    a, b = _units(
        (
            "The New York Times",
            "She and former President Bill Clinton earned $139 million in adjusted gross "
            "income from 2007 to 2014.",
        ),
        (
            "HuffPost",
            "Hillary and Bill Clinton earned roughly $141 million and paid nearly $44 million "
            "in federal income taxes from 2007 to 2014.",
        ),
    )
    assert [(x.text, y.text) for x, y in matched_numbers(a, b, 1.5)] == [
        ("$139 million", "roughly $141 million")
    ]


def test_a_month_outside_the_year_the_other_gives_is_a_date_conflict() -> None:
    """Dev triplet d3a1ce: Fox has Cowan quit "earlier this month", the Times has him leave
    "last year": one departure, a month outside the other's year. A day outside the month
    the other gives ("in mid May" / "on April 30", both ahead) is one too. Triplet af4a3f:
    "a potential 2016 run" dates the run, not the leaving, so "left ... earlier this year"
    and "quit ... in January" agree."""
    quit_, left = _units(
        (
            "Fox News",
            "Cowan joined the Patrick administration in 2009 and reportedly quit earlier this "
            "month to join private practice.",
        ),
        (
            "The New York Times",
            "Cowan left the Patrick administration last year to return to the private sector.",
        ),
    )
    found = date_conflict(quit_, left, DEFAULT.facts)
    assert found is not None
    assert [(t.text, describe_time(t)) for t in found] == [
        ("earlier this month", "July 2015"),
        ("last year", "2014"),
    ]
    may, april = _units(
        ("Fox News", "Both political parties will hold special-election primaries in mid May."),
        ("The New York Times", "The primary will be held on April 30."),
    )
    found = date_conflict(may, april, DEFAULT.facts)
    assert found is not None
    assert [describe_time(t) for t in found] == ["May 2016", "30 April 2016"]
    host, show = _units(
        (
            "The New York Times",
            "Huckabee, who left his job as a Fox News host earlier this year in preparation for "
            "a potential 2016 run, was Arkansas governor from 1996 to 2007.",
        ),
        (
            "Fox News",
            'Huckabee, 59, quit his job hosting his own Fox News show, "Huckabee," in January.',
        ),
    )
    assert [(t.text, t.verb) for t in host.times] == [
        ("earlier this year", "leave"),
        ("2016", ""),
    ]
    assert date_conflict(host, show, DEFAULT.facts) is None
