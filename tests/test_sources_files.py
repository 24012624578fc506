"""WARC archives, streamed JSONL, folders, idempotent re-runs and near-copy linking."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newsprism.engines.local import ingest_sources
from newsprism.ingest.dedup import canonical_url, fingerprint, shingles
from newsprism.ingest.jsonl import iter_jsonl
from newsprism.model import Article, Problem
from newsprism.settings import IngestSettings
from newsprism.store.sqlite import Store

SETTINGS = IngestSettings()

WIRE = (
    "GENEVA (Reuters) - Talks between the two governments on a new water-sharing treaty "
    "ended on Thursday without an agreement, officials from both delegations said, after "
    "three days of meetings at the United Nations office in the Swiss city. The negotiators "
    "had hoped to settle how much water each country may draw from the river during the dry "
    "season, when farmers on both sides depend on it for irrigation. A spokesman for the "
    "upstream country said the talks had been useful and that a new round would be held in "
    "the spring. The downstream delegation said its proposal for a joint monitoring body had "
    "been rejected. Both sides agreed to share rainfall and river-flow data every month until "
    "the next meeting, according to a joint statement released after the talks."
)
# The same wire story as another outlet runs it: new dateline, one sentence cut, a closing
# line added, a word changed.
COPY = (
    "GENEVA - Talks between the two governments on a new water-sharing treaty ended on "
    "Thursday without an agreement, officials from both delegations said, after three days of "
    "meetings at the United Nations office in the Swiss city. The negotiators had hoped to "
    "settle how much water each country can draw from the river during the dry season, when "
    "farmers on both sides depend on it for irrigation. A spokesman for the upstream country "
    "said the talks had been useful and that a new round would be held in the spring. Both "
    "sides agreed to share rainfall and river-flow data every month until the next meeting, "
    "according to a joint statement released after the talks. (Reporting by staff; editing "
    "by the news desk)"
)
# Own reporting on the same talks: the same topic and names, different words.
OWN = (
    "The water talks in Geneva collapsed on Thursday. Our correspondent, who followed the "
    "three days of negotiations, reports that the downstream country walked out after its "
    "plan for a joint monitoring body was turned down. Farmers in the delta told us they "
    "fear another summer of shortages if no treaty is signed before the dry season. The "
    "upstream government insists the talks were useful and promises a new round in the "
    "spring, but diplomats privately doubt that either side will move. For now, the two "
    "countries will only exchange monthly rainfall and river-flow figures."
)


def page(title: str, text: str) -> bytes:
    return (
        f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
        f"<p>{text}</p></article></body></html>"
    ).encode()


@pytest.fixture()
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "news.db") as st:
        yield st


def write_warc(path: Path) -> None:
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=True)

        def response(url: str, status: str, content_type: str, body: bytes) -> None:
            headers = StatusAndHeaders(
                status, [("Content-Type", content_type)], protocol="HTTP/1.1"
            )
            record = writer.create_warc_record(
                url,
                "response",
                payload=io.BytesIO(body),
                http_headers=headers,
                warc_headers_dict={"WARC-Date": "2024-03-02T10:15:00Z"},
            )
            writer.write_record(record)

        response(
            "https://www.reuters.com/world/water-talks",
            "200 OK",
            "text/html; charset=utf-8",
            page("Water talks end without deal", WIRE),
        )
        response("https://example.org/logo.png", "200 OK", "image/png", b"\x89PNG\r\n")
        response("https://example.org/old", "301 Moved Permanently", "text/html", b"")
        response(
            "https://example.org/own", "200 OK", "text/html", page("Geneva talks collapse", OWN)
        )
        request = writer.create_warc_record(
            "https://example.org/own", "request", payload=io.BytesIO(b"GET /own HTTP/1.1\r\n\r\n")
        )
        writer.write_record(request)


def test_warc_pages_become_articles(tmp_path: Path, store: Store) -> None:
    archive = tmp_path / "crawl.warc.gz"
    write_warc(archive)
    summary = ingest_sources([str(archive)], store, SETTINGS)
    assert (summary.new, summary.skipped, summary.failed) == (2, 2, 0)
    first, second = store.list_articles()
    assert first.url == "https://www.reuters.com/world/water-talks"
    assert first.title == "Water talks end without deal"
    assert first.outlet == "Reuters"  # from the URL's domain
    assert first.text.startswith("GENEVA (Reuters) - Talks between")
    assert "archived at 2024-03-02T10:15:00Z (WARC-Date)" in first.notes
    assert (
        first.published is not None and first.published.isoformat() == "2024-03-02T10:15:00+00:00"
    )
    assert first.source == f"{archive}:1"
    assert second.url == "https://example.org/own" and second.source == f"{archive}:4"
    again = ingest_sources([str(archive)], store, SETTINGS)
    assert (again.new, again.duplicates) == (0, 2)


def test_a_broken_warc_is_a_problem(tmp_path: Path, store: Store) -> None:
    bad = tmp_path / "bad.warc"
    bad.write_bytes(b"this is not an archive\n" * 10)
    summary = ingest_sources([str(bad)], store, SETTINGS)
    assert summary.new == 0 and summary.failed == 1
    assert summary.problems[0].input == f"{bad}:1"
    assert summary.problems[0].message == "not a WARC archive (no WARC/1.x record header)"


def test_jsonl_is_streamed_line_by_line(tmp_path: Path, store: Store) -> None:
    dump = tmp_path / "dump.jsonl"
    lines = [
        json.dumps(
            {"text": WIRE, "outlet": "Reuters", "url": "https://reuters.com/a?utm_source=rss"}
        ),
        "{not json",
        json.dumps({"title": "no text"}),
        "",
        json.dumps({"text": OWN, "outlet": "Example Times", "published": "2024-03-02"}),
        json.dumps([1, 2]),
        json.dumps({"text": "Another text, same URL.", "url": "https://REUTERS.com/a"}),
    ]
    dump.write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = list(iter_jsonl(dump, "dump.jsonl", 1_000_000))
    assert [i.source if not isinstance(i, Problem) else i.input for i in items] == [
        "dump.jsonl:1",
        "dump.jsonl:2",
        "dump.jsonl:3",
        "dump.jsonl:5",
        "dump.jsonl:6",
        "dump.jsonl:7",
    ]
    summary = ingest_sources([str(dump)], store, SETTINGS)
    assert (summary.new, summary.duplicates, summary.failed) == (2, 1, 3)
    assert [(p.input.rsplit("/", 1)[1], p.message) for p in summary.problems] == [
        (
            "dump.jsonl:2",
            "not valid JSON (Expecting property name enclosed in double quotes at column 2)",
        ),
        ("dump.jsonl:3", 'the JSON object has no "text" string'),
        ("dump.jsonl:6", 'expected a JSON object with a "text" field, found list'),
    ]
    assert store.article_for_url(canonical_url("https://reuters.com/a")) is not None


def test_an_overlong_line_is_skipped(tmp_path: Path) -> None:
    dump = tmp_path / "long.jsonl"
    dump.write_text(
        json.dumps({"text": "x" * 5000}) + "\n" + json.dumps({"text": "short one"}) + "\n"
    )
    items = list(iter_jsonl(dump, "long.jsonl", 1000))
    assert isinstance(items[0], Problem) and items[0].input == "long.jsonl:1"
    assert not isinstance(items[1], Problem) and items[1].text == "short one"


def test_folder_rerun_is_idempotent(tmp_path: Path, store: Store) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(WIRE)
    (folder / "b.html").write_bytes(page("Geneva talks collapse", OWN))
    (folder / "c.jsonl").write_text(
        json.dumps({"text": "The council met on Monday to vote."}) + "\n"
    )
    write_warc(folder / "d.warc.gz")
    first = ingest_sources([str(folder)], store, SETTINGS)
    assert (first.new, first.duplicates, first.failed) == (3, 2, 0)  # the archive repeats a, b
    second = ingest_sources([str(folder)], store, SETTINGS)
    assert (second.new, second.duplicates, second.near_copies) == (0, 5, 0)
    assert store.count_articles() == 3


def test_near_copies_are_linked_not_counted(tmp_path: Path, store: Store) -> None:
    assert len(shingles("a b c d e", 4)) == 2
    a, b = fingerprint(WIRE, SETTINGS), fingerprint(COPY, SETTINGS)
    assert a is not None and b is not None
    assert fingerprint("Too short to compare.", SETTINGS) is None
    dump = tmp_path / "wire.jsonl"
    rows = [
        {"text": WIRE, "outlet": "Reuters"},
        {"text": OWN, "outlet": "Example Times"},
        {"text": COPY, "outlet": "Daily Example"},
    ]
    dump.write_text("".join(json.dumps(r) + "\n" for r in rows))
    filed: list[str] = []
    copies: list[tuple[str, str]] = []
    summary = ingest_sources(
        [str(dump)],
        store,
        SETTINGS,
        on_article=lambda art: filed.append(art.outlet),
        on_copy=lambda art, original: copies.append((art.outlet, original)),
    )
    assert (summary.new, summary.near_copies, summary.duplicates) == (2, 1, 0)
    wire, own, copy = (store.list_articles()[k] for k in range(3))
    assert filed == ["Reuters", "Example Times"]
    assert copies == [("Daily Example", wire.id)]
    link = store.original_of(copy.id)
    assert link is not None and link[0] == wire.id and 0.6 <= link[1] < 1.0
    assert store.original_of(own.id) is None and store.original_of(wire.id) is None
    assert store.copies_of(wire.id) == [copy.id]
    # A copy of the copy links to the first telling; a re-run changes nothing.
    second = COPY.replace("(Reporting by staff; editing by the news desk)", "(Agencies)")
    more = ingest_sources([str(dump)], store, SETTINGS)
    assert (more.new, more.near_copies, more.duplicates) == (0, 0, 3)
    extra = tmp_path / "extra.jsonl"
    extra.write_text(json.dumps({"text": second, "outlet": "Other Example"}) + "\n")
    third = ingest_sources([str(extra)], store, SETTINGS)
    assert third.near_copies == 1 and third.links[0][1] == wire.id
    assert store.copies_of(wire.id) == [copy.id, third.links[0][0]]


def test_articles_keep_their_fields(store: Store) -> None:
    article = Article(id="x1", text=WIRE, title="t", outlet="Reuters", url="https://r.com/x")
    outcome = store.add_ingested(article, ["https://r.com/x"], None, [], lambda c: None)
    assert outcome == ("new", "", 0.0)
    assert (
        store.add_ingested(article, ["https://r.com/y"], None, [], lambda c: None)[0] == "duplicate"
    )
    assert store.article_for_url("https://r.com/y") == "x1"
    assert store.get_article("x1") == article


def test_canonical_url() -> None:
    assert canonical_url("HTTP://Example.COM:80/a/?utm_source=x&b=2&a=1#top") == (
        "http://example.com/a/?a=1&b=2"
    )
    assert canonical_url("https://example.com/news/1") == "https://example.com/news/1"
