"""The ``loaded`` task: loaded and labelling wording as character spans.

- ``ptc``: SemEval-2020 Task 11 span identification (partial-overlap credit) against the
  ``Loaded_Language`` and ``Name_Calling,Labeling`` spans; every LoadedSpan is a predicted span.
- ``basil``: sentence-level precision/recall/F1 against BASIL sentences holding a ``lex`` span;
  a sentence is flagged when a LoadedSpan starts in it.

The shipped token model is trained on part of PTC and BASIL (``newsprism.train.loaded``), so
by default only the held-out part of a dataset the model was trained on is scored
(``metrics.held_out`` says so). ``--split all`` scores every article, ``--split train`` the
training part. The baseline flags every sentence (PTC: every non-empty line, one span each).
"""

from __future__ import annotations

from pathlib import Path

from newsprism.eval.common import EvalError, EvalOptions, EvalResult, Stages, progress
from newsprism.eval.metrics import prf, span_prf
from newsprism.model import Article, LoadedSpan
from newsprism.settings import Settings

DATASETS = {"ptc", "basil"}
SPLITS = ("held_out", "train", "all")
CHUNK = 16  # articles analysed per call (batched parsing)


def _trained_on() -> list[str]:
    from newsprism.analyze.loaded import get_model

    model = get_model()
    return [] if model is None else [str(d) for d in model.meta.get("trained_on", [])]


def _choose_split(dataset: str, opts: EvalOptions) -> str:
    if opts.split is None:
        return "held_out" if dataset in _trained_on() else "all"
    if opts.split not in SPLITS:
        raise EvalError(f"task 'loaded' splits are {', '.join(SPLITS)}, not {opts.split!r}")
    return opts.split


def _keep(key: str, split: str) -> bool:
    from newsprism.splits import is_held_out

    return split == "all" or is_held_out(key) == (split == "held_out")


def analyze_loaded(
    articles: list[Article], settings: Settings, opts: EvalOptions, stages: Stages
) -> list[list[LoadedSpan]]:
    """LoadedSpans of every article, through the analysis users run."""
    try:
        from newsprism.analyze.article import analyze_articles
    except ImportError:
        analyze_articles = None  # type: ignore[assignment]
    if analyze_articles is not None:
        out: list[list[LoadedSpan]] = []
        chunks = [articles[i : i + CHUNK] for i in range(0, len(articles), CHUNK)]
        with stages("analyze"):
            for chunk in progress(chunks, len(chunks), "loaded", opts.progress):
                out.extend(a.loaded for a in analyze_articles(chunk, settings))
        return out
    from newsprism.analyze.loaded import find_loaded
    from newsprism.analyze.nlp import parse

    found: list[list[LoadedSpan]] = []
    docs = parse((a.text for a in articles), settings.models)
    with stages("analyze"):
        for article, doc in progress(
            zip(articles, docs, strict=True), len(articles), "loaded", opts.progress
        ):
            found.append(find_loaded(doc, article, settings.loaded))
    return found


def _lines(text: str) -> list[tuple[int, int]]:
    spans, offset = [], 0
    for line in text.split("\n"):
        if line.strip():
            spans.append((offset, offset + len(line)))
        offset += len(line) + 1
    return spans


