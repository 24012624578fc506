"""The nearest-neighbour index over active stories (faiss, exact inner product).

Only stories still open for new articles are in the index: the clusterer removes a story
when it falls out of the time window or when more than ``max_active_stories`` are open, so
the cost of one search is bounded by the window, never by the size of the store.
Vectors are dense random projections of the TF-IDF centroids (see ``project``); the index
keeps each one so a story's state can be saved with it (``vector``).
"""

from __future__ import annotations

import faiss
import numpy as np

# One search is a few hundred dot products: threads cost more than they save.
faiss.omp_set_num_threads(1)


def project(indices: np.ndarray, values: np.ndarray, dimensions: int) -> np.ndarray:
    """Project a sparse hashed vector to ``dimensions`` floats, unit length.

    The hashed word index already is a random hash, so its low bits pick the bucket and the
    next bit the sign: a fixed random projection that keeps inner products on average.
    (Summed in float64 by ``bincount``: ``np.add.at`` cost 0.15 ms for a story of 3,000 words.)
    """
    if not len(indices):
        return np.zeros(dimensions, dtype=np.float32)
    buckets = indices % dimensions
    signs = np.where((indices // dimensions) & 1, -1.0, 1.0)
    out = np.bincount(buckets, weights=values * signs, minlength=dimensions).astype(np.float32)
    norm = float(np.linalg.norm(out))
    return out / norm if norm > 0 else out


class StoryIndex:
    """Story keys (ints) with one unit vector each; search returns the nearest keys."""

    def __init__(self, dimensions: int) -> None:
        self.dimensions = dimensions
        self._index = faiss.IndexIDMap2(faiss.IndexFlatIP(dimensions))
        self._vectors: dict[int, np.ndarray] = {}

    def __len__(self) -> int:
        return len(self._vectors)

    def __contains__(self, key: int) -> bool:
        return key in self._vectors

    def keys(self) -> set[int]:
        """The keys currently searchable (a copy)."""
        return set(self._vectors)

    def vector(self, key: int) -> np.ndarray:
        """The unit vector stored for ``key`` (KeyError when absent)."""
        return self._vectors[key]

    def put(self, key: int, vector: np.ndarray) -> None:
        """Insert or replace the vector of ``key``."""
        vector = np.ascontiguousarray(vector, dtype=np.float32).reshape(-1)
        if key in self._vectors:
            self._index.remove_ids(np.array([key], dtype=np.int64))  # type: ignore[arg-type]
        self._index.add_with_ids(vector.reshape(1, -1), np.array([key], dtype=np.int64))
        self._vectors[key] = vector

    def remove(self, key: int) -> None:
        """Take ``key`` out of the search (no-op when absent)."""
        if key in self._vectors:
            self._index.remove_ids(np.array([key], dtype=np.int64))  # type: ignore[arg-type]
            del self._vectors[key]

    def search(self, vector: np.ndarray, k: int) -> list[int]:
        """Up to ``k`` keys, nearest first (ties broken by key for determinism)."""
        if not self._vectors or k <= 0:
            return []
        k = min(k, len(self._vectors))
        scores, ids = self._index.search(vector.reshape(1, -1).astype(np.float32), k)
        found = [(-float(s), int(i)) for s, i in zip(scores[0], ids[0], strict=True) if i >= 0]
        return [key for _, key in sorted(found)]
