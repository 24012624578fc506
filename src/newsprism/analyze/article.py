"""Per-article analysis: parse every text once, then read sentences, mentions, times,
quantities, quotes, claims and loaded wording from each parse."""

from __future__ import annotations

from spacy.tokens import Doc

from newsprism.analyze.claims import extract_claims
from newsprism.analyze.dates import find_times
from newsprism.analyze.loaded import find_loaded
from newsprism.analyze.mentions import find_mentions
from newsprism.analyze.nlp import parse
from newsprism.analyze.numbers import find_quantities
from newsprism.analyze.quotes import find_quotes
from newsprism.analyze.sentences import sentence_spans
from newsprism.model import Article, ArticleAnalysis, Sentence
from newsprism.settings import DEFAULT, Settings


def analyze_doc(doc: Doc, article: Article, settings: Settings = DEFAULT) -> ArticleAnalysis:
    """Everything analyze/ reads from one parsed article."""
    sentences = [
        Sentence(article.id, k, span.start_char, span.end_char)
        for k, span in enumerate(sentence_spans(doc))
    ]
    times = find_times(doc, article)
    quantities = find_quantities(doc, article)
    quotes = find_quotes(doc, article, settings.analyze)
    claims = extract_claims(doc, article, times, quantities, quotes)
    return ArticleAnalysis(
        article=article.id,
        sentences=sentences,
        mentions=find_mentions(doc, article),
        times=times,
        quantities=quantities,
        quotes=quotes,
        claims=claims,
        loaded=find_loaded(doc, article, settings.loaded),
    )


def analyze_articles(
    articles: list[Article], settings: Settings = DEFAULT
) -> list[ArticleAnalysis]:
    """Analyse articles in input order; texts are parsed in one batch with the shared pipeline."""
    docs = parse((a.text for a in articles), settings.models)
    return [
        analyze_doc(doc, article, settings) for doc, article in zip(docs, articles, strict=True)
    ]
