"""The ``loaded`` evaluation task: PTC loader, split rule and baselines on the shared data."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsprism.eval.common import EvalError, EvalOptions
from newsprism.eval.loaders import ptc
from newsprism.eval.tasks import loaded
from newsprism.splits import is_held_out


def test_ptc_loader_offsets_match_the_text(shared_data: Path) -> None:
    items = ptc.load(shared_data / "ptc")
    assert len(items) == 250
    second = items[1]
    assert second.id == "111111112"
    assert second.article.id == "ptc:111111112"
    assert [second.article.text[s:e] for s, e in second.gold()[:3]] == [
        "a striking blow against freedom",
        'the nation that gave the world the Magna Carta is dead"',
        "so-called land of democracy and freedom of speech",
    ]
    assert sum(len(p.gold()) for p in items) == 1562


def test_held_out_rule_is_a_stable_quarter() -> None:
    keys = [str(111111111 + i) for i in range(400)]
    held = [k for k in keys if is_held_out(k)]
    assert 70 < len(held) < 130
    assert is_held_out("111111111") == is_held_out("111111111")


def test_ptc_baseline_flags_every_line(shared_data: Path) -> None:
    opts = EvalOptions(baseline=True, split="held_out", progress=False)
    result = loaded.run(shared_data / "ptc", "ptc", opts)
    assert result.n == 63
    assert result.system == "all-sentences"
    assert result.metrics["held_out"] is True
    assert result.metrics["gold_spans"] == 391
    assert result.metrics["recall"] > 0.99
    assert result.metrics["f1"] == pytest.approx(0.0599, abs=1e-3)


def test_basil_baseline_flags_every_sentence(shared_data: Path) -> None:
    opts = EvalOptions(baseline=True, split="all", progress=False)
    result = loaded.run(shared_data / "basil", "basil", opts)
    assert result.n == 210
    assert result.metrics["sentences"] == 5243
    assert result.metrics["gold_sentences"] == 297
    assert result.metrics["recall"] == 1.0
    assert result.metrics["f1"] == pytest.approx(0.1072, abs=1e-3)


def test_unknown_split_is_refused(shared_data: Path) -> None:
    with pytest.raises(EvalError, match="splits are"):
        loaded.run(shared_data / "ptc", "ptc", EvalOptions(split="dev", progress=False))
