"""Word alignment between two sentences, read from MiniLM's contextual word-piece vectors.

Two sentences share a fact when the words that state it in one find close counterparts in the
other ("urged" / "called for", "hacked account" / "computer hacker"), even when each sentence
carries more. Each word piece of a sentence (punctuation left out) is matched with its closest
piece of the other sentence; pieces rare in the story weigh more, so "the" and "said" count
for little without a stop list (one measured worse: it drops "not", "no", "former", "two").
What comes out (see ``PIECE_FEATURES``) is what a reader checks by eye: how much of each
sentence, and of its best clause, has a counterpart in the other. No training: the vectors are
those the sentence embedding is pooled from, computed in the same pass.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from newsprism.analyze.embed import DIMENSIONS, Pieces

# Each "_max" / "_min" pair is the better and the worse of the two sentences.
PIECE_FEATURES = (
    "pieces_recall_max",  # rarity-weighted mean closeness of its pieces to their counterparts
    "pieces_recall_min",
    "pieces_matched_max",  # rarity-weighted share of its pieces with a close counterpart
    "pieces_matched_min",
    "pieces_clause_recall",  # the best clause of either: how closely the other restates it
    "pieces_mutual",  # summed rarity of the pieces that are each other's closest counterpart
    "pieces_closeness_max",  # unweighted mean closeness of its pieces to their counterparts
    "pieces_closeness_min",
    "pieces_closest",  # the closest two pieces
)
MATCHED = 0.75  # a piece this close to its counterpart is matched
MUTUAL = 0.6  # two mutually closest pieces at least this close count as shared
_CONTENT = re.compile(r"\w")


@dataclass(frozen=True)
class ContentPieces:
    """A sentence's word pieces (punctuation left out): their vectors, their rarity weights
    and which of them make each of its clauses (masks; a clause needs two pieces or more)."""

    vectors: np.ndarray  # (n, DIMENSIONS)
    weights: np.ndarray  # (n,)
    clauses: tuple[np.ndarray, ...]


EMPTY = ContentPieces(np.zeros((0, DIMENSIONS), np.float32), np.zeros(0, np.float32), ())


def content_pieces(
    pieces: Sequence[Sequence[Pieces]], clauses: Sequence[Sequence[Sequence[tuple[int, int]]]]
) -> list[list[ContentPieces]]:
    """Every sentence's content pieces, weighted by the rarity of each piece among the story's
    sentences (inverse document frequency). ``clauses`` gives each sentence's clause spans as
    character offsets into the sentence."""
    keep = [[[bool(_CONTENT.search(t)) for t in p.tokens] for p in article] for article in pieces]
    frequency: dict[str, int] = {}
    for article, flags in zip(pieces, keep, strict=True):
        for p, mask in zip(article, flags, strict=True):
            for token in {t for t, k in zip(p.tokens, mask, strict=True) if k}:
                frequency[token] = frequency.get(token, 0) + 1
    total = sum(len(article) for article in pieces)
    out: list[list[ContentPieces]] = []
    for article, flags, spans in zip(pieces, keep, clauses, strict=True):
        row: list[ContentPieces] = []
        for p, mask, sentence_spans in zip(article, flags, spans, strict=True):
            index = [k for k, kept in enumerate(mask) if kept]
            if not index:
                row.append(EMPTY)
                continue
            weights = np.array(
                [math.log((total + 1) / (frequency[p.tokens[k]] + 0.5)) for k in index],
                dtype=np.float32,
            )
            starts = p.offsets[index, 0]
            masks = tuple(
                m for s, e in sentence_spans for m in [(starts >= s) & (starts < e)] if m.sum() >= 2
            )
            row.append(ContentPieces(p.vectors[index], np.maximum(weights, 1e-3), masks))
        out.append(row)
    return out


def piece_features(a: ContentPieces, b: ContentPieces) -> list[float]:
    """``PIECE_FEATURES`` of two sentences (all zero when either has no content piece)."""
    pair = np.zeros((1, 2), dtype=np.int64)
    return [float(v) for v in pair_piece_features([a], [b], pair)[0]]


@dataclass(frozen=True)
class _Article:
    """One article's pieces side by side, for scoring many pairs against it at once."""

    vectors: np.ndarray  # (pieces, DIMENSIONS), unit after unit
    weights: np.ndarray
    first: np.ndarray  # each unit's first piece
    count: np.ndarray  # each unit's number of pieces
    clause_weights: np.ndarray  # (clauses, pieces): a clause's weights, zero elsewhere
    clause_unit: np.ndarray  # the unit of each clause


