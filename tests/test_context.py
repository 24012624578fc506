"""compare/context.py: what the rest of a story says about one candidate pair."""

from __future__ import annotations

import numpy as np
import pytest

from newsprism.compare.context import CONTEXT_FEATURES, story_context

# Three articles of 3, 3 and 2 sentences; the first-stage probabilities of their candidates.
SIZES = [3, 3, 2]
BLOCKS = [
    (0, 1, np.array([[0, 0], [1, 1], [1, 2]])),
    (0, 2, np.array([[0, 0], [1, 1]])),
    (1, 2, np.array([[0, 0], [2, 1]])),
]
FIRST = [np.array([0.9, 0.6, 0.2]), np.array([0.8, 0.3]), np.array([0.7, 0.4])]


def features(block: int, pair: int, thirds: int = 8) -> dict[str, float]:
    rows = story_context(SIZES, BLOCKS, FIRST, thirds)
    return dict(zip(CONTEXT_FEATURES, rows[block][pair].round(4).tolist(), strict=True))


def test_a_pair_both_link_to_through_a_third_article_is_backed_by_it() -> None:
    # Sentence 0 of article 0 and sentence 0 of article 1 both link to sentence 0 of
    # article 2 (0.8 and 0.7): the path through it is as strong as its weaker link.
    assert features(0, 0) == {
        "pair_probability": 0.9,
        "neighbour_probability": 0.0,
        "margin_row": 0.9,
        "margin_column": 0.9,
        "mass_row": 0.9,
        "mass_column": 0.9,
        "through_third": 0.7,
        "pair_and_third": 0.7,
    }
    # With no third article to read, nothing backs it.
    assert features(0, 0, thirds=0)["through_third"] == 0.0


def test_a_pair_reads_its_neighbours_and_its_rivals() -> None:
    # (1, 1) has the pair (1, 2) one sentence away in article 1 (0.2), which is also
    # sentence 1's other partner there; no third-article path (article 1's sentence 1 has
    # no link to article 2).
    assert features(0, 1) == {
        "pair_probability": 0.6,
        "neighbour_probability": 0.2,
        "margin_row": 0.4,
        "margin_column": 0.6,
        "mass_row": 0.8,
        "mass_column": 0.6,
        "through_third": 0.0,
        "pair_and_third": 0.0,
    }
    # The weaker partner is 0.4 below sentence 1's best.
    assert features(0, 2)["margin_row"] == pytest.approx(-0.4)


def test_an_article_with_no_candidates_gives_empty_rows() -> None:
    rows = story_context([2, 0], [(0, 1, np.zeros((0, 2), dtype=int))], [np.zeros(0)], 8)
    assert rows[0].shape == (0, len(CONTEXT_FEATURES))
