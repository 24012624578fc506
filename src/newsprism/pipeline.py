"""The main job: compare the articles of one story, stage by stage, over the shared model.

Each stage reads what the previous ones produced and adds its own layer; ``compare_articles``
runs them in order and records the wall time of each in ``Comparison.timings``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from newsprism.model import Alignment, Article, ArticleAnalysis, Comparison, Concept
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


def is_event_mention_only(alignment: Alignment) -> bool:
    """A group made only of event-word claims (ids "<article>:e<k>": "the summit", "talks"):
    event mentions that alignment needs, not facts worth listing as reported or omitted."""
    from newsprism.compare.events import is_event_word_claim

    return all(is_event_word_claim(claim) for claim in alignment.claims)


def compare_articles(
    articles: list[Article],
    settings: Settings = DEFAULT,
    report: Progress | None = None,
) -> Comparison:
    """Analyse the articles and compare them: claims, alignments, omissions, framing, events, brief.

    ``report`` is called with each stage's name as it starts (for progress display).
    """
    from newsprism.brief import write_brief
    from newsprism.compare.align import align_claims, reported_facts
    from newsprism.compare.framing import quote_balance, term_uses
    from newsprism.compare.omissions import find_omissions
    from newsprism.compare.timeline import build_events

    if not articles:
        raise CompareError("nothing to compare: no usable article")
    timings: dict[str, float] = {}
    analyses, concepts = analyze_story(articles, settings, timings, report)
    with _timed(timings, "align", report):
        grouped = align_claims(articles, analyses, concepts, settings.align)
        facts = reported_facts(articles, analyses, grouped, concepts, settings.align)
        alignments = [a for a in facts if not is_event_mention_only(a)]
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
