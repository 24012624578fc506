"""Storing ingested articles in batches (``Store.add_ingested_many``, one transaction a batch)
gives what storing them one transaction each gives, on SQLite and PostgreSQL; and the Ray
driver's batches count and store what the single-process ingest does (run here without Ray:
its actors are called in this process)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from newsprism.engines import ray as ray_engine
from newsprism.engines.local import ingest_sources
from newsprism.ingest.dedup import best_original, fingerprint
from newsprism.model import Article
from newsprism.settings import DEFAULT
from newsprism.store.open import open_store
from newsprism.store.sqlite import Ingested, Store

FERRY = (
    "The island ferry service will stop running at night from the first of March, the "
    "regional transport authority said on Monday, after the operator failed to hire enough "
    "crew for the late sailings. Residents who work in the port town said the change would "
    "leave them without a way home after evening shifts at the hospital and the fish market. "
    "The authority said a water taxi would run twice a night on weekends and that it would "
    "review the timetable again in the summer, when more seasonal staff are available."
)
# Another outlet's copy of the same story: one word changed, a closing line added.
FERRY_COPY = FERRY.replace("on Monday", "on Tuesday") + " Tickets bought in advance stay valid."
# A copy of that copy: another closing line.
FERRY_COPY_2 = FERRY_COPY.replace("stay valid.", "will be refunded on request.")
HARBOUR = (
    "Dredging of the old harbour began this week after years of delay, the city council said, "
    "with barges removing silt that had left the inner basin too shallow for the larger "
    "fishing boats at low tide. The work is expected to take four months and will close part "
    "of the quay to cars. Fishermen welcomed the start of the project but said the council "
    "should have planned it outside the herring season, when the harbour is at its busiest "
    "and every berth is needed for landing the catch before dawn."
)
HARBOUR_COPY = HARBOUR.replace("four months", "five months")
BRIDGE = (
    "The footbridge over the river reopened on Saturday after a three-week repair of its "
    "cables, which inspectors had found worn during a routine check in the autumn. Cyclists "
    "and walkers crossing to the railway station had been sent on a detour through the "
    "industrial estate while the bridge was shut. Engineers said the new cables should last "
    "thirty years and that sensors fitted under the deck will warn of any movement long before "
    "it could become dangerous to the people crossing it every day."
)
SHORT = "The library opens an hour later on Sundays from next month."


def entry(key: str, text: str, urls: list[str]) -> Ingested:
    """The entry the ingest makes for an article with id ``key`` and text ``text``."""
    found = fingerprint(text, DEFAULT.ingest)
    threshold = DEFAULT.ingest.near_copy_threshold

    def choose(candidates: list[tuple[str, bytes]]) -> tuple[str, float] | None:
        return best_original(found.signature, candidates, threshold) if found else None

    article = Article(id=key, text=text, title=f"Title {key}", outlet="Gazette")
    return Ingested(
        article, urls, found.signature if found else None, found.bands if found else [], choose
    )


STORED = entry("p", HARBOUR, ["https://example.org/harbour"])  # stored before the batch
BATCH = [
    entry("a", FERRY, ["https://example.org/ferry"]),
    entry("b", FERRY_COPY, ["https://example.net/ferry-copy"]),  # copy of "a", in the batch
    entry("c", FERRY_COPY_2, ["https://example.com/ferry"]),  # copy of "b": linked to "a"
    entry("a", FERRY, ["https://example.com/ferry-mirror"]),  # the id of "a": a duplicate
    # A URL already known (the stored article's) stays that article's.
    entry("q", BRIDGE, ["https://example.org/bridge", "https://example.org/harbour"]),
    entry("p", HARBOUR, ["https://example.org/harbour-again"]),  # the stored article's id
    entry("s", SHORT, []),  # too short to compare: no signature, no bands
    entry("h", HARBOUR_COPY, ["https://example.org/harbour-copy"]),  # copy of the stored one
]
OUTCOMES = [
    ("new", "", 0.0),
    ("near_copy", "a", 0.8515625),
    ("near_copy", "a", 0.96875),  # most like "b" (its similarity), linked to b's original
    ("duplicate", "a", 1.0),
    ("new", "", 0.0),
    ("duplicate", "p", 1.0),
    ("new", "", 0.0),
    ("near_copy", "p", 0.8828125),
]


def contents(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Every row that ingesting writes (articles in the order stored, without the time)."""
    queries = {
        "articles": "SELECT id, url, title, text FROM articles ORDER BY rowid",
        "urls": "SELECT url, article FROM article_urls ORDER BY url",
        "links": "SELECT article, original, kind, similarity FROM article_links ORDER BY article",
        "minhash": "SELECT article, signature FROM article_minhash ORDER BY article",
        "bands": "SELECT band, key, article FROM article_bands ORDER BY band, key, article",
    }
    return {
        name: [
            tuple(bytes(v) if isinstance(v, memoryview) else v for v in row)
            for row in store.conn.execute(sql).fetchall()
        ]
        for name, sql in queries.items()
    }


def one_by_one(store: Store, entries: list[Ingested]) -> list[tuple[str, str, float]]:
    return [
        store.add_ingested(e.article, e.urls, e.signature, e.bands, e.choose_original)
        for e in entries
    ]


