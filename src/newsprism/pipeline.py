"""The main job: compare the articles of one story, stage by stage, over the shared model.

Each stage reads what the previous ones produced and adds its own layer; ``compare_articles``
runs them in order and records the wall time of each in ``Comparison.timings``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from newsprism.model import Article, Comparison
from newsprism.settings import DEFAULT, Settings

Progress = Callable[[str], None]


class CompareError(ValueError):
    """The input cannot be compared (e.g. fewer than two usable articles)."""


@contextmanager
def _timed(timings: dict[str, float], stage: str, report: Progress | None) -> Iterator[None]:
    if report is not None:
        report(stage)
    started = time.perf_counter()
    yield
    timings[stage] = timings.get(stage, 0.0) + time.perf_counter() - started


def compare_articles(
    articles: list[Article],
    settings: Settings = DEFAULT,
    report: Progress | None = None,
) -> Comparison:
    """Analyse the articles and compare them: claims, alignments, omissions, framing, events, brief.

    ``report`` is called with each stage's name as it starts (for progress display).
    """
    from newsprism.analyze.article import analyze_articles
    from newsprism.analyze.concepts import link_concepts
    from newsprism.brief import write_brief
    from newsprism.compare.align import align_claims
    from newsprism.compare.framing import quote_balance, term_uses
    from newsprism.compare.omissions import find_omissions
    from newsprism.compare.timeline import build_events

    if not articles:
        raise CompareError("nothing to compare: no usable article")
    timings: dict[str, float] = {}
    with _timed(timings, "analyze", report):
        analyses = analyze_articles(articles, settings)
    with _timed(timings, "concepts", report):
        concepts = link_concepts(articles, analyses, settings.concepts)
    with _timed(timings, "align", report):
        alignments = align_claims(articles, analyses, concepts, settings.align)
        omissions = find_omissions(articles, alignments)
    with _timed(timings, "framing", report):
        terms = term_uses(articles, analyses, concepts)
        balance = quote_balance(articles, analyses, concepts)
        loaded = [span for analysis in analyses for span in analysis.loaded]
    with _timed(timings, "timeline", report):
        events = build_events(articles, analyses, alignments)
    comparison = Comparison(
        articles=articles,
        analyses=analyses,
        concepts=concepts,
        alignments=alignments,
        omissions=omissions,
        terms=terms,
        loaded=loaded,
        quote_balance=balance,
        events=events,
        timings=timings,
    )
    with _timed(timings, "brief", report):
        comparison.brief = write_brief(comparison, settings.brief)
    return comparison
