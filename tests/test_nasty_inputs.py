"""A corpus of nasty inputs, generated in tmp_path, each with the outcome it must have.

Every input either loads as a clean article with specific text, or gives exactly one problem
whose message names it and says why; nothing raises, nothing is read whole that is over a
limit, and a store holding good articles and a comparison is intact after all of them went
through ``newsprism ingest`` and ``newsprism compare``. The limits are in docs/LIMITS.md.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import io
import json
import sqlite3
import threading
import tracemalloc
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from ipaddress import ip_network
from pathlib import Path
from typing import cast

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newsprism.cli import main as cli_main
from newsprism.engines.local import ingest_sources
from newsprism.ingest import load
from newsprism.ingest.clean import clean_label
from newsprism.ingest.feeds import Feed, parse_feed
from newsprism.ingest.fetch import Fetcher
from newsprism.ingest.loader import cap_sentences
from newsprism.ingest.pubtime import parse_time
from newsprism.model import Article, Problem
from newsprism.report.stored import load_report
from newsprism.settings import DEFAULT, IngestSettings
from newsprism.store.errors import StoreError, StoreLocked
from newsprism.store.sqlite import Store

GOOD = (
    "The foreign minister said on Monday that the talks in Geneva had ended without an "
    "agreement, and that a new round would be held in the spring."
)
GOOD_2 = (
    "Talks in Geneva ended on Monday without a deal, the foreign ministry said, adding that "
    "the two delegations would meet again in the spring."
)
RTL = "The minister said שלום עולם and مرحبا بالعالم in Jerusalem on Monday."
SCRIPTS = {
    "arabic": "قال وزير الخارجية يوم الاثنين إن المحادثات في جنيف انتهت دون اتفاق.",
    "chinese": "外交部长星期一表示，日内瓦会谈未达成协议就结束了。新一轮会谈将于春季举行。",
    "russian": "Министр иностранных дел заявил в понедельник, что переговоры в Женеве "
    "завершились без соглашения.",
    "hindi": "विदेश मंत्री ने सोमवार को कहा कि जिनेवा में बातचीत बिना किसी समझौते के समाप्त हो गई।",
    "mixed": "The minister (министр) said 会谈 ended; الاتفاق was not reached in Genève.",
    "combining": "The mi\u0301\u0302\u0303nister said the talks e\u0300\u0300nded in Gene\u0300ve.",
}
EMOJI = "The minister \U0001f469\U0001f3fd\u200d\U0001f4bc said talks ended \U0001f1e8\U0001f1ed."
SETTINGS = IngestSettings()


def _write(path: Path, data: bytes | str) -> str:
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return str(path)


def _sparse(path: Path, size: int) -> str:
    with path.open("wb") as handle:
        handle.write(b"The minister said. ")
        handle.truncate(size)  # sparse: nothing near that size is written
    return str(path)


def _warc(records: list[tuple[str, bytes]]) -> bytes:
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    for url, body in records:
        headers = StatusAndHeaders(
            "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
        )
        writer.write_record(
            writer.create_warc_record(
                url, "response", payload=io.BytesIO(body), http_headers=headers
            )
        )
    return out.getvalue()


def _page(title: str, text: str) -> bytes:
    return f"<html><head><title>{title}</title></head><body><p>{text}</p></body></html>".encode()


def _gzip_of_zeros(size: int, header: bytes = b"") -> bytes:
    """A gzip member that expands to ``size`` bytes (``header`` then zeros), made in chunks."""
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=9) as handle:
        handle.write(header)
        chunk = bytes(1 << 20)
        for _ in range(size // len(chunk)):
            handle.write(chunk)
    return out.getvalue()


# name -> (content, expected): an article's exact clean text (str), or the problem message.
def _corpus(tmp: Path) -> dict[str, tuple[str, str | Problem]]:
    long_sentence = "The minister said " + " ".join(f"word{i % 97}" for i in range(30_000))
    cases: dict[str, tuple[str, str | Problem]] = {}

    def problem(name: str, data: bytes | str, message: str) -> None:
        path = _write(tmp / name, data)
        cases[name] = (path, Problem(path, message))

    def article(name: str, data: bytes | str, text: str) -> None:
        cases[name] = (_write(tmp / name, data), text)

    problem("empty.txt", b"", "empty: the input holds no text")
    problem("whitespace.txt", b" \n\t\r\n \n", "empty: the input holds no text")
    problem("wide_space.txt", "\u3000\u2003\n".encode(), "empty: the input holds no letters")
    problem(
        "binary.txt",
        bytes(range(256)) * 40,
        "binary data, not text (only .txt, .html, .json and .jsonl are read)",
    )
    problem(
        "bomb.txt.gz",
        _gzip_of_zeros(50 << 20),
        "binary data, not text (only .txt, .html, .json and .jsonl are read)",
    )
    problem("digits.txt", "1234 5678 — 90 !!", "empty: the input holds no letters")
    problem(
        "undecodable.txt",
        bytes([0x81, 0x8D, 0x8F, 0x90, 0x9D, 0xFE, 0xFF, 0xC0]) * 30,
        "not UTF-8 text, and its encoding could not be determined; save it as UTF-8",
    )
    problem(
        "deep.json",
        '{"text": "Deep JSON text here.", "title": ' + "[" * 100_000 + "]" * 100_000 + "}",
        "not readable JSON (nested too deeply)",
    )
    problem(
        "bignumber.json",
        '{"text": "A number.", "x": ' + "9" * 5000 + "}",
        "not readable JSON (Exceeds the limit (4300 digits) for integer string conversion: "
        "value has 5000 digits; use sys.set_int_max_str_digits() to increase the limit)",
    )
    problem(
        "nested.html",
        "<html><body>" + "<div>" * 10_000 + "</div>" * 10_000 + "</body></html>",
        "empty: no article text is left after removing boilerplate",
    )
    article(
        "nested_text.html",
        "<html><body>" + "<div>" * 10_000 + f"<p>{GOOD}</p>" + "</div>" * 10_000 + "</body></html>",
        GOOD,
    )
    article("latin1.txt", "Le ministre a déclaré lundi à Genève.".encode("cp1252"),
            "Le ministre a déclaré lundi à Genève.")  # fmt: skip
    article(
        "mixed.txt",
        "The café in Genève. ".encode() + "Le ministre a déclaré lundi.".encode("cp1252"),
        "The café in Genève. Le ministre a déclaré lundi.",
    )
    article("utf16.txt", RTL.encode("utf-16"), RTL)
    article("rtl.txt", RTL.replace("שלום", "\u202eשלום\u202c\u2067"), RTL)
    article(
        "surrogate.json", json.dumps({"text": "Bad \ud800 half " + GOOD}), "Bad \ufffd half " + GOOD
    )
    article("long_sentence.txt", long_sentence, cap_sentences(long_sentence, 5_000)[0])
    article("long_word.txt", f"{GOOD} The token " + "a" * 100_000 + " ends here.",
            f"{GOOD} The token " + "a" * 4_990)  # fmt: skip
    article("far_dates.txt", "In the year 3000, year 1, on 9999-12-31 and 0000-00-00 it rained.",
            "In the year 3000, year 1, on 9999-12-31 and 0000-00-00 it rained.")  # fmt: skip
    # Scripts: each text is kept exactly (combining marks composed, NFC), whatever the script.
    for name, text in SCRIPTS.items():
        article(f"script_{name}.txt", text, unicodedata.normalize("NFC", text))
    # Zero-width joiners are dropped (see docs/LIMITS.md), which splits joined emoji.
    article("emoji.txt", EMOJI, EMOJI.replace("\u200d", ""))
    # A control character in a page whose text is read without trafilatura (lxml refused it
    # when the block's line breaks were added: a crash found by tests/fuzz_atheris.py).
    article("control.html", "<p>The foreign\x1eminister said on Monday.</p>",
            "The foreignminister said on Monday.")  # fmt: skip
    return cases


def test_each_nasty_input_has_its_expected_outcome(tmp_path: Path) -> None:
    cases = _corpus(tmp_path)
    for name, (path, expected) in cases.items():
        result = load([path])
        if isinstance(expected, Problem):
            assert result.articles == [], name
            assert result.problems == [expected], name
        else:
            assert result.problems == [], (name, result.problems)
            (article,) = result.articles
            assert article.text == expected, name


def test_notes_say_what_was_done(tmp_path: Path) -> None:
    cases = _corpus(tmp_path)

    def notes(name: str) -> list[str]:
        return load([cases[name][0]]).articles[0].notes

    assert "mixed encodings: 2 byte(s) that are not UTF-8 decoded as cp1252" in notes("mixed.txt")
    assert "replaced 1 invalid character(s) (lone UTF-16 surrogates) with U+FFFD" in notes(
        "surrogate.json"
    )
    cut = "cut 1 sentence(s) longer than 5,000 characters (ingest max_sentence_chars)"
    assert any(n.startswith(cut) for n in notes("long_sentence.txt"))
    assert any(n.startswith(cut) for n in notes("long_word.txt"))


def test_100_mb_file_refused_by_size_without_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = _sparse(tmp_path / "huge.txt", 100_000_000)
    opened: list[str] = []
    real_open = Path.open

    def spy(self: Path, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        opened.append(self.name)
        return real_open(self, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(Path, "open", spy)
    result = load([big])
    assert opened == []
    assert result.problems == [
        Problem(big, "the file is 100.0 MB, over the 20.0 MB limit (ingest max_bytes); not read")
    ]


def test_text_over_max_text_chars_is_cut_with_a_note(tmp_path: Path) -> None:
    body = "\n".join(f"Paragraph {i} says the minister spoke on Monday." for i in range(40_000))
    path = _write(tmp_path / "long.txt", body)
    (article,) = load([path]).articles
    assert len(article.text) <= SETTINGS.max_text_chars
    assert article.text.endswith("spoke on Monday.") and body.startswith(article.text)
    assert (
        f"the text is {len(body):,} characters, over the 200,000 limit (ingest max_text_chars); "
        f"only the first {len(article.text):,} are kept and analysed"
    ) in article.notes


def test_far_past_and_future_publication_times(tmp_path: Path) -> None:
    rows = [
        {"text": "First text about the talks.", "published": "9999-12-31"},
        {"text": "Second text about the talks.", "published": "0000-00-00"},
        {"text": "Third text about the talks.", "published": "0001-01-01T00:00:00+14:00"},
        {"text": "Fourth text about the talks.", "published": "2024-10-21T09:30:00+03:00"},
    ]
    path = _write(tmp_path / "times.json", json.dumps(rows))
    result = load([path])
    assert [a.published for a in result.articles] == [
        None,
        None,
        None,
        datetime(2024, 10, 21, 6, 30, tzinfo=UTC),
    ]
    assert [(p.input, p.message) for p in result.problems] == [
        (f"{path}[0]", 'the publication time "9999-12-31" is outside the years 1800-2200 '
         "(ingest published_min_year / published_max_year); ignored"),
        (f"{path}[1]", 'cannot read the publication time "0000-00-00" (give a full date, e.g. '
         "2024-10-21T09:30:00+03:00); ignored"),
        (f"{path}[2]", 'the publication time "0001-01-01T00:00:00+14:00" is outside the years '
         "1800-2200 (ingest published_min_year / published_max_year); ignored"),
    ]  # fmt: skip


def test_duplicate_ids_load_once(tmp_path: Path) -> None:
    rows = [{"text": GOOD, "url": "https://x.test/1"}, {"text": GOOD, "url": "https://x.test/2"}]
    path = _write(tmp_path / "dups.json", json.dumps(rows))
    result = load([path])
    assert [a.url for a in result.articles] == ["https://x.test/1"]
    assert result.problems == [Problem(f"{path}[1]", f"the same text as {path}[0]; skipped")]


def test_feed_with_thousands_of_entries_parses_from_bytes() -> None:
    items = "".join(
        f"<item><title>Story {i}</title><link>https://x.test/{i % 2500}</link>"
        f"<guid>{i % 10}</guid><pubDate>Mon, 21 Oct 2024 09:30:00 GMT</pubDate></item>"
        for i in range(5000)
    )
    channel = f"<channel><title>Big</title>{items}</channel>"
    body = f'<?xml version="1.0"?><rss version="2.0">{channel}</rss>'
    feed = parse_feed(body.encode(), "https://x.test/rss")
    assert isinstance(feed, Feed)
    assert len(feed.entries) == 5000 and feed.entries[4999].url == "https://x.test/2499"


# --- WARC and gzip bombs -----------------------------------------------------------------------


def test_warc_gzip_bomb_is_capped_in_bounded_memory(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.warc.gz"
    bomb.write_bytes(_gzip_of_zeros(200 << 20, b"WARC/1.0\r\n"))  # 200 MB of zeros, ~200 KB
    assert bomb.stat().st_size < 1_000_000
    tracemalloc.start()
    try:
        with Store(tmp_path / "s.db") as store:
            summary = ingest_sources([str(bomb)], store)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 80_000_000
    (problem,) = summary.problems
    assert problem.input == f"{bomb}:1"
    assert problem.message.startswith("the archive is 8,")
    assert problem.message.endswith(
        "bytes with no line break (ingest max_line_bytes): not a WARC archive, or a broken or "
        "hostile one; the rest is not read"
    )


def test_warc_record_over_the_limit_is_skipped_and_the_rest_loads(tmp_path: Path) -> None:
    archive = tmp_path / "a.warc.gz"
    archive.write_bytes(
        _warc(
            [
                ("https://x.test/big", b"<p>" + b"x " * 3_000_000 + b"</p>"),
                ("https://x.test/good", _page("Talks", GOOD)),
            ]
        )
    )
    with Store(tmp_path / "s.db") as store:
        summary = ingest_sources([str(archive)], store)
        assert [(p.input, p.message) for p in summary.problems] == [
            (
                f"{archive}:1",
                "the archived page https://x.test/big is over the 5,000,000 bytes limit "
                "(ingest warc_max_record_bytes); skipped",
            )
        ]
        assert summary.new == 1 and store.count_articles() == 1


def test_decompressed_total_is_capped(tmp_path: Path) -> None:
    archive = tmp_path / "a.warc.gz"
    archive.write_bytes(
        _warc([(f"https://x.test/{i}", _page("T", GOOD + f" {i}")) for i in range(50)])
    )
    small = IngestSettings(max_decompressed_bytes=20_000)
    with Store(tmp_path / "s.db") as store:
        summary = ingest_sources([str(archive)], store, small)
    assert 0 < summary.new < 50
    assert summary.problems[-1].message == (
        "the archive is over 20,000 bytes once decompressed (ingest max_decompressed_bytes); "
        "the rest is not read"
    )


# --- hostile servers ---------------------------------------------------------------------------


@functools.cache
def _gzip_bomb() -> bytes:
    return _gzip_of_zeros(400 << 20, b"<html><body><p>")


class _Hostile(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        if self.path == "/robots.txt":
            self.send_response(404)
            self.end_headers()
        elif self.path == "/bad-redirect":
            self.send_response(302)
            self.send_header("Location", "http://[")
            self.end_headers()
        elif self.path == "/feed":
            port = cast(ThreadingHTTPServer, self.server).server_port
            items = "".join(
                f"<item><title>S{i}</title><link>http://127.0.0.1:{port}/p/{i % 3}</link></item>"
                for i in range(3000)
            )
            body = f"<rss version='2.0'><channel><title>Big</title>{items}</channel></rss>"
            self._send(body.encode(), "application/rss+xml")
        elif self.path == "/gzip-bomb":  # 400 MB of HTML once decoded, ~400 KB on the wire
            bomb = _gzip_bomb()
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(bomb)))
            self.end_headers()
            self.wfile.write(bomb)
        elif self.path == "/broken-feed":  # an encoding name feedparser cannot decode
            body = b'<?xml version="1.0" encoding="utf\xff-8"?><rss version="2.0"></rss>'
            self._send(body, "application/rss+xml")
        elif self.path == "/far-dates-feed":
            port = cast(ThreadingHTTPServer, self.server).server_port
            items = "".join(
                f"<item><title>S{i}</title><link>http://127.0.0.1:{port}/p/{i}</link>"
                f"<pubDate>{when}</pubDate></item>"
                for i, when in enumerate(FAR_FEED_DATES)
            )
            body = f"<rss version='2.0'><channel><title>Far</title>{items}</channel></rss>"
            self._send(body.encode(), "application/rss+xml")
        elif self.path.startswith("/p/"):
            self._send(_page("T", f"{GOOD} Page {self.path[-1]}."), "text/html")
        else:
            self.send_response(404)
            self.end_headers()

    def _send(self, body: bytes, kind: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


FAR_FEED_DATES = [
    "Fri, 31 Dec 9999 23:59:59 GMT",
    "Mon, 01 Jan 0001 00:00:00 GMT",
    "Mon, 21 Oct 2024 09:30:00 GMT",
]


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Hostile)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_redirect_to_an_invalid_url_is_a_problem(server: str) -> None:
    trusted = [ip_network("127.0.0.1/32")]
    with Fetcher(SETTINGS, rate=0, trusted_networks=trusted) as fetcher:
        got = fetcher.fetch(f"{server}/bad-redirect")
    assert isinstance(got, Problem) and got.input == f"{server}/bad-redirect"
    assert got.message.startswith("redirected to an invalid URL 'http://['")


def test_gzip_encoded_bomb_from_a_server_is_stopped(server: str) -> None:
    trusted = [ip_network("127.0.0.1/32")]
    tracemalloc.start()
    try:
        with Fetcher(SETTINGS, rate=0, trusted_networks=trusted) as fetcher:
            got = fetcher.fetch(f"{server}/gzip-bomb")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert got == Problem(
        f"{server}/gzip-bomb",
        "the body is over the 5.0 MB limit (ingest fetch_max_bytes); stopped reading",
    )
    # httpx decodes one network read (64 KB) at a time, which zeros expand ~1000 times: the
    # peak is bounded by that, not by the 400 MB the body would expand to.
    assert peak < 200_000_000, peak


def test_feed_with_thousands_of_entries_and_duplicate_links(server: str, tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as store:
        summary = ingest_sources(
            [f"{server}/feed"], store, rate=0,
            trusted_networks=[ip_network("127.0.0.1/32")],
        )  # fmt: skip
        assert (summary.new, summary.duplicates, summary.failed) == (3, 2997, 0)
        assert store.count_articles() == 3


def test_feed_with_an_undecodable_encoding_name(server: str, tmp_path: Path) -> None:
    # feedparser raised UnicodeDecodeError / ValueError on these (found by atheris), which
    # ended the whole ingest or watch run; now the feed is one failure and the run goes on.
    for name, error in [
        (b"utf\xff-8", "UnicodeDecodeError: 'utf-8' codec can't decode byte 0xff in position "
                       "3: invalid start byte"),
        (b"\x00utf-8", "ValueError: embedded null character"),
    ]:  # fmt: skip
        body = b'<?xml version="1.0" encoding="' + name + b'"?><rss version="2.0"></rss>'
        assert parse_feed(body, "https://x.test/rss") == Problem(
            "https://x.test/rss", f"not a readable RSS or Atom feed ({error})"
        )
    with Store(tmp_path / "s.db") as store:
        summary = ingest_sources(
            [f"{server}/broken-feed", f"{server}/feed"], store, rate=0,
            trusted_networks=[ip_network("127.0.0.1/32")],
        )  # fmt: skip
        assert [(p.input, p.message) for p in summary.problems] == [
            (
                f"{server}/broken-feed",
                "not a readable RSS or Atom feed (UnicodeDecodeError: 'utf-8' codec can't "
                "decode byte 0xff in position 3: invalid start byte)",
            )
        ]
        assert (summary.new, summary.duplicates, summary.failed) == (3, 2997, 1)


def test_feed_entries_dated_in_the_far_past_and_future(server: str, tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as store:
        summary = ingest_sources(
            [f"{server}/far-dates-feed"], store, rate=0,
            trusted_networks=[ip_network("127.0.0.1/32")],
        )  # fmt: skip
        assert (summary.new, summary.failed) == (3, 0)
        published = {a.url: a.published for a in store.list_articles()}
    assert published == {
        f"{server}/p/0": None,
        f"{server}/p/1": None,
        f"{server}/p/2": datetime(2024, 10, 21, 9, 30, tzinfo=UTC),
    }
    assert [(w.input, w.message) for w in summary.warnings] == [
        (f"{server}/p/{i}", f'the publication time "{FAR_FEED_DATES[i]}" is outside the years '
         "1800-2200 (ingest published_min_year / published_max_year); ignored")
        for i in (0, 1)
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("value", "year"),
    [("Mon, 01 Jan 0001 00:00:00 GMT", 1), ("Fri, 01 Jan 0099 00:00:00 +0200", 99),
     ("Mon, 21 Oct 24 09:30:00 GMT", 2024), ("Fri, 31 Dec 9999 23:59:59 GMT", 9999)],
)  # fmt: skip
def test_rfc_2822_years_as_written(value: str, year: int) -> None:
    # The email parser read "0001" as 2001 (a two-digit year rule applied to four digits).
    parsed = parse_time(value)
    assert parsed is not None and parsed.year == year


# --- duplicates and URLs through ingest --------------------------------------------------------


def test_jsonl_duplicates_by_text_and_by_url(tmp_path: Path) -> None:
    rows = [
        {"text": GOOD, "url": "https://x.test/1"},
        {"text": GOOD, "url": "https://x.test/2"},  # same text: its URL is recorded for it
        {"text": GOOD_2, "url": "https://x.test/1"},  # a stored URL: not read again
        {"text": GOOD_2, "url": "HTTPS://X.TEST/1?utm_source=feed#top"},  # the same URL
        {"text": GOOD_2},
        {"text": GOOD_2, "url": "https://x.test/3"},
    ]
    dump = tmp_path / "dups.jsonl"
    _write(dump, "".join(json.dumps(r) + "\n" for r in rows))
    with Store(tmp_path / "s.db") as store:
        summary = ingest_sources([str(dump)], store)
        assert (summary.new, summary.duplicates, summary.failed) == (2, 4, 0)
        ids = {a.source: a.id for a in store.list_articles()}
        urls = dict(store.conn.execute("SELECT url, article FROM article_urls").fetchall())
    assert sorted(ids) == [f"{dump}:1", f"{dump}:5"]
    assert urls == {
        "https://x.test/1": ids[f"{dump}:1"],
        "https://x.test/2": ids[f"{dump}:1"],
        "https://x.test/3": ids[f"{dump}:5"],
    }


def test_junk_urls_do_not_make_articles_duplicates(tmp_path: Path) -> None:
    # "?" and "\b" both normalize to "": the second article was skipped as a duplicate of
    # the first (found by test_fuzz_ingest.py::test_any_url_through_ingest).
    rows = [{"text": GOOD, "url": "?"}, {"text": GOOD_2, "url": "\b"}, {"text": RTL, "url": "#"}]
    dump = tmp_path / "junk.jsonl"
    _write(dump, "".join(json.dumps(r) + "\n" for r in rows))
    with Store(tmp_path / "s.db") as store:
        summary = ingest_sources([str(dump)], store)
        assert (summary.new, summary.duplicates, summary.failed) == (3, 0, 0)
        assert store.conn.execute("SELECT COUNT(*) FROM article_urls").fetchone()[0] == 0


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("ftp://x.test/a", "only http and https URLs are fetched, not ftp"),
        ("gopher://x.test", "only http and https URLs are fetched, not gopher"),
        ("http://[", "not a valid URL (Invalid IPv6 URL)"),
        ("http:///no-host", "the URL has no host"),
        ("http://x.test:99999/", "the URL's port is not a number"),
        ("javascript:alert(1)", "no such file or folder"),
        ("http://0x7f.1/", "refused: 0x7f.1 is a loopback, private, link-local or reserved "
         "address (127.0.0.1); pass --allow-private to fetch it"),
        ("HTTP://169.254.169.254/latest/meta-data", "refused: 169.254.169.254 is a loopback, "
         "private, link-local or reserved address (169.254.169.254); pass --allow-private to "
         "fetch it"),
        ("https://[::ffff:10.0.0.1]/", "refused: ::ffff:10.0.0.1 is a loopback, private, "
         "link-local or reserved address (::ffff:a00:1); pass --allow-private to fetch it"),
        ("http://user:pw@127.0.0.1/", "refused: 127.0.0.1 is a loopback, private, link-local "
         "or reserved address (127.0.0.1); pass --allow-private to fetch it"),
    ],
)  # fmt: skip
def test_hostile_url_sources_are_refused_by_name(source: str, message: str, tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as store:
        summary = ingest_sources([source], store)
        assert store.count_articles() == 0
    assert [(p.input, p.message) for p in summary.problems] == [(source, message)]


# --- WARC records with broken headers (found by atheris) ---------------------------------------


def test_warc_record_with_a_broken_header_ends_the_archive_cleanly(tmp_path: Path) -> None:
    good = _warc([("https://x.test/good", _page("Talks", GOOD))])
    page = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>" + GOOD_2.encode() + b"</p>"

    def record(headers: bytes, length: int) -> bytes:
        return (
            b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:1>\r\n" + headers
            + b"WARC-Date: 2024-10-21T09:30:00Z\r\n"
            + b"Content-Type: application/http; msgtype=response\r\n"
            + b"Content-Length: " + str(length).encode() + b"\r\n\r\n" + page + b"\r\n\r\n"
        )  # fmt: skip

    cases = {
        "no-target.warc.gz": (
            record(b"", len(page)),
            "AttributeError: 'NoneType' object has no attribute 'startswith'",
        ),
        "huge-length.warc.gz": (
            record(b"WARC-Target-URI: https://x.test/b\r\n", 10**30),
            "OverflowError: cannot fit 'int' into an index-sized integer",
        ),
    }
    for name, (data, error) in cases.items():
        archive = tmp_path / name
        archive.write_bytes(good + gzip.compress(data))
        with Store(tmp_path / f"{name}.db") as store:
            summary = ingest_sources([str(archive)], store)
            assert [a.url for a in store.list_articles()] == ["https://x.test/good"]
        assert [(p.input, p.message) for p in summary.problems] == [
            (
                f"{archive}:2",
                f"the archive cannot be read further (a malformed record header: {error})",
            )
        ]


# --- the store survives all of it --------------------------------------------------------------


def _integrity(db: Path) -> str:
    with sqlite3.connect(db) as conn:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])


def test_store_intact_after_every_nasty_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "store.db"
    good = tmp_path / "good"
    good.mkdir()
    _write(good / "a.txt", GOOD)
    _write(good / "b.txt", GOOD_2)
    assert cli_main(["ingest", str(good), "--db", str(db), "--no-progress"]) == 0
    assert cli_main(["compare", str(good), "--db", str(db), "--format", "json", "-q"]) == 0
    capsys.readouterr()
    with Store(db) as store:
        before_articles = [(a.id, a.text) for a in store.list_articles()]
        (story,) = [c["id"] for c in store.list_comparisons()]
        before_story = load_report(store, story)

    nasty = tmp_path / "nasty"
    nasty.mkdir()
    cases = _corpus(nasty)
    bomb = nasty / "bomb.warc.gz"
    bomb.write_bytes(_gzip_of_zeros(40 << 20, b"WARC/1.0\r\n"))
    huge = _sparse(nasty / "huge.txt", 100_000_000)
    bad = [p for p, expected in cases.values() if isinstance(expected, Problem)]
    for path in [*bad, str(bomb), huge]:
        code = cli_main(["ingest", path, "--db", str(db), "--no-progress"])
        out = capsys.readouterr().out
        assert code == 1, path
        failed = [line for line in out.splitlines() if line.startswith("failed: ")]
        assert len(failed) == 1 and failed[0].startswith(f"failed: {path}"), out
    # Everything bad at once through compare: one message each, the rest still compared.
    assert (
        cli_main(["compare", *bad, huge, str(good / "a.txt"), "--no-db", "--format", "json", "-q"])
        == 0
    )
    err = capsys.readouterr().err
    for path in [*bad, huge]:
        assert sum(line.startswith(f"skipped {path}: ") for line in err.splitlines()) == 1, path

    assert _integrity(db) == "ok"
    with Store(db) as store:
        assert [(a.id, a.text) for a in store.list_articles()] == before_articles
        assert load_report(store, story) == before_story


def test_loadable_nasty_inputs_compare_end_to_end(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cases = _corpus(tmp_path)
    good = [p for name, (p, e) in cases.items() if not isinstance(e, Problem)]
    db = tmp_path / "c.db"
    out = tmp_path / "r.json"
    code = cli_main(["compare", *good, "--db", str(db), "-o", str(out), "-q"])
    assert code == 0, capsys.readouterr().err
    data = json.loads(out.read_text(encoding="utf-8"))
    texts = {a["text"] for a in data["articles"]}
    assert {RTL, GOOD, "Bad \ufffd half " + GOOD} <= texts
    far = next(a for a in data["articles"] if a["text"].startswith("In the year 3000"))
    assert far["id"]
    for fmt in ("html", "md"):
        assert (
            cli_main(
                [
                    "compare",
                    *good,
                    "--no-db",
                    "--format",
                    fmt,
                    "-o",
                    str(tmp_path / f"r.{fmt}"),
                    "-q",
                ]
            )
            == 0
        )
    assert _integrity(db) == "ok"


def test_long_sentence_article_is_capped_not_dropped() -> None:
    text = "The minister said " + "word " * 3000
    capped, note = cap_sentences(text, 500)
    assert len(capped) <= 500 and capped.startswith("The minister said word")
    assert note == (
        "cut 1 sentence(s) longer than 500 characters (ingest max_sentence_chars) "
        "to their first 500"
    )
    assert Article(id="x", text=capped).text == capped


# --- crashes in other stages (reported to their owners) ----------------------------------------

FAR_1 = (
    "The minister said on Monday that talks would resume tomorrow. In the year 3000 it ends. "
    "On 9999-12-31 the deal expires."
)
FAR_2 = "Talks will resume tomorrow, the minister said on Monday. The deal expires on 9999-12-31."


@pytest.mark.parametrize(
    ("value", "granularity"),
    [("9999-12-31", "day"), ("9999", "year"), ("9999-12", "month"), ("9999-12-30", "week")],
)
def test_align_time_interval_at_the_end_of_the_calendar(value: str, granularity: str) -> None:
    from newsprism.compare.align import time_interval
    from newsprism.model import TimeExpr

    time = TimeExpr("a", 0, 10, value, value, None, granularity)
    interval = time_interval(time)
    assert interval is None or interval[0].year == 9999


def test_compare_articles_dated_at_the_end_of_the_calendar(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    one = _write(tmp_path / "one.txt", FAR_1)
    two = _write(tmp_path / "two.txt", FAR_2)
    published = "2024-10-21T09:30:00+00:00"
    _write(tmp_path / "one.txt.meta.json", json.dumps({"published": published, "outlet": "A"}))
    _write(tmp_path / "two.txt.meta.json", json.dumps({"published": published, "outlet": "B"}))
    assert cli_main(["compare", one, two, "--no-db", "--format", "json", "-q"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data["articles"]) == 2


# --- a --db that is not a database -------------------------------------------------------------


def test_ingest_into_a_file_that_is_not_a_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    notes = _write(tmp_path / "notes.db", "My notes about the minister, not a database.")
    good = _write(tmp_path / "good.txt", GOOD)
    assert cli_main(["ingest", good, "--db", notes, "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"error: {notes}: cannot be used as the newsprism store (file is not a database); "
        "give another --db\n"
    )
    assert Path(notes).read_text() == "My notes about the minister, not a database."
    assert cli_main(["ingest", good, "--db", str(tmp_path), "--no-progress"]) == 2
    assert "(unable to open database file)" in capsys.readouterr().err


def test_compare_into_a_file_that_is_not_a_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    notes = _write(tmp_path / "notes.db", "My notes, not a database.")
    one = _write(tmp_path / "one.txt", GOOD)
    two = _write(tmp_path / "two.txt", GOOD_2)
    assert cli_main(["compare", one, two, "--db", notes, "--format", "json", "-q"]) == 2
    assert f"error: {notes}: cannot be used as the newsprism store" in capsys.readouterr().err
    assert Path(notes).read_text() == "My notes, not a database."


def test_a_store_that_is_not_a_database_is_closed_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Review of issue 14, point 10: ``Store.__init__`` closed the connection twice on its
    way to the "cannot be used" error."""
    notes = _write(tmp_path / "notes.db", "My notes, not a database.")
    closed: list[str] = []
    close = Store.close

    def counting(self: Store) -> None:
        closed.append(self.path)
        close(self)

    monkeypatch.setattr(Store, "close", counting)
    with pytest.raises(StoreError, match="cannot be used as the newsprism store"):
        Store(notes)
    assert closed == [notes]


