"""Duplicates and near-copies: normalized URLs, and MinHash LSH over word shingles.

Exact duplicates (the same article id, i.e. the same normalized text, or the same
normalized URL) are skipped by the caller. Syndicated near-copies (one wire story in several
outlets, lightly edited) are found with MinHash (datasketch) over word shingles and LSH
banding: the band keys are stored with each article (``article_bands``), so finding the
candidates for a new article is an indexed lookup whose cost does not grow with the store,
and the index survives between runs. A candidate is a near-copy when the estimated Jaccard
similarity of the two signatures reaches ``near_copy_threshold``.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit, urlunsplit

import numpy as np
from courlan import normalize_url
from datasketch import MinHash, MinHashLSH

from newsprism.settings import IngestSettings

_WORD = re.compile(r"\w+", re.UNICODE)
# Fixed, so signatures stored by one run compare with those of the next (and datasketch is
# pinned: its hashing scheme decides the stored values).
_SEED = 1
_SCHEME = "affine32"


def canonical_url(url: str) -> str:
    """The URL as stored and compared: courlan's normalization (lower-case host, default
    port dropped, tracking parameters removed, parameters sorted), without the fragment.
    A URL courlan cannot read is returned stripped of its fragment only."""
    url = url.strip()
    with contextlib.suppress(ValueError, AttributeError):
        url = normalize_url(url)
    try:
        parts = urlsplit(url)
    except ValueError:  # "http://[" (an unclosed IPv6 bracket): keep it as given
        return url.split("#", 1)[0]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))


@dataclass(frozen=True)
class Fingerprint:
    """An article's MinHash signature (as bytes) and its LSH band keys."""

    signature: bytes
    bands: list[tuple[int, int]]


@lru_cache(maxsize=8)
def band_layout(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows per band) that datasketch's MinHashLSH chooses for this threshold."""
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    return int(lsh.b), int(lsh.r)


@lru_cache(maxsize=4)
def _template(num_perm: int) -> MinHash:
    """A MinHash whose permutations are reused (drawing them costs more than hashing)."""
    return MinHash(num_perm=num_perm, seed=_SEED, scheme=_SCHEME)


def shingles(text: str, size: int) -> set[str]:
    """The set of ``size``-word shingles of the lower-cased text."""
    words = _WORD.findall(text.lower())
    if len(words) < size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


def fingerprint(text: str, settings: IngestSettings) -> Fingerprint | None:
    """The text's MinHash signature and band keys; None for a text under
    ``near_copy_min_words`` words (too short to call a copy)."""
    if len(_WORD.findall(text)) < settings.near_copy_min_words:
        return None
    template = _template(settings.near_copy_perm)
    minhash = MinHash(
        num_perm=settings.near_copy_perm,
        seed=_SEED,
        permutations=template.permutations,
        scheme=_SCHEME,
    )
    minhash.update_batch(
        [s.encode("utf-8") for s in sorted(shingles(text, settings.near_copy_shingle))]
    )
    values = np.asarray(minhash.hashvalues, dtype="<u4")
    b, r = band_layout(settings.near_copy_threshold, settings.near_copy_perm)
    bands = []
    for band in range(b):
        chunk = values[band * r : (band + 1) * r].tobytes()
        key = int.from_bytes(hashlib.blake2b(chunk, digest_size=8).digest(), "little") >> 1
        bands.append((band, key))
    return Fingerprint(values.tobytes(), bands)


def similarity(a: bytes, b: bytes) -> float:
    """Estimated Jaccard similarity of two stored signatures (share of equal hash values)."""
    va = np.frombuffer(a, dtype="<u4")
    vb = np.frombuffer(b, dtype="<u4")
    if len(va) != len(vb) or not len(va):
        return 0.0
    return float(np.count_nonzero(va == vb)) / len(va)


def best_original(
    signature: bytes, candidates: list[tuple[str, bytes]], threshold: float
) -> tuple[str, float] | None:
    """The most similar candidate at or over ``threshold`` (ties: the smallest id), or None.

    A candidate that is itself a near-copy still counts; the store then links the new
    article to that copy's original.
    """
    best: tuple[str, float] | None = None
    for article, other in candidates:
        score = similarity(signature, other)
        if score >= threshold and (best is None or score > best[1]):
            best = (article, score)
    return best
