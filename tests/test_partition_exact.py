"""Story clustering split into time partitions files a few thousand articles exactly as one
uninterrupted clusterer does, and continues a store exactly as ``StoryFiler`` would.

The corpus is 3,000 replicated dev-corpus articles (``bench/bench_ingest.py``), 8 a day over
375 days, cut into partitions of nine weeks: 5 seams. Exactness rests on the clusterer's IDF
folds (``cluster.next_fold``): a partition starts with the live word counts *and* those of
the last fold before it, counted from the partitions before it (``partition.totals``).
No Ray here: tests/test_ray_engine.py runs the same functions in Ray tasks.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from newsprism.model import Article
from newsprism.settings import DEFAULT
from newsprism.store.sqlite import Store
from newsprism.stories import partition
from newsprism.stories.cluster import StoryClusterer
from newsprism.stories.features import extract_features
from newsprism.stories.persist import StoryFiler, fallback_title
from test_ray_engine import _corpus

pytestmark = pytest.mark.slow

COUNT = 3000
DAYS = 63.0  # partitions of nine weeks, each a little over two time windows
FIRST_RUN = 1000  # articles a StoryFiler files before the partitioned run continues the store


@pytest.fixture(scope="module")
def articles(shared_data: Path) -> list[Article]:
    return _corpus(shared_data, COUNT)


@pytest.fixture(scope="module")
def items(articles: list[Article]) -> list[partition.Item]:
    return [partition.Item(a.id, fallback_title(a), extract_features(a)) for a in articles]


@pytest.fixture(scope="module")
def one_run(
    articles: list[Article], items: list[partition.Item]
) -> tuple[list[str], StoryClusterer]:
    """Every article filed by one clusterer that never stopped."""
    clusterer = StoryClusterer(DEFAULT.stories)
    filed = [clusterer.add(a, i.features) for a, i in zip(articles, items, strict=True)]
    return filed, clusterer


def _partitioned(
    items: list[partition.Item],
    first: partition.Start,
    carried: list[partition.Carried],
    writer: partition.StoryWriter | None = None,
) -> tuple[list[str], list[partition.Start], int, int]:
    """(story of each item, the starts, items re-filed at the seams, partitions)."""
    bounds = partition.split([i.features.published for i in items], DAYS, least=50)
    begin = partition.count_starts(first, items, bounds)
    filed: list[str] = []
    refiled = 0
    for n, ((a, b), start) in enumerate(zip(bounds, begin, strict=False)):
        guess = partition.speculate(items[a:b], start, DEFAULT.stories)
        settled = partition.settle(items[a:b], start, carried, guess, DEFAULT.stories)
        if writer is not None:
            entries: list[partition.Item | partition.Copy] = list(items[a:b])
            writer.write(entries, settled, begin[n + 1])
        filed += settled.assignments
        refiled += settled.refiled
        carried = settled.ending
    return filed, begin, refiled, len(bounds)


def test_partitions_file_a_few_thousand_articles_as_one_run(
    items: list[partition.Item], one_run: tuple[list[str], StoryClusterer]
) -> None:
    expected, clusterer = one_run
    filed, begin, refiled, parts = _partitioned(items, partition.Start({}, {}, 0, None), [])
    assert parts == 6
    assert len(set(expected)) > 500  # many stories, many of them across seams
    assert filed == expected
    after = begin[-1]
    assert (after.documents, after.folded) == (COUNT, clusterer.folded) == (COUNT, 2765)
    assert after.folded_words == clusterer.folded_frequencies()
    assert after.words == clusterer.frequencies()[0]
    # Stories of this corpus recur all through each 300-day pass of the replicated corpus, so
    # a story open at a seam stays open and the speculative run of a partition never meets
    # the true one until late: the seam pass re-files 2,496 of the 2,520 articles after the
    # first partition (exact all the same).
    assert (begin[1].documents, refiled) == (480, 2496)


def _members(db: Path) -> dict[str, str]:
    with sqlite3.connect(db) as conn:
        return dict(conn.execute("SELECT article, story FROM story_articles").fetchall())


def test_a_partitioned_run_continues_a_store_as_a_filer_does(
    articles: list[Article],
    items: list[partition.Item],
    one_run: tuple[list[str], StoryClusterer],
    tmp_path: Path,
) -> None:
    """A store a StoryFiler started (1,000 articles), continued by the partitioned path and
    its StoryWriter (as ``ingest --engine ray`` does), holds the stories and counts one
    filer that never stopped writes."""
    expected, clusterer = one_run
    with Store(tmp_path / "filer.db") as store:
        filer = StoryFiler(store)
        with filer.batch(500):
            for article, item in zip(articles, items, strict=True):
                filer.file(article, item.features, store=True)
        filer_meta = store.story_meta()
        filer_folded = store.story_df(folded_only=True)
        filer_pending = store.conn.execute("SELECT COUNT(*) FROM story_df_pending").fetchone()[0]
    assert list(_members(tmp_path / "filer.db").values()) != []
    assert _members(tmp_path / "filer.db") == dict(
        zip([a.id for a in articles], expected, strict=True)
    )
    with Store(tmp_path / "mixed.db") as store:
        filer = StoryFiler(store)
        with filer.batch(500):
            for article, item in zip(articles[:FIRST_RUN], items[:FIRST_RUN], strict=True):
                filer.file(article, item.features, store=True)
        for article in articles[FIRST_RUN:]:  # the Ray engine stores them before filing
            assert store.add_ingested(article, [], None, [], lambda found: None)[0] == "new"
        writer = partition.StoryWriter(store)
        first, carried, _ = writer.start()
        assert (first.documents, first.folded) == (FIRST_RUN, 972)
        filed, _, _, _ = _partitioned(items[FIRST_RUN:], first, carried, writer)
        assert filed == expected[FIRST_RUN:]
        meta = store.story_meta()
        assert {k: meta[k] for k in ("documents", "folded", "seq")} == {
            k: filer_meta[k] for k in ("documents", "folded", "seq")
        }
        assert meta["folded"] == str(clusterer.folded)
        assert store.story_df(folded_only=True) == filer_folded
        pending = store.conn.execute("SELECT COUNT(*) FROM story_df_pending").fetchone()[0]
        assert pending == filer_pending == COUNT - clusterer.folded
    assert _members(tmp_path / "mixed.db") == _members(tmp_path / "filer.db")
