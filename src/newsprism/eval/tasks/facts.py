"""The `facts` task: which sentences of different outlets state the same fact.

- ``facts`` (hand-aligned BASIL triplets, ``../basil`` beside it): each triplet's three
  articles go through ``compare`` as a user's three JSON inputs; every claim of an
  ``agreed`` or ``contradicted`` alignment is mapped to the BASIL sentences its span
  overlaps, and the cross-outlet sentence pairs of each alignment are scored against the
  cross-outlet pairs of each gold fact (``pair_precision``, ``pair_recall``, ``pair_f1``).
  A gold contradicted fact is found when one of its pairs lies in a ``contradicted``
  alignment; contradicted pairs outside every gold contradiction are false alarms. An
  omission of outlet X is right when the omitted alignment's sentences belong to a gold fact
  X does not report or to another outlet's ``single`` sentences.
  When the shipped facts model was trained on these triplets, each of ``FOLDS`` folds (by
  triplet position) is compared with a model fitted on the other folds: cross-validated.
  Baseline (``--baseline``): MiniLM cosine of the two sentences over a threshold chosen on
  the training folds.
- ``mrpc``: whether two sentences state the same fact, by the same features and the facts
  model's pairwise stage (a pair in isolation has no story around it, so no in-story stage,
  and no rank or position in an article: those features are constant),
  fitted on the other of ``FOLDS`` fixed folds (row index mod 5) with the threshold chosen
  for accuracy there. Baselines: cosine over a threshold chosen on the training folds, and
  all positive.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from newsprism.compare.facts import (
    FactModel,
    best_threshold,
    fit_model,
    load_model,
    make_unit,
    pair_block,
    unit_encodings,
)
from newsprism.eval.common import EvalError, EvalOptions, EvalResult, Stages, progress
from newsprism.eval.loaders.facts import (
    OUTLETS,
    Pair,
    Prepared,
    Triplet,
    fit_on,
    load_triplets,
    pair_key,
    prepare,
    unit_sentences,
)
from newsprism.model import Article, Comparison
from newsprism.settings import Settings

DATASETS = {"facts", "mrpc"}
FOLDS = 5


def run(data: Path, dataset: str, opts: EvalOptions) -> EvalResult:
    if dataset == "mrpc":
        return _run_mrpc(data, opts)
    return _run_triplets(data, opts)


def _alignment_pairs(
    triplet: Triplet, comparison: Comparison, relations: tuple[str, ...]
) -> dict[str, set[Pair]]:
    """Alignment id -> the cross-outlet sentence pairs it puts together. Asked for the
    ``contradicted`` ones alone: the pairs it says contradict each other, those of the
    articles whose values differ (``Alignment.disputed``)."""
    spans = {c.id: (c.article, c.start, c.end) for an in comparison.analyses for c in an.claims}
    out: dict[str, set[Pair]] = {}
    for alignment in comparison.alignments:
        if alignment.relation not in relations:
            continue
        disputed = set(alignment.disputed) if relations == ("contradicted",) else set()
        sentences: list[tuple[str, int]] = []
        for claim in alignment.claims:
            if claim in spans and (not disputed or spans[claim][0] in disputed):
                outlet, found = unit_sentences(triplet, *spans[claim])
                sentences.extend((outlet, k) for k in found)
        pairs = {
            pair_key(oa, i, ob, j)
            for oa, i in sentences
            for ob, j in sentences
            if OUTLETS.index(oa) < OUTLETS.index(ob)
        }
        out[alignment.id] = pairs
    return out


def _omission_hits(triplet: Triplet, comparison: Comparison) -> tuple[int, int]:
    """(right, all) omissions: right when the omitted fact's sentences belong to a gold fact
    the omitting outlet does not report, or to the reporting outlet's single sentences."""
    spans = {c.id: (c.article, c.start, c.end) for an in comparison.analyses for c in an.claims}
    by_id = {a.id: a for a in comparison.alignments}
    right = total = 0
    for omission in comparison.omissions:
        alignment = by_id.get(omission.alignment)
        if alignment is None:
            continue
        missing = triplet.outlet_of(omission.article)
        total += 1
        sentences: list[tuple[str, int]] = []
        for claim in alignment.claims:
            if claim in spans:
                outlet, found = unit_sentences(triplet, *spans[claim])
                sentences.extend((outlet, k) for k in found)
        ok = False
        for outlet, k in sentences:
            if k in triplet.single.get(outlet, []):
                ok = True
            for fact in triplet.facts:
                if k in fact.sentences.get(outlet, []) and missing not in fact.sentences:
                    ok = True
        right += ok
    return right, total


def _sentence(triplet: Triplet, outlet: str, k: int) -> str:
    span = triplet.spans[outlet][k] if k < len(triplet.spans[outlet]) else None
    if span is None:
        return "?"
    text = triplet.articles[outlet].text[span[0] : span[1]]
    return text if len(text) <= 160 else text[:157] + "..."


