"""Time expressions resolved against the publication date (seeds and short texts)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsprism.analyze.dates import find_times, resolve
from newsprism.model import Article

SEEDS = Path(__file__).resolve().parent.parent.parent / "shared" / "seeds"


def _seed(prefix: str, published: datetime) -> Article:
    paths = sorted(SEEDS.glob(f"{prefix}_*.txt")) if SEEDS.is_dir() else []
    if not paths:
        pytest.skip(f"seed {prefix} not found under {SEEDS}")
    return Article(id=prefix, text=paths[0].read_text(encoding="utf-8"), published=published)


def _times(nlp, article: Article) -> dict[str, tuple[str | None, str | None, str]]:  # type: ignore[no-untyped-def]
    return {
        t.text: (t.value, t.end_value, t.granularity)
        for t in find_times(nlp(article.text), article)
    }


def test_seed_000_times(nlp) -> None:  # type: ignore[no-untyped-def]
    times = _times(nlp, _seed("000", datetime(2024, 10, 21, tzinfo=UTC)))
    assert times["October 21"] == ("2024-10-21", None, "day")
    assert times["October 22-24"] == ("2024-10-22", "2024-10-24", "range")
    assert times["October 24"] == ("2024-10-24", None, "day")
    assert times["April 2022"] == ("2022-04", None, "month")
    assert times["last month"] == ("2024-09", None, "month")
    assert times["just two months"] == (None, None, "month")  # "two months after": no anchor


def test_seed_004_thursday_evening(nlp) -> None:  # type: ignore[no-untyped-def]
    times = _times(nlp, _seed("004", datetime(2024, 10, 25, tzinfo=UTC)))
    assert times["Thursday evening"] == ("2024-10-24", None, "part_of_day")
    assert times["Thursday"] == ("2024-10-24", None, "day")
    assert "over two years" not in times  # a duration, not a date
    assert "three-day" not in times


def test_tense_turns_weekdays_and_unanchored_text(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "The ministers will meet on Monday. They met on Friday. The deal was signed in March 2021."
    )
    article = Article(id="t", text=text, published=datetime(2024, 10, 23, tzinfo=UTC))  # Wednesday
    times = _times(nlp, article)
    assert times["Monday"][0] == "2024-10-28"
    assert times["Friday"][0] == "2024-10-18"
    assert times["March 2021"] == ("2021-03", None, "month")
    unanchored = Article(id="u", text=text, published=None)
    found = find_times(nlp(text), unanchored)
    assert {t.text: t.value for t in found} == {
        "Monday": None,
        "Friday": None,
        "March 2021": "2021-03",
    }
    assert not any(t.anchored for t in found)


def test_a_weekday_ahead_on_that_weekday_is_that_day(nlp) -> None:  # type: ignore[no-untyped-def]
    """Dev triplet 76810849: Fox News, published on Monday 13 June 2016, "was planning to
    deliver a speech Monday"; HuffPost, a day earlier, "would be delivering a speech ... on
    Monday". Both mean 13 June."""
    text = "Trump originally was planning to deliver a speech Monday in Manchester, N.H."
    article = Article(id="t", text=text, published=datetime(2016, 6, 13, tzinfo=UTC))
    assert _times(nlp, article)["Monday"][0] == "2016-06-13"


def test_resolve_relative_expressions() -> None:
    base = datetime(2024, 10, 25).date()
    assert resolve("yesterday", base).value == "2024-10-24"  # type: ignore[union-attr]
    assert resolve("two weeks ago", base).value == "2024-10-07"  # type: ignore[union-attr]
    assert resolve("next year", base).value == "2025"  # type: ignore[union-attr]
    assert resolve("this time", base) is None
    assert resolve("in over two years", base) is None


def test_earlier_this_week_ends_the_day_before_writing(nlp) -> None:  # type: ignore[no-untyped-def]
    """Dev triplet 59f2f4: HuffPost, published on Friday 25 March 2016, "The tabloid published
    a story earlier this week": Monday 21 to Thursday 24 March, not Friday (Fox News has the
    story "published Friday")."""
    text = "The tabloid published a story earlier this week claiming that Cruz had affairs."
    article = Article(id="t", text=text, published=datetime(2016, 3, 25, tzinfo=UTC))
    found = find_times(nlp(text), article)
    assert [(t.text, t.value, t.end_value, t.granularity) for t in found] == [
        ("earlier this week", "2016-03-21", "2016-03-24", "week")
    ]
    assert resolve("this week", datetime(2016, 3, 25).date()).end_value is None  # type: ignore[union-attr]
    # "Congress will vote early this week" looks ahead: the whole week.
    assert resolve("early this week", datetime(2016, 3, 22).date()).end_value is None  # type: ignore[union-attr]
    # Written on a Monday, "earlier this week" leaves no day: the whole week, as before.
    assert resolve("earlier this week", datetime(2016, 3, 21).date()).end_value is None  # type: ignore[union-attr]
