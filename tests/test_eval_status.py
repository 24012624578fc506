"""The status task on the unified factuality corpora (skips without ../shared/data)."""

from __future__ import annotations

from pathlib import Path

from newsprism.eval.common import EvalOptions
from newsprism.eval.loaders.factuality import load
from newsprism.eval.tasks import status


def test_loader_rebuilds_text_and_offsets(shared_data: Path) -> None:
    corpora = load(shared_data / "factuality", "dev", limit=2)
    first = corpora["uw"][1]
    assert first.text.startswith("President Fidel Castro said Tuesday his government told")
    start, end = first.offsets[3]
    assert first.text[start:end] == "said"
    assert first.values[3] == 3.0 and first.values[7] == 2.6
    assert set(corpora) == {"uw", "meantime"}


def test_status_beats_constant_baseline(shared_data: Path) -> None:
    data = shared_data / "factuality"
    opts = EvalOptions(split="dev", limit=40, progress=False, errors=3)
    result = status.run(data, "factuality", opts)
    baseline = status.run(
        data, "factuality", EvalOptions(split="dev", limit=40, baseline=True, progress=False)
    )
    assert set(result.metrics) == {"uw", "meantime"}
    assert result.n == baseline.n > 0
    assert baseline.metrics["uw"]["pearson"] == 0.0
    assert result.metrics["uw"]["pearson"] > 0.4
    assert result.metrics["uw"]["mae"] < baseline.metrics["uw"]["mae"]
    assert len(result.errors) == 3 and "gold" in result.errors[0]