def _side_by_side(units: Sequence[ContentPieces]) -> _Article:
    count = np.array([len(u.weights) for u in units], dtype=np.int64)
    first = np.concatenate([[0], np.cumsum(count)[:-1]]).astype(np.int64)
    total = int(count.sum())
    rows: list[np.ndarray] = []
    owners: list[int] = []
    for k, unit in enumerate(units):
        for mask in unit.clauses:
            row = np.zeros(total, dtype=np.float32)
            row[first[k] : first[k] + count[k]] = np.where(mask, unit.weights, 0.0)
            rows.append(row)
            owners.append(k)
    return _Article(
        np.concatenate([u.vectors for u in units]) if total else EMPTY.vectors,
        np.concatenate([u.weights for u in units]) if total else EMPTY.weights,
        first,
        count,
        np.stack(rows) if rows else np.zeros((0, total), np.float32),
        np.array(owners, dtype=np.int64),
    )


def pair_piece_features(
    left: Sequence[ContentPieces], right: Sequence[ContentPieces], pairs: np.ndarray
) -> np.ndarray:
    """(k, len(PIECE_FEATURES)) for the (i, j) unit pairs of two articles, computed one left
    unit at a time against all its partners' pieces together (each closeness matrix once).
    For a piece of the left unit, its counterpart in each partner is the closest piece of
    that partner; "mutual" pieces are each other's closest within the pair."""
    out = np.zeros((len(pairs), len(PIECE_FEATURES)), np.float32)
    if not len(pairs):
        return out
    other = _side_by_side(right)
    clause_mass = other.clause_weights.sum(axis=1)
    rows_of: dict[int, list[int]] = {}  # left unit -> its rows in ``pairs``
    for row, i in enumerate(pairs[:, 0].tolist()):
        rows_of.setdefault(i, []).append(row)
    for i, rows_list in rows_of.items():
        a = left[i]
        rows = np.array(rows_list, dtype=np.int64)
        js = pairs[rows, 1]
        present = other.count[js] > 0
        if not len(a.weights) or not present.any():
            continue
        rows, js = rows[present], js[present]
        index = np.concatenate(
            [np.arange(other.first[j], other.first[j] + other.count[j]) for j in js]
        )
        segment = np.concatenate([[0], np.cumsum(other.count[js])[:-1]]).astype(np.int64)
        closeness = a.vectors @ other.vectors[index].T  # (a's pieces, partners' pieces)
        weights_b = other.weights[index]
        best_a = np.maximum.reduceat(closeness, segment, axis=1)  # (a's pieces, partners)
        best_b = closeness.max(axis=0)
        mass_a = float(a.weights.sum())
        mass_b = np.add.reduceat(weights_b, segment)
        recall_a = a.weights @ best_a / mass_a
        recall_b = np.add.reduceat(best_b * weights_b, segment) / mass_b
        matched_a = a.weights @ (best_a >= MATCHED) / mass_a
        matched_b = np.add.reduceat((best_b >= MATCHED) * weights_b, segment) / mass_b
        clause = np.zeros(len(js), dtype=np.float32)
        for mask in a.clauses:
            clause = np.maximum(clause, a.weights[mask] @ best_a[mask] / a.weights[mask].sum())
        owned = np.isin(other.clause_unit, js)
        if owned.any():
            spread = np.zeros(len(other.weights), dtype=np.float32)
            spread[index] = best_b  # a unit appears once among the partners
            restated = other.clause_weights[owned] @ spread / clause_mass[owned]
            where = {j: k for k, j in enumerate(js.tolist())}
            for unit, value in zip(
                other.clause_unit[owned].tolist(), restated.tolist(), strict=True
            ):
                k = where[unit]
                clause[k] = max(clause[k], value)
        row_best = closeness == np.repeat(best_a, other.count[js], axis=1)
        mutual = row_best & (closeness == best_b[None, :]) & (closeness >= MUTUAL)
        shared = np.add.reduceat(
            (mutual * np.minimum(a.weights[:, None], weights_b[None, :])).sum(axis=0), segment
        )
        mean_a = best_a.mean(axis=0)
        mean_b = np.add.reduceat(best_b, segment) / other.count[js]
        out[rows] = np.stack(
            [
                np.maximum(recall_a, recall_b),
                np.minimum(recall_a, recall_b),
                np.maximum(matched_a, matched_b),
                np.minimum(matched_a, matched_b),
                clause,
                shared,
                np.maximum(mean_a, mean_b),
                np.minimum(mean_a, mean_b),
                best_a.max(axis=0),
            ],
            axis=1,
        )
    return out
