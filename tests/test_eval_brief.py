"""The ``brief`` task on NeuS val, and the seeds' brief through the whole pipeline."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from newsprism.eval.common import EvalOptions
from newsprism.eval.tasks import brief as task
from newsprism.model import Article

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def test_reference_loses_its_markers() -> None:
    target = "TITLE=> NK Warns of Hydrogen Bomb Test. ARTICLE=> North Korea threatens to test. "
    assert (
        task.reference_text(target)
        == "NK Warns of Hydrogen Bomb Test. North Korea threatens to test."
    )


def test_baseline_is_the_center_lead(shared_data: Path) -> None:
    opts = EvalOptions(split="val", limit=3, baseline=True, progress=False)
    result = task.run(shared_data / "neus", "neus", opts)
    assert result.n == 3
    assert result.system == "center-lead baseline"
    metrics = result.metrics
    assert metrics["rouge1"] == pytest.approx(0.36138, abs=1e-4)
    assert metrics["rougeL"] == pytest.approx(0.23662, abs=1e-4)
    assert metrics["arousal_input"] == pytest.approx(0.49043, abs=1e-4)
    assert metrics["arousal_reference"] == pytest.approx(0.46593, abs=1e-4)
    assert metrics["cited_rate"] == 1.0 and metrics["supported_rate"] == 1.0
    assert metrics["sentences"] == 1.0


def test_brief_task_cites_and_stays_supported(shared_data: Path) -> None:
    opts = EvalOptions(split="val", limit=2, progress=False, errors=1)
    result = task.run(shared_data / "neus", "neus", opts)
    assert result.n == 2
    assert set(result.metrics) >= {
        "rouge1",
        "rouge2",
        "rougeL",
        "arousal",
        "arousal_reference",
        "arousal_input",
        "cited_rate",
        "supported_rate",
    }
    assert result.metrics["cited_rate"] == 1.0
    assert result.metrics["supported_rate"] == 1.0
    assert result.metrics["rouge1"] > 0.1
    assert result.metrics["sentences"] >= 1.0
    assert len(result.errors) == 1 and result.errors[0].startswith("val:")


def _seed(name: str) -> Article:
    path = next(EXAMPLES.glob(f"{name}_*.txt"))
    meta = json.loads(path.with_name(path.name + ".meta.json").read_text(encoding="utf-8"))
    return Article(
        id=name,
        text=path.read_text(encoding="utf-8"),
        title=meta["title"],
        outlet=meta["outlet"],
        published=datetime.fromisoformat(meta["published"]),
    )


def test_seed_brief_starts_with_the_meeting() -> None:
    pytest.importorskip("newsprism.analyze.article")
    from newsprism.brief import is_supported, outlet_names
    from newsprism.pipeline import compare_articles

    articles = [_seed("000"), _seed("004")]
    comparison = compare_articles(articles)
    brief = comparison.brief
    first = brief[0]
    assert first.kind == "shared"
    # The meeting moved from planned (000) to held (004): the brief gives its latest state
    # and says which outlet had reported it as planned.
    assert first.text == (
        "President Vladimir Putin met with United Nations Secretary-General Antonio Guterres; "
        "Radio Free Europe/Radio Liberty had reported it as planned."
    )
    assert {"000:k0", "004:k0"} <= set(first.claims)
    kinds = [s.kind for s in brief]
    assert kinds == sorted(kinds, key=["shared", "partial", "contradicted"].index)
    assert 3 <= len(brief) <= 8
    by_id = {a.id: a for a in articles}
    names = list(outlet_names(articles).values())
    assert all(is_supported(s, by_id, names) for s in brief)
    partial = [s for s in brief if s.kind == "partial"]
    assert partial and all(
        s.text.startswith(("According to RT", "According to Radio")) for s in partial
    )
