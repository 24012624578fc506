"""The web server under load while an ingest writes (issue 7): 20 clients for 15 s against a
real ``newsprism serve`` on 127.0.0.1, over a small store (the two demo articles, compared,
and 150 generated local-news articles), while a ``newsprism ingest`` process stores 200 more.
The driver is ``bench/bench_web_load.py``'s; no timing is asserted, only that nothing failed
and everything was stored once."""

from __future__ import annotations

import json
import random
import sqlite3
import sys
from pathlib import Path

import pytest

from newsprism.cli import main as cli_main
from newsprism.cli.ingest import main as ingest_main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
sys.path.insert(0, str(ROOT / "bench"))

import bench_web_load  # noqa: E402

KAZAN = "s52f02e59a2a7d2ab"
OUTLETS = ("BBC", "Reuters", "RT", "Al Jazeera", "Fox News", "Le Monde", "Der Spiegel", "NHK")
TOWNS = ("Arden", "Belmont", "Carver", "Dunmore", "Elston", "Fairholm", "Glenrock", "Harlow")
# One kind of local event: its title and the sentences an article about it picks from.
KINDS = {
    "fire": (
        "Fire at {place} in {town}",
        [
            "A fire broke out at the {place} in {town} on {day}, the fire service said.",
            "{n} people were taken to hospital with smoke injuries, none of them seriously hurt.",
            "About {m} firefighters worked through the night to bring the blaze under control.",
            "The cause of the fire is not yet known, and investigators will visit on {next}.",
            "Residents of nearby streets were told to keep their windows closed.",
            "The owner of the {place} said the building had passed a safety check last year.",
        ],
    ),
    "flood": (
        "River floods streets of {town}",
        [
            "The river burst its banks in {town} on {day} after three days of heavy rain.",
            "Around {n} homes were flooded and {m} families spent the night in the {place}.",
            "The mayor of {town} asked the regional government for emergency funds.",
            "Forecasters expect the water to fall slowly until {next}.",
            "Volunteers filled sandbags outside the {place} until late in the evening.",
            "Two bridges were closed to traffic, adding long detours for commuters.",
        ],
    ),
    "strike": (
        "Workers strike at {place} in {town}",
        [
            "Workers at the {place} in {town} walked out on {day} in a dispute over pay.",
            "The union said {n} members took part and demanded a raise of {m} percent.",
            "Management called the strike unnecessary and offered talks on {next}.",
            "Deliveries from the {place} stopped for the whole day.",
            "Local shops said they expected shortages if the strike went on.",
            "The regional labour office offered to mediate between the two sides.",
        ],
    ),
}
PLACES = ("warehouse", "school", "market hall", "town hall", "factory", "library")
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")


def generated(count: int, seed: int, url_prefix: str) -> list[dict[str, object]]:
    """``count`` JSONL records: local news about a few dozen events, four to six articles
    each, by different outlets, each with its own URL."""
    rng = random.Random(seed)
    records: list[dict[str, object]] = []
    event = 0
    while len(records) < count:
        kind = sorted(KINDS)[rng.randrange(len(KINDS))]
        title, sentences = KINDS[kind]
        facts = {
            "town": rng.choice(TOWNS),
            "place": rng.choice(PLACES),
            "day": rng.choice(DAYS),
            "next": rng.choice(DAYS),
            "n": rng.randint(3, 90),
            "m": rng.randint(10, 400),
        }
        for outlet in rng.sample(OUTLETS, rng.randint(4, 6)):
            picked = rng.sample(sentences[1:], rng.randint(3, len(sentences) - 1))
            text = " ".join(s.format(**facts) for s in [sentences[0], *picked])
            records.append(
                {
                    "text": f"{text} ({outlet}, report {len(records)})",
                    "title": title.format(**facts),
                    "outlet": outlet,
                    "published": f"2024-{1 + event // 28:02d}-{1 + event % 28:02d}T"
                    f"{8 + len(records) % 10:02d}:00:00+00:00",
                    "url": f"https://example.org/{url_prefix}/{len(records)}",
                }
            )
        event += 1
    return records[:count]


@pytest.mark.slow
def test_readers_while_ingest_writes(tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    assert ingest_main([str(EXAMPLES), "--db", str(db), "--no-progress"]) == 0
    assert (
        cli_main(["compare", "--story", KAZAN, "--db", str(db), "-o", str(tmp_path / "k.json")])
        == 0
    )
    before = bench_web_load.write_dump(generated(150, 1, "before"), tmp_path / "before.jsonl")
    assert ingest_main([str(before), "--db", str(db), "--no-progress"]) == 0
    during = generated(200, 2, "during")
    dump = bench_web_load.write_dump(during, tmp_path / "during.jsonl")

    result = bench_web_load.load_test(db, [dump], 20, 15.0, tmp_path, all_dumps=True)
    outcome = result.outcome

    # Every request answered, none with an error, every body as it should be.
    problems = "; ".join(outcome.error_examples)
    assert dict(outcome.errors) == {}, problems
    assert dict(outcome.bad_content) == {}, problems
    assert all(200 <= status < 400 for status in outcome.statuses), outcome.statuses
    assert result.server_errors == []
    # Each kind of request was sent (each client starts with another kind).
    kinds = {kind for kind, _, _ in bench_web_load.request_mix(bench_web_load.read_targets(db))}
    assert set(outcome.latencies) == kinds
    assert {"list api", "story demo"} <= kinds

    # The ingest ran to its end and stored each article once, filed under one story.
    assert result.ingest.failures == []
    assert len(result.ingest.summaries) == 1
    summary = result.ingest.summaries[0]
    stored = summary["new"] + summary["near_copies"]
    assert (stored, summary["duplicates"], summary["failed"]) == (200, 0, 0)
    assert result.articles_after - result.articles_before == 200
    with sqlite3.connect(db) as conn:
        urls = [str(r["url"]) for r in during]
        marks = ", ".join("?" * len(urls))
        found = conn.execute(
            f"SELECT COUNT(*), COUNT(DISTINCT article) FROM article_urls WHERE url IN ({marks})",
            urls,
        ).fetchone()
        assert tuple(found) == (200, 200)
        filed = conn.execute(
            "SELECT COUNT(*) FROM story_articles m JOIN article_urls u ON u.article = m.article "
            f"WHERE u.url IN ({marks})",
            urls,
        ).fetchone()[0]
        assert filed == 200
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    report = bench_web_load.report(result, 20, 15.0)
    assert json.loads(json.dumps(report))["errors"] == 0