# --- hostile test, December 2026: WARC header continuation lines (issue 14, item 1) -------------


def _header_bomb(lines: int, width: int = 98) -> bytes:
    """A gzipped WARC response record whose header has ``X-Bomb: start`` followed by
    ``lines`` continuation lines (a space, ``width`` letters, CRLF): warcio's own parser
    takes time quadratic in them."""
    page = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>" + GOOD_2.encode() + b"</p>"
    return gzip.compress(
        b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:2>\r\n"
        + b"WARC-Target-URI: https://x.test/bomb\r\nX-Bomb: start\r\n"
        + (b" " + b"a" * width + b"\r\n") * lines
        + b"WARC-Date: 2024-10-21T09:30:00Z\r\n"
        + b"Content-Type: application/http; msgtype=response\r\n"
        + b"Content-Length: " + str(len(page)).encode() + b"\r\n\r\n" + page + b"\r\n\r\n"
    )  # fmt: skip


def _warm_up(tmp_path: Path) -> None:
    """Ingest one small archive, so that the modules a WARC ingest imports on first use
    (about 35 MB of traced memory) are loaded before a test measures its peak."""
    warm = tmp_path / "warm"
    warm.mkdir()
    (warm / "a.warc.gz").write_bytes(_warc([("https://x.test/warm", _page("Warm", GOOD))]))
    with Store(warm / "s.db") as store:
        ingest_sources([str(warm / "a.warc.gz")], store)


