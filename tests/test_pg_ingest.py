"""``newsprism ingest`` on both backends: the same inputs store and file exactly the same in a
SQLite file and in a PostgreSQL database (``store_db``'s server).

One sequence of real ingest runs (``newsprism ingest SOURCE --db DB --json``, in this process)
is made once per backend, from the same files:

1. a folder holding a text file with a sidecar, an HTML page, a JSONL dump and a WARC archive
   that repeats the text file's and the page's articles (duplicates by text) and holds
   records that are no article (an image, a redirect, a request);
2. the same folder again: every article a duplicate, nothing in the store changes;
3. a JSONL of later reports: follow-ups of step 1's events (they join its stories when
   written), a near-copy of a near-copy (linked to the first telling), a text at a known URL
   (a duplicate by URL) and a bad line;
4. a JSONL of news text (ECB+ documents when ../shared/data is present, else generated text:
   ``test_reliability_kill.corpus``) dated within four weeks, with near-copies of some.

Each backend is checked for the exact outcome (counts of every run, article ids in storing
order, URLs, near-copy links, every article filed once, a copy with its original), then the
two backends against each other: every stored row of the ingest and story tables
(timestamps aside: the stories and their members, clusterer state and word counts included),
and what full-text search finds. Which story an article joins is the clusterer's decision,
so it is checked as "the same on both backends", not as fixed ids.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from newsprism.cli import main as cli_main
from newsprism.ingest import article_id
from newsprism.store import open_store
from pg_server import BACKENDS, backend_db
from test_reliability_kill import corpus
from test_sources_files import COPY, OWN, WIRE, page, write_warc
from test_storystore import (
    BUDGET,
    MOROCCO,
    MOROCCO_2,
    TURKEY_1,
    TURKEY_1_COPY,
    TURKEY_2,
    TURKEY_3,
    record,
)

NEWS = 60  # news reports in step 4
COPIED = 6  # near-copies of them (every tenth), in step 4 too
CLOSING = " (Additional reporting by the wire desk.)"

COUNCIL = "The council met on Monday to vote on the budget for the new school year."
# COPY again as a third outlet runs it: another closing line (a copy of the copy).
COPY_2 = COPY.replace("(Reporting by staff; editing by the news desk)", "(Agencies)")

# Every table ingest and story filing write, in key order; timestamp columns left out.
TABLES = {
    "articles": "SELECT id, outlet, outlet_id, url, title, published, published_source, "
    "language, text, source, notes FROM articles ORDER BY id",
    "articles by rowid": "SELECT id FROM articles ORDER BY rowid",
    "outlets": "SELECT * FROM outlets ORDER BY id",
    "article_urls": "SELECT url, article FROM article_urls ORDER BY url",
    "article_links": "SELECT article, original, kind, similarity FROM article_links "
    "ORDER BY article",
    "article_minhash": "SELECT article, signature FROM article_minhash ORDER BY article",
    "article_bands": "SELECT band, key, article FROM article_bands ORDER BY band, key, article",
    "ingest_sources": "SELECT source, status, article, message FROM ingest_sources ORDER BY source",
    "stories": 'SELECT id, title, start, "end", status, merged_into, articles, copies, '
    "last_joined, state FROM stories ORDER BY id",
    "story_articles": "SELECT article, story, seq, copy_of, pinned FROM story_articles "
    "ORDER BY article",
    "story_aliases": "SELECT alias, story FROM story_aliases ORDER BY alias",
    "story_apart": "SELECT a, b FROM story_apart ORDER BY a, b",
    "story_df": "SELECT feature, count FROM story_df ORDER BY feature",
    "story_name_df": "SELECT name, count FROM story_name_df ORDER BY name",
    "story_df_pending": "SELECT seq, words, names FROM story_df_pending ORDER BY seq",
    "story_meta": "SELECT key, value FROM story_meta ORDER BY key",
}
SEARCHES = ["Geneva", "earthquake Turkey", "Kahramanmaras", "U.S.", "police", "said"]


def tables(db: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of ``TABLES`` (blobs as bytes, whichever the backend)."""
    found: dict[str, list[tuple[Any, ...]]] = {}
    with open_store(db) as store:
        for name, sql in TABLES.items():
            rows = store.conn.execute(sql).fetchall()
            found[name] = [
                tuple(bytes(v) if isinstance(v, memoryview) else v for v in r) for r in rows
            ]
    return found