def _models(prepared: list[Prepared], settings: Settings) -> tuple[list[FactModel], str]:
    """The model each triplet is compared with: fitted without its fold when the shipped
    model saw these triplets (cross-validated), else the shipped model."""
    shipped = load_model(settings.facts.model_file)
    if not set(shipped.trained_on) & {p.triplet.uuid for p in prepared}:
        return [shipped] * len(prepared), "shipped model"
    fold_models = []
    for fold in range(FOLDS):
        train = [p for k, p in enumerate(prepared) if k % FOLDS != fold]
        fold_models.append(fit_on(train, settings))
    return [fold_models[k % FOLDS] for k in range(len(prepared))], f"{FOLDS}-fold by triplet"


def _baseline_pairs(prepared: list[Prepared]) -> list[set[Pair]]:
    """Cosine over a threshold chosen (pair F1) on the other folds: predicted pairs."""
    scored: list[list[tuple[float, Pair, bool]]] = []
    for p in prepared:
        gold = p.triplet.gold_pairs()
        rows: list[tuple[float, Pair, bool]] = []
        for a in range(len(p.units)):
            for b in range(a + 1, len(p.units)):
                cosine = p.vectors[a] @ p.vectors[b].T
                for i, ua in enumerate(p.units[a]):
                    oa, sa = unit_sentences(p.triplet, ua.article, ua.start, ua.end)
                    for j, ub in enumerate(p.units[b]):
                        ob, sb = unit_sentences(p.triplet, ub.article, ub.start, ub.end)
                        for x in sa:
                            for y in sb:
                                key = pair_key(oa, x, ob, y)
                                rows.append((float(cosine[i, j]), key, key in gold))
        scored.append(rows)
    out: list[set[Pair]] = []
    for k in range(len(prepared)):
        train = [r for m, rows in enumerate(scored) if m % FOLDS != k % FOLDS for r in rows]
        if not train:
            train = scored[k]
        probability = np.array([r[0] for r in train])
        labels = np.array([r[2] for r in train])
        threshold = best_threshold(probability, labels)
        out.append({key for cos, key, _ in scored[k] if cos >= threshold})
    return out


