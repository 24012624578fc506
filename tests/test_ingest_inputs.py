"""ingest readers: HTML, JSON, JSONL, stdin, folders, and every kind of bad input."""

from __future__ import annotations

import io
import json
import os
import sys
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from newsprism.ingest import load
from newsprism.settings import IngestSettings

BODY = "President Vladimir Putin met United Nations Secretary-General Antonio Guterres in Kazan."
HTML = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Putin meets Guterres in Kazan | RT World News</title>
<meta property="og:site_name" content="RT">
<meta property="og:title" content="Putin meets Guterres in Kazan">
<meta property="article:published_time" content="2024-10-25T09:30:00+03:00">
<link rel="canonical" href="https://www.rt.com/russia/606000-putin-guterres/">
<script>alert(1)</script>
</head><body>
<nav>Home | News | Sport</nav>
<article><h1>Putin meets Guterres in Kazan</h1>
<p>President Vladimir Putin met with United Nations Secretary-General
Antonio Guterres on Thursday.</p>
<script>document.write("injected")</script>
<p>The two leaders discussed the crises in Ukraine and the Middle East.</p>
</article>
</body></html>
"""


def _write(path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_html_with_script_and_metadata(tmp_path: Path) -> None:
    result = load([_write(tmp_path / "page.html", HTML)])
    assert result.problems == []
    (article,) = result.articles
    assert article.text == (
        "President Vladimir Putin met with United Nations Secretary-General Antonio Guterres "
        "on Thursday.\nThe two leaders discussed the crises in Ukraine and the Middle East."
    )
    assert "alert" not in article.text and "injected" not in article.text
    assert article.title == "Putin meets Guterres in Kazan"
    assert (article.outlet, article.outlet_id) == ("RT", "rt")
    assert article.url == "https://www.rt.com/russia/606000-putin-guterres/"
    assert article.published == datetime(2024, 10, 25, 9, 30, tzinfo=timezone(timedelta(hours=3)))
    assert article.published_source == "html"
    assert "dropped 2 <script> elements; the page's text is kept" in article.notes


def test_json_object_and_list(tmp_path: Path) -> None:
    one = {
        "title": "Putin meets Guterres",
        "text": BODY,
        "outlet": "Russia Today",
        "published": "2024-10-25T10:00:00Z",
        "url": "https://www.rt.com/x",
        "language": "en",
    }
    many = [
        {
            "text": "Guterres urged a just peace in Ukraine.",
            "url": "https://www.rferl.org/a/1.html",
        },
        {"text": "Putin thanked the partners of BRICS.", "outlet": "The Daily Planet"},
    ]
    result = load(
        [
            _write(tmp_path / "one.json", json.dumps(one)),
            _write(tmp_path / "many.json", json.dumps(many)),
        ]
    )
    assert result.problems == []
    first, second, third = result.articles
    assert (first.outlet_id, first.title, first.published_source) == (
        "rt",
        "Putin meets Guterres",
        "metadata",
    )
    assert first.published == datetime(2024, 10, 25, 10, tzinfo=UTC)
    assert second.outlet_id == "rfe-rl" and second.source.endswith("many.json[0]")
    assert (third.outlet, third.outlet_id) == ("The Daily Planet", "")
    assert third.source.endswith("many.json[1]")


def test_jsonl_with_a_bad_line(tmp_path: Path) -> None:
    lines = [
        json.dumps({"text": "Putin met Guterres in Kazan on Thursday.", "outlet": "TASS"}),
        '{"text": "broken',
        "",
        json.dumps({"title": "no text here"}),
        json.dumps({"text": "Guterres called for a ceasefire in Gaza.", "outlet": "Al Jazeera"}),
    ]
    path = _write(tmp_path / "feed.jsonl", "\n".join(lines))
    result = load([path])
    assert [a.outlet_id for a in result.articles] == ["tass", "al-jazeera"]
    assert [a.source for a in result.articles] == [f"{path}:1", f"{path}:5"]
    assert [p.input for p in result.problems] == [f"{path}:2", f"{path}:4"]
    assert result.problems[0].message.startswith("not valid JSON")
    assert result.problems[1].message == 'the JSON object has no "text" string'


def test_stdin_text(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(BODY + "\nCredit: TASS\n"))
    (article,) = load(["-"]).articles
    assert article.text == BODY and article.source == "stdin"
    assert article.outlet_id == "tass"


def test_stdin_json(monkeypatch: pytest.MonkeyPatch) -> None:
    payload = json.dumps({"text": BODY, "outlet": "Xinhua"}).encode("utf-8")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(payload), encoding="utf-8"))
    (article,) = load(["-"]).articles
    assert article.outlet_id == "xinhua" and article.text == BODY


def test_folder_order_skips_hidden_and_sidecars(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / ".hidden").mkdir()
    _write(tmp_path / "b" / "2.txt", "Second article about the summit in Kazan.")
    _write(tmp_path / "a.txt", "First article about the summit in Kazan.")
    _write(
        tmp_path / "a.txt.meta.json", json.dumps({"outlet": "BBC News", "published": "2024-10-22"})
    )
    _write(tmp_path / ".hidden" / "x.txt", "Hidden article about the summit.")
    _write(tmp_path / "notes.md", "Not an input.")
    result = load([str(tmp_path)])
    assert result.problems == []
    assert [Path(a.source).name for a in result.articles] == ["a.txt", "2.txt"]
    assert result.articles[0].outlet_id == "bbc"
    assert result.articles[0].published == datetime(2024, 10, 22, tzinfo=UTC)


def test_every_bad_input_gives_one_problem_and_the_rest_load(tmp_path: Path) -> None:
    good = _write(tmp_path / "good.txt", BODY)
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    blank = _write(tmp_path / "blank.txt", "  \n\t\n ")
    digits = _write(tmp_path / "digits.txt", "12 34 -- 56\n")
    binary = tmp_path / "image.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    garbled = tmp_path / "garbled.txt"
    garbled.write_bytes(bytes([0xFF, 0xFE, 0xC0, 0xC1, 0xF5] * 100)[2:])
    bad_json = _write(tmp_path / "bad.json", '{"text": "unterminated')
    missing = str(tmp_path / "missing.txt")
    only_boilerplate = _write(tmp_path / "boiler.txt", "Share this\nAdvertisement\n")
    inputs = [
        empty.as_posix(),
        blank,
        digits,
        binary.as_posix(),
        garbled.as_posix(),
        bad_json,
        missing,
        only_boilerplate,
        good,
    ]
    result = load(inputs)
    assert [a.text for a in result.articles] == [BODY]
    assert [p.input for p in result.problems] == inputs[:-1]
    messages = [p.message for p in result.problems]
    assert messages[0] == messages[1] == "empty: the input holds no text"
    assert messages[2] == "empty: the input holds no letters"
    assert messages[3].startswith("binary data, not text")
    assert messages[4].startswith("not UTF-8 text, and its encoding could not be determined")
    assert messages[5].startswith("not valid JSON")
    assert messages[6] == "no such file or folder"
    assert messages[7] == "empty: no article text is left after removing boilerplate"


def test_large_file_refused_by_size_without_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = tmp_path / "big.txt"
    with big.open("wb") as handle:
        handle.write(b"Putin met Guterres. ")
        handle.truncate(50_000_000)  # sparse: no 50 MB written
    good = _write(tmp_path / "good.txt", BODY)
    opened: list[str] = []
    real_open = Path.open

    def spy(self: Path, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        opened.append(self.name)
        return real_open(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "open", spy)
    result = load([str(big), good])
    assert "big.txt" not in opened
    assert [a.text for a in result.articles] == [BODY]
    (problem,) = result.problems
    assert problem.input == str(big)
    assert problem.message == (
        "the file is 50.0 MB, over the 20.0 MB limit (ingest max_bytes); not read"
    )
    small_limit = load([good], settings=IngestSettings(max_bytes=10))
    assert (
        small_limit.articles == [] and "over the 10 bytes limit" in small_limit.problems[0].message
    )


def test_non_utf8_decoded_with_a_note(tmp_path: Path) -> None:
    text = "Die Regierung in München hat am Montag erklärt, dass die Gespräche fortgesetzt werden."
    path = tmp_path / "de.txt"
    path.write_bytes(text.encode("cp1252"))
    (article,) = load([str(path)]).articles
    assert article.text == text
    assert "decoded as cp1252 (not UTF-8; guessed by charset_normalizer)" in article.notes
    assert article.language == "de"


def test_html_declared_charset(tmp_path: Path) -> None:
    page = (
        '<html><head><meta charset="windows-1251"></head>'
        "<body><p>Путин встретился с Гутерришем в Казани.</p></body></html>"
    )
    path = tmp_path / "ru.html"
    path.write_bytes(page.encode("cp1251"))
    (article,) = load([str(path)]).articles
    assert article.text == "Путин встретился с Гутерришем в Казани."
    assert article.language == "ru"
    assert any("windows-1251" in note for note in article.notes)


def test_unreadable_sidecar_is_a_problem_but_the_article_loads(tmp_path: Path) -> None:
    path = _write(tmp_path / "a.txt", BODY)
    _write(tmp_path / "a.txt.meta.json", '{"outlet": "RT",')
    result = load([path])
    assert [a.text for a in result.articles] == [BODY]
    (problem,) = result.problems
    assert problem.input == path + ".meta.json"
    assert problem.message.startswith("the sidecar is not valid JSON")
    assert problem.message.endswith("the article is loaded without it")


def test_bad_published_value_is_reported(tmp_path: Path) -> None:
    path = _write(tmp_path / "a.txt", BODY)
    _write(tmp_path / "a.txt.meta.json", json.dumps({"published": "sometime soon", "outlet": "AP"}))
    result = load([path])
    (article,) = result.articles
    assert article.published is None and article.published_source == "unknown"
    assert article.outlet_id == "ap"
    (problem,) = result.problems
    assert problem.input == path + ".meta.json"
    assert 'cannot read the publication time "sometime soon"' in problem.message


def test_duplicate_text_is_skipped(tmp_path: Path) -> None:
    first = _write(tmp_path / "a.txt", BODY)
    second = _write(tmp_path / "b.txt", "  " + BODY.upper() + "\n")
    result = load([first, second])
    assert len(result.articles) == 1
    assert result.problems[0].input == second
    assert result.problems[0].message == f"the same text as {first}; skipped"


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs file permissions")
def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "secret.txt"
    path.write_text(BODY, encoding="utf-8")
    path.chmod(0)
    try:
        result = load([str(path)])
    finally:
        path.chmod(0o644)
    assert result.articles == []
    assert result.problems[0].message == "cannot read the file: permission denied"


def test_metadata_too_long_to_be_metadata_is_ignored_with_a_message(tmp_path: Path) -> None:
    """A 3,000,000-character title, an outlet name over 1,000 characters and a URL over
    2,000 are not stored (docs/LIMITS.md); the article is, with the other fields."""
    record = {
        "text": "Putin met Guterres in Kazan on Thursday, the Kremlin said.",
        "title": "T" * 3_000_000,
        "outlet": "TASS " + "x" * 1_000,
        "url": "https://example.org/" + "a" * 1_981,  # 2,001 characters
        "published": "2024-10-24",
    }
    fine = {**record, "title": "Putin meets Guterres", "outlet": "TASS"}
    fine["text"] = "Guterres called for a ceasefire in Gaza and in Ukraine."
    fine["url"] = "https://example.org/" + "a" * 1_980  # 2,000 characters: kept
    path = _write(tmp_path / "feed.jsonl", json.dumps(record) + "\n" + json.dumps(fine) + "\n")
    result = load([path])
    first, second = result.articles
    assert (first.title, first.outlet, first.url) == ("", "", "")
    assert first.published == datetime(2024, 10, 24, tzinfo=UTC)
    assert first.notes[:3] == [
        'ignored: "outlet" is over 1,000 characters',
        'ignored: "url" is over 2,000 characters',
        'ignored: "title" is over 1,000 characters',
    ]
    assert (second.title, second.outlet, len(second.url)) == ("Putin meets Guterres", "TASS", 2000)
    assert result.problems == []
