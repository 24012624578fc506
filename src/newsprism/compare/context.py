"""What the rest of the story says about one candidate pair of sentences.

The pairwise facts model scores two sentences on their own. A careful editor also reads
around them: a sentence is more likely to share a fact with another when the sentence next
to it shares one with it too (a quotation split over two sentences, its credit line
"Mr. Calderón told CNBC." apart from the words), when neither has a better match in the
other article, and when a third outlet's sentence states the fact of both. These are the
features of the second, in-story stage of the facts model (``compare/facts.py``), computed
from the first stage's probabilities of every candidate pair of the story:

- ``pair_probability``: the pair's own first-stage probability;
- ``neighbour_probability``: the strongest pair one sentence away in either article;
- ``margin_row`` / ``margin_column``: the probability minus the best other partner of each
  sentence in the other article (positive when each is the other's best match);
- ``mass_row`` / ``mass_column``: the summed probabilities of each sentence's partners in the
  other article (a sentence that matches everything matches nothing in particular);
- ``through_third``: the strongest path through a sentence of a third article (the weaker
  of its two links), over the ``thirds`` articles both link to most strongly;
- ``pair_and_third``: the weaker of the pair's own probability and ``through_third``.

Pairs that are not candidates count as probability 0. Deterministic.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

CONTEXT_FEATURES = (
    "pair_probability",
    "neighbour_probability",
    "margin_row",
    "margin_column",
    "mass_row",
    "mass_column",
    "through_third",
    "pair_and_third",
)

# (left article, right article, (k, 2) unit index pairs) for each scored block
Block = tuple[int, int, np.ndarray]


def story_context(
    sizes: Sequence[int],
    blocks: Sequence[Block],
    probabilities: Sequence[np.ndarray],
    thirds: int,
) -> list[np.ndarray]:
    """The ``CONTEXT_FEATURES`` of every candidate pair, one (k, 8) array per block.

    ``sizes`` is the number of units of each article, ``probabilities`` the first-stage
    probability of each block's pairs, in the blocks' order."""
    dense: dict[tuple[int, int], np.ndarray] = {}
    for (a, c, pairs), p in zip(blocks, probabilities, strict=True):
        m = np.zeros((sizes[a], sizes[c]))
        if len(pairs):
            m[pairs[:, 0], pairs[:, 1]] = p
        dense[(a, c)] = m
        dense[(c, a)] = m.T
    strength = _strength(len(sizes), dense)
    out: list[np.ndarray] = []
    for (a, c, pairs), p in zip(blocks, probabilities, strict=True):
        features = np.zeros((len(pairs), len(CONTEXT_FEATURES)))
        if len(pairs):
            i, j = pairs[:, 0], pairs[:, 1]
            m = dense[(a, c)]
            padded = np.pad(m, 1)
            neighbour = np.maximum.reduce(
                [padded[i, j + 1], padded[i + 2, j + 1], padded[i + 1, j], padded[i + 1, j + 2]]
            )
            features[:, 0] = p
            features[:, 1] = neighbour
            features[:, 2] = p - _best_other(m, i, p)
            features[:, 3] = p - _best_other(m.T, j, p)
            features[:, 4] = m.sum(axis=1)[i]
            features[:, 5] = m.sum(axis=0)[j]
            third = np.zeros(len(pairs))
            for t in _thirds(a, c, strength, thirds):
                if (a, t) not in dense or (c, t) not in dense:
                    continue
                through = np.minimum(dense[(a, t)][i], dense[(c, t)][j])
                third = np.maximum(third, through.max(axis=1, initial=0.0))
            features[:, 6] = third
            features[:, 7] = np.minimum(p, third)
        out.append(features)
    return out


def _best_other(m: np.ndarray, rows: np.ndarray, p: np.ndarray) -> np.ndarray:
    """For each pair (its row, its probability ``p``): the best probability among the
    row's other columns."""
    if m.shape[1] < 2:
        return np.zeros(len(rows))
    top = np.sort(m, axis=1)[:, -2:]
    first, second = top[rows, 1], top[rows, 0]
    return np.where(p >= first, second, first)


def _strength(n: int, dense: dict[tuple[int, int], np.ndarray]) -> np.ndarray:
    """How strongly each article's sentences link to each other article's, on average."""
    strength = np.zeros((n, n))
    for (a, t), m in dense.items():
        if m.size:
            strength[a, t] = float(m.max(axis=1).mean())
    return strength


def _thirds(a: int, c: int, strength: np.ndarray, limit: int) -> list[int]:
    """The third articles both ``a`` and ``c`` link to most strongly (at most ``limit``),
    ties by article index."""
    others = [t for t in range(len(strength)) if t not in (a, c)]
    others.sort(key=lambda t: (-(strength[a, t] + strength[c, t]), t))
    return others[:limit]