def _run_triplets(data: Path, opts: EvalOptions) -> EvalResult:
    from newsprism.pipeline import compare_analyzed

    try:
        triplets = load_triplets(data, opts.limit)
    except FileNotFoundError as exc:
        raise EvalError(str(exc)) from exc
    settings = opts.settings
    stages = Stages()
    prepared = [
        prepare(t, settings, stages)
        for t in progress(triplets, len(triplets), "facts: analyse", opts.progress)
    ]
    predicted: list[set[Pair]] = []
    contradicted: list[set[Pair]] = []
    omissions = [0, 0]
    if opts.baseline:
        with stages("baseline"):
            predicted = _baseline_pairs(prepared)
        contradicted = [set() for _ in prepared]
        system = "MiniLM cosine, threshold from the training folds"
    else:
        with stages("fit"):
            models, how = _models(prepared, settings)
        system = f"newsprism ({how})"
        for p, model in zip(prepared, models, strict=True):
            comparison = compare_analyzed(
                p.articles, p.analyses, p.concepts, settings, None, stages.seconds, model
            )
            shared = _alignment_pairs(p.triplet, comparison, ("agreed", "contradicted"))
            predicted.append(set().union(*shared.values()) if shared else set())
            conflicting = _alignment_pairs(p.triplet, comparison, ("contradicted",))
            contradicted.append(set().union(*conflicting.values()) if conflicting else set())
            right, total = _omission_hits(p.triplet, comparison)
            omissions[0] += right
            omissions[1] += total
    hits = pred_total = gold_total = 0
    found = gold_contradictions = false_alarms = 0
    candidates = sum(int(p.labels.sum()) for p in prepared)
    errors: list[str] = []
    for p, pred, against in zip(prepared, predicted, contradicted, strict=True):
        gold = p.triplet.gold_pairs()
        hits += len(pred & gold)
        pred_total += len(pred)
        gold_total += len(gold)
        contradiction_pairs: set[Pair] = set()
        for fact in p.triplet.facts:
            if fact.relation != "contradicted":
                continue
            gold_contradictions += 1
            fact_pairs = {
                pair_key(oa, i, ob, j)
                for oa in fact.sentences
                for ob in fact.sentences
                if OUTLETS.index(oa) < OUTLETS.index(ob)
                for i in fact.sentences[oa]
                for j in fact.sentences[ob]
            }
            contradiction_pairs |= fact_pairs
            hit = bool(fact_pairs & against)
            found += hit
            if not hit and opts.errors:
                errors.append(f"contradiction missed {p.triplet.uuid[:8]}: {fact.on}")
        false_alarms += len(against - contradiction_pairs)
        if opts.errors:
            for kind, listed in (("missed", sorted(gold - pred)), ("false", sorted(pred - gold))):
                for oa, i, ob, j in listed[: max(1, opts.errors // 4)]:
                    errors.append(
                        f"{kind} {p.triplet.uuid[:8]} {oa}[{i}] ~ {ob}[{j}]\n"
                        f"    {oa}: {_sentence(p.triplet, oa, i)}\n"
                        f"    {ob}: {_sentence(p.triplet, ob, j)}"
                    )
    precision = hits / pred_total if pred_total else 0.0
    recall = hits / gold_total if gold_total else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    metrics: dict[str, object] = {
        "pair_precision": round(precision, 4),
        "pair_recall": round(recall, 4),
        "pair_f1": round(f1, 4),
        "pairs_pred": pred_total,
        "pairs_gold": gold_total,
        "candidate_recall": round(candidates / gold_total, 4) if gold_total else 0.0,
        "contradictions_found": found,
        "contradictions_gold": gold_contradictions,
        "false_contradiction_pairs": false_alarms,
    }
    if not opts.baseline:
        metrics["omission_precision"] = (
            round(omissions[0] / omissions[1], 4) if omissions[1] else 0.0
        )
        metrics["omissions"] = omissions[1]
    return EvalResult(
        "facts",
        "facts",
        len(prepared),
        metrics,
        stages=stages.seconds,
        errors=errors[: opts.errors * 3] if opts.errors else [],
        system=system,
    )


def read_mrpc(data: Path, split: str | None) -> list[tuple[int, str, str]]:
    """(label, sentence 1, sentence 2) of every pair in the folder's ``*.tsv`` files."""
    files = sorted(data.glob("*.tsv"))
    if split:
        files = [f for f in files if f.stem == split]
    if not files:
        raise EvalError(f"{data}: no MRPC split {split or ''} (*.tsv)".replace("  ", " "))
    rows: list[tuple[int, str, str]] = []
    for path in files:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
            next(reader, None)
            for line in reader:
                if len(line) >= 5 and line[0] in ("0", "1"):
                    rows.append((int(line[0]), line[3], line[4]))
    return rows


def mrpc_features(
    pairs: list[tuple[str, str]], settings: Settings, stages: Stages, show: bool
) -> np.ndarray:
    """The facts features of each sentence pair, each sentence read as a one-sentence
    article by the same analysis ``compare`` runs."""
    from newsprism.analyze.article import analyze_doc
    from newsprism.analyze.nlp import parse
    from newsprism.compare.facts import story_rarity

    texts = sorted({t for pair in pairs for t in pair})
    articles = [Article(id=f"s{k}", text=t) for k, t in enumerate(texts)]
    with stages("parse"):
        docs = list(progress(parse(texts, settings.models), len(texts), "mrpc: parse", show))
    with stages("analyze"):
        units = {}
        for doc, article in zip(docs, articles, strict=True):
            analysis = analyze_doc(doc, article, settings)
            units[article.text] = make_unit(article, analysis, 0, len(article.text), 0, 0.0, "")
    with stages("pairs"):
        flat, pieces = unit_encodings([[units[t] for t in texts]])
        vectors = dict(zip(texts, flat[0], strict=True))
        words = dict(zip(texts, pieces[0], strict=True))
        rarity = story_rarity([list(units.values())])
        rows = [
            pair_block(
                0,
                1,
                [units[a]],
                [units[b]],
                vectors[a][None, :],
                vectors[b][None, :],
                ([words[a]], [words[b]]),
                rarity,
                settings.facts,
            ).features[0]
            for a, b in pairs
        ]
    return np.stack(rows) if rows else np.zeros((0, 0), np.float32)


def _run_mrpc(data: Path, opts: EvalOptions) -> EvalResult:
    rows = read_mrpc(data, opts.split)
    if opts.limit is not None:
        rows = rows[: opts.limit]
    stages = Stages()
    labels = np.array([r[0] for r in rows], dtype=np.int8)
    features = mrpc_features([(r[1], r[2]) for r in rows], opts.settings, stages, opts.progress)
    fold = np.arange(len(rows)) % FOLDS
    predicted = np.zeros(len(rows), dtype=bool)
    with stages("fit"):
        for k in range(FOLDS):
            test, train = fold == k, fold != k
            if not test.any() or not train.any():
                continue
            if opts.baseline:
                cosine = features[:, 0]
                threshold = best_threshold(cosine[train], labels[train], "accuracy")
                predicted[test] = cosine[test] >= threshold
            else:
                model = fit_model(features[train], labels[train], objective="accuracy")
                pairwise = model.pairwise
                predicted[test] = pairwise.probability(features[test]) >= pairwise.threshold
    truth = labels.astype(bool)

    def scores(pred: np.ndarray) -> tuple[float, float]:
        accuracy = float((pred == truth).mean()) if len(truth) else 0.0
        hits = int((pred & truth).sum())
        f1 = 2 * hits / (int(pred.sum()) + int(truth.sum())) if len(truth) else 0.0
        return round(accuracy, 4), round(f1, 4)

    accuracy, f1 = scores(predicted)
    all_accuracy, all_f1 = scores(np.ones(len(rows), dtype=bool))
    metrics = {
        "accuracy": accuracy,
        "f1": f1,
        "all_positive_accuracy": all_accuracy,
        "all_positive_f1": all_f1,
    }
    system = (
        "MiniLM cosine, threshold from the training folds"
        if opts.baseline
        else (f"newsprism facts features, {FOLDS}-fold")
    )
    return EvalResult("facts", "mrpc", len(rows), metrics, stages=stages.seconds, system=system)
