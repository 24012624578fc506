"""The omissions evaluation task on the shared ECB+ and BASIL dev data (skips without it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsprism.eval.common import EvalOptions, run_task


@pytest.mark.data
def test_basil_roles_and_baseline_on_two_triplets(shared_data: Path) -> None:
    opts = EvalOptions(progress=False, limit=2)
    result = run_task("omissions", shared_data / "basil", opts)
    assert (result.dataset, result.n) == ("basil", 157)
    assert result.metrics == {
        "inf_precision": 0.0784,
        "inf_recall": 0.25,
        "inf_f1": 0.1194,
        "flagged_rate": 0.3248,
    }
    baseline = run_task(
        "omissions", shared_data / "basil", EvalOptions(limit=2, baseline=True, progress=False)
    )
    assert baseline.system == "flag-every-sentence"
    assert baseline.metrics["inf_recall"] == 1.0
    assert baseline.metrics["flagged_rate"] == 1.0


@pytest.mark.data
def test_ecbplus_singleton_baseline_on_topic_one(shared_data: Path) -> None:
    opts = EvalOptions(progress=False, limit=1, baseline=True)
    result = run_task("omissions", shared_data / "ecbplus", opts)
    assert (result.n, result.system) == (255, "singletons")
    assert result.metrics["b3_precision"] == 1.0
    assert result.metrics["muc_f1"] == 0.0
    assert result.metrics["b3_f1"] == 0.5511