def test_warc_header_continuation_lines_are_capped(tmp_path: Path) -> None:
    archive = tmp_path / "bomb.warc.gz"
    after = _warc([("https://x.test/after", _page("After", GOOD))])
    archive.write_bytes(_header_bomb(200_000) + after)  # 20 MB of header lines, ~60 KB
    _warm_up(tmp_path)
    tracemalloc.start()
    try:
        with Store(tmp_path / "s.db") as store:
            summary = ingest_sources([str(archive)], store)
            urls = [a.url for a in store.list_articles()]
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [(p.input, p.message) for p in summary.problems] == [
        (
            f"{archive}:1",
            "the record's header is over 1,000,000 bytes (ingest warc_max_header_bytes); "
            "the record is skipped",
        )
    ]
    assert urls == ["https://x.test/after"]  # the archive reads on after the skipped record
    assert peak < 20_000_000  # the 20 MB header is never held


def test_warc_header_lines_are_capped(tmp_path: Path) -> None:
    archive = tmp_path / "bomb.warc.gz"
    archive.write_bytes(_header_bomb(20_000, width=1))  # 20,000 lines of 4 bytes
    with Store(tmp_path / "s.db") as store:
        summary = ingest_sources([str(archive)], store)
        assert store.count_articles() == 0
    assert [(p.input, p.message) for p in summary.problems] == [
        (
            f"{archive}:1",
            "the record's header is over 10,000 lines (ingest warc_max_header_lines); "
            "the record is skipped",
        )
    ]


