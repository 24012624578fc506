"""``newsprism ingest --engine ray`` against the single-process ingest on the same input.

A corpus of replicated dev-corpus articles (``bench/bench_ingest.py``), 8 a day. The
partitioned clustering is checked to be exactly the sequential clusterer with the same
story restores at the seams (no Ray needed); the Ray ingest to store the same articles as
the single-process ingest and file them into exactly the same stories (tests/
test_partition_exact.py does the same on 3,000 articles without Ray), to be idempotent, to
resume after its driver is killed, and to run on a Ray cluster given by ``--address``.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from newsprism.engines.common import story_filer
from newsprism.engines.local import ingest_sources
from newsprism.model import Article
from newsprism.settings import DEFAULT
from newsprism.store.sqlite import Store
from newsprism.stories import partition
from newsprism.stories.features import extract_features
from newsprism.stories.persist import fallback_title

ROOT = Path(__file__).resolve().parent.parent
COUNT = 600
PER_DAY = 8.0
DAYS = 28.0  # partitions of four weeks: three partitions in 75 days


def _corpus(data: Path, count: int = COUNT) -> list[Article]:
    """``count`` replicated dev-corpus articles, ``PER_DAY`` a day."""
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import bench_ingest
    finally:
        sys.path.pop(0)
    articles = bench_ingest.replicated(bench_ingest.load_corpus(data), count)
    first = articles[0].published
    assert first is not None
    for k, article in enumerate(articles):
        article.published = first + timedelta(days=k / PER_DAY)
    return articles


@pytest.fixture(scope="module")
def corpus(shared_data: Path) -> list[Article]:
    return _corpus(shared_data)


@pytest.fixture(scope="module")
def dump(corpus: list[Article], tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ray") / "dump.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for article in corpus:
            record = {"text": article.text, "title": article.title, "outlet": article.outlet}
            assert article.published is not None
            record["published"] = article.published.isoformat()
            handle.write(json.dumps(record) + "\n")
    return path


@pytest.fixture(scope="module")
def single(dump: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The store the single-process ingest fills."""
    db = tmp_path_factory.mktemp("single") / "single.db"
    with Store(db) as store, story_filer(store, DEFAULT.stories) as filer:
        assert filer is not None
        summary = ingest_sources([str(dump)], store, on_article=filer.file, on_copy=filer.file_copy)
    assert summary.new + summary.near_copies == COUNT
    return db


def _members(db: Path) -> dict[str, str]:
    with sqlite3.connect(db) as conn:
        return dict(conn.execute("SELECT article, story FROM story_articles").fetchall())