def _run_ptc(data: Path, opts: EvalOptions, split: str) -> EvalResult:
    from newsprism.eval.loaders import ptc

    items = [p for p in ptc.load(data) if _keep(p.id, split)]
    if opts.limit is not None:
        items = items[: opts.limit]
    stages = Stages()
    if opts.baseline:
        predicted = [_lines(p.article.text) for p in items]
    else:
        found = analyze_loaded([p.article for p in items], opts.settings, opts, stages)
        predicted = [[(s.start, s.end) for s in spans] for spans in found]
    gold = {p.id: p.gold() for p in items}
    pred = {p.id: spans for p, spans in zip(items, predicted, strict=True)}
    metrics: dict[str, object] = dict(span_prf(gold, pred))
    metrics.update(
        {
            "held_out": split == "held_out",
            "split": split,
            "gold_spans": sum(len(v) for v in gold.values()),
            "pred_spans": sum(len(v) for v in pred.values()),
        }
    )
    errors: list[str] = []
    if opts.errors:
        scored = []
        for p in items:
            one = span_prf({p.id: gold[p.id]}, {p.id: pred[p.id]})
            scored.append((one["f1"], p.id, p))
        for f1, pid, p in sorted(scored, key=lambda x: (x[0], x[1]))[: opts.errors]:
            text = p.article.text
            missed = [text[s:e] for s, e in gold[pid] if not _touches((s, e), pred[pid])]
            wrong = [text[s:e] for s, e in pred[pid] if not _touches((s, e), gold[pid])]
            errors.append(
                f"article {pid} f1={f1:.3f}\n  missed: {missed[:15]}\n  false: {wrong[:15]}"
            )
    return EvalResult(
        task="loaded",
        dataset="ptc",
        n=len(items),
        metrics=metrics,
        stages=stages.seconds,
        errors=errors,
        system="all-sentences" if opts.baseline else "newsprism",
    )


def _touches(span: tuple[int, int], others: list[tuple[int, int]]) -> bool:
    return any(min(span[1], e) > max(span[0], s) for s, e in others)


def _sentence_of(spans: list[tuple[int, int]], offset: int) -> int | None:
    for k, (s, e) in enumerate(spans):
        if s <= offset < e:
            return k
    return None


def _run_basil(data: Path, opts: EvalOptions, split: str) -> EvalResult:
    from newsprism.eval.loaders import basil

    items = [b for b in basil.load(data, limit=opts.limit) if _keep(b.triplet, split)]
    stages = Stages()
    gold: set[tuple[str, int]] = set()
    pred: set[tuple[str, int]] = set()
    for b in items:
        gold.update((b.file, k) for k in b.lex)
    if opts.baseline:
        for b in items:
            pred.update((b.file, k) for k in range(len(b.sentence_spans)))
        found: list[list[LoadedSpan]] = [[] for _ in items]
    else:
        found = analyze_loaded([b.article for b in items], opts.settings, opts, stages)
        for b, spans in zip(items, found, strict=True):
            for s in spans:
                k = _sentence_of(b.sentence_spans, s.start)
                if k is not None:
                    pred.add((b.file, k))
    metrics: dict[str, object] = dict(prf(gold, pred))  # type: ignore[arg-type]
    metrics.update(
        {
            "held_out": split == "held_out",
            "split": split,
            "sentences": sum(len(b.sentence_spans) for b in items),
            "gold_sentences": len(gold),
            "flagged_sentences": len(pred),
        }
    )
    errors: list[str] = []
    if opts.errors and not opts.baseline:
        for b, spans in zip(items, found, strict=True):
            for k, (lo, hi) in enumerate(b.sentence_spans):
                key = (b.file, k)
                if (key in gold) == (key in pred):
                    continue
                words = [x.text for x in spans if lo <= x.start < hi]
                lex = [b.article.text[a:z] for a, z in b.lex.get(k, [])]
                kind = "missed" if key in gold else "false"
                errors.append(f"{kind} {b.file} p{k}: gold {lex} found {words}")
                if len(errors) >= opts.errors:
                    break
            if len(errors) >= opts.errors:
                break
    return EvalResult(
        task="loaded",
        dataset="basil",
        n=len(items),
        metrics=metrics,
        stages=stages.seconds,
        errors=errors,
        system="all-sentences" if opts.baseline else "newsprism",
    )


def run(data: Path, dataset: str, opts: EvalOptions) -> EvalResult:
    """Score newsprism's loaded-wording spans (or the baseline) on PTC or BASIL."""
    split = _choose_split(dataset, opts)
    if dataset == "ptc":
        return _run_ptc(data, opts, split)
    if dataset == "basil":
        return _run_basil(data, opts, split)
    raise EvalError(f"task 'loaded' does not score {dataset!r}")
