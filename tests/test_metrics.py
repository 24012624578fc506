"""Metrics on small cases computed by hand."""

from __future__ import annotations

import math

import pytest

from newsprism.eval import metrics


def test_bcubed_hand_case() -> None:
    # gold {a,b,c} {d}; pred {a,b} {c,d}
    gold = {"a": 1, "b": 1, "c": 1, "d": 2}
    pred = {"a": "x", "b": "x", "c": "y", "d": "y"}
    s = metrics.bcubed(gold, pred)
    # precision: a 2/2, b 2/2, c 1/2, d 1/2 -> 3/4; recall: a 2/3, b 2/3, c 1/3, d 1/1 -> 2/3
    assert s["b3_precision"] == pytest.approx(0.75)
    assert s["b3_recall"] == pytest.approx(2 / 3)
    assert s["b3_f1"] == pytest.approx(2 * 0.75 * (2 / 3) / (0.75 + 2 / 3))


def test_bcubed_missing_items_are_singletons() -> None:
    s = metrics.bcubed({"a": 1, "b": 1}, {})
    assert s["b3_precision"] == 1.0 and s["b3_recall"] == 0.5


def test_muc_hand_case() -> None:
    # key {a,b,c}; response {a,b} {c}: recall (3-2)/(3-1) = 0.5; precision (2-1)/(2-1) = 1
    s = metrics.muc({"a": 1, "b": 1, "c": 1}, {"a": 1, "b": 1, "c": 2})
    assert s["muc_recall"] == pytest.approx(0.5)
    assert s["muc_precision"] == pytest.approx(1.0)


def test_ceafe_hand_case() -> None:
    # key K1={a,b,c}; response R1={a,b}, R2={c}; phi4(K1,R1)=2*2/5=0.8 best one-to-one
    s = metrics.ceafe({"a": 1, "b": 1, "c": 1}, {"a": 1, "b": 1, "c": 2})
    assert s["ceafe_recall"] == pytest.approx(0.8)  # / 1 key entity
    assert s["ceafe_precision"] == pytest.approx(0.4)  # / 2 response entities


def test_conll_is_mean_of_three() -> None:
    gold = {"a": 1, "b": 1, "c": 2}
    pred = {"a": 1, "b": 2, "c": 2}
    s = metrics.coref_scores(gold, pred)
    assert s["conll_f1"] == pytest.approx((s["b3_f1"] + s["muc_f1"] + s["ceafe_f1"]) / 3)


def test_ari_perfect_and_label_free() -> None:
    assert metrics.ari({"a": 1, "b": 1, "c": 2}, {"a": "x", "b": "x", "c": "y"}) == 1.0


def test_span_prf_partial_overlap() -> None:
    gold = {"d": [(0, 10)]}
    pred = {"d": [(5, 15)]}
    s = metrics.span_prf(gold, pred)
    assert s["precision"] == pytest.approx(0.5)  # 5 of 10 predicted chars are gold
    assert s["recall"] == pytest.approx(0.5)  # 5 of 10 gold chars are found


def test_span_prf_merges_overlapping_predictions() -> None:
    s = metrics.span_prf({"d": [(0, 10)]}, {"d": [(0, 6), (4, 10)]})
    assert s["precision"] == 1.0 and s["recall"] == 1.0


def test_prf_sets() -> None:
    s = metrics.prf({1, 2, 3, 4}, {3, 4, 5})
    assert s["precision"] == pytest.approx(2 / 3) and s["recall"] == pytest.approx(0.5)


def test_pearson_and_mae() -> None:
    assert metrics.pearson([1, 2, 3], [2, 4, 6]) == pytest.approx(1.0)
    assert metrics.pearson([1, 2, 3], [3, 3, 3]) == 0.0
    assert metrics.mae([3, 3, -3], [3, 2, 0]) == pytest.approx(4 / 3)


def test_rouge_identical_is_one() -> None:
    s = metrics.rouge(["the cat sat on the mat"], ["the cat sat on the mat"])
    assert s["rouge1"] == pytest.approx(1.0) and s["rougeL"] == pytest.approx(1.0)


def test_arousal_mean_over_known_words() -> None:
    lexicon = {"calm": 0.1, "war": 0.9}
    assert metrics.arousal(["Calm after war.", "unknownword"], lexicon) == pytest.approx(0.5)
    assert math.isnan(metrics.arousal(["nothing known"], lexicon))
