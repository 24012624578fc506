"""Quality gates: each evaluation task on a fixed subset of ../shared/data must stay at or
above its floor (at or below its ceiling for error metrics). Floors live in
tests/quality_floors.json, a little under measured numbers; they are only ever raised.
Skips with a clear message when ../shared/data is absent (a user's fresh clone)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from newsprism.eval.common import EvalOptions, run_task

FLOORS = json.loads((Path(__file__).parent / "quality_floors.json").read_text(encoding="utf-8"))
GATES = [(g["task"], g["data"], g) for g in FLOORS["gates"]]


def _metric(metrics: dict[str, Any], dotted: str) -> float:
    value: Any = metrics
    for part in dotted.split("."):
        value = value[part]
    return float(value)


@pytest.mark.data
@pytest.mark.parametrize(
    ("task", "data", "gate"), GATES, ids=[f"{t}-{d}-{g.get('limit')}" for t, d, g in GATES]
)
def test_quality_gate(task: str, data: str, gate: dict[str, Any], shared_data: Path) -> None:
    assert gate.get("floors") or gate.get("ceilings"), "a gate without floors checks nothing"
    folder = shared_data / data
    if not folder.is_dir():
        pytest.skip(f"{folder} is absent")
    opts = EvalOptions(split=gate.get("split"), limit=gate.get("limit"), progress=False)
    result = run_task(task, folder, opts)
    failures = []
    for name, floor in gate.get("floors", {}).items():
        value = _metric(result.metrics, name)
        if value < floor:
            failures.append(f"{name} = {value:.4f} fell below its floor {floor}")
    for name, ceiling in gate.get("ceilings", {}).items():
        value = _metric(result.metrics, name)
        if value > ceiling:
            failures.append(f"{name} = {value:.4f} rose above its ceiling {ceiling}")
    assert not failures, f"{task} on {data}: " + "; ".join(failures)
