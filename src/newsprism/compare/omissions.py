"""Omissions: the facts other articles of a story report and one article leaves out."""

from __future__ import annotations

from collections.abc import Sequence

from newsprism.model import Alignment, Article, Omission


def find_omissions(articles: Sequence[Article], alignments: Sequence[Alignment]) -> list[Omission]:
    """For each article (in input order), every alignment reported by other articles and not
    by it, in alignment order."""
    out: list[Omission] = []
    for article in articles:
        for alignment in alignments:
            if article.id in alignment.articles or not alignment.articles:
                continue
            out.append(Omission(article.id, alignment.id, sorted(alignment.articles)))
    return out
