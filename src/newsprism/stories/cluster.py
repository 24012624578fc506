"""Online story clustering: each new article joins the story it belongs to or starts one.

For each article the clusterer
1. updates the online document frequencies (so the IDF always covers every article seen),
2. asks the nearest-neighbour index (``index.StoryIndex``) for the ``candidates`` open
   stories nearest to it (projected TF-IDF), never scanning the whole store,
3. scores each candidate with a small logistic model over explainable similarities
   (``PAIR_FEATURES``: TF-IDF cosine to the centroid and to the closest recent member,
   weighted overlap of names and numbers, days between the article and the story, size),
   whose weights are learned on the labelled dev sets by ``newsprism.train.stories``,
4. joins the best candidate when its probability reaches ``join_probability``, else starts
   a new story whose id is ``"s" + <first article id>`` and never changes.

Stories close (leave the index) when they fall out of the time window or when too many are
open; closed stories stay in ``stories()``. Optionally (``merge_probability`` <= 1) an article
that also fits a second open story merges it into the older one, revising earlier filings;
off by default because it moved mean B-cubed F1 by only +0.004 on the dev sets.

Scoring one candidate costs the same however long the story has run: the article's weighted
vector is scattered once into a dense scratch array, and each story keeps its recent
members' weighted vectors as one concatenated block, refreshed (like every cached weighting)
when the story changes or at the next IDF fold, and its names as an array of name numbers
whose document counts are one array look-up away. So a story that has run for years with
hundreds of members and names is scored with a few array operations, not a Python loop over
its members and names.

Cached weightings use the document frequencies *as of the last fold*, not the live ones: the
folds come at fixed article counts (``next_fold``: every article up to 10, then every tenth
growth of the stream, at most ``IDF_FOLD_MAX`` articles apart), and the counts at the last
fold are kept (``folded_frequencies``) and given back by ``load_counts``. So a weighting does
not depend on when it was computed, and a clusterer rebuilt from a store (``stories.persist``)
or started at a partition (``stories.partition``) files exactly as one that never stopped.
The article being filed, the index vectors and the names are weighed with the live counts.

A store keeps the clusterer between runs (``stories.persist``) through public hooks only:
``export_story``/``restore_story`` (one open story's state as bytes), ``load_counts``,
``frequencies`` and ``folded_frequencies`` (the online document frequencies, live and as of
the last fold), ``documents``/``folded``/``clock``,
``take_changes`` (what filing changed since the last call), ``story_info``, ``forget``
(drop a closed story from memory), ``set_title`` and ``keep_apart`` (pairs of stories a
user split, never merged again).
"""

from __future__ import annotations

import heapq
import json
import math
import struct
from collections import Counter, OrderedDict, deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path

import numpy as np

from newsprism.model import Article, Story
from newsprism.settings import DEFAULT, StorySettings
from newsprism.stories.features import HASH_BITS, StoryFeatures, extract_features
from newsprism.stories.index import StoryIndex, project

IDF_FOLD_MAX = 10_000  # at most this many articles between two IDF folds