def test_a_signal_stops_the_run_inside_a_long_warc_header(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SIGINT or SIGTERM sets the run's stop event (``stop_on_signals``); reading a header
    looks at it every few thousand lines, so the run ends there instead of after the record."""
    from warcio.statusandheaders import StatusAndHeadersParser

    decoded = 0
    decode = StatusAndHeadersParser.decode_header

    def counting(line: bytes) -> str:
        nonlocal decoded
        decoded += 1
        return cast(str, decode(line))

    monkeypatch.setattr(StatusAndHeadersParser, "decode_header", staticmethod(counting))
    archive = tmp_path / "bomb.warc.gz"
    first = _warc([("https://x.test/first", _page("First", GOOD))])
    archive.write_bytes(first + _header_bomb(50_000))
    stop = threading.Event()

    def on_article(article: Article) -> None:
        stop.set()  # as the signal handler does, here just before the next record is read

    with Store(tmp_path / "s.db") as store:
        summary = ingest_sources([str(archive)], store, stop=stop, on_article=on_article)
        assert [a.url for a in store.list_articles()] == ["https://x.test/first"]
    assert summary.interrupted and summary.problems == []
    assert decoded < 5_000  # header lines read: the run stopped inside the 50,000


def _repeated_length_record(where: str, repeats: int) -> bytes:
    """A gzipped WARC response record whose record header (``where="warc"``) or archived HTTP
    header (``where="http"``) has its true ``Content-Length`` line followed by ``repeats``
    more ``Content-Length: 1`` lines: framing headers, which a header over its limit keeps."""
    repeated = b"Content-Length: 1\r\n" * repeats
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
    body = b"<p>" + GOOD_2.encode() + b"</p>"
    if where == "http":
        http += b"Content-Length: " + str(len(body)).encode() + b"\r\n" + repeated
    page = http + b"\r\n" + body
    return gzip.compress(
        b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:3>\r\n"
        + b"WARC-Target-URI: https://x.test/lengths\r\nWARC-Date: 2024-10-21T09:30:00Z\r\n"
        + b"Content-Type: application/http; msgtype=response\r\n"
        + b"Content-Length: " + str(len(page)).encode() + b"\r\n"
        + (repeated if where == "warc" else b"") + b"\r\n" + page + b"\r\n\r\n"
    )  # fmt: skip


@pytest.mark.parametrize("where", ["warc", "http"])
def test_repeated_framing_headers_past_the_limit_are_not_kept(tmp_path: Path, where: str) -> None:
    """Review of issue 14, point 1: past the header limit only the first occurrence of each
    framing header is kept, so 200,000 repeated ``Content-Length`` lines (in the record
    header or in the archived HTTP header) are read in bounded memory; the record is skipped
    and the archive reads on, framed by the first ``Content-Length``."""
    archive = tmp_path / "lengths.warc.gz"
    after = _warc([("https://x.test/after", _page("After", GOOD))])
    archive.write_bytes(_repeated_length_record(where, 200_000) + after)  # 3.8 MB of lines
    _warm_up(tmp_path)
    tracemalloc.start()
    try:
        with Store(tmp_path / "s.db") as store:
            summary = ingest_sources([str(archive)], store)
            urls = [a.url for a in store.list_articles()]
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [(p.input, p.message) for p in summary.problems] == [
        (
            f"{archive}:1",
            "the record's header is over 10,000 lines (ingest warc_max_header_lines); "
            "the record is skipped",
        )
    ]
    assert urls == ["https://x.test/after"]
    assert peak < 8_000_000  # not one kept header per line (190,000 of them: over 30 MB)


# --- hostile test, December 2026: bidi controls in titles and outlet names (item 12) ------------

BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def test_bidi_controls_are_dropped_from_titles_and_outlet_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    title = "Talks \u202eend\u202c in \u2066Geneva\u2069"
    records = [
        {"text": GOOD, "title": title, "outlet": "Evil\u202e News"},
        {"text": GOOD_2, "title": f"Geneva{BIDI} talks", "outlet": f"Other{BIDI} Daily"},
    ]
    dump = tmp_path / "bidi.jsonl"
    dump.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    page = tmp_path / "page.html"
    page.write_text(
        "<html><head><title>Minister \u202esays\u202c \u2067no\u2069</title>"
        '<meta property="og:site_name" content="Site\u202e Times"></head>'
        f"<body><article><p>{GOOD} {GOOD_2} The minister added more.</p></article></body></html>",
        encoding="utf-8",
    )
    db = tmp_path / "s.db"
    with Store(db) as store:
        summary = ingest_sources([str(dump), str(page)], store)
        assert summary.new == 3, summary.problems
        stored = sorted((a.title, a.outlet) for a in store.list_articles())
    assert stored == [
        ("Geneva talks", "Other Daily"),
        ("Minister says no", "Site Times"),
        ("Talks end in Geneva", "Evil News"),
    ]
    capsys.readouterr()
    assert cli_main(["stories", "--db", str(db)]) == 0
    shown = capsys.readouterr().out
    assert not any(c in shown for c in BIDI)


def test_c1_controls_are_dropped_from_titles_and_outlet_names(tmp_path: Path) -> None:
    """Review of issue 14, point 9: C1 controls (U+0080-U+009F; U+009B is the one-byte CSI
    that starts a terminal escape sequence) stayed in titles and reached the API. They are
    dropped as C0 controls are; U+0085 (next line) separates words as a line break does."""
    assert clean_label("A\x9b[2Jb \x80c\x9fd\x85e\nf\tg\x1bh") == "A[2Jb cd e f gh"
    dump = tmp_path / "c1.jsonl"
    record = {"text": GOOD, "title": "Talks\x9b[2J end\x85in Geneva", "outlet": "Evil\x90 News"}
    dump.write_text(json.dumps(record) + "\n", encoding="utf-8")
    with Store(tmp_path / "s.db") as store:
        summary = ingest_sources([str(dump)], store)
        assert summary.new == 1, summary.problems
        assert [(a.title, a.outlet) for a in store.list_articles()] == [
            ("Talks[2J end in Geneva", "Evil News")
        ]


def test_pages_and_api_drop_bidi_and_c1_controls_of_titles_stored_before(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A store written before titles were cleaned keeps U+202E and C1 controls in titles and
    outlet names; every page and API answer now leaves them out (``web.controls``)."""
    from fastapi.testclient import TestClient

    from newsprism.web.app import create_app

    db = tmp_path / "s.db"
    article = _write(tmp_path / "a.txt", GOOD)
    assert cli_main(["ingest", article, "--db", str(db), "--no-progress"]) == 0
    with Store(db) as store:
        story = store.list_stories()[0].id
    raw_title = "Talks \u202eend\u202c in \u2066Geneva\u2069\x9b[2J"
    with sqlite3.connect(db) as conn:  # as an older newsprism stored them
        conn.execute("UPDATE articles SET title = ?, outlet = ?", (raw_title, "Evil\u202e\x85"))
        conn.execute("UPDATE stories SET title = ?", (raw_title,))
    controls = [*BIDI, *map(chr, range(0x80, 0xA0))]
    with TestClient(create_app(str(db)), base_url="http://127.0.0.1:8000") as web:
        for path in ["/", f"/stories/{story}", "/api/stories", f"/api/stories/{story}"]:
            answer = web.get(path)
            assert answer.status_code == 200, path
            assert "Talks end in Geneva[2J" in answer.text, path
            assert not [c for c in controls if c in answer.text], path
            assert answer.headers["content-length"] == str(len(answer.content))
        listing = web.get("/api/stories").json()
    assert [s["title"] for s in listing["stories"]] == ["Talks end in Geneva[2J"]


# --- hostile test, December 2026: a JSONL of invalid lines (item 6) -----------------------------


def test_a_jsonl_of_invalid_lines_is_summarised_in_bounded_memory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dump = tmp_path / "bad.jsonl"
    blank = b'{"text": " "}\n'  # read, then no text left: a failure of the line too
    dump.write_bytes(b"{}\n" * 10 + blank * 99_990 + json.dumps({"text": GOOD}).encode() + b"\n")
    tracemalloc.start()
    try:
        with Store(tmp_path / "s.db") as store:
            summary = ingest_sources([str(dump)], store)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 10_000_000  # not one record per failed line
    assert (summary.new, summary.failed) == (1, 100_000)
    missing = 'the JSON object has no "text" string'
    assert summary.lines()[1:] == [
        *(f"failed: {dump}:{n}: {missing}" for n in range(1, 11)),
        f"… and 99,990 more failed lines in {dump}",
    ]
    db = str(tmp_path / "cli.db")
    assert cli_main(["ingest", str(dump), "--db", db, "--no-progress", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["failed"] == 100_000 and len(data["problems"]) == 10
    assert data["unlisted"] == [{"input": str(dump), "unit": "lines", "count": 99_990}]


# --- hostile test, December 2026: escapes in file names (item 11) -------------------------------


def test_control_characters_in_file_names_are_printed_as_escapes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    name = "a\x1b[2J\x1b]0;pwned\x07\nfailed: forged.txt"
    (folder / name).write_text("", encoding="utf-8")  # empty: a failure that names the file
    shown = str(folder / "a\\x1b[2J\\x1b]0;pwned\\x07\\nfailed: forged.txt")
    db = str(tmp_path / "s.db")
    assert cli_main(["ingest", str(folder), "--db", db, "--no-progress", "--no-stories"]) == 1
    out = capsys.readouterr().out
    assert out.splitlines()[1:] == [f"failed: {shown}: empty: the input holds no text"]
    assert "\x1b" not in out and "\x07" not in out
    assert cli_main(["compare", str(folder / name), "--no-db", "-q"]) == 2
    err = capsys.readouterr().err
    assert err.splitlines() == [
        f"skipped {shown}: empty: the input holds no text",
        "error: no usable article in the input; nothing to compare",
    ]


# --- hostile test, December 2026: symbolic links out of a folder (item 5) -----------------------

LINK_OUT = "a symbolic link to a file outside the folder; skipped (--follow-symlinks reads it)"


def test_a_link_out_of_a_walked_folder_is_skipped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text(GOOD_2, encoding="utf-8")
    archive = tmp_path / "outside.warc.gz"
    archive.write_bytes(_warc([("https://x.test/outside", _page("Outside", RTL))]))
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD, encoding="utf-8")
    (folder / "same.txt").symlink_to(folder / "good.txt")  # inside the folder: read
    (folder / "passwd.txt").symlink_to(secret)
    (folder / "page.warc.gz").symlink_to(archive)
    expected = [(str(folder / "passwd.txt"), LINK_OUT), (str(folder / "page.warc.gz"), LINK_OUT)]
    with Store(tmp_path / "s.db") as store:
        summary = ingest_sources([str(folder)], store)
        assert [a.text for a in store.list_articles()] == [GOOD]
    assert [(p.input, p.message) for p in summary.problems] == expected
    assert (summary.new, summary.duplicates) == (1, 1)
    loaded = load([str(folder)])
    assert [a.text for a in loaded.articles] == [GOOD]
    assert [(p.input, p.message) for p in loaded.problems] == [
        expected[0],
        (str(folder / "same.txt"), f"the same text as {folder / 'good.txt'}; skipped"),
    ]
    db = str(tmp_path / "cli.db")
    argv = ["ingest", str(folder), "--db", db, "--no-progress", "--no-stories", "--follow-symlinks"]
    assert cli_main(argv) == 0
    assert capsys.readouterr().out.startswith("3 new, 1 duplicate")


# --- review of issue 14, point 7: links swapped in after the listing, sidecars, folder links ----

SIDECAR_LINK_OUT = (
    "a symbolic link to a file outside the folder; the article is loaded without it "
    "(--follow-symlinks reads it)"
)
LINK_FOLDER = "a symbolic link to a folder; not walked into (--follow-symlinks walks it)"
LINK_LOOP = "a symbolic link to a folder already walked; not walked again"


def _swap_after_listing(
    monkeypatch: pytest.MonkeyPatch, module: object, lister: str, swap: Callable[[], None]
) -> None:
    """Make ``module.lister`` (the function that lists a folder) call ``swap`` once it has
    listed: what an attacker does between the listing and the reading."""
    listed = getattr(module, lister)

    def listing_then_swap(*args: object, **kwargs: object) -> object:
        found = listed(*args, **kwargs)
        swap()
        return found

    monkeypatch.setattr(module, lister, listing_then_swap)


@pytest.mark.parametrize("kind", ["a.txt", "a.jsonl", "a.warc.gz", "sub/a.txt"])
def test_a_link_swapped_in_after_the_listing_is_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    """Review of issue 14, point 7: the folder is checked when it is listed, but the file was
    opened later by its name; a link put in its place in between (or in place of a folder
    above it, which ``O_NOFOLLOW`` alone would miss) read the file outside. The file actually
    opened is checked now: a problem names it and nothing outside is stored."""
    import newsprism.engines.local as run_module
    import newsprism.ingest.loader as loader_module

    def content(name: str, text: str, url: str) -> bytes:
        if name.endswith(".jsonl"):
            return json.dumps({"text": text, "url": url}).encode() + b"\n"
        if name.endswith(".warc.gz"):
            return _warc([(url, _page("Page", text))])
        return text.encode()

    outside = tmp_path / "outside"
    (outside / "sub").mkdir(parents=True)
    _write(outside / kind, content(kind, GOOD_2, "https://x.test/secret"))
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    _write(folder / kind, content(kind, GOOD, "https://x.test/good"))
    swapped = folder / kind.split("/")[0]  # the file, or the folder above it

    def swap() -> None:
        if swapped.is_dir() and not swapped.is_symlink():
            (swapped / "a.txt").unlink()
            swapped.rmdir()
            swapped.symlink_to(outside / "sub")
        elif not swapped.is_symlink():
            swapped.unlink()
            swapped.symlink_to(outside / kind)

    _swap_after_listing(monkeypatch, run_module, "expand_with_archives", swap)
    with Store(tmp_path / "s.db") as store:
        summary = ingest_sources([str(folder)], store)
        assert store.count_articles() == 0
    assert [(p.input, p.message) for p in summary.problems] == [(str(folder / kind), LINK_OUT)]
    if kind.endswith(".txt"):  # compare reads files through load()
        swapped.unlink()
        (folder / "sub").mkdir(exist_ok=True)
        _write(folder / kind, GOOD)
        _swap_after_listing(monkeypatch, loader_module, "expand", swap)
        loaded = load([str(folder)])
        assert loaded.articles == []
        assert [(p.input, p.message) for p in loaded.problems] == [(str(folder / kind), LINK_OUT)]


def test_the_ray_reader_checks_the_file_it_opens(tmp_path: Path) -> None:
    """The Ray engine lists in the driver and reads in its actors: its file job carries the
    folder the file must lie in, and the reader refuses a file opened outside it."""
    from newsprism.engines.ray import Reader

    secret = tmp_path / "secret.txt"
    secret.write_text(GOOD_2, encoding="utf-8")
    folder = tmp_path / "in"
    folder.mkdir()
    link = folder / "a.txt"
    link.symlink_to(secret)  # put in place after the listing
    job = ("file", str(link), str(link), str(folder.resolve()))
    assert Reader(DEFAULT).read(job) == [("problem", Problem(str(link), LINK_OUT))]
    unchecked = Reader(DEFAULT).read(("file", str(link), str(link), ""))  # --follow-symlinks
    assert unchecked[0][0] == "article" and unchecked[0][1].text == GOOD_2


def test_a_sidecar_that_links_out_of_its_folder_is_not_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A ``<file>.meta.json`` that is a link out of the folder (walked, or the folder of a
    file the user named) is not read: a problem names it and the article loads without it;
    ``--follow-symlinks`` reads it."""
    secret = tmp_path / "secret.json"
    secret.write_text(json.dumps({"title": "Secret title"}), encoding="utf-8")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(GOOD, encoding="utf-8")
    (folder / "a.txt.meta.json").symlink_to(secret)
    named = tmp_path / "named"
    named.mkdir()
    (named / "b.txt").write_text(GOOD_2, encoding="utf-8")
    (named / "b.txt.meta.json").symlink_to(secret)
    sources = [str(folder), str(named / "b.txt")]
    with Store(tmp_path / "s.db") as store:
        summary = ingest_sources(sources, store)
        assert sorted(a.title for a in store.list_articles()) == ["", ""]
    assert [(p.input, p.message) for p in summary.warnings] == [
        (str(folder / "a.txt.meta.json"), SIDECAR_LINK_OUT),
        (str(named / "b.txt.meta.json"), SIDECAR_LINK_OUT),
    ]
    loaded = load(sources)
    assert [a.title for a in loaded.articles] == ["", ""]
    assert [p.message for p in loaded.problems] == [SIDECAR_LINK_OUT, SIDECAR_LINK_OUT]
    followed = load(sources, settings=replace(SETTINGS, follow_symlinks=True))
    assert [a.title for a in followed.articles] == ["Secret title", "Secret title"]
    assert followed.problems == []


def test_a_sidecar_over_the_size_limit_is_not_read(tmp_path: Path) -> None:
    """A sidecar was read whole into memory, whatever its size (and a JSONL file's sidecar
    again for each line): now only up to ``max_sidecar_bytes``."""
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    side = tmp_path / "a.txt.meta.json"
    side.write_text(json.dumps({"title": "Big", "pad": "x" * 100_000}), encoding="utf-8")
    loaded = load([str(tmp_path / "a.txt")])
    assert [a.title for a in loaded.articles] == [""]
    assert [(p.input, p.message) for p in loaded.problems] == [
        (
            str(side),
            "the sidecar is over the 100,000 bytes limit (ingest max_sidecar_bytes); "
            "the article is loaded without it",
        )
    ]


def test_links_to_folders_are_reported_or_followed_without_loops(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A symbolic link to a folder was skipped with no message, even with
    ``--follow-symlinks``. Now each gets a problem line; with the flag it is walked into,
    once per real folder, so a link back up (a loop) ends with a problem instead of
    walking forever."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "b.txt").write_text(GOOD_2, encoding="utf-8")
    (elsewhere / "c.warc.gz").write_bytes(_warc([("https://x.test/c", _page("C", RTL))]))
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(GOOD, encoding="utf-8")
    (folder / "linked").symlink_to(elsewhere)
    (folder / "loop").symlink_to(folder)
    (elsewhere / "up").symlink_to(tmp_path)  # holds the folder: walking it would loop
    db = str(tmp_path / "s.db")
    argv = ["ingest", str(folder), "--db", db, "--no-progress", "--no-stories"]
    assert cli_main(argv) == 0  # something was stored
    assert capsys.readouterr().out.splitlines()[1:] == [
        f"failed: {folder / 'linked'}: {LINK_FOLDER}",
        f"failed: {folder / 'loop'}: {LINK_FOLDER}",
    ]
    with Store(db) as store:
        assert [a.text for a in store.list_articles()] == [GOOD]
    db2 = str(tmp_path / "s2.db")
    assert cli_main([*argv[:3], db2, *argv[4:], "--follow-symlinks"]) == 0
    assert capsys.readouterr().out.splitlines()[1:] == [
        f"failed: {folder / 'linked' / 'up'}: {LINK_LOOP}",
        f"failed: {folder / 'loop'}: {LINK_LOOP}",
    ]
    with Store(db2) as store:
        assert sorted(a.text for a in store.list_articles()) == sorted([GOOD, GOOD_2, RTL])
    loaded = load([str(folder)])
    assert [a.text for a in loaded.articles] == [GOOD]
    assert [(p.input, p.message) for p in loaded.problems] == [
        (str(folder / "linked"), LINK_FOLDER),
        (str(folder / "loop"), LINK_FOLDER),
    ]


# --- hostile test, December 2026: a long write lock (item 9) ------------------------------------


@contextlib.contextmanager
def _write_lock(db: Path) -> Iterator[None]:
    """Another connection holding the store's write lock (as a long transaction would)."""
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_ingest_stops_with_one_line_while_another_writer_holds_the_lock(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(DEFAULT.ingest, "lock_wait_seconds", 0.2)
    first, second = tmp_path / "first.txt", tmp_path / "second.txt"
    first.write_text(GOOD, encoding="utf-8")
    second.write_text(GOOD_2, encoding="utf-8")
    db = tmp_path / "s.db"
    argv = ["ingest", "--db", str(db), "--no-progress"]
    assert cli_main([*argv, str(first)]) == 0
    capsys.readouterr()
    with _write_lock(db):
        code = cli_main([*argv, str(second)])
    out, err = capsys.readouterr()
    assert (code, out) == (3, "")
    assert err.splitlines() == [
        f"error: {db} stayed locked by another writer for over 0.2 s (ingest "
        "lock_wait_seconds); ingest stopped: what it stored stays stored, run it again to "
        "store the rest"
    ]
    assert cli_main([*argv, str(second)]) == 0  # nothing lost, nothing twice
    assert capsys.readouterr().out.startswith("1 new, 0 duplicate")


def test_ingest_mid_run_lock_stops_and_keeps_what_was_stored(tmp_path: Path) -> None:
    files = []
    for k, text in enumerate([GOOD, GOOD_2, RTL]):
        files.append(tmp_path / f"{k}.txt")
        files[-1].write_text(text, encoding="utf-8")
    db = tmp_path / "s.db"
    held: list[contextlib.AbstractContextManager[None]] = []

    def on_article(article: Article) -> None:
        if not held:  # after the first article is stored, another writer takes the lock
            held.append(_write_lock(db))
            held[0].__enter__()

    sources = [str(f) for f in files]
    with Store(db, lock_wait=0.2) as store, pytest.raises(StoreLocked) as caught:
        ingest_sources(sources, store, on_article=on_article)
    held[0].__exit__(None, None, None)
    assert str(caught.value) == f"{db} stayed locked by another writer for over 0.2 s"
    with Store(db) as store:
        assert [a.text for a in store.list_articles()] == [GOOD]


def test_the_story_listing_shows_control_characters_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A title stored before titles were cleaned (or by another tool) cannot drive the
    terminal from ``newsprism stories`` either (item 11)."""
    source = tmp_path / "a.txt"
    source.write_text(GOOD, encoding="utf-8")
    db = tmp_path / "s.db"
    assert cli_main(["ingest", str(source), "--db", str(db), "--no-progress"]) == 0
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE stories SET title = ?", ("Talks\x1b[2J\nend",))
    capsys.readouterr()
    assert cli_main(["stories", "--db", str(db)]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    assert line.endswith("  Talks\\x1b[2J\\nend")
