"""ingest on the two examples, cleaning rules on short texts, ids and publication times."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsprism.ingest import ArticleMeta, article_id, load
from newsprism.ingest.clean import clean_text, split_glued
from newsprism.ingest.pubtime import infer_from_text, parse_time

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SEED_000 = EXAMPLES / "000_4b4d03abeb79a191.txt"
SEED_004 = EXAMPLES / "004_7fee5147663b4cd9.txt"


def test_examples_load_with_sidecar_metadata() -> None:
    result = load([str(EXAMPLES)])
    assert result.problems == []
    rferl, rt = result.articles
    assert (rferl.outlet, rferl.outlet_id) == ("Radio Free Europe/Radio Liberty", "rfe-rl")
    assert (rt.outlet, rt.outlet_id) == ("RT", "rt")
    assert rferl.published == datetime(2024, 10, 21, tzinfo=UTC)
    assert rt.published == datetime(2024, 10, 25, tzinfo=UTC)
    assert rferl.published_source == rt.published_source == "sidecar"
    assert rferl.source.endswith("000_4b4d03abeb79a191.txt")
    assert rferl.language == rt.language == "en"
    assert rferl.url == rt.url == ""
    assert rferl.title == "Putin to meet UN Secretary-General Guterres at BRICS summit in Kazan"


def test_seed_000_cross_link_glued_to_the_next_sentence() -> None:
    article = load([str(SEED_000)]).articles[0]
    assert "SEE ALSO" not in article.text
    assert "Most Important One Yet" not in article.text
    third = article.text.split("\n")[2]
    assert third.startswith(
        "Despite the Putin-Guterres meeting, scheduled to take place on October 24"
    )
    assert article.notes[-1] == (
        'removed cross-link "SEE ALSO: Why The BRICS Summit In Russia Could Be The Most '
        'Important One Yet" (glued to the next sentence)'
    )
    # Nine paragraphs, kept as nine lines.
    assert article.text.count("\n") == 8
    assert article.id == article_id(article.text)


def test_seed_004_credit_line_removed_and_used_as_outlet(tmp_path: Path) -> None:
    with_sidecar = load([str(SEED_004)]).articles[0]
    assert not with_sidecar.text.rstrip().endswith("Credit: RT News")
    assert with_sidecar.text.endswith("represents nearly half of the global population.")
    bare = tmp_path / "rt.txt"
    shutil.copy(SEED_004, bare)
    alone = load([str(bare)]).articles[0]
    assert (alone.outlet, alone.outlet_id) == ("RT", "rt")
    assert 'outlet from the credit line "RT News"' in alone.notes
    assert alone.published is None and alone.published_source == "unknown"
    assert alone.text == with_sidecar.text and alone.id == with_sidecar.id


def test_overrides_win_over_the_sidecar() -> None:
    meta = ArticleMeta(outlet="rferl.org", published="2024-10-20T08:00:00+03:00", title="T")
    article = load([str(SEED_000)], overrides=meta).articles[0]
    assert article.outlet_id == "rfe-rl"
    assert article.published == datetime(2024, 10, 20, 8, tzinfo=timezone(timedelta(hours=3)))
    assert article.published_source == "flag"
    assert article.title == "T"


def test_article_id_normalizes_case_and_whitespace() -> None:
    assert article_id("Putin met  Guterres.\nThen left.") == article_id(
        "putin met guterres. then left."
    )
    assert article_id("a") == "86f7e437faa5a7fc"  # sha1("a")[:16]
    assert len(article_id("anything")) == 16


def test_cleaning_removes_boilerplate_and_records_it() -> None:
    raw = (
        "By Jane Smith and John Doe\n"
        "Published: October 21, 2024 11:40 AM GMT\n"
        "\n"
        "The minister said on Monday that the talks, which have been going on for months,\n"
        "would continue next week in Geneva, according to two officials.\n"
        "Advertisement\n"
        "Share this article\n"
        "Follow RT on Telegram\n"
        "Photo: Reuters\n"
        "He   added\u00a0more. READ MORE: Some Title HereThe talks ended late last night.\n"
        "Related: Other Story Title\n"
        "(Reporting by Jane Smith; Editing by Bob Lee)\n"
        "© 2024 Thomson Reuters. All rights reserved."
    )
    cleaned = clean_text(raw)
    assert cleaned.text == (
        "The minister said on Monday that the talks, which have been going on for months, "
        "would continue next week in Geneva, according to two officials.\n"
        "He added more. The talks ended late last night."
    )
    assert cleaned.credit == "Thomson Reuters"
    assert cleaned.notes == [
        'removed byline "By Jane Smith and John Doe"',
        'removed date line "Published: October 21, 2024 11:40 AM GMT"',
        'removed teaser "Advertisement"',
        'removed share prompt "Share this article"',
        'removed share prompt "Follow RT on Telegram"',
        'removed photo credit "Photo: Reuters"',
        'removed cross-link "READ MORE: Some Title Here" (glued to the next sentence)',
        'removed cross-link "Related: Other Story Title"',
        'removed byline "(Reporting by Jane Smith; Editing by Bob Lee)"',
        'removed credit line "© 2024 Thomson Reuters. All rights reserved."',
    ]


def test_cleaning_keeps_prose_that_looks_like_boilerplate() -> None:
    text = (
        "By Tuesday, the talks had failed.\n"
        "Sources said the talks failed.\n"
        "He tweeted that McDonald's would stay."
    )
    assert clean_text(text).text == text
    assert clean_text(text).notes == []


def test_a_source_line_that_states_something_is_text_not_a_credit() -> None:
    """A one-line text is a headline to analyse; "Source:" followed by a statement is
    content; "Source: Reuters" at the end is a credit."""
    assert clean_text("Source: doctor took a selfie").text == "Source: doctor took a selfie"
    body = "The hospital confirmed the incident on Monday.\n\nAn inquiry is under way."
    stated = clean_text(f"{body}\n\nSource: doctor took a selfie with the patient")
    assert stated.text.endswith("Source: doctor took a selfie with the patient")
    credited = clean_text(f"{body}\n\nSource: Reuters")
    assert (credited.notes, credited.credit) == (
        ['removed credit line "Source: Reuters"'],
        "Reuters",
    )


def test_split_glued_skips_camel_case_names() -> None:
    assert split_glued("Why McDonald's Left Russia YetDespite the ban, it was back.") == (
        "Why McDonald's Left Russia Yet",
        "Despite the ban, it was back.",
    )
    assert split_glued("A New iPhone Is Coming") is None


def test_publication_time_from_text() -> None:
    found = infer_from_text("Published: October 21, 2024 11:40 AM GMT\nPutin met Guterres.")
    assert found is not None and found.value == datetime(2024, 10, 21, 11, 40, tzinfo=UTC)
    dateline = infer_from_text("MOSCOW, Oct. 21, 2024 (Reuters) - Putin met Guterres.")
    assert dateline is not None and dateline.value == datetime(2024, 10, 21, tzinfo=UTC)
    assert infer_from_text("Putin will meet Guterres on October 24.") is None


def test_parse_time_keeps_zones_and_refuses_partial_dates() -> None:
    assert parse_time("2024-10-21T10:00:00+03:00") == datetime(
        2024, 10, 21, 10, tzinfo=timezone(timedelta(hours=3))
    )
    assert parse_time("2024-10-21") == datetime(2024, 10, 21, tzinfo=UTC)
    assert parse_time("Mon, 21 Oct 2024 14:35:00 GMT") == datetime(2024, 10, 21, 14, 35, tzinfo=UTC)
    assert parse_time("21 October 2024") == datetime(2024, 10, 21, tzinfo=UTC)
    assert parse_time("yesterday") is None
    assert parse_time("October 2024") is None


def test_text_file_with_published_line(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(
        "Published 21 October 2024\nThe Kremlin said Putin would meet Guterres in Kazan.\n",
        encoding="utf-8",
    )
    article = load([str(path)]).articles[0]
    assert article.text == "The Kremlin said Putin would meet Guterres in Kazan."
    assert article.published == datetime(2024, 10, 21, tzinfo=UTC)
    assert article.published_source == "text"
    assert article.outlet == "" and article.outlet_id == ""


@settings(max_examples=80, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=400))
def test_cleaning_never_raises_and_keeps_a_tidy_shape(raw: str) -> None:
    cleaned = clean_text(raw)
    for line in cleaned.text.split("\n") if cleaned.text else []:
        assert line and line == line.strip() and "  " not in line
    assert clean_text(cleaned.text).text == cleaned.text or cleaned.notes


@settings(max_examples=40, deadline=None)
@given(st.binary(max_size=300))
def test_load_never_raises_on_arbitrary_bytes(
    tmp_path_factory: pytest.TempPathFactory, data: bytes
) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "x.txt"
    path.write_bytes(data)
    result = load([str(path)])
    assert len(result.articles) + len([p for p in result.problems if p.input == str(path)]) >= 1


def test_a_run_reports_each_outcome_to_its_front_ends_progress(tmp_path: Path) -> None:
    """The engine draws nothing: it hands each stored article's outcome to ``on_progress``
    (the command line draws its progress line from it)."""
    from newsprism.engines.local import ingest_sources
    from newsprism.store.sqlite import Store

    examples = Path(__file__).resolve().parent.parent / "examples"
    seen: list[str] = []
    with Store(tmp_path / "news.db") as store:
        first = ingest_sources([str(examples)], store, on_progress=seen.append)
        again = ingest_sources([str(examples)], store, on_progress=seen.append)
    assert (first.new, again.duplicates) == (2, 2)
    assert seen == ["new", "new", "duplicate", "duplicate"]


def test_the_failures_listed_a_file_are_a_setting(tmp_path: Path) -> None:
    """``[ingest] max_failures_listed`` bounds the failures listed for one file; the rest are
    counted ("... and N more failed lines"). The service reads it from the settings in force."""
    from dataclasses import replace

    from newsprism.services.ingest import IngestRequest, ingest
    from newsprism.settings import DEFAULT
    from newsprism.store.open import open_store

    dump = tmp_path / "dump.jsonl"
    dump.write_text("".join(f"not json {k}\n" for k in range(5)), encoding="utf-8")
    request = IngestRequest(sources=(str(dump),), stories=False)
    for most, listed in ((2, 2), (10, 5)):
        settings = replace(DEFAULT, ingest=replace(DEFAULT.ingest, max_failures_listed=most))
        with open_store(str(tmp_path / f"news{most}.db")) as store:
            summary = ingest(store, request, settings).summary
        assert (summary.failed, len(summary.problems)) == (5, listed)
        assert [u.count for u in summary.unlisted] == ([3] if listed == 2 else [])