def next_fold(folded: int) -> int:
    """The article count of the IDF fold that follows one at ``folded`` articles: every
    article up to 10, then every tenth growth of the stream, at most ``IDF_FOLD_MAX``."""
    return folded + min(max(1, folded // 10), IDF_FOLD_MAX)


def folds_between(folded: int, upto: int) -> list[int]:
    """The article counts of the folds after one at ``folded``, up to ``upto`` included."""
    out = []
    point = next_fold(folded)
    while point <= upto:
        out.append(point)
        point = next_fold(point)
    return out


PAIR_FEATURES = (
    "centroid_cosine",  # TF-IDF cosine between the article and the story's centroid
    "member_cosine",  # highest TF-IDF cosine to one of the story's recent members
    "lead_cosine",  # TF-IDF cosine of the article's lead to the story's leads (centroid)
    "lead_member_cosine",  # highest lead-to-lead TF-IDF cosine with a recent member
    "name_cosine",  # IDF-weighted cosine of names and numbers
    "days_apart",  # log(1 + days between the article and the story's time range)
    "time_unknown",  # 1 when either side has no publication time
    "log_size",  # log of the story's number of articles
)
STATE_MAGIC = b"NPS1"  # the first bytes of ``export_story``'s state


def _aware(when: datetime) -> datetime:
    """Naive times are read as UTC, so every comparison is between aware datetimes."""
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def _iso(when: datetime | None) -> str | None:
    return None if when is None else _aware(when).astimezone(UTC).isoformat()


@dataclass
class StoryModel:
    """Logistic weights over ``PAIR_FEATURES``: P(article belongs to story)."""

    weights: dict[str, float]
    bias: float
    trained_on: str = ""

    def probability(self, values: np.ndarray) -> float:
        """The probability for one row of pair features (in ``PAIR_FEATURES`` order)."""
        w = np.array([self.weights.get(name, 0.0) for name in PAIR_FEATURES])
        z = float(values @ w) + self.bias
        return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))

    @classmethod
    def load(cls, path: str = "") -> StoryModel:
        """Read the weights file (the shipped one when ``path`` is "")."""
        if path:
            raw = Path(path).read_text(encoding="utf-8")
        else:
            raw = (
                resources.files("newsprism")
                .joinpath("data/story_weights.json")
                .read_text(encoding="utf-8")
            )
        data = json.loads(raw)
        return cls(
            weights={k: float(v) for k, v in data["weights"].items()},
            bias=float(data["bias"]),
            trained_on=str(data.get("trained_on", "")),
        )


@dataclass(frozen=True)
class StoryInfo:
    """A read-only view of one story of the clusterer (times are aware, UTC)."""

    id: str
    title: str
    articles: tuple[str, ...]
    start: datetime | None
    end: datetime | None
    status: str  # "open" (in the index), "closed" or "merged"
    merged_into: str  # the story it went into when "merged", else ""


@dataclass
class StoryChanges:
    """What filing changed since the last ``take_changes`` (story ids, creation order)."""

    created: list[str] = field(default_factory=list)  # stories started
    joined: list[str] = field(default_factory=list)  # stories that took an article or a merge
    closed: list[str] = field(default_factory=list)  # stories that left the index
    merged: list[tuple[str, str]] = field(default_factory=list)  # (merged story, kept story)

    def touched(self) -> list[str]:
        """Every story whose row changed: joined, closed or merged away (no repeats)."""
        seen: dict[str, None] = {}
        for story_id in [*self.joined, *self.closed, *(gone for gone, _ in self.merged)]:
            seen.setdefault(story_id, None)
        return list(seen)


@dataclass
class _Sparse:
    """A sparse vector as sorted index and value arrays."""

    indices: np.ndarray
    values: np.ndarray
    weighted: np.ndarray | None = None  # weighted unit values (IDF as of a fold), cached
    weighted_at: int = -1  # the fold (article count) the cache was computed with

    @classmethod
    def of(cls, items: dict[int, float]) -> _Sparse:
        keys = np.fromiter(sorted(items), dtype=np.int64, count=len(items))
        vals = np.array([items[int(k)] for k in keys], dtype=np.float64)
        return cls(keys, vals)

    @classmethod
    def empty(cls) -> _Sparse:
        return cls(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64))


def _plus(total: _Sparse, add: _Sparse, scale: float) -> _Sparse:
    """``total + add / scale`` as a new vector (the sum of a story's member vectors); costs
    a copy of ``total`` plus a binary search per entry of ``add``, no sort."""
    at = np.searchsorted(total.indices, add.indices)
    found = at < len(total.indices)
    found[found] = total.indices[at[found]] == add.indices[found]
    values = total.values.copy()
    values[at[found]] += add.values[found] / scale
    new = ~found
    if not new.any():
        return _Sparse(total.indices.copy(), values)
    indices = np.insert(total.indices, at[new], add.indices[new])
    return _Sparse(indices, np.insert(values, at[new], add.values[new] / scale))


def _unit_scale(vector: _Sparse) -> float:
    return float(np.linalg.norm(vector.values)) or 1.0


