"""The ``wordchoice`` task: cross-article concept grouping on NewsWCL50.

Each event's five articles are analysed as one story with the same code users run
(``analyze_doc`` on each parse, as ``analyze_articles`` does, then ``link_concepts``). Each
gold mention takes the system concept of the system mention that overlaps it most (ties: the
shorter mention); a gold mention that no system mention overlaps is a singleton. B-cubed
is computed over all gold mentions against ``code_name``, concept ids prefixed by event, plus
``mention_recall`` (share of gold mentions some system mention overlaps). Diagnostics beside
them: ``b3_f1_actors`` (B-cubed F1 over ACTOR, ACTOR-I, COUNTRY and GROUP gold mentions only),
``gold_mentions`` and ``gold_mapped_verbatim`` (share of gold mentions whose words the loader
found in the text, up to quote marks, dashes, case and spacing).

Baseline (``--baseline``): the same system mentions grouped by their whole lower-cased lemma.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable
from pathlib import Path

from newsprism.eval.common import EvalOptions, EvalResult, Stages, progress
from newsprism.eval.loaders.newswcl50 import Event, GoldMention, load
from newsprism.eval.metrics import bcubed
from newsprism.model import Article, ArticleAnalysis, Mention
from newsprism.settings import Settings

DATASETS = {"newswcl50"}
ACTOR_TYPES = frozenset({"ACTOR", "ACTOR-I", "COUNTRY", "GROUP"})


def _analyse(
    articles: list[Article], settings: Settings, baseline: bool
) -> tuple[list[ArticleAnalysis], dict[str, str]]:
    """Run the user-facing analysis on one parse per article.

    newsprism runs ``analyze.article.analyze_doc`` (what ``analyze_articles`` runs); the
    baseline needs only the mentions, and gets each mention's lemma key besides.
    """
    from newsprism.analyze import nlp
    from newsprism.analyze.mentions import find_mentions

    docs = list(nlp.parse([a.text for a in articles], settings.models))
    lemma_key: dict[str, str] = {}
    if not baseline:
        from newsprism.analyze.article import analyze_doc

        analyses = [analyze_doc(doc, a, settings) for a, doc in zip(articles, docs, strict=True)]
        return analyses, lemma_key
    analyses = [
        ArticleAnalysis(article=a.id, mentions=find_mentions(doc, a))
        for a, doc in zip(articles, docs, strict=True)
    ]
    for analysis, doc in zip(analyses, docs, strict=True):
        for m in analysis.mentions:
            span = doc.char_span(m.start, m.end, alignment_mode="expand")
            words = [t.lemma_.lower() for t in span] if span is not None else [m.text.lower()]
            lemma_key[m.id] = " ".join(words)
    return analyses, lemma_key


def _assign(gold: GoldMention, candidates: list[Mention]) -> Mention | None:
    best: Mention | None = None
    best_key: tuple[int, int] = (0, 0)
    for m in candidates:
        overlap = min(gold.end, m.end) - max(gold.start, m.start)
        if overlap <= 0:
            continue
        key = (overlap, -(m.end - m.start))
        if best is None or key > best_key:
            best, best_key = m, key
    return best


def run(data: Path, dataset: str, opts: EvalOptions) -> EvalResult:
    """Score concept grouping (or the lemma baseline) on every event of the folder."""
    from newsprism.analyze.concepts import link_concepts

    settings = opts.settings
    stages = Stages()
    with stages("load"):
        events = load(data, opts.limit)
    gold: dict[Hashable, Hashable] = {}
    pred: dict[Hashable, Hashable] = {}
    code_types: dict[Hashable, str] = {}
    covered = 0
    total = 0
    matched = 0
    worst: list[tuple[float, str]] = []
    for event in progress(events, len(events), "wordchoice", opts.progress):
        with stages("analyze"):
            analyses, lemma_key = _analyse(event.articles, settings, opts.baseline)
        if opts.baseline:
            for analysis in analyses:
                for m in analysis.mentions:
                    m.concept = lemma_key[m.id]
        else:
            with stages("concepts"):
                link_concepts(event.articles, analyses, settings.concepts)
        by_article: dict[str, list[Mention]] = defaultdict(list)
        for analysis in analyses:
            by_article[analysis.article].extend(analysis.mentions)
        event_gold: dict[Hashable, Hashable] = {}
        event_pred: dict[Hashable, Hashable] = {}
        hits: dict[str, Mention] = {}
        for g in event.mentions:
            total += 1
            matched += g.matched
            key = (event.id, g.id)
            event_gold[key] = (event.id, g.concept)
            code_types[key] = g.code_type
            hit = _assign(g, by_article[g.article])
            if hit is not None:
                covered += 1
                event_pred[key] = (event.id, hit.concept)
                hits[g.id] = hit
        gold.update(event_gold)
        pred.update(event_pred)
        if opts.errors:
            worst.extend(_errors(event, hits))
    metrics = bcubed(gold, pred)
    # Diagnostic: the same score over actor-like gold concepts only (people, countries,
    # groups), leaving out PROPERTY/ACTION/MISC frames that no noun-phrase linker can reach.
    actors = {k: v for k, v in gold.items() if code_types.get(k) in ACTOR_TYPES}
    metrics["b3_f1_actors"] = bcubed(actors, pred)["b3_f1"]
    metrics["mention_recall"] = covered / total if total else 0.0
    metrics["gold_mentions"] = total
    metrics["gold_mapped_verbatim"] = matched / total if total else 0.0
    worst.sort(key=lambda item: -item[0])
    return EvalResult(
        task="wordchoice",
        dataset=dataset,
        n=len(events),
        metrics=metrics,
        stages=stages.seconds,
        errors=[text for _, text in worst[: opts.errors]],
        system="lemma-baseline" if opts.baseline else "newsprism",
    )


def _errors(event: Event, hits: dict[str, Mention]) -> list[tuple[float, str]]:
    """Gold concepts split over many system concepts, and system concepts mixing gold ones."""
    out: list[tuple[float, str]] = []
    by_gold: dict[str, Counter[str]] = defaultdict(Counter)
    by_pred: dict[str, Counter[str]] = defaultdict(Counter)
    for g in event.mentions:
        hit = hits.get(g.id)
        system = hit.concept if hit else f"<none:{g.text}>"
        words = hit.text if hit else "-"
        by_gold[g.concept][f"{system}={g.text!r}/{words!r}"] += 1
        if hit:
            by_pred[hit.concept][f"{g.concept}:{g.text!r}"] += 1
    for concept, parts in by_gold.items():
        systems = {p.split("=", 1)[0] for p in parts}
        size = sum(parts.values())
        if len(systems) > 1:
            listing = "; ".join(f"{p} x{c}" for p, c in parts.most_common(12))
            out.append(
                (
                    size * (1 - 1 / len(systems)),
                    f"event {event.id} SPLIT gold {concept!r} ({size} mentions, "
                    f"{len(systems)} system concepts): {listing}",
                )
            )
    for concept, parts in by_pred.items():
        golds = {p.split(":", 1)[0] for p in parts}
        size = sum(parts.values())
        if len(golds) > 1:
            listing = "; ".join(f"{p} x{c}" for p, c in parts.most_common(12))
            out.append(
                (
                    size * (1 - 1 / len(golds)),
                    f"event {event.id} MERGED system {concept} ({size} mentions, "
                    f"{len(golds)} gold concepts): {listing}",
                )
            )
    return out
