"""Omissions: what other articles report and one article leaves out."""

from __future__ import annotations

from newsprism.compare.omissions import find_omissions
from newsprism.model import Alignment, Article, Omission


def test_each_article_misses_what_only_others_report() -> None:
    articles = [Article("A", "a"), Article("B", "b"), Article("C", "c")]
    alignments = [
        Alignment("a1", "agreed", ["A:k1", "B:k1", "C:k1"], ["A", "B", "C"]),
        Alignment("a2", "agreed", ["A:k2", "B:k2"], ["A", "B"]),
        Alignment("a3", "single", ["C:k2"], ["C"]),
    ]
    assert find_omissions(articles, alignments) == [
        Omission("A", "a3", ["C"]),
        Omission("B", "a3", ["C"]),
        Omission("C", "a2", ["A", "B"]),
    ]