@dataclass
class _Block:
    """A story's recent members' weighted vectors, concatenated, to score them at once."""

    indices: np.ndarray
    values: np.ndarray
    owner: np.ndarray  # the member each entry belongs to
    count: int
    fold: int  # the fold the weightings were computed with (-1: none, never refreshed)


@dataclass
class _StoryState:
    key: int
    id: str
    title: str
    articles: list[str] = field(default_factory=list)
    words: _Sparse = field(default_factory=_Sparse.empty)  # sum of members' unit word vectors
    names: Counter[str] = field(default_factory=Counter)
    recent: deque[_Sparse] = field(default_factory=deque)
    leads: _Sparse = field(default_factory=_Sparse.empty)  # sum of members' unit lead vectors
    recent_leads: deque[_Sparse] = field(default_factory=deque)
    merged_into: str = ""  # set when a later article showed this story is another one
    start: datetime | None = None
    end: datetime | None = None
    members: _Block | None = None  # cache of ``recent``, dropped when it changes
    lead_members: _Block | None = None  # cache of ``recent_leads``
    name_numbers: np.ndarray | None = None  # cache of ``names``: name numbers and counts
    name_counts: np.ndarray | None = None

    def changed(self) -> None:
        """Drop the caches of the members and names (after a join or a merge)."""
        self.members = self.lead_members = None
        self.name_numbers = self.name_counts = None


# --- state as bytes -----------------------------------------------------------------------


