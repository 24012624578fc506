"""The `omissions` task: which events each article reports that the others do or do not.

- ``ecbplus``: each sub-topic folder (one real event, about ten articles) is compared as one
  story with the code `newsprism compare` runs (analyze, link concepts, event claims, align).
  Scored as cross-document event coreference on the gold event mentions: each gold mention
  takes the alignment of the claim whose predicate covers its head token (a mention nothing
  covers is a singleton). Baseline: every mention alone.
- ``basil``: each triplet is compared as one story and each BASIL sentence whose role
  (speculation, background, one side's unanswered charge) marks informational bias is
  flagged (compare/roles.py). Baseline: flag every sentence.

``--split odd`` / ``--split even`` keep the odd or even ECB+ topics (BASIL: triplets by their
position in stream order); the learned weights are trained on the odd ones, so report
numbers on ``even``.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from pathlib import Path

from newsprism.eval.common import EvalError, EvalOptions, EvalResult, Stages, progress
from newsprism.eval.metrics import coref_scores, prf
from newsprism.model import Alignment, Article, ArticleAnalysis, Concept
from newsprism.settings import Settings

DATASETS = {"ecbplus", "basil"}
ECB_KEYS = ("b3_precision", "b3_recall", "b3_f1", "muc_f1", "ceafe_f1", "conll_f1")


def keep_index(index: int, split: str | None) -> bool:
    """Whether the 1-based ``index`` (topic number, triplet position) is in ``split``."""
    if split in (None, "", "all"):
        return True
    if split == "odd":
        return index % 2 == 1
    if split == "even":
        return index % 2 == 0
    raise EvalError(f"unknown split {split!r} for omissions; use odd, even or all")


def analyze_story(
    articles: list[Article], settings: Settings, stages: Stages
) -> tuple[list[ArticleAnalysis], list[Concept]]:
    """Analyze the articles of one story and link their concepts, as `compare` does (one
    parse per article, ``analyze.article.analyze_doc``), and add the event-word claims
    (compare/events.py) that alignment groups."""
    from newsprism.pipeline import analyze_story as pipeline_analysis

    analyses, concepts = pipeline_analysis(articles, settings, stages.seconds)
    return analyses, concepts


def align_story(
    articles: list[Article], settings: Settings, stages: Stages
) -> tuple[list[ArticleAnalysis], list[Concept], list[Alignment]]:
    """One story through analyze, concepts, event claims and alignment."""
    from newsprism.compare.align import align_claims

    analyses, concepts = analyze_story(articles, settings, stages)
    with stages("align"):
        alignments = align_claims(articles, analyses, concepts, settings.align)
    return analyses, concepts, alignments


def _run_ecbplus(data: Path, opts: EvalOptions) -> EvalResult:
    from newsprism.eval.loaders.ecbplus import load_documents, load_event_mentions

    documents = [
        d for d in load_documents(data, opts.limit) if keep_index(int(d.topic), opts.split)
    ]
    mentions = load_event_mentions(data, documents)
    gold: dict[Hashable, Hashable] = {m.mention_id: m.chain for m in mentions}
    pred: dict[Hashable, Hashable] = {}
    stages = Stages()
    subtopics = sorted({d.subtopic for d in documents})
    per_story: list[tuple[float, str]] = []
    if not opts.baseline:
        for sub in progress(subtopics, len(subtopics), "omissions ecbplus", opts.progress):
            docs = [d for d in documents if d.subtopic == sub]
            articles = [d.article for d in docs]
            analyses, _, alignments = align_story(articles, opts.settings, stages)
            group_of = {c: a.id for a in alignments for c in a.claims}
            by_article = {an.article: an.claims for an in analyses}
            name_of = {d.name: d.article.id for d in docs}
            story_mentions = [m for m in mentions if m.subtopic == sub]
            for m in story_mentions:
                if m.start is None:
                    continue
                for claim in by_article.get(name_of[m.doc], []):
                    ps, pe = claim.predicate_start, claim.predicate_end
                    if ps is not None and pe is not None and ps <= m.start < pe:
                        pred[m.mention_id] = (sub, group_of.get(claim.id, claim.id))
                        break
            if opts.errors:
                g: dict[Hashable, Hashable] = {m.mention_id: m.chain for m in story_mentions}
                p: dict[Hashable, Hashable] = {k: pred[k] for k in g if k in pred}
                score = coref_scores(g, p)["conll_f1"] if g else 1.0
                per_story.append((score, _story_errors(sub, story_mentions, pred, score)))
    scores = coref_scores(gold, pred)
    result = EvalResult(
        task="omissions",
        dataset="ecbplus",
        n=len(gold),
        metrics={k: round(scores[k], 4) for k in ECB_KEYS},
        stages=stages.seconds,
        system="singletons" if opts.baseline else "newsprism",
    )
    result.errors = [text for _, text in sorted(per_story)[: opts.errors]]
    return result


def _story_errors(
    sub: str, mentions: Sequence[object], pred: dict[Hashable, Hashable], score: float
) -> str:
    """A readable summary of one sub-topic: gold chains and the system groups they got."""
    lines = [f"{sub}: conll_f1 {score:.3f}"]
    chains: dict[str, list[str]] = {}
    for m in mentions:
        mention_id = getattr(m, "mention_id", "")
        group = pred.get(mention_id)
        label = group[1] if isinstance(group, tuple) else "-"
        chains.setdefault(getattr(m, "chain", ""), []).append(f"{getattr(m, 'text', '')}[{label}]")
    for chain, items in sorted(chains.items(), key=lambda kv: -len(kv[1]))[:8]:
        lines.append(f"  {chain[:24]}: {', '.join(items[:12])}")
    return "\n".join(lines)


def _run_basil(data: Path, opts: EvalOptions) -> EvalResult:
    from newsprism.compare.roles import flag_sentences
    from newsprism.eval.loaders.basil import load

    items = load(data)
    triplets: list[str] = []
    for b in items:
        if b.triplet not in triplets:
            triplets.append(b.triplet)
    chosen = [t for k, t in enumerate(triplets, start=1) if keep_index(k, opts.split)]
    if opts.limit is not None:
        chosen = chosen[: opts.limit]
    keep = set(chosen)
    items = [b for b in items if b.triplet in keep]
    gold: set[Hashable] = set()
    flagged: set[Hashable] = set()
    total = 0
    stages = Stages()
    errors: list[str] = []
    for triplet in progress(chosen, len(chosen), "omissions basil", opts.progress):
        story = [b for b in items if b.triplet == triplet]
        for b in story:
            total += len(b.sentence_spans)
            gold.update((b.article.id, k) for k in b.inf)
        if opts.baseline:
            flagged.update((b.article.id, k) for b in story for k in range(len(b.sentence_spans)))
            continue
        with stages("roles"):
            flags = flag_sentences(
                [b.article for b in story], [b.sentence_spans for b in story], opts.settings
            )
        for b, marks in zip(story, flags, strict=True):
            for k, mark in enumerate(marks):
                if mark:
                    flagged.add((b.article.id, k))
                if len(errors) < opts.errors and mark != (k in b.inf):
                    s, e = b.sentence_spans[k]
                    kind = "false flag" if mark else "missed"
                    errors.append(f"{kind} {b.file} p{k}: {b.article.text[s:e][:200]}")
    scores = prf(gold, flagged)
    return EvalResult(
        task="omissions",
        dataset="basil",
        n=total,
        metrics={
            "inf_precision": round(scores["precision"], 4),
            "inf_recall": round(scores["recall"], 4),
            "inf_f1": round(scores["f1"], 4),
            "flagged_rate": round(len(flagged) / total, 4) if total else 0.0,
        },
        stages=stages.seconds,
        errors=errors,
        system="flag-every-sentence" if opts.baseline else "newsprism",
    )


def run(data: Path, dataset: str, opts: EvalOptions) -> EvalResult:
    """Run the omissions task (or its baseline) on an ECB+ or BASIL folder."""
    if dataset == "ecbplus":
        return _run_ecbplus(data, opts)
    if dataset == "basil":
        return _run_basil(data, opts)
    raise EvalError(f"omissions does not score {dataset!r}")
