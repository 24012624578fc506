"""The stories task on a fixed ECB+ subset (topics 1-3), and its baselines."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsprism.eval.common import EvalOptions
from newsprism.eval.tasks import stories

KEYS = {"b3_precision", "b3_recall", "b3_f1", "ari", "stories_pred", "stories_gold"}


@pytest.mark.data
def test_ecbplus_three_topics(shared_data: Path) -> None:
    result = stories.run(
        shared_data / "ecbplus", "ecbplus", EvalOptions(limit=3, progress=False, errors=2)
    )
    assert set(result.metrics) == KEYS
    assert result.metrics["stories_gold"] == 6
    assert result.n == 80
    # measured 0.738 (0.763 before the IDF folds; the whole of ECB+ went 0.8628 -> 0.8642)
    assert result.metrics["b3_f1"] >= 0.735
    assert len(result.errors) <= 2


@pytest.mark.data
def test_ecbplus_baselines(shared_data: Path) -> None:
    result = stories.run(
        shared_data / "ecbplus", "ecbplus", EvalOptions(limit=3, progress=False, baseline=True)
    )
    singles, tfidf = result.metrics["singletons"], result.metrics["tfidf"]
    assert set(singles) == set(tfidf) == KEYS
    assert singles["b3_precision"] == 1.0
    assert singles["stories_pred"] == result.n
    assert tfidf["stories_pred"] < result.n


@pytest.mark.data
def test_stream_orders(shared_data: Path) -> None:
    ecb = stories.stream(shared_data / "ecbplus", "ecbplus", limit=1)
    import hashlib

    keys = [hashlib.sha1(f"{a.id.split(':', 1)[1]}.json".encode()).hexdigest() for a, _ in ecb]
    assert keys == sorted(keys)
    basil = stories.stream(shared_data / "basil", "basil", limit=2)
    dates = [a.published for a, _ in basil]
    assert dates == sorted(dates)  # type: ignore[type-var]