def searched(db: str) -> dict[str, set[str]]:
    """What full-text search finds for each of ``SEARCHES`` (as a set: the backends rank
    close matches differently, BM25 and ts_rank)."""
    with open_store(db) as store:
        return {q: {a.id for a in store.search_articles(q, limit=-1)} for q in SEARCHES}


@dataclass
class Run:
    """What one backend's sequence of ingests printed and stored."""

    news: list[dict[str, str]]  # step 4's reports
    copies: list[dict[str, str]]  # step 4's near-copies of some of them
    summaries: list[dict[str, Any]] = field(default_factory=list)  # --json of each step
    stored: list[dict[str, list[tuple[Any, ...]]]] = field(default_factory=list)  # after each
    found: dict[str, set[str]] = field(default_factory=dict)  # full-text search at the end


def news_reports() -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """Step 4's reports, dated within four weeks (so reports of one event can join one
    story), and near-copies of every tenth (another outlet adds a closing line)."""
    records, _ = corpus(NEWS)
    news = [
        {**r, "published": f"2024-10-{1 + k % 28:02d}T12:00:00+00:00"}
        for k, r in enumerate(records)
    ]
    copies = [
        {
            **r,
            "text": r["text"] + CLOSING,
            "outlet": "Copier",
            "url": r["url"].replace("/story/", "/copy/"),
        }
        for r in news[:: NEWS // COPIED]
    ]
    return news, copies


def write_inputs(folder: Path, news: list[dict[str, str]]) -> list[Path]:
    """The source of each step."""
    first = folder / "in"
    first.mkdir()
    (first / "a.txt").write_text(WIRE, encoding="utf-8")
    (first / "a.txt.meta.json").write_text(
        json.dumps(
            {
                "outlet": "Reuters",
                "published": "2024-03-02T09:00:00+00:00",
                "url": "https://www.reuters.com/world/water-talks",
                "title": "Water talks end without deal",
            }
        ),
        encoding="utf-8",
    )
    (first / "b.html").write_bytes(page("Geneva talks collapse", OWN))
    records = [
        record(TURKEY_1, "Huge quake kills thousands in Turkey", "Reuters", "2024-02-26"),
        record(BUDGET, "EU parliament passes 2024 budget", "Politico", "2024-02-28"),
        record(TURKEY_1_COPY, "Huge quake kills thousands in Turkey", "Daily Star", "2024-02-26"),
        {"text": COPY, "outlet": "Daily Example", "url": "https://daily.example.com/talks"},
        {"text": COUNCIL, "outlet": "Town Crier"},
    ]
    (first / "c.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    write_warc(first / "d.warc.gz")

    later = folder / "later.jsonl"
    known = "https://WWW.reuters.com/world/water-talks?utm_source=rss"  # a.txt's, written apart
    rows = [
        json.dumps(record(TURKEY_2, "Turkey quake toll passes 2,300", "BBC", "2024-02-27")),
        json.dumps(record(TURKEY_3, "Survivors pulled from rubble", "Reuters", "2024-02-28")),
        json.dumps(record(MOROCCO, "Quake in Morocco kills hundreds", "AP", "2024-03-01")),
        json.dumps(record(MOROCCO_2, "Morocco toll passes 2,000", "AFP", "2024-03-02")),
        json.dumps({"text": COPY_2, "outlet": "Other Example"}),
        json.dumps({"text": "Another text found at a known address.", "url": known}),
        "{not json",
    ]
    later.write_text("\n".join(rows) + "\n", encoding="utf-8")

    more = folder / "news.jsonl"
    more.write_text("".join(json.dumps(r) + "\n" for r in news), encoding="utf-8")
    return [first, first, later, more]


def ingest(db: str, source: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    """``newsprism ingest SOURCE --db DB --json``: its summary (the time left out)."""
    assert cli_main(["ingest", str(source), "--db", db, "--no-progress", "--json"]) == 0
    summary: dict[str, Any] = json.loads(capsys.readouterr().out)
    del summary["seconds"]
    return summary


_RUNS: dict[str, Run] = {}
_SOURCES: list[Path] = []


@pytest.fixture
def run(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    capsys: pytest.CaptureFixture[str],
) -> Callable[[str], Run]:
    """``run(backend)``: the four steps on that backend (made once per test session, from
    the same files for both backends: the stored source names match)."""

    def made(backend: str) -> Run:
        if backend not in _RUNS:
            news, copies = news_reports()
            if not _SOURCES:
                _SOURCES.extend(write_inputs(tmp_path_factory.mktemp("sources"), news + copies))
            found = Run(news, copies)
            sqlite_file = tmp_path_factory.mktemp("store") / "news.db"
            with backend_db(request, backend, sqlite_file) as db:
                for source in _SOURCES:
                    found.summaries.append(ingest(db, source, capsys))
                    found.stored.append(tables(db))
                found.found = searched(db)
            _RUNS[backend] = found
        return _RUNS[backend]

    return made


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_folder_is_stored_once_and_a_rerun_changes_nothing(
    backend: str, run: Callable[[str], Run]
) -> None:
    found = run(backend)
    first, again = found.summaries[:2]
    assert (first["new"], first["duplicates"], first["near_copies"]) == (5, 2, 2)
    assert (first["failed"], first["skipped"], first["problems"]) == (0, 2, [])
    stored = found.stored[0]
    ids = [r[0] for r in stored["articles by rowid"]]  # in the order they were stored
    texts = [WIRE, OWN, TURKEY_1, BUDGET, TURKEY_1_COPY, COPY, COUNCIL]
    assert ids == [article_id(t) for t in texts]
    wire, own, turkey, _, turkey_copy, copy, _ = ids
    assert [(c, o) for c, o, _ in first["links"]] == [(turkey_copy, turkey), (copy, wire)]
    assert [r[:3] for r in stored["article_links"]] == sorted(
        [(turkey_copy, turkey, "near_copy"), (copy, wire, "near_copy")]
    )
    assert stored["article_urls"] == sorted(
        [
            ("https://daily.example.com/talks", copy),
            ("https://example.org/own", own),  # the archive's page of b.html's text
            ("https://www.reuters.com/world/water-talks", wire),  # a.txt's sidecar, the archive
        ]
    )
    minhash = [r[0] for r in stored["article_minhash"]]
    assert set(ids) - set(minhash) == {article_id(BUDGET), article_id(COUNCIL)}  # too short
    members = {a: (s, c) for a, s, _, c, _ in stored["story_articles"]}
    assert set(members) == set(ids)  # every article filed, once
    assert members[turkey_copy] == (members[turkey][0], turkey)  # a copy joins its original
    assert members[copy] == (members[wire][0], wire)
    assert first["stories"]["copies"] == 2
    assert first["stories"]["new_stories"] + first["stories"]["joined"] == 5

    assert (again["new"], again["duplicates"], again["near_copies"], again["failed"]) == (
        0,
        9,
        0,
        0,
    )
    assert again["stories"] == {"new_stories": 0, "joined": 0, "copies": 0, "caught_up": 0}
    # The re-run stored and filed nothing; it only noted that all before it is filed.
    rerun = found.stored[1]
    assert {k: v for k, v in rerun.items() if k != "story_meta"} == {
        k: v for k, v in stored.items() if k != "story_meta"
    }
    meta, meta_then = dict(rerun["story_meta"]), dict(stored["story_meta"])
    assert (meta.pop("checked_rowid"), meta_then.pop("checked_rowid")) == ("7", "0")
    assert meta == meta_then


@pytest.mark.parametrize("backend", BACKENDS)
def test_later_reports_and_a_copy_of_a_copy(backend: str, run: Callable[[str], Run]) -> None:
    found = run(backend)
    later = found.summaries[2]
    assert (later["new"], later["duplicates"], later["near_copies"], later["failed"]) == (
        4,
        1,
        1,
        1,
    )
    assert [p["message"] for p in later["problems"]] == [
        "not valid JSON (Expecting property name enclosed in double quotes at column 2)"
    ]
    stored = found.stored[2]
    wire, copy_2 = article_id(WIRE), article_id(COPY_2)
    assert [(c, o) for c, o, _ in later["links"]] == [(copy_2, wire)]  # to the first telling
    assert [r[0] for r in stored["articles by rowid"]][7:] == [
        article_id(t) for t in (TURKEY_2, TURKEY_3, MOROCCO, MOROCCO_2, COPY_2)
    ]  # not the text at a known address
    assert later["stories"]["new_stories"] + later["stories"]["joined"] == 4
    members = {a: s for a, s, _, _, _ in stored["story_articles"]}
    assert members[copy_2] == members[wire]
    assert set(members) == {r[0] for r in stored["articles"]}
    for name in ("articles", "article_urls", "article_links", "article_minhash", "story_articles"):
        assert set(found.stored[1][name]) <= set(stored[name]), name  # nothing lost or moved


@pytest.mark.parametrize("backend", BACKENDS)
def test_news_reports_are_stored_once_with_their_near_copies_linked(
    backend: str, run: Callable[[str], Run]
) -> None:
    found = run(backend)
    news = found.summaries[3]
    assert (news["new"], news["duplicates"], news["near_copies"], news["failed"]) == (
        NEWS,
        0,
        COPIED,
        0,
    )
    assert [(c, o) for c, o, _ in news["links"]] == [
        (article_id(c["text"]), article_id(n["text"]))
        for c, n in zip(found.copies, found.news[:: NEWS // COPIED], strict=True)
    ]
    stored = found.stored[3]
    assert [r[0] for r in stored["articles by rowid"]][12:] == [
        article_id(r["text"]) for r in found.news + found.copies
    ]
    assert len(stored["article_urls"]) == 3 + NEWS + COPIED  # one per report, each its own
    members = {a: (s, c) for a, s, _, c, _ in stored["story_articles"]}
    assert set(members) == {r[0] for r in stored["articles"]}
    for copy, original, _ in news["links"]:
        assert members[copy] == (members[original][0], original)
    stories = {s for s, _ in members.values()}
    assert news["stories"]["new_stories"] + news["stories"]["joined"] == NEWS
    assert len(stories) < len(members) - COPIED - 3  # reports of one event share a story


def test_both_backends_store_and_file_exactly_alike(run: Callable[[str], Run]) -> None:
    sqlite, postgres = run("sqlite"), run("postgres")
    assert postgres.summaries == sqlite.summaries
    for step, (lite, pg) in enumerate(zip(sqlite.stored, postgres.stored, strict=True)):
        for name in TABLES:
            assert pg[name] == lite[name], f"step {step + 1}: {name}"
    assert postgres.found == sqlite.found


def test_a_nul_character_in_metadata_is_stored(
    tmp_path: Path, store_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A JSON record whose title, outlet, URL or language holds U+0000 is stored alike on
    both backends, the character dropped (ingest drops control characters from metadata,
    cleaning from the text; PostgreSQL text cannot hold it: before the fix the whole run
    stopped with psycopg's "PostgreSQL text fields cannot contain NUL (0x00) bytes")."""
    source = tmp_path / "nul.jsonl"
    row = {
        "text": WIRE.replace("GENEVA", "GEN\u0000EVA"),
        "title": "Water\u0000 talks",
        "outlet": "Example\u0000 Times",
        "url": "https://news.example.org/world/water\u0000-talks",
        "language": "e\u0000n",
    }
    source.write_text(json.dumps(row) + "\n" + json.dumps({"text": OWN}) + "\n")
    first, again = ingest(store_db, source, capsys), ingest(store_db, source, capsys)
    assert (first["new"], first["failed"], again["new"], again["duplicates"]) == (2, 0, 0, 2)
    kept = ""  # dropped on both backends: ingest drops control characters from metadata
    with open_store(store_db) as store:
        article = store.get_article(article_id(WIRE))
        assert article is not None and article.text == WIRE  # cleaning drops it from the text
        assert (article.title, article.outlet, article.url, article.language) == (
            f"Water{kept} talks",
            f"Example{kept} Times",
            f"https://news.example.org/world/water{kept}-talks",
            f"e{kept}n",
        )
        assert store.count_articles() == 2
