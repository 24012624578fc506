"""Evaluation metrics, each checked by hand-computed cases in tests/test_metrics.py.

Clusterings are given as mappings from item to cluster label over the same items.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Hashable, Mapping, Sequence

import numpy as np

Item = Hashable


def _clusters(assign: Mapping[Item, Hashable]) -> list[set[Item]]:
    groups: dict[Hashable, set[Item]] = defaultdict(set)
    for item, label in assign.items():
        groups[label].add(item)
    return list(groups.values())


def _f1(p: float, r: float) -> float:
    return 0.0 if p + r == 0 else 2 * p * r / (p + r)


def bcubed(gold: Mapping[Item, Hashable], pred: Mapping[Item, Hashable]) -> dict[str, float]:
    """B-cubed precision, recall and F1 over the items of ``gold`` (Bagga and Baldwin 1998).

    An item missing from ``pred`` counts as a singleton there.
    """
    items = list(gold)
    if not items:
        return {"b3_precision": 0.0, "b3_recall": 0.0, "b3_f1": 0.0}
    pred_full = {i: pred.get(i, ("__singleton__", i)) for i in items}
    gold_of: dict[Hashable, set[Item]] = defaultdict(set)
    pred_of: dict[Hashable, set[Item]] = defaultdict(set)
    for i in items:
        gold_of[gold[i]].add(i)
        pred_of[pred_full[i]].add(i)
    p = r = 0.0
    for i in items:
        g, s = gold_of[gold[i]], pred_of[pred_full[i]]
        both = len(g & s)
        p += both / len(s)
        r += both / len(g)
    p, r = p / len(items), r / len(items)
    return {"b3_precision": p, "b3_recall": r, "b3_f1": _f1(p, r)}


def muc(gold: Mapping[Item, Hashable], pred: Mapping[Item, Hashable]) -> dict[str, float]:
    """MUC link-based precision, recall and F1 (Vilain et al. 1995)."""
    items = list(gold)
    pred_full = {i: pred.get(i, ("__singleton__", i)) for i in items}

    def score(key: list[set[Item]], response: Mapping[Item, Hashable]) -> float:
        num = den = 0
        for cluster in key:
            parts = {response[i] for i in cluster}
            num += len(cluster) - len(parts)
            den += len(cluster) - 1
        return num / den if den else 0.0

    r = score(_clusters(gold), pred_full)
    p = score(_clusters(pred_full), dict(gold))
    return {"muc_precision": p, "muc_recall": r, "muc_f1": _f1(p, r)}


def ceafe(gold: Mapping[Item, Hashable], pred: Mapping[Item, Hashable]) -> dict[str, float]:
    """Entity-based CEAF (Luo 2005) with phi4 similarity and an optimal one-to-one matching."""
    from scipy.optimize import linear_sum_assignment

    items = list(gold)
    pred_full = {i: pred.get(i, ("__singleton__", i)) for i in items}
    key, response = _clusters(gold), _clusters(pred_full)
    if not key or not response:
        return {"ceafe_precision": 0.0, "ceafe_recall": 0.0, "ceafe_f1": 0.0}
    sim = np.zeros((len(key), len(response)))
    index: dict[Item, int] = {}
    for j, cluster in enumerate(response):
        for i in cluster:
            index[i] = j
    for k, cluster in enumerate(key):
        for i in cluster:
            sim[k, index[i]] += 1
    for k, kc in enumerate(key):
        for col in np.nonzero(sim[k])[0]:
            sim[k, col] = 2 * sim[k, col] / (len(kc) + len(response[int(col)]))
    rows, cols = linear_sum_assignment(-sim)
    total = float(sim[rows, cols].sum())
    r, p = total / len(key), total / len(response)
    return {"ceafe_precision": p, "ceafe_recall": r, "ceafe_f1": _f1(p, r)}


def coref_scores(gold: Mapping[Item, Hashable], pred: Mapping[Item, Hashable]) -> dict[str, float]:
    """B-cubed, MUC, CEAF-e and their CoNLL F1 (the mean of the three F1 scores)."""
    out = {**bcubed(gold, pred), **muc(gold, pred), **ceafe(gold, pred)}
    out["conll_f1"] = (out["b3_f1"] + out["muc_f1"] + out["ceafe_f1"]) / 3
    return out


def ari(gold: Mapping[Item, Hashable], pred: Mapping[Item, Hashable]) -> float:
    """Adjusted Rand index over the items of ``gold``."""
    from sklearn.metrics import adjusted_rand_score

    items = list(gold)
    codes: dict[tuple[str, Hashable], int] = {}

    def code(side: str, label: Hashable) -> int:
        return codes.setdefault((side, label), len(codes))

    g = [code("gold", gold[i]) for i in items]
    p = [code("pred", pred[i]) if i in pred else code("alone", i) for i in items]
    return float(adjusted_rand_score(g, p))


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def span_prf(
    gold: Mapping[str, Sequence[tuple[int, int]]], pred: Mapping[str, Sequence[tuple[int, int]]]
) -> dict[str, float]:
    """SemEval-2020 Task 11 span identification with partial-overlap credit.

    ``gold`` and ``pred`` map a document id to its character spans. Precision is the mean over
    system spans of (overlap with gold spans) / (system span length); recall the mean over gold
    spans of (overlap with system spans) / (gold span length). Overlapping spans of one side are
    merged first, as the official scorer does.
    """

    def merged(spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
        out: list[tuple[int, int]] = []
        for s, e in sorted(spans):
            if e <= s:
                continue
            if out and s <= out[-1][1]:
                out[-1] = (out[-1][0], max(out[-1][1], e))
            else:
                out.append((s, e))
        return out

    p_sum = r_sum = 0.0
    n_pred = n_gold = 0
    for doc in sorted(set(gold) | set(pred)):
        g, s = merged(gold.get(doc, [])), merged(pred.get(doc, []))
        for span in s:
            n_pred += 1
            p_sum += sum(_overlap(span, o) for o in g) / (span[1] - span[0])
        for span in g:
            n_gold += 1
            r_sum += sum(_overlap(span, o) for o in s) / (span[1] - span[0])
    p = p_sum / n_pred if n_pred else 0.0
    r = r_sum / n_gold if n_gold else 0.0
    return {"precision": p, "recall": r, "f1": _f1(p, r)}


def prf(gold: set[Hashable], pred: set[Hashable]) -> dict[str, float]:
    """Precision, recall and F1 of a predicted set of items (e.g. flagged sentences)."""
    tp = len(gold & pred)
    p = tp / len(pred) if pred else 0.0
    r = tp / len(gold) if gold else 0.0
    return {"precision": p, "recall": r, "f1": _f1(p, r)}


def pearson(gold: Sequence[float], pred: Sequence[float]) -> float:
    """Pearson correlation; 0.0 when either side is constant."""
    g, p = np.asarray(gold, dtype=float), np.asarray(pred, dtype=float)
    if len(g) < 2 or g.std() == 0 or p.std() == 0:
        return 0.0
    return float(np.corrcoef(g, p)[0, 1])


def mae(gold: Sequence[float], pred: Sequence[float]) -> float:
    g, p = np.asarray(gold, dtype=float), np.asarray(pred, dtype=float)
    return float(np.abs(g - p).mean()) if len(g) else 0.0


def rouge(references: Sequence[str], predictions: Sequence[str]) -> dict[str, float]:
    """Mean ROUGE-1/2/L F-measure (rouge-score, with stemming)."""
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
    sums = {"rouge1": 0.0, "rouge2": 0.0, "rougeL": 0.0}
    for ref, hyp in zip(references, predictions, strict=True):
        scores = scorer.score(ref, hyp)
        for k in sums:
            sums[k] += scores[k].fmeasure
    n = max(len(references), 1)
    return {k: v / n for k, v in sums.items()}


WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")


def load_vad(path: str) -> dict[str, float]:
    """NRC-VAD lexicon: word -> arousal (second score column)."""
    arousal: dict[str, float] = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 4:
                continue
            try:
                arousal[parts[0].lower()] = float(parts[2])
            except ValueError:
                continue  # header line
    return arousal


def arousal(texts: Sequence[str], lexicon: Mapping[str, float]) -> float:
    """Mean arousal of the words of ``texts`` found in the lexicon (NaN if none is)."""
    values = [lexicon[w] for t in texts for w in WORD.findall(t.lower()) if w in lexicon]
    return float(np.mean(values)) if values else math.nan