def test_a_batch_stores_what_storing_one_by_one_stores(
    store_db: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    from pg_server import backend_db

    backend = "postgres" if store_db.startswith("postgresql") else "sqlite"
    with (
        backend_db(request, backend, tmp_path / "other.db") as other_db,
        open_store(store_db) as single,
        open_store(other_db) as batched,
    ):
        assert one_by_one(single, [STORED]) == [("new", "", 0.0)]
        assert batched.add_ingested_many([STORED]) == [("new", "", 0.0)]
        assert one_by_one(single, BATCH) == OUTCOMES
        assert batched.add_ingested_many(BATCH) == OUTCOMES
        assert contents(batched) == contents(single)
        found = contents(batched)
        assert [row[0] for row in found["articles"]] == ["p", "a", "b", "c", "q", "s", "h"]
        assert found["urls"] == [
            ("https://example.com/ferry", "c"),
            ("https://example.com/ferry-mirror", "a"),  # the duplicate's URL
            ("https://example.net/ferry-copy", "b"),
            ("https://example.org/bridge", "q"),
            ("https://example.org/ferry", "a"),
            ("https://example.org/harbour", "p"),  # known already: kept
            ("https://example.org/harbour-again", "p"),
            ("https://example.org/harbour-copy", "h"),
        ]
        assert [row[:2] for row in found["links"]] == [("b", "a"), ("c", "a"), ("h", "p")]
        assert [row[0] for row in found["minhash"]] == ["a", "b", "c", "h", "p", "q"]
        assert len(found["bands"]) == 6 * 18  # 18 bands each; "s" has none
        assert batched.copies_of("a") == ["b", "c"]
        assert batched.add_ingested_many([]) == []


def test_a_failing_batch_stores_nothing(store_db: str) -> None:
    def fails(candidates: list[tuple[str, bytes]]) -> tuple[str, float] | None:
        raise RuntimeError("no choice")

    broken = Ingested(BATCH[1].article, BATCH[1].urls, BATCH[1].signature, BATCH[1].bands, fails)
    with open_store(store_db) as store:
        store.add_ingested_many([STORED])
        before = contents(store)
        with pytest.raises(RuntimeError, match="no choice"):
            store.add_ingested_many([BATCH[0], broken, BATCH[4]])
        assert contents(store) == before
        assert store.count_articles() == 1
        assert store.add_ingested_many(BATCH[:2]) == OUTCOMES[:2]  # the store still works


# --- the Ray driver's batches, without Ray -----------------------------------------------------


class InProcess:
    """``ray_engine._Pools`` without Ray: one actor per stage, batches of ``BATCH`` rows."""

    def map(
        self, actor: Callable[..., Any], args: tuple[Any, ...], rows: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        made = actor(*args)
        out: list[dict[str, Any]] = []
        for start in range(0, len(rows), ray_engine.BATCH):
            part = rows[start : start + ray_engine.BATCH]
            result = made({key: [row[key] for row in part] for key in part[0]})
            columns = list(result.values())
            out += [dict(zip(result, values, strict=True)) for values in zip(*columns, strict=True)]
        out.sort(key=lambda row: (int(row["pos"]), int(row["sub"])))
        return out


LINES = [
    (FERRY, "https://example.org/ferry"),
    (BRIDGE, "https://example.org/ferry"),  # the URL of the line before: in the same batch
    (FERRY_COPY, "https://example.net/ferry-copy"),
    (HARBOUR, "https://example.org/harbour"),
    (FERRY, "https://example.com/ferry-mirror"),  # the text of the first line
    (BRIDGE, "https://example.com/ferry-mirror?utm_source=feed"),  # the URL of the line before
    (SHORT, ""),
    (HARBOUR_COPY, "https://example.org/harbour-copy"),
    (FERRY_COPY_2, "https://example.net/ferry-copy#top"),  # the third line's URL
    (BRIDGE, "https://example.org/bridge"),
]


@pytest.mark.parametrize("size", [1, 2, 3, 128])
def test_the_ray_drivers_batches_store_what_the_single_process_stores(
    tmp_path: Path, size: int
) -> None:
    dump = tmp_path / "dump.jsonl"
    with dump.open("w", encoding="utf-8") as handle:
        for k, (text, url) in enumerate(LINES):
            record = {"text": text, "title": f"Line {k}", "outlet": "Gazette"}
            handle.write(json.dumps(record | ({"url": url} if url else {})) + "\n")
    with Store(tmp_path / "single.db") as store:
        single = ingest_sources([str(dump)], store, DEFAULT.ingest)
        expected = contents(store)
    with Store(tmp_path / "ray.db") as store:
        run = ray_engine._RayRun(store, DEFAULT, 1, False, ray_engine.PARTITION_DAYS, size)
        run.pools = InProcess()  # type: ignore[assignment]
        run.chunk(list(run.jobs(str(dump))))
        assert contents(store) == expected
        assert [row[2] for row in expected["articles"]] == [
            "Line 0", "Line 2", "Line 3", "Line 6", "Line 7", "Line 9"
        ]  # fmt: skip
    counts = (run.summary.new, run.summary.duplicates, run.summary.near_copies)
    assert counts == (single.new, single.duplicates, single.near_copies) == (4, 4, 2)
    assert run.summary.links == single.links
    new = [row[0] for row in expected["articles"] if row[2] not in ("Line 2", "Line 7")]
    assert list(run.items) == new  # the features kept for filing: the new articles'
    assert not run.batch and not run.batch_urls