def _pack(header: dict[str, object], arrays: list[np.ndarray]) -> bytes:
    header = {**header, "arrays": [[a.dtype.str, int(a.size)] for a in arrays]}
    head = json.dumps(header, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    parts = [STATE_MAGIC, struct.pack("<I", len(head)), head, *(a.tobytes() for a in arrays)]
    return b"".join(parts)


def _unpack(blob: bytes) -> tuple[dict[str, object], list[np.ndarray]]:
    if blob[:4] != STATE_MAGIC:
        raise ValueError("not a newsprism story state")
    (size,) = struct.unpack_from("<I", blob, 4)
    header = json.loads(blob[8 : 8 + size].decode("utf-8"))
    offset = 8 + size
    arrays = []
    for dtype, count in header["arrays"]:
        dt = np.dtype(dtype)
        arrays.append(np.frombuffer(blob, dtype=dt, count=count, offset=offset).copy())
        offset += dt.itemsize * count
    return header, arrays


def _sorted_sparse(indices: np.ndarray, values: np.ndarray) -> _Sparse:
    order = np.argsort(indices, kind="stable")  # states written before 2026-11 were unsorted
    return _Sparse(indices[order].astype(np.int64), values[order].astype(np.float64))


def _encode_state(story: _StoryState, vector: np.ndarray) -> bytes:
    arrays = [
        story.words.indices.astype("<i4"),
        story.words.values.astype("<f8"),
        story.leads.indices.astype("<i4"),
        story.leads.values.astype("<f8"),
    ]
    for member in [*story.recent, *story.recent_leads]:
        arrays.extend([member.indices.astype("<i4"), member.values.astype("<f8")])
    arrays.append(np.asarray(vector, dtype="<f4"))
    header: dict[str, object] = {
        "v": 1,
        "names": dict(story.names),
        "recent": len(story.recent),
        "start": _iso(story.start),
        "end": _iso(story.end),
    }
    return _pack(header, arrays)


def _decode_state(
    blob: bytes, key: int, story_id: str, title: str
) -> tuple[_StoryState, np.ndarray]:
    header, arrays = _unpack(blob)
    names = header["names"]
    if not isinstance(names, dict) or len(arrays) < 5:
        raise ValueError("not a newsprism story state")
    recent = int(str(header["recent"]))
    story = _StoryState(key=key, id=story_id, title=title)
    story.words = _sorted_sparse(arrays[0], arrays[1])
    story.leads = _sorted_sparse(arrays[2], arrays[3])
    story.names = Counter({str(k): int(v) for k, v in names.items()})
    members = [
        _Sparse(arrays[k].astype(np.int64), arrays[k + 1].astype(np.float64))
        for k in range(4, 4 + 4 * recent, 2)
    ]
    story.recent = deque(members[:recent])
    story.recent_leads = deque(members[recent:])
    start, end = header.get("start"), header.get("end")
    story.start = datetime.fromisoformat(start) if isinstance(start, str) else None
    story.end = datetime.fromisoformat(end) if isinstance(end, str) else None
    return story, arrays[-1].astype(np.float32)


class StoryClusterer:
    """Files articles into stories one at a time (see the module docstring)."""

    def __init__(self, settings: StorySettings = DEFAULT.stories, model: StoryModel | None = None):
        self.settings = settings
        self.model = model if model is not None else StoryModel.load(settings.weights_path)
        self._df = np.zeros(2**HASH_BITS, dtype=np.int32)
        self._name_numbers: dict[str, int] = {}  # every name seen -> its number
        self._name_df = np.zeros(1024, dtype=np.int64)  # document count by name number
        self._documents = 0
        self._folded_df = np.zeros(2**HASH_BITS, dtype=np.int32)  # ``_df`` at the last fold
        self._folded = 0  # the article count of the last fold
        self._next_fold = next_fold(0)
        self._stories: dict[int, _StoryState] = {}  # by key, in order of creation
        self._next_key = 0
        self._key_of: dict[str, int] = {}  # a story's own id -> its key
        self._merged: dict[str, str] = {}  # a merged story's id -> the story it went into
        self._story_of: dict[str, str] = {}
        self._index = StoryIndex(settings.index_dimensions)
        self._open: OrderedDict[int, None] = OrderedDict()  # least recently joined first
        self._ends: list[tuple[datetime, int]] = []  # heap of (story end, key), lazy
        self._clock: datetime | None = None
        self._apart: set[tuple[str, str]] = set()
        self._changes = StoryChanges()
        self._scratch: np.ndarray | None = None  # dense copy of the article being scored
        self.scored = 0  # candidate stories scored so far (for tests and speed reports)

    # -- counters and document frequencies --------------------------------------------------

    @property
    def documents(self) -> int:
        """Articles counted in the document frequencies so far."""
        return self._documents

    @property
    def folded(self) -> int:
        """The article count of the last IDF fold (cached weightings use the counts then)."""
        return self._folded

    @property
    def clock(self) -> datetime | None:
        """The newest publication time seen (the time window is measured from it)."""
        return self._clock

    def load_counts(
        self,
        words: Mapping[int, int],
        names: Mapping[str, int],
        documents: int,
        clock: datetime | None,
        folded_words: Mapping[int, int] | None = None,
        folded: int | None = None,
    ) -> None:
        """Set the online document frequencies and counters (a run continuing a store), and
        the word counts as of the last fold (``folded_words`` at ``folded`` articles, as
        ``folded_frequencies`` gave them); without them the fold is now."""
        self._df[:] = 0
        if words:
            keys = np.fromiter(words.keys(), dtype=np.int64, count=len(words))
            self._df[keys] = np.fromiter(words.values(), dtype=np.int64, count=len(words))
        if folded_words is None or folded is None:
            self._folded_df[:] = self._df
            self._folded = int(documents)
        else:
            self._folded_df[:] = 0
            if folded_words:
                keys = np.fromiter(folded_words.keys(), dtype=np.int64, count=len(folded_words))
                self._folded_df[keys] = np.fromiter(
                    folded_words.values(), dtype=np.int64, count=len(folded_words)
                )
            self._folded = int(folded)
        self._next_fold = next_fold(self._folded)
        self._name_numbers = {}
        self._name_df = np.zeros(1024, dtype=np.int64)
        if names:
            numbers = np.array([self._name_number(n) for n in names], dtype=np.int64)
            self._name_df[numbers] = np.fromiter(names.values(), dtype=np.int64, count=len(names))
        self._documents = int(documents)
        self._clock = None if clock is None else _aware(clock)

    def frequencies(self) -> tuple[dict[int, int], dict[str, int]]:
        """Document counts of every hashed word and every name seen (for checks)."""
        seen = np.flatnonzero(self._df)
        words = dict(zip(seen.tolist(), self._df[seen].tolist(), strict=True))
        names = {n: int(self._name_df[k]) for n, k in self._name_numbers.items()}
        return words, {n: c for n, c in names.items() if c}

    def folded_frequencies(self) -> dict[int, int]:
        """Document counts of the hashed words as of the last fold (``folded`` articles)."""
        seen = np.flatnonzero(self._folded_df)
        return dict(zip(seen.tolist(), self._folded_df[seen].tolist(), strict=True))

    def _fold(self) -> None:
        """Keep the counts of now for the cached weightings (at the fixed fold points)."""
        np.copyto(self._folded_df, self._df)
        self._folded = self._documents
        self._next_fold = next_fold(self._folded)

    # -- weights ------------------------------------------------------------------------

    def _idf(self, indices: np.ndarray) -> np.ndarray:
        df = self._df[indices].astype(np.float64)
        return np.log((1.0 + self._documents) / (1.0 + df)) + 1.0

    def _name_number(self, name: str) -> int:
        number = self._name_numbers.get(name)
        if number is None:
            number = self._name_numbers[name] = len(self._name_numbers)
            if number >= len(self._name_df):
                self._name_df = np.concatenate([self._name_df, np.zeros_like(self._name_df)])
        return number

    def _name_idf(self, name: str) -> float:
        count = self._name_df[self._name_number(name)]
        return math.log((1.0 + self._documents) / (1.0 + float(count))) + 1.0

    def _weighted(self, vector: _Sparse) -> np.ndarray:
        values = vector.values * self._idf(vector.indices)
        norm = float(np.linalg.norm(values))
        return values / norm if norm > 0 else values

    def _cached_weighted(self, vector: _Sparse) -> np.ndarray:
        """``vector`` weighted with the IDF as of the last fold (kept until the next)."""
        if vector.weighted is None or vector.weighted_at != self._folded:
            df = self._folded_df[vector.indices].astype(np.float64)
            values = vector.values * (np.log((1.0 + self._folded) / (1.0 + df)) + 1.0)
            norm = float(np.linalg.norm(values))
            vector.weighted = values / norm if norm > 0 else values
            vector.weighted_at = self._folded
        return vector.weighted

    def _block(self, story: _StoryState, leads: bool) -> _Block:
        """The story's recent members (or their leads) weighted, as one block."""
        block = story.lead_members if leads else story.members
        if block is not None and block.fold in (self._folded, -1):
            return block
        members = story.recent_leads if leads else story.recent
        if not members:  # only a damaged state has no members: nothing to compare
            return _Block(np.zeros(0, np.int64), np.zeros(0), np.zeros(0, np.int64), 0, -1)
        values = [self._cached_weighted(m) for m in members]
        sizes = [len(m.indices) for m in members]
        block = _Block(
            indices=np.concatenate([m.indices for m in members]),
            values=np.concatenate(values),
            owner=np.repeat(np.arange(len(members)), sizes),
            count=len(members),
            fold=self._folded,
        )
        if leads:
            story.lead_members = block
        else:
            story.members = block
        return block

    def _name_norm(self, story: _StoryState) -> float:
        """The IDF-weighted length of the story's names (with the IDF of now)."""
        if story.name_numbers is None or story.name_counts is None:
            try:  # every name of a story was counted when its article was observed
                numbers = map(self._name_numbers.__getitem__, story.names)
                story.name_numbers = np.fromiter(numbers, dtype=np.int64, count=len(story.names))
            except KeyError:  # a story restored without its counts
                story.name_numbers = np.array(
                    [self._name_number(n) for n in story.names], dtype=np.int64
                )
            story.name_counts = np.fromiter(
                story.names.values(), dtype=np.float64, count=len(story.names)
            )
        df = self._name_df[story.name_numbers].astype(np.float64)
        weighted = story.name_counts * (np.log((1.0 + self._documents) / (1.0 + df)) + 1.0)
        return math.sqrt(float(weighted @ weighted))

    # -- time window ----------------------------------------------------------------------

    @staticmethod
    def _days_apart(when: datetime | None, story: _StoryState) -> float | None:
        if when is None or story.start is None or story.end is None:
            return None
        when = _aware(when)
        if when < story.start:
            return (story.start - when).total_seconds() / 86400.0
        if when > story.end:
            return (when - story.end).total_seconds() / 86400.0
        return 0.0

    def _close_old(self) -> None:
        if self._clock is not None:
            horizon = self._clock - timedelta(days=self.settings.window_days)
            while self._ends and self._ends[0][0] < horizon:
                end, key = heapq.heappop(self._ends)
                story = self._stories.get(key)
                if story is not None and story.end == end and key in self._open:
                    self._close(key)  # stale heap entries are skipped
        while len(self._open) > self.settings.max_active_stories:
            oldest = next(iter(self._open))
            self._close(oldest)

    def _close(self, key: int) -> None:
        if key in self._index:
            self._changes.closed.append(self._stories[key].id)
        self._index.remove(key)
        self._open.pop(key, None)

    def _advance_clock(self, when: datetime | None) -> None:
        if when is None:
            return
        when = _aware(when)
        if self._clock is None or when > self._clock:
            self._clock = when

    # -- scoring ------------------------------------------------------------------------

    def _dense(self) -> np.ndarray:
        if self._scratch is None:
            self._scratch = np.zeros(2**HASH_BITS, dtype=np.float64)
        return self._scratch

    def _similarities(
        self, vector: _Sparse, weighted: np.ndarray, stories: list[_StoryState], leads: bool
    ) -> list[tuple[float, float]]:
        """(cosine to the centroid, highest cosine to a recent member) of each story."""
        dense = self._dense()
        dense[vector.indices] = weighted
        try:
            out = []
            for story in stories:
                centroid = story.leads if leads else story.words
                to_centroid = float(dense[centroid.indices] @ self._cached_weighted(centroid))
                block = self._block(story, leads)
                best = 0.0
                if block.count:
                    per_member = np.bincount(
                        block.owner,
                        weights=dense[block.indices] * block.values,
                        minlength=block.count,
                    )
                    best = float(per_member.max())
                out.append((to_centroid, best))
            return out
        finally:
            dense[vector.indices] = 0.0

    def candidates(self, features: StoryFeatures) -> list[tuple[str, np.ndarray]]:
        """Story ids and pair features (``PAIR_FEATURES``) of the open stories nearest to an
        article.

        Read-only except for the IDF counts, which must already include the article (``add``
        does that), and caches; used by ``add`` and by the trainer.
        """
        doc = _Sparse.of(features.words)
        doc_weighted = self._weighted(doc)
        keys = self._index.search(
            project(doc.indices, doc_weighted, self.settings.index_dimensions),
            self.settings.candidates,
        )
        self.scored += len(keys)
        if not keys:
            return []
        stories = [self._stories[key] for key in keys]
        lead = _Sparse.of(features.lead)
        words = self._similarities(doc, doc_weighted, stories, leads=False)
        leads = self._similarities(lead, self._weighted(lead), stories, leads=True)
        idf2 = {n: self._name_idf(n) ** 2 for n in features.names}
        doc_norm = math.sqrt(sum((c * self._name_idf(n)) ** 2 for n, c in features.names.items()))
        out = []
        for story, (centroid, member), (lead_centroid, lead_member) in zip(
            stories, words, leads, strict=True
        ):
            names = 0.0
            if features.names and story.names:
                dot = sum(
                    c * story.names[n] * idf2[n]
                    for n, c in features.names.items()
                    if n in story.names
                )
                if dot != 0:
                    names = dot / (doc_norm * self._name_norm(story))
            days = self._days_apart(features.published, story)
            values = np.array(
                [
                    centroid,
                    member,
                    lead_centroid,
                    lead_member,
                    names,
                    math.log1p(days) if days is not None else 0.0,
                    1.0 if days is None else 0.0,
                    math.log(len(story.articles)),
                ]
            )
            out.append((story.id, values))
        return out

    # -- filing -------------------------------------------------------------------------

    def observe(self, features: StoryFeatures) -> None:
        """Count an article's words and names into the online document frequencies."""
        self._documents += 1
        if features.words:
            idx = np.fromiter(features.words, dtype=np.int64, count=len(features.words))
            self._df[idx] += 1
        if features.names:
            numbers = [self._name_number(n) for n in features.names]
            self._name_df[np.array(numbers, dtype=np.int64)] += 1
        if self._documents >= self._next_fold:
            self._fold()
        self._advance_clock(features.published)
        self._close_old()

    def _resolve(self, story_id: str) -> int:
        """The key of the story ``story_id`` is (or was merged into)."""
        while story_id in self._merged:
            story_id = self._merged[story_id]
        return self._key_of[story_id]

    def add(self, article: Article, features: StoryFeatures | None = None) -> str:
        """File one article; return the id of the story it joins (or starts)."""
        if article.id in self._story_of:
            return self._story_of[article.id]
        if features is None:
            features = extract_features(article)
        self.observe(features)
        scored = sorted(
            (
                (-self.model.probability(values), story_id)
                for story_id, values in self.candidates(features)
            ),
        )
        if not scored or -scored[0][0] < self.settings.join_probability:
            return self.join(article, features, None)
        story_id = self.join(article, features, scored[0][1])
        for minus_p, other in scored[1:]:
            if -minus_p < self.settings.merge_probability:
                break
            self.merge(story_id, other)
        return self._stories[self._resolve(story_id)].id  # the older id when merged

    def keep_apart(self, pairs: Iterable[tuple[str, str]]) -> None:
        """Never merge these pairs of stories (a user split them apart)."""
        for a, b in pairs:
            self._apart.update(((a, b), (b, a)))

    def merge(self, into: str, other: str) -> None:
        """Revise earlier filings: move every article of story ``other`` into ``into``.

        The older story's id survives (``into`` when it was created first). Nothing happens
        for two stories kept apart (``keep_apart``)."""
        a, b = self._stories[self._resolve(into)], self._stories[self._resolve(other)]
        if a.key == b.key or (a.id, b.id) in self._apart:
            return
        if b.key < a.key:
            a, b = b, a
        a.words = _plus(a.words, b.words, 1.0)
        a.leads = _plus(a.leads, b.leads, 1.0)
        a.names.update(b.names)
        a.recent.extend(b.recent)
        a.recent_leads.extend(b.recent_leads)
        while len(a.recent) > self.settings.recent_members:
            a.recent.popleft()
            a.recent_leads.popleft()
        a.changed()
        a.articles.extend(b.articles)
        for article_id in b.articles:
            self._story_of[article_id] = a.id
        if b.start is not None and b.end is not None:
            a.start = b.start if a.start is None else min(a.start, b.start)
            a.end = b.end if a.end is None else max(a.end, b.end)
            heapq.heappush(self._ends, (a.end, a.key))
        b.articles = []
        b.merged_into = a.id
        self._merged[b.id] = a.id
        self._close(b.key)
        self._index.put(
            a.key,
            project(a.words.indices, self._weighted(a.words), self.settings.index_dimensions),
        )
        self._open[a.key] = None
        self._changes.joined.extend((a.id, b.id))
        self._changes.merged.append((b.id, a.id))

    def join(self, article: Article, features: StoryFeatures, story_id: str | None) -> str:
        """Put an article into the story ``story_id`` (a new story when None)."""
        if story_id is None:
            key = self._next_key
            self._next_key += 1
            story = _StoryState(key=key, id=f"s{article.id}", title=article.title)
            self._stories[key] = story
            self._key_of[story.id] = key
            self._changes.created.append(story.id)
        else:
            key = self._resolve(story_id)
            story = self._stories[key]
        doc = _Sparse.of(features.words)
        lead = _Sparse.of(features.lead)
        story.words = _plus(story.words, doc, _unit_scale(doc))
        story.leads = _plus(story.leads, lead, _unit_scale(lead))
        story.names.update(features.names)
        story.recent.append(doc)
        story.recent_leads.append(lead)
        while len(story.recent) > self.settings.recent_members:
            story.recent.popleft()
            story.recent_leads.popleft()
        story.changed()
        story.articles.append(article.id)
        if features.published is not None:
            when = _aware(features.published)
            story.start = when if story.start is None else min(story.start, when)
            story.end = when if story.end is None else max(story.end, when)
            heapq.heappush(self._ends, (story.end, key))
        self._story_of[article.id] = story.id
        self._index.put(
            key,
            project(
                story.words.indices, self._weighted(story.words), self.settings.index_dimensions
            ),
        )
        self._open[key] = None
        self._open.move_to_end(key)
        self._changes.joined.append(story.id)
        self._close_old()
        return story.id

    # -- what a store keeps ----------------------------------------------------------------

    def take_changes(self) -> StoryChanges:
        """What changed since the last call (and start noting afresh)."""
        changes, self._changes = self._changes, StoryChanges()
        return changes

    def story_info(self, story_id: str) -> StoryInfo | None:
        """The story with this id (its own id, merges not followed), or None when unknown
        or forgotten."""
        key = self._key_of.get(story_id)
        if key is None:
            return None
        story = self._stories[key]
        status = "merged" if story.merged_into else "open" if key in self._index else "closed"
        return StoryInfo(
            id=story.id,
            title=story.title,
            articles=tuple(story.articles),
            start=story.start,
            end=story.end,
            status=status,
            merged_into=story.merged_into,
        )

    def set_title(self, story_id: str, title: str) -> None:
        """Rename a story (the title a store shows for it)."""
        self._stories[self._key_of[story_id]].title = title

    def export_story(self, story_id: str) -> bytes:
        """An open story's clustering state as bytes: its members' summed word and lead
        vectors, names, recent members' vectors, time range and index vector (a JSON header
        and raw arrays; never pickle). ``restore_story`` reads it back."""
        key = self._key_of[story_id]
        if key not in self._index:
            raise ValueError(f"story {story_id} is not open: only open stories keep a state")
        return _encode_state(self._stories[key], self._index.vector(key))

    def restore_story(
        self, story_id: str, title: str, state: bytes, articles: Iterable[str]
    ) -> None:
        """Put back an open story saved by ``export_story``, with its member articles (it
        becomes the most recently joined open story). Raises ValueError for bytes that are not
        a story state."""
        if story_id in self._key_of:
            raise ValueError(f"story {story_id} is already here")
        key = self._next_key
        story, vector = _decode_state(state, key, story_id, title)
        self._next_key += 1
        story.articles = list(articles)
        self._stories[key] = story
        self._key_of[story_id] = key
        for article_id in story.articles:
            self._story_of[article_id] = story_id
        self._index.put(key, vector)
        self._open[key] = None
        if story.end is not None:
            heapq.heappush(self._ends, (story.end, key))

    def forget(self, story_id: str) -> None:
        """Drop a closed or merged story from memory (a store keeps its row); no-op for an
        unknown one. An open story cannot be forgotten."""
        key = self._key_of.get(story_id)
        if key is None:
            return
        if key in self._index:
            raise ValueError(f"story {story_id} is open")
        story = self._stories.pop(key)
        del self._key_of[story_id]
        for article_id in story.articles:
            if self._story_of.get(article_id) == story_id:
                del self._story_of[article_id]

    # -- reading --------------------------------------------------------------------------

    def open_count(self) -> int:
        """How many stories can take new articles (the size of the index)."""
        return len(self._index)

    def open_stories(self) -> set[str]:
        """Ids of the stories that can still take new articles (those in the index)."""
        return {self._stories[k].id for k in self._index.keys()}  # noqa: SIM118

    def story_of(self, article_id: str) -> str | None:
        """The story an article was filed into, if any."""
        return self._story_of.get(article_id)

    def stories(self) -> list[Story]:
        """Every story so far (forgotten ones excepted), in order of creation."""
        return [
            Story(
                id=s.id,
                title=s.title,
                articles=list(s.articles),
                start=s.start,
                end=s.end,
                concepts=[n for n, _ in sorted(s.names.items(), key=lambda x: (-x[1], x[0]))[:10]],
            )
            for s in self._stories.values()
            if not s.merged_into
        ]
