"""Occasion settings (compare/setting.py): the place and dates several outlets give the
occasion they report, read from real sentences."""

from __future__ import annotations

from datetime import UTC, date, datetime

from newsprism.compare.facts import story_units
from newsprism.compare.setting import SettingRow, occasion_settings, say_days, setting_label
from newsprism.model import Article
from newsprism.pipeline import analyze_story, compare_articles
from newsprism.settings import DEFAULT


def _article(key: str, outlet: str, text: str, day: int) -> Article:
    published = datetime(2010, 7, day, 12, tzinfo=UTC)
    return Article(id=key, text=text, outlet=outlet, published=published)


def _settings(*articles: Article) -> list[SettingRow]:
    listed = list(articles)
    analyses, concepts = analyze_story(listed, DEFAULT)
    units = story_units(listed, analyses)
    quoted = {(a, u.sentence) for a, us in enumerate(units) for u in us if u.quoted}
    return occasion_settings(listed, analyses, concepts, quoted)


# BASIL's NAACP triplet (Fox News and HuffPost, July 2010), shortened.
FOX = (
    "The NAACP approved a resolution on Tuesday condemning racism in the Tea Party movement. "
    "The nation's leading civil rights group took up the language at its annual convention "
    "in Kansas City, Mo."
)
HUFFPOST = (
    "Leaders of the country's largest civil rights organization accused tea party activists of "
    "tolerating bigotry. The resolution was adopted during the annual convention in Kansas "
    "City of the National Association for the Advancement of Colored People."
)


def test_two_outlets_setting_one_convention_in_one_city_share_it() -> None:
    rows = _settings(_article("fox", "Fox News", FOX, 14), _article("hp", "HuffPost", HUFFPOST, 14))
    assert [(setting_label(r), r.sentences) for r in rows] == [
        ("The annual convention in Kansas City", [(0, 1), (1, 1)])
    ]


def test_dates_inside_the_name_and_a_length_in_days_agree() -> None:
    """ "The July 12-14 summit" and "the three-day summit in Kazan" set one occasion: three
    days long; the row takes its dates from the outlet that gives them, and names a place only
    when two outlets give it."""
    first = _article(
        "a",
        "Outlet A",
        "Leaders will meet in Russia this week. The July 12-14 summit in Kazan is seen by Moscow "
        "as a chance to show that it is not isolated.",
        10,
    )
    second = _article(
        "b",
        "Outlet B",
        "The three-day summit was attended by delegations from 36 nations. Putin thanked them.",
        15,
    )
    rows = _settings(first, second)
    assert [(setting_label(r), r.sentences) for r in rows] == [
        ("The summit, 12-14 July 2010", [(0, 1), (1, 0)])
    ]


def test_dates_that_cannot_both_be_true_are_not_joined_here() -> None:
    first = _article(
        "a", "Outlet A", "The senator spoke at the hearing on July 12 about the oil spill.", 13
    )
    second = _article(
        "b", "Outlet B", "The senator spoke at the hearing on July 7 about the oil spill.", 13
    )
    assert _settings(first, second) == []


def test_several_occasions_and_quotations_set_none() -> None:
    """ "attacks in Benghazi" are several; words inside a quotation are the speaker's. Each
    is checked against a plain "the attack in Benghazi" that does set a row with its like."""
    plain = _article(
        "c", "Outlet C", "Officials described the attack in Benghazi to the committee.", 13
    )
    again = _article("d", "Outlet D", "The attack in Benghazi killed four Americans.", 13)
    assert [setting_label(r) for r in _settings(plain, again)] == ["The attack in Benghazi"]
    several = _article(
        "a", "Outlet A", "Officials described the attacks in Benghazi to the committee.", 13
    )
    quoted = _article(
        "b",
        "Outlet B",
        "\u201cWe will never forget the attack in Benghazi,\u201d the senator said at length "
        "today.",
        13,
    )
    assert _settings(several, again) == []
    assert _settings(quoted, plain) == []


def test_a_setting_is_a_shared_row_of_its_own_that_the_brief_does_not_repeat() -> None:
    comparison = compare_articles(
        [_article("fox", "Fox News", FOX, 14), _article("hp", "HuffPost", HUFFPOST, 14)]
    )
    rows = [a for a in comparison.alignments if a.kind == "setting"]
    assert [(a.label, a.relation, a.articles) for a in rows] == [
        ("The annual convention in Kansas City", "agreed", ["fox", "hp"])
    ]
    assert not set(rows[0].claims) & {c for s in comparison.brief for c in s.claims}


def test_days_in_words() -> None:
    assert say_days(date(2024, 10, 24), date(2024, 10, 24)) == "24 October 2024"
    assert say_days(date(2024, 10, 22), date(2024, 10, 24)) == "22-24 October 2024"
    assert say_days(date(2024, 10, 30), date(2024, 11, 1)) == "30 October - 1 November 2024"
    assert say_days(date(2024, 12, 30), date(2025, 1, 2)) == "30 December 2024 - 2 January 2025"


def test_a_sentence_of_event_words_only_and_loose_commas() -> None:
    """Neither sentence has a clause that names the summit, and "Before the hearing, on
    Monday," does not date the hearing: a row all the same, and no crash."""
    first = _article("a", "Outlet A", "Final preparations for the BRICS Summit in Kazan.", 10)
    second = _article(
        "b", "Outlet B", "Delegations arrived for the BRICS Summit in Kazan on Tuesday.", 13
    )
    rows = [a for a in compare_articles([first, second]).alignments if a.kind == "setting"]
    assert [(a.label, a.articles) for a in rows] == [("The BRICS Summit in Kazan", ["a", "b"])]
    hearing = _article("c", "Outlet C", "Before the hearing, on Monday, Trump spoke to aides.", 13)
    other = _article("d", "Outlet D", "At the hearing on Monday, Trump spoke to aides.", 13)
    assert _settings(hearing, other) == []


def test_a_length_among_other_numbers_and_a_name_that_ends_in_s() -> None:
    first = _article(
        "a", "Outlet A", "The three-day, 36-nation summit opened in Kazan on July 12.", 12
    )
    second = _article(
        "b", "Outlet B", "Leaders met at the July 12-14 summit, officials said on Friday.", 15
    )
    rows = _settings(first, second)
    assert [setting_label(r) for r in rows] == ["The 36-nation summit, 12-14 July 2010"]
