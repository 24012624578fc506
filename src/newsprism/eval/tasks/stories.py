"""The ``stories`` task: cluster every document of a folder in one online pass.

The system is ``newsprism.stories.StoryClusterer`` with the user's settings, fed one article at
a time in the protocol's fixed order (DESIGN.md) and never told how many stories there are:
BASIL by date then file name; ECB+ by the hex SHA-1 of the document's file name; NeuS each
snippet of a line by the hex SHA-1 of ``"<line>:<part>"``. Gold (read only by the scorer):
ECB+ sub-topic folder, BASIL triplet, NeuS line.

``--baseline`` runs two baselines and reports each under its own key of ``metrics``:
``singletons`` (every document alone) and ``tfidf`` (single-pass TF-IDF cosine to the story
centroid, IDF fitted on the whole folder, joining at ``StorySettings.baseline_threshold``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable
from pathlib import Path
from typing import Any

import numpy as np

from newsprism.eval.common import EvalOptions, EvalResult, Stages, progress
from newsprism.eval.metrics import ari, bcubed
from newsprism.model import Article
from newsprism.settings import StorySettings
from newsprism.splits import stream

DATASETS = {"ecbplus", "basil", "neus"}


def cluster_newsprism(
    articles: list[Article], settings: StorySettings, show: bool = False
) -> dict[str, str]:
    """Article id -> story id, filed one by one by the StoryClusterer (what ingest runs)."""
    from newsprism.stories import StoryClusterer

    clusterer = StoryClusterer(settings)
    for article in progress(articles, len(articles), "stories", show):
        clusterer.add(article)
    # Read the stories at the end: a later article may have merged two earlier stories.
    return {a.id: clusterer.story_of(a.id) or f"s{a.id}" for a in articles}


def cluster_tfidf(articles: list[Article], threshold: float) -> dict[str, str]:
    """Baseline: single-pass TF-IDF (fitted on all documents) cosine to story centroids."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    from newsprism.stories.features import article_text

    if not articles:
        return {}
    vectors = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform(
        [article_text(a) for a in articles]
    )  # rows are unit vectors
    # cosine(v, sum of members) = sum of cosines to the members / |sum|; |sum|^2 is kept
    # incrementally, so each article costs one sparse product with the earlier articles.
    labels = np.zeros(len(articles), dtype=np.int64)
    norms2: list[float] = []
    ids: list[str] = []
    out: dict[str, str] = {}
    for row, article in enumerate(articles):
        best = -1
        dots: np.ndarray = np.zeros(0)
        if row:
            sims = np.asarray((vectors[:row] @ vectors[row].T).todense()).ravel()
            dots = np.bincount(labels[:row], weights=sims, minlength=len(ids))
            scores = dots / np.sqrt(np.array(norms2))
            best = int(np.argmax(scores))
            if scores[best] < threshold:
                best = -1
        if best < 0:
            ids.append(f"s{article.id}")
            norms2.append(1.0)
            best = len(ids) - 1
        else:
            norms2[best] += 2.0 * dots[best] + 1.0
        labels[row] = best
        out[article.id] = ids[best]
    return out


def score(gold: dict[str, str], pred: dict[str, str]) -> dict[str, Any]:
    """The task's metrics for one clustering."""
    g: dict[Hashable, Hashable] = {k: v for k, v in gold.items()}  # noqa: C416
    p: dict[Hashable, Hashable] = {k: v for k, v in pred.items()}  # noqa: C416
    metrics: dict[str, Any] = {k: round(v, 4) for k, v in bcubed(g, p).items()}
    metrics["ari"] = round(ari(g, p), 4)
    metrics["stories_pred"] = len(set(pred.values()))
    metrics["stories_gold"] = len(set(gold.values()))
    return metrics


def _errors(pairs: list[tuple[Article, str]], pred: dict[str, str], count: int) -> list[str]:
    """The worst gold stories: split over most predicted stories or merged with others."""
    by_gold: dict[str, list[Article]] = {}
    for article, gold in pairs:
        by_gold.setdefault(gold, []).append(article)
    gold_of = {a.id: g for a, g in pairs}
    members: dict[str, list[str]] = {}
    for aid, sid in pred.items():
        members.setdefault(sid, []).append(aid)
    cases = []
    for gold, arts in by_gold.items():
        stories = Counter(pred[a.id] for a in arts)
        intruders = sorted({aid for sid in stories for aid in members[sid] if gold_of[aid] != gold})
        badness = len(stories) - 1 + len(intruders)
        if badness:
            lines = [
                f"gold {gold}: {len(arts)} docs in {len(stories)} stories, "
                f"{len(intruders)} intruders"
            ]
            for a in arts:
                lines.append(f"  {pred[a.id]} <- {a.id}: {a.title[:70]}")
            for aid in intruders[:5]:
                lines.append(f"  intruder {aid} (gold {gold_of[aid]}) in {pred[aid]}")
            cases.append((-badness, gold, "\n".join(lines)))
    return [text for _, _, text in sorted(cases)[:count]]


def run(data: Path, dataset: str, opts: EvalOptions) -> EvalResult:
    """Cluster the folder's documents online and score against the gold stories."""
    stages = Stages()
    with stages("load"):
        pairs = stream(data, dataset, opts.split, opts.limit)
    gold = {a.id: g for a, g in pairs}
    articles = [a for a, _ in pairs]
    settings = opts.settings.stories
    if opts.baseline:
        with stages("singletons"):
            singles = {a.id: f"s{a.id}" for a in articles}
        with stages("tfidf"):
            tfidf = cluster_tfidf(articles, settings.baseline_threshold)
        metrics: dict[str, Any] = {"singletons": score(gold, singles), "tfidf": score(gold, tfidf)}
        pred = tfidf
        system = "baseline"
    else:
        with stages("cluster"):  # documents/s = n / stages["cluster"]
            pred = cluster_newsprism(articles, settings, opts.progress)
        metrics = score(gold, pred)
        system = "newsprism"
    return EvalResult(
        task="stories",
        dataset=dataset,
        n=len(articles),
        metrics=metrics,
        stages=stages.seconds,
        errors=_errors(pairs, pred, opts.errors) if opts.errors else [],
        system=system,
    )
