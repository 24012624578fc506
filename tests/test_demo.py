"""The demo end to end: `newsprism compare examples/` on the two bundled articles, with the
exact findings a reader of the report relies on."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from newsprism.cli import main as cli_main

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("demo")
    args = ["compare", str(EXAMPLES), "--format", "json", "-o", str(out / "demo.json")]
    assert cli_main([*args, "--db", str(out / "demo.db"), "-q"]) == 0
    data: dict[str, Any] = json.loads((out / "demo.json").read_text(encoding="utf-8"))
    return data


def _text(data: dict[str, Any], article: str, span: list[int]) -> str:
    texts = {a["id"]: a["text"] for a in data["articles"]}
    return texts[article][span[0] : span[1]]


def test_articles_outlets_and_times(demo: dict[str, Any]) -> None:
    rows = [
        (a["outlet"], a["outlet_id"], a["published"], a["published_source"])
        for a in demo["articles"]
    ]
    assert rows == [
        ("Radio Free Europe/Radio Liberty", "rfe-rl", "2024-10-21T00:00:00+00:00", "sidecar"),
        ("RT", "rt", "2024-10-25T00:00:00+00:00", "sidecar"),
    ]
    first, second = (a["text"] for a in demo["articles"])
    assert "SEE ALSO" not in first and "Despite the Putin-Guterres meeting, scheduled" in first
    assert not second.rstrip().endswith("Credit: RT News")


def test_the_meeting_is_shared_and_moves_from_planned_to_held(demo: dict[str, Any]) -> None:
    moved = [a for a in demo["alignments"] if a["status_change"]]
    assert [(a["label"], a["relation"], a["conflicts"]) for a in moved][0] == (
        "Vladimir Putin — meet — Antonio Guterres",
        "agreed",
        [],
    )
    reports = [e for e in demo["events"] if e["event"] == moved[0]["id"]]
    assert [(e["status"], e["published"][:10]) for e in reports] == [
        ("planned", "2024-10-21"),
        ("happened", "2024-10-25"),
    ]
    texts = [_text(demo, e["article"], e["span"]) for e in reports]
    assert texts[0].startswith("Russian President Vladimir Putin intends to hold a meeting")
    assert (
        texts[1]
        == "President Vladimir Putin met with United Nations Secretary-General Antonio Guterres"
    )


def test_brief_leads_with_the_shared_meeting_and_cites_both(demo: dict[str, Any]) -> None:
    first = demo["brief"][0]
    assert first["kind"] == "shared"
    assert first["text"] == (
        "President Vladimir Putin met with United Nations Secretary-General Antonio Guterres."
    )
    assert {s["article"] for s in first["spans"]} == {a["id"] for a in demo["articles"]}
    assert all(sentence["claims"] for sentence in demo["brief"])


def test_word_choice_kyiv_and_kiev_and_the_un_chief(demo: dict[str, Any]) -> None:
    outlet = {a["id"]: a["outlet"] for a in demo["articles"]}
    kyiv = {
        (outlet[t["article"]], t["term"]) for t in demo["terms"] if t["term"] in ("Kyiv", "Kiev")
    }
    assert kyiv == {("Radio Free Europe/Radio Liberty", "Kyiv"), ("RT", "Kiev")}
    guterres = [c for c in demo["concepts"] if c["name"] == "Antonio Guterres"]
    words = {m["text"] for m in guterres[0]["mentions"]}
    assert {"UN chief", "Guterres", "United Nations Secretary-General Antonio Guterres"} <= words


def test_quotes_resolve_their_speakers(demo: dict[str, Any]) -> None:
    quotes = {
        (q["speaker"], _text(demo, q["article"], q["span"])[:24], q["direct"])
        for q in demo["quotes"]
    }
    assert ("Guterres", "We need peace in Ukraine", True) in quotes
    assert ("Guterres", "We need peace in Gaza, w", True) in quotes  # "he added"
    assert ("Putin", "That’s how we live. Fami", True) in quotes


def test_loaded_wording_with_scores(demo: dict[str, Any]) -> None:
    loaded = {(item["text"], round(item["score"], 2)) for item in demo["loaded"]}
    assert ("harsh criticism", 0.68) in loaded
    assert ("dangerous precedent", 0.7) in loaded
    assert ("invasion", 0.5) in loaded
    for item in demo["loaded"]:
        assert _text(demo, item["article"], item["span"]) == item["text"]


def test_omissions_point_at_facts_the_other_reports(demo: dict[str, Any]) -> None:
    first_id = demo["articles"][0]["id"]
    labels = {o["label"] for o in demo["omissions"] if o["article"] == first_id}
    assert "Antonio Guterres — visit — Russia" in labels
    assert "Antonio Guterres — attend — BRICS Summit" in labels
