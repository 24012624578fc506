"""Quantities kept as numbers with their units."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsprism.analyze.numbers import find_quantities, parse_value
from newsprism.model import Article

SEEDS = Path(__file__).resolve().parent.parent.parent / "shared" / "seeds"


def _found(nlp, text: str) -> dict[str, tuple[float, str]]:  # type: ignore[no-untyped-def]
    article = Article(id="n", text=text)
    return {q.text: (q.value, q.unit) for q in find_quantities(nlp(text), article)}


def test_seed_004_quantities(nlp) -> None:  # type: ignore[no-untyped-def]
    paths = sorted(SEEDS.glob("004_*.txt")) if SEEDS.is_dir() else []
    if not paths:
        pytest.skip("seed 004 not found")
    found = _found(nlp, paths[0].read_text(encoding="utf-8"))
    assert found["36"] == (36.0, "nations")
    assert found["nearly half"] == (0.5, "fraction")
    assert found["three-day"] == (3.0, "day")
    assert "dozens" not in found


def test_money_percent_and_words(nlp) -> None:  # type: ignore[no-untyped-def]
    found = _found(nlp, "The company paid $3.5 billion to 1,200 workers, up 45% from 2019.")
    assert found == {
        "$3.5 billion": (3.5e9, "USD"),
        "1,200": (1200.0, "workers"),
        "45%": (45.0, "percent"),
    }
    found = _found(nlp, "Twenty-five people and two hundred soldiers crossed the 300 km road.")
    assert found["two hundred"] == (200.0, "soldiers")
    assert found["300 km"] == (300.0, "km")


def test_dates_are_not_quantities(nlp) -> None:  # type: ignore[no-untyped-def]
    assert _found(nlp, "The October 22-24 summit opened on October 22, 2024.") == {}


def test_parse_value() -> None:
    assert parse_value("a third") == (pytest.approx(1 / 3), "fraction")
    assert parse_value("€12 million") == (12e6, "EUR")
    assert parse_value("dozens") is None