def _ids(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        return [r[0] for r in conn.execute("SELECT id FROM articles ORDER BY rowid")]


def _same_stories(single: Path, other: Path) -> None:
    a, b = _members(single), _members(other)
    assert sorted(a) == sorted(b)  # every article filed once in both
    assert [k for k in a if a[k] != b[k]] == []  # ... in the same story


def test_partitions_equal_the_sequential_run_with_the_same_restores(
    corpus: list[Article],
) -> None:
    items = [partition.Item(a.id, fallback_title(a), extract_features(a)) for a in corpus]
    bounds = partition.split([i.features.published for i in items], DAYS, least=50)
    assert len(bounds) == 3
    begin = partition.count_starts(partition.Start({}, {}, 0, None), items, bounds)
    carried: list[partition.Carried] = []
    reference: list[partition.Carried] = []
    filed: list[str] = []
    expected: list[str] = []
    refiled = 0
    for (a, b), start in zip(bounds, begin, strict=False):
        guess = partition.speculate(items[a:b], start, DEFAULT.stories)
        settled = partition.settle(items[a:b], start, carried, guess, DEFAULT.stories)
        truth = partition.cluster_sequential(items[a:b], start, reference, DEFAULT.stories)
        filed += settled.assignments
        expected += truth.assignments
        refiled += settled.refiled
        carried, reference = settled.ending, truth.ending
        assert [c.id for c in carried] == [c.id for c in reference]
        assert [c.articles for c in carried] == [c.articles for c in reference]
    assert filed == expected
    assert refiled < len(items)  # the first partition (no carried stories) is taken as it is
    assert bounds[0][1] - bounds[0][0] > 0


@pytest.fixture(scope="module")
def local_ray() -> Iterator[None]:
    ray = pytest.importorskip("ray")
    from newsprism.engines.ray import start_ray

    try:
        start_ray(None, 2)
    except Exception as err:  # pragma: no cover - depends on the machine
        pytest.skip(f"Ray cannot start here: {err}")
    yield
    ray.shutdown()


def test_ray_stores_the_same_articles_and_stories(
    local_ray: None, dump: Path, single: Path, tmp_path: Path
) -> None:
    from newsprism.engines.ray import ingest_ray

    db = tmp_path / "ray.db"
    with Store(db) as store:
        result = ingest_ray([str(dump)], store, DEFAULT, workers=2, partition_days=DAYS)
    assert (result.summary.new, result.summary.failed) == (COUNT, 0)
    assert result.partitions == 2  # at least 200 articles each (LEAST_ARTICLES)
    assert _ids(db) == _ids(single)  # same articles, stored in the same order
    _same_stories(single, db)
    first = set(_ids(single)[:150])  # the first partition: no seam before it, exact
    a, b = _members(single), _members(db)
    assert {k: a[k] for k in first} == {k: b[k] for k in first}

    with sqlite3.connect(db) as conn:
        before = conn.execute("SELECT * FROM stories ORDER BY id").fetchall()
    with Store(db) as store:  # a re-run stores and files nothing again
        again = ingest_ray([str(dump)], store, DEFAULT, workers=2, partition_days=DAYS)
    assert (again.summary.new, again.summary.duplicates) == (0, COUNT)
    assert again.counts is not None and again.counts.new_stories == 0
    with sqlite3.connect(db) as conn:
        after = conn.execute("SELECT * FROM stories ORDER BY id").fetchall()
    assert [r[:8] for r in after] == [r[:8] for r in before]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A Ray head started by a separate process on 127.0.0.1; yields its address."""
    pytest.importorskip("ray")
    folder = tmp_path_factory.mktemp("head")
    script = (
        "import ray, sys\n"
        "ray.init(num_cpus=2, include_dashboard=False, _node_ip_address='127.0.0.1', "
        "log_to_driver=False)\n"
        "print(ray.get_runtime_context().gcs_address, flush=True)\n"
        "sys.stdin.read()\n"
    )
    head = subprocess.Popen(
        [sys.executable, "-c", script],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=folder,
        start_new_session=True,
    )
    assert head.stdout is not None
    address = head.stdout.readline().strip()
    if not address:
        head.kill()
        pytest.skip("Ray cannot start here: the head process gave no address")
    yield address
    assert head.stdin is not None
    head.stdin.close()
    try:
        head.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(head.pid, signal.SIGKILL)
        head.wait()


def _cli(db: Path, dump: Path, address: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "newsprism.cli",
        "ingest",
        str(dump),
        "--engine",
        "ray",
        "--address",
        address,
        "--db",
        str(db),
        "--json",
        "--no-progress",
    ]


# Ray turns token authentication on for a new local cluster (the head above) but sends the
# token to a cluster given by address only when asked to (RAY_AUTH_MODE=token).
DRIVER_ENV = {**os.environ, "RAY_AUTH_MODE": "token"}


def _stored(db: Path) -> int:
    try:
        with sqlite3.connect(db, timeout=0.1) as conn:
            return int(conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0])
    except sqlite3.Error:
        return 0


def test_killed_driver_resumes_on_a_cluster_given_by_address(
    cluster: str, dump: Path, single: Path, tmp_path: Path
) -> None:
    db = tmp_path / "killed.db"
    driver = subprocess.Popen(  # 4 articles a transaction: a kill lands while storing
        [*_cli(db, dump, cluster), "--store-batch", "4"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=DRIVER_ENV,
    )
    deadline = time.monotonic() + 240
    while _stored(db) == 0 and driver.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    driver.send_signal(signal.SIGKILL)
    driver.wait()
    stored = _stored(db)
    assert 0 < stored < COUNT  # killed while storing
    done = subprocess.run(
        _cli(db, dump, cluster),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env=DRIVER_ENV,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    summary = json.loads(done.stdout)
    assert summary["new"] == COUNT - stored
    assert summary["duplicates"] == stored
    assert summary["ray"]["workers"] == 2
    ids = _ids(db)
    assert len(ids) == len(set(ids)) == COUNT  # every article stored once
    _same_stories(single, db)  # and filed once, into the same stories


def _bounded_inputs(tmp_path: Path) -> tuple[Path, Path]:
    """A JSONL file of 15 lines with no text, then 15 articles whose ``published`` cannot
    be read (one warning each), and a folder of 12 empty files."""
    dump = tmp_path / "many.jsonl"
    lines = [json.dumps({}) for _ in range(15)] + [
        json.dumps(
            {
                "text": f"The harbour office said on Monday that ferry number {i} would leave "
                f"at {i} in the morning from pier {i}, a change from the old timetable.",
                "published": "not a date",
            }
        )
        for i in range(15)
    ]
    dump.write_text("\n".join(lines) + "\n", encoding="utf-8")
    folder = tmp_path / "empty"
    folder.mkdir()
    for k in range(12):
        (folder / f"{k:02}.txt").write_text(" ", encoding="utf-8")
    return dump, folder


def _bounded_expected(dump: Path, folder: Path) -> dict[str, object]:
    missing = 'the JSON object has no "text" string'
    late = (
        'cannot read the publication time "not a date" (give a full date, e.g. '
        "2024-10-21T09:30:00+03:00); ignored"
    )
    empty = "empty: the input holds no text"
    return {
        "problems": [(f"{dump}:{n}", missing) for n in range(1, 11)]
        + [(str(folder / f"{k:02}.txt"), empty) for k in range(10)],
        "unlisted": [(str(dump), "lines", 5), (str(folder), "files", 2)],
        "warnings": [(f"{dump}:{n}", late) for n in range(16, 26)],
        "unlisted_warnings": [(str(dump), "lines", 5)],
    }


def _bounded_seen(summary: object) -> dict[str, object]:
    return {
        "problems": [(p.input, p.message) for p in summary.problems],  # type: ignore[attr-defined]
        "unlisted": [(u.input, u.unit, u.count) for u in summary.unlisted],  # type: ignore[attr-defined]
        "warnings": [(p.input, p.message) for p in summary.warnings],  # type: ignore[attr-defined]
        "unlisted_warnings": [
            (u.input, u.unit, u.count)
            for u in summary.unlisted_warnings  # type: ignore[attr-defined]
        ],
    }


def test_failures_and_warnings_are_bounded_in_both_engines(local_ray: None, tmp_path: Path) -> None:
    """Review of issue 14, point 4: ``--engine ray`` listed every failure, and both engines
    kept one warning per line. The listing is ``IngestSummary``'s now, the same in both:
    the first ``max_failures_listed`` (10) failures and warnings of a file or folder are
    listed, the rest counted."""
    from newsprism.engines.ray import ingest_ray

    dump, folder = _bounded_inputs(tmp_path)
    expected = _bounded_expected(dump, folder)
    with Store(tmp_path / "single.db") as store:
        single = ingest_sources([str(dump), str(folder)], store)
    assert (single.new, single.failed) == (15, 27)
    assert _bounded_seen(single) == expected
    with Store(tmp_path / "ray.db") as store:
        result = ingest_ray([str(dump), str(folder)], store, DEFAULT, workers=2, stories=False)
    assert (result.summary.new, result.summary.failed) == (15, 27)
    assert _bounded_seen(result.summary) == expected


def test_a_concurrent_filing_during_the_ray_story_writes_is_caught_up(
    local_ray: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Review of issue 14, point 5: a single-process ``ingest`` filing while the Ray engine
    wrote its story partitions made the partition's write raise ``StoryConflict``, and the
    run ended with a traceback. The Ray run now files what is left one article at a time
    (``StoryFiler.catch_up``): no error, every article filed once, each counted once."""
    from newsprism.engines.ray import ingest_ray
    from newsprism.stories.persist import StoryFiler

    texts = [
        f"The harbour office of town {n} said on Monday that the ferry to island {n} will "
        f"leave at {n} in the morning from next week, after complaints from residents."
        for n in range(6)
    ]
    dump = tmp_path / "six.jsonl"
    dump.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts[:5]), encoding="utf-8")
    other_file = tmp_path / "other.txt"
    other_file.write_text(texts[5], encoding="utf-8")
    db = tmp_path / "s.db"
    write = partition.StoryWriter.write
    met: list[bool] = []

    def another_writer_first(self: partition.StoryWriter, *args: object) -> None:
        if not met:  # the other ingest stores and files its article just before
            met.append(True)
            with Store(db) as other:
                ingest_sources([str(other_file)], other)
                filer = StoryFiler(other, DEFAULT.stories)
                (found,) = [a for a in other.list_articles() if a.text == texts[5]]
                filer.file(found)
                filer.flush()
        write(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(partition.StoryWriter, "write", another_writer_first)
    with Store(db) as store:
        result = ingest_ray([str(dump)], store, DEFAULT, workers=2)
    assert met == [True]
    assert result.summary.new == 5
    counts = result.counts
    assert counts is not None
    assert counts.new_stories + counts.joined + counts.copies == 5  # this run's articles
    with sqlite3.connect(db) as conn:
        filed = [r[0] for r in conn.execute("SELECT article FROM story_articles")]
        stored = [r[0] for r in conn.execute("SELECT id FROM articles")]
    assert sorted(filed) == sorted(stored) and len(stored) == 6  # each filed once


def test_ray_featurer_analyses_with_the_runs_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """The Ray engine's analysis gets the run's settings, as the single-process one does,
    not the defaults (no Ray needed: the actor is a plain class)."""
    from dataclasses import replace

    import newsprism.analyze.article
    import newsprism.analyze.nlp
    from newsprism.engines.ray import Featurer

    settings = replace(DEFAULT, analyze=replace(DEFAULT.analyze))
    seen: list[object] = []
    monkeypatch.setattr(newsprism.analyze.nlp, "get_nlp", lambda models: seen.append(models))
    monkeypatch.setattr(
        newsprism.analyze.article,
        "analyze_articles",
        lambda articles, given=DEFAULT: seen.append(given) or [],
    )
    article = Article(id="a1", title="A title", text="Some words of an article.", outlet="X")
    Featurer(settings, analyze=True)({"pos": [0], "article": [article]})
    assert seen[0] is settings.models
    assert seen[1] is settings
