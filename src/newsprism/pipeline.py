"""The main job: compare the articles of one story, stage by stage, over the shared model.

Each stage reads what the previous ones produced and adds its own layer; ``compare_articles``
runs them in order and records the wall time of each in ``Comparison.timings``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from newsprism.model import Article, ArticleAnalysis, Comparison, Concept
from newsprism.settings import DEFAULT, Settings

if TYPE_CHECKING:
    from newsprism.compare.facts import FactModel

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


def analyze_story(
    articles: list[Article],
    settings: Settings = DEFAULT,
    timings: dict[str, float] | None = None,
    report: Progress | None = None,
) -> tuple[list[ArticleAnalysis], list[Concept]]:
    """Analyse the articles of one story: parse once, read each article, link concepts across
    them, then add the event-word claims (compare/events.py) that alignment groups.

    The evaluation tasks call this too, so they measure exactly what ``compare`` runs.
    """
    from newsprism.analyze.article import analyze_doc
    from newsprism.analyze.concepts import link_concepts
    from newsprism.analyze.nlp import parse
    from newsprism.compare.events import event_claims

    spent = timings if timings is not None else {}
    with _timed(spent, "parse", report):
        docs = list(parse([a.text for a in articles], settings.models))
    with _timed(spent, "analyze", report):
        analyses = [analyze_doc(doc, a, settings) for doc, a in zip(docs, articles, strict=True)]
    with _timed(spent, "concepts", report):
        concepts = link_concepts(articles, analyses, settings.concepts)
    with _timed(spent, "events", report):
        for doc, article, analysis in zip(docs, articles, analyses, strict=True):
            extra = event_claims(doc, article, analysis, settings.align)
            analysis.claims = sorted(
                [*analysis.claims, *extra], key=lambda c: (c.start, c.predicate_start or 0, c.id)
            )
    return analyses, concepts


def compare_articles(
    articles: list[Article],
    settings: Settings = DEFAULT,
    report: Progress | None = None,
) -> Comparison:
    """Analyse the articles and compare them: claims, alignments, omissions, framing, events, brief.

    ``report`` is called with each stage's name as it starts (for progress display).
    """
    if not articles:
        raise CompareError("nothing to compare: no usable article")
    timings: dict[str, float] = {}
    analyses, concepts = analyze_story(articles, settings, timings, report)
    return compare_analyzed(articles, analyses, concepts, settings, report, timings)


def compare_analyzed(
    articles: list[Article],
    analyses: list[ArticleAnalysis],
    concepts: list[Concept],
    settings: Settings = DEFAULT,
    report: Progress | None = None,
    timings: dict[str, float] | None = None,
    fact_model: FactModel | None = None,
) -> Comparison:
    """The comparison of analysed articles: facts aligned across outlets (compare/facts.py),
    omissions, framing, events over time and the brief. ``fact_model`` replaces the shipped
    facts model (the evaluation passes one fitted without the triplets it scores)."""
    from newsprism.brief import write_brief
    from newsprism.compare.facts import align_facts
    from newsprism.compare.framing import quote_balance, term_uses
    from newsprism.compare.omissions import find_omissions
    from newsprism.compare.timeline import build_events

    timings = timings if timings is not None else {}
    with _timed(timings, "align", report):
        alignments = align_facts(articles, analyses, concepts, settings.facts, fact_model)
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
