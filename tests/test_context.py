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


def test_the_third_articles_read_are_those_both_link_to_most_strongly() -> None:
    # Articles 0 and 1 (two sentences each) link their first sentences at 0.5. Article 2 is
    # linked from every sentence of both (0.6); article 3 only from their first sentences,
    # but more strongly (0.95), so on average both link less to it (0.475 a sentence).
    sizes = [2, 2, 1, 1]
    both = np.array([[0, 0], [1, 0]])
    first = np.array([[0, 0]])
    blocks = [(0, 1, first), (0, 2, both), (1, 2, both), (0, 3, first), (1, 3, first)]
    probabilities = [np.array(p) for p in ([0.5], [0.6, 0.6], [0.6, 0.6], [0.95], [0.95])]

    def through_third(thirds: int) -> float:
        return float(story_context(sizes, blocks, probabilities, thirds)[0][0][6])

    assert through_third(1) == 0.6  # article 2 alone: the one both link to most
    assert through_third(2) == 0.95  # and article 3 too
