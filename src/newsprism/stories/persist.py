"""Stories that last: the online clusterer's state kept in the store between runs.

``StoryFiler(store)`` rebuilds a ``StoryClusterer`` from the store (the OPEN stories only,
their index vectors, the online document frequencies and counters; closed stories stay on
disk), files articles one at a time (``file``, ``file_copy``) and writes each filing - the
membership row, the changed story rows with their state, the frequency increments - in one
transaction (``Store.save_filing``; the word and name counts are appended as one row and
folded into the frequency tables every ``FOLD_EVERY`` articles). Filing is idempotent: an
article already filed is not filed again, and ``catch_up`` files stored articles a killed
run left unfiled, so killing ``ingest`` at any moment and running it again loses and
duplicates nothing.

A story's state (``encode_state``) is its members' summed word and lead vectors, its names,
its recent members' vectors, its time range and its index vector, packed as a JSON header
and raw arrays (never pickle: a store may come from elsewhere). Closed stories drop their
state in the store and in memory, so neither the cost of filing one article nor the memory
of a long run grows with the store.

User corrections (``merge_stories``, ``split_story``) rebuild the states of the stories
they touch from their members' texts and are recorded in the store: a merged story's id is
an alias of the surviving one, split-off articles are pinned to their new story, and the two
stories of a split are never merged again by the clusterer. A running filer notices any
other writer (``story_meta.seq`` changed) and reloads before filing its next article.
"""

from __future__ import annotations

import json
import struct
from collections import Counter, deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np

from newsprism.model import Article
from newsprism.settings import DEFAULT, StorySettings
from newsprism.store.sqlite import Store
from newsprism.store.stories import Correction, Filing, StoryConflict, StoryRecord
from newsprism.stories.cluster import StoryClusterer, StoryModel, _Sparse, _StoryState
from newsprism.stories.features import StoryFeatures, extract_features
from newsprism.stories.index import StoryIndex

_MAGIC = b"NPS1"
TITLE_CHARS = 100  # a story of untitled articles is named by its first article's opening
# Filed articles' word and name counts wait in an append-only table and are added into the
# frequency tables every this many articles (bench/bench_ingest.py filing: updating the
# tables on every filing made it ~2x slower at 100k stored articles than at 10k).
FOLD_EVERY = 2000


def _iso(when: datetime | None) -> str | None:
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).isoformat()


def _time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def fallback_title(article: Article) -> str:
    """The article's title, else the opening words of its text."""
    if article.title.strip():
        return article.title.strip()
    text = " ".join(article.text.split())
    if len(text) <= TITLE_CHARS:
        return text
    cut = text.rfind(" ", 0, TITLE_CHARS)
    return text[: cut if cut > 0 else TITLE_CHARS] + "…"


# --- state encoding ------------------------------------------------------------------------


def _pack(header: dict[str, object], arrays: list[np.ndarray]) -> bytes:
    header = {**header, "arrays": [[a.dtype.str, int(a.size)] for a in arrays]}
    head = json.dumps(header, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return b"".join([_MAGIC, struct.pack("<I", len(head)), head, *(a.tobytes() for a in arrays)])


def _unpack(blob: bytes) -> tuple[dict[str, object], list[np.ndarray]]:
    if blob[:4] != _MAGIC:
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


def _dict_arrays(values: dict[int, float]) -> list[np.ndarray]:
    keys = np.fromiter(values.keys(), dtype="<i4", count=len(values))
    vals = np.fromiter(values.values(), dtype="<f8", count=len(values))
    return [keys, vals]


def encode_state(story: _StoryState, vector: np.ndarray) -> bytes:
    """One open story's clustering state (see the module docstring) as bytes."""
    arrays = [*_dict_arrays(story.words), *_dict_arrays(story.leads)]
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


def decode_state(
    blob: bytes, key: int, story_id: str, title: str
) -> tuple[_StoryState, np.ndarray]:
    """The story state and index vector ``encode_state`` wrote."""
    header, arrays = _unpack(blob)
    names = header["names"]
    assert isinstance(names, dict)
    recent = int(str(header["recent"]))
    story = _StoryState(key=key, id=story_id, title=title)
    story.words = dict(zip(arrays[0].tolist(), arrays[1].tolist(), strict=True))
    story.leads = dict(zip(arrays[2].tolist(), arrays[3].tolist(), strict=True))
    story.names = Counter({str(k): int(v) for k, v in names.items()})
    members = [
        _Sparse(arrays[k].astype(np.int64), arrays[k + 1]) for k in range(4, 4 + 4 * recent, 2)
    ]
    story.recent = deque(members[:recent])
    story.recent_leads = deque(members[recent:])
    story.start = _time(header["start"] if isinstance(header["start"], str) else None)
    story.end = _time(header["end"] if isinstance(header["end"], str) else None)
    return story, arrays[-1].astype(np.float32)


# --- the clusterer, recording what changed -------------------------------------------------


class _RecordingIndex(StoryIndex):
    """The story index, keeping each open story's vector so it can be stored."""

    def __init__(self, dimensions: int) -> None:
        super().__init__(dimensions)
        self.vectors: dict[int, np.ndarray] = {}

    def put(self, key: int, vector: np.ndarray) -> None:
        super().put(key, vector)
        self.vectors[key] = vector

    def remove(self, key: int) -> None:
        super().remove(key)
        self.vectors.pop(key, None)


class _FilingClusterer(StoryClusterer):
    """A ``StoryClusterer`` that notes which stories changed, closed or merged, and never
    merges two stories a user split apart."""

    def __init__(self, settings: StorySettings, model: StoryModel | None) -> None:
        super().__init__(settings, model)
        self._index: _RecordingIndex = _RecordingIndex(settings.index_dimensions)
        self.changed: set[int] = set()
        self.closed: set[int] = set()
        self.merges: list[tuple[str, str]] = []  # (merged story, surviving story)
        self.created: set[int] = set()
        self.apart: set[tuple[str, str]] = set()
        self.last_joined: dict[int, int] = {}
        self.title_source: Article | None = None

    def join(self, article: Article, features: StoryFeatures, story_id: str | None) -> str:
        """As ``StoryClusterer.join``, noting the story as changed."""
        count = len(self._stories)
        result = super().join(article, features, story_id)
        key = self._by_id[result]
        if len(self._stories) > count:
            self.created.add(key)
            self._stories[key].title = fallback_title(article)
        self.changed.add(key)
        return result

    def merge(self, into: str, other: str) -> None:
        """As ``StoryClusterer.merge``, unless a user split the two stories apart."""
        a, b = self._stories[self._by_id[into]], self._stories[self._by_id[other]]
        if a.key == b.key or (a.id, b.id) in self.apart:
            return
        super().merge(into, other)
        gone, kept = (b, a) if b.merged_into else (a, b)
        self.merges.append((gone.id, kept.id))
        self.changed.update((a.key, b.key))

    def _close(self, key: int) -> None:
        super()._close(key)
        self.closed.add(key)

    def forget(self, key: int) -> None:
        """Drop a closed story's state from memory (its row keeps what is needed)."""
        story = self._stories[key]
        for article_id in story.articles:
            self._story_of.pop(article_id, None)
        story.articles = []
        story.words, story.leads, story.names = {}, {}, Counter()
        story.recent, story.recent_leads = deque(), deque()
        story.centroid = story.lead_centroid = None
        if self._by_id.get(story.id) == key:
            del self._by_id[story.id]

    def vector(self, key: int) -> np.ndarray:
        return self._index.vectors[key]

    def is_open(self, key: int) -> bool:
        return key in self._index

    def restore(self, record: StoryRecord, members: list[str]) -> None:
        """Put one stored open story back (its key is its place in load order)."""
        assert record.state is not None
        key = len(self._stories)
        story, vector = decode_state(record.state, key, record.id, record.title)
        story.articles = list(members)
        self._stories.append(story)
        self._by_id[story.id] = key
        for article_id in members:
            self._story_of[article_id] = story.id
        self._index.put(key, vector)
        self._open[key] = None
        if story.end is not None:
            self._ends.append((story.end, key))
        self.last_joined[key] = record.last_joined

    def sorted_ends(self) -> None:
        import heapq

        heapq.heapify(self._ends)


# --- the filer -----------------------------------------------------------------------------


@dataclass
class FilingCounts:
    """What a filer did: new stories, articles that joined one, near-copies filed."""

    new_stories: int = 0
    joined: int = 0
    copies: int = 0
    caught_up: int = 0

    def line(self) -> str:
        """One human line."""
        text = (
            f"stories: {self.new_stories} new, {self.joined} articles joined a story, "
            f"{self.copies} near-copies filed with their original"
        )
        if self.caught_up:
            text += f" ({self.caught_up} left unfiled by an earlier run filed now)"
        return text


class StoryFiler:
    """Files articles under stories in a store, continuing the stories of earlier runs."""

    def __init__(
        self,
        store: Store,
        settings: StorySettings = DEFAULT.stories,
        model: StoryModel | None = None,
    ) -> None:
        self.store = store
        self.settings = settings
        self.model = model if model is not None else StoryModel.load(settings.weights_path)
        self.counts = FilingCounts()
        self._batch = 0  # > 0: flush every this many articles instead of after each
        self._load()

    # -- loading ----------------------------------------------------------------------------

    def _load(self) -> None:
        store = self.store
        clusterer = _FilingClusterer(self.settings, self.model)
        meta = store.story_meta()
        self.seq = int(meta.get("seq", "0"))
        counts = store.story_df()
        if counts:
            words = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
            clusterer._df[words] = np.fromiter(counts.values(), dtype=np.int64, count=len(counts))
        clusterer._name_df = Counter(store.story_name_df())
        clusterer._documents = int(meta.get("documents", "0"))
        clusterer._clock = _time(meta.get("clock"))
        for record in store.open_stories():
            members = [m["article"] for m in store.story_members(record.id) if not m["copy_of"]]
            clusterer.restore(record, members)
        clusterer.sorted_ends()
        clusterer.apart = store.story_apart()
        self.clusterer = clusterer
        self._pending = Filing(expect_seq=self.seq, seq=self.seq)
        self._pending_story: dict[str, str] = {}  # article -> story, not yet written
        self._records: dict[str, tuple[int, StoryRecord]] = {}  # story rows to write
        self._pending_work: list[tuple[Article, str, bool]] = []  # for a replay on conflict

    @property
    def documents(self) -> int:
        """Articles counted in the document frequencies (near-copies excluded)."""
        return self.clusterer._documents

    def open_story_count(self) -> int:
        """How many stories can take new articles (the size of the index)."""
        return len(self.clusterer._index)

    def _sync(self) -> None:
        """Reload when another writer (a correction, another process) changed the stories."""
        if not self._pending.members and self.store.story_seq() != self.seq:
            self._load()

    # -- filing -----------------------------------------------------------------------------

    def filed(self, article_id: str) -> str | None:
        """The story an article is filed under (written or pending), or None."""
        pending = self._pending_story.get(article_id)
        return pending if pending is not None else self.store.story_of(article_id)

    def file(
        self, article: Article, features: StoryFeatures | None = None, *, store: bool = False
    ) -> str:
        """File one article (already stored, unless ``store``); return its story id.

        An article already filed keeps its story (its id is returned)."""
        known = self.filed(article.id)
        if known is not None:
            return self.store.resolve_story(known) or known
        self._sync()
        clusterer = self.clusterer
        if features is None:
            features = extract_features(article)
        story_id = clusterer.add(article, features)
        self.seq += 1
        pending = self._pending
        pending.members.append((article.id, story_id, self.seq, ""))
        self._pending_story[article.id] = story_id
        self._pending_work.append((article, "", store))
        if store:
            pending.articles.append(article)
        words = np.fromiter(features.words.keys(), dtype="<i4", count=len(features.words))
        names = json.dumps(list(features.names.keys()), ensure_ascii=False)
        pending.counted.append((self.seq, words.tobytes(), names))
        pending.documents = clusterer._documents
        pending.clock = _iso(clusterer._clock)
        if clusterer._by_id.get(story_id) in clusterer.created:
            self.counts.new_stories += 1
        else:
            self.counts.joined += 1
        self._collect()
        if len(pending.members) >= max(1, self._batch):
            self.flush()
        return story_id

    def file_copy(self, article: Article, original: str, *, store: bool = False) -> str:
        """File a near-copy with its original's story (not counted as separate reporting:
        the clusterer does not see it). An unfiled original is filed first."""
        known = self.filed(article.id)
        if known is not None:
            return self.store.resolve_story(known) or known
        story = self.filed(original)
        if story is None:
            stored = self.store.get_article(original)
            if stored is None:
                return self.file(article, store=store)
            story = self.file(stored)
        self._sync()
        clusterer = self.clusterer
        in_memory = clusterer._story_of.get(original)
        if in_memory is not None:
            story = in_memory
        elif original not in self._pending_story:
            story = self.store.resolve_story(story) or story
        self.seq += 1
        self._pending.members.append((article.id, story, self.seq, original))
        self._pending_story[article.id] = story
        self._pending_work.append((article, original, store))
        if store:
            self._pending.articles.append(article)
        self._pending.documents = clusterer._documents
        self._pending.clock = _iso(clusterer._clock)
        self.counts.copies += 1
        if len(self._pending.members) >= max(1, self._batch):
            self.flush()
        return story

    def _collect(self) -> None:
        """Move the clusterer's changed, closed and merged stories into the pending write."""
        clusterer = self.clusterer
        keys = sorted(clusterer.changed | clusterer.closed)
        records = self._records
        for key in keys:
            story = clusterer._stories[key]
            if key in clusterer.changed:
                clusterer.last_joined[key] = self.seq
            record = StoryRecord(
                id=story.id,
                title=story.title,
                start=_iso(story.start),
                end=_iso(story.end),
                last_joined=clusterer.last_joined.get(key, self.seq),
            )
            if story.merged_into:
                record.status, record.merged_into = "merged", story.merged_into
            elif not clusterer.is_open(key):
                record.status = "closed"  # open ones get their state when written
            records[story.id] = (key, record)
            if record.status != "open":
                clusterer.forget(key)
                clusterer.last_joined.pop(key, None)
        self._pending.moved.extend(clusterer.merges)
        clusterer.changed.clear()
        clusterer.closed.clear()
        clusterer.created.clear()
        clusterer.merges.clear()

    def flush(self) -> None:
        """Write what is pending in one transaction. When another writer got there first,
        reload from the store and file the pending articles again."""
        pending = self._pending
        if not pending.members:
            return
        pending.seq = self.seq
        pending.fold_at = FOLD_EVERY
        pending.stories = []
        for key, record in self._records.values():
            if record.status == "open":
                record.state = encode_state(
                    self.clusterer._stories[key], self.clusterer.vector(key)
                )
            pending.stories.append(record)
        try:
            self.store.save_filing(pending)
        except StoryConflict:
            work = self._pending_work
            self._load()
            batch, self._batch = self._batch, 0
            try:
                for article, original, store in work:
                    if original:
                        self.file_copy(article, original, store=store)
                    else:
                        self.file(article, store=store)
            finally:
                self._batch = batch
            return
        self._pending = Filing(expect_seq=self.seq, seq=self.seq)
        self._pending_story = {}
        self._pending_work = []
        self._records = {}

    @contextmanager
    def batch(self, size: int = 500) -> Iterator[StoryFiler]:
        """Write every ``size`` articles instead of after each (bulk loading)."""
        previous, self._batch = self._batch, size
        try:
            yield self
        finally:
            self._batch = previous
            self.flush()

    def catch_up(self) -> int:
        """File every stored article that is not filed yet (oldest first); return how many.

        Articles a killed run stored but had not filed, and articles stored before stories
        existed (or by ``compare``), end up in stories this way."""
        done = 0
        for article_id, original in self.store.unfiled_articles():
            if self.filed(article_id) is not None:
                continue
            article = self.store.get_article(article_id)
            if article is None:
                continue
            if original:
                self.file_copy(article, original)
            else:
                self.file(article)
            done += 1
        self.flush()
        self.store.mark_checked()
        self.counts.caught_up += done
        return done

    def close(self) -> None:
        """Write what is pending."""
        self.flush()


# --- corrections ---------------------------------------------------------------------------


class CorrectionError(ValueError):
    """A merge or split that cannot be done (unknown story or article, nothing to do)."""


def _build(
    store: Store,
    settings: StorySettings,
    story_id: str,
    title: str,
    article_ids: list[str],
    keep_open: bool,
    seq: int,
) -> StoryRecord:
    """A story row whose state is rebuilt from its members' texts, in filing order."""
    articles = [a for a in (store.get_article(i) for i in article_ids) if a is not None]
    clusterer = _FilingClusterer(settings, StoryModel(weights={}, bias=0.0))
    features = [extract_features(a) for a in articles]
    needed = sorted({w for f in features for w in [*f.words, *f.lead]})
    for word, count in store.story_df_for(needed).items():
        clusterer._df[word] = count
    clusterer._documents = int(store.story_meta().get("documents", "0"))
    built: _StoryState | None = None
    for article, found in zip(articles, features, strict=True):
        clusterer.join(article, found, built.id if built else None)
        built = clusterer._stories[0]
    record = StoryRecord(id=story_id, title=title, status="closed", last_joined=seq)
    if built is not None:
        record.start, record.end = _iso(built.start), _iso(built.end)
        if keep_open:
            record.status = "open"
            record.state = encode_state(built, clusterer.vector(0))
    return record


def _require(store: Store, story_id: str) -> str:
    found = store.resolve_story(story_id)
    if found is None:
        raise CorrectionError(f"no story {story_id!r}")
    return found


def _originals(members: list[dict[str, object]]) -> list[str]:
    originals = [str(m["article"]) for m in members if not m["copy_of"]]
    return originals or [str(m["article"]) for m in members]


def merge_stories(
    store: Store, story_ids: list[str], settings: StorySettings = DEFAULT.stories
) -> str:
    """Merge stories into the first one given; return its id. The others' ids become its
    aliases, and a later ingest files into the merged story only."""
    ids: list[str] = []
    for story_id in story_ids:
        found = _require(store, story_id)
        if found not in ids:
            ids.append(found)
    if len(ids) < 2:
        raise CorrectionError("give two or more different stories to merge")
    into, others = ids[0], ids[1:]
    records = [store.get_story(i) for i in ids]
    members = sorted(
        (m for i in ids for m in store.story_members(i)), key=lambda m: (m["seq"], m["article"])
    )
    own = {m["article"] for m in store.story_members(into)}
    seq = store.story_seq() + 1
    keep_open = any(r is not None and r.status == "open" for r in records)
    first = records[0]
    merged = _build(
        store,
        settings,
        into,
        first.title if first else "",
        _originals(members),
        keep_open,
        seq,
    )
    rows = [merged]
    for record in records[1:]:
        assert record is not None
        record.status, record.merged_into, record.state = "merged", into, None
        rows.append(record)
    apart = [(into, b) for a, b in sorted(store.story_apart()) if a in others and b not in ids]
    correction = Correction(
        kind="merge",
        story=into,
        others=others,
        articles=[],
        expect_seq=seq - 1,
        seq=seq,
        stories=rows,
        moves=[
            (str(m["article"]), into, int(m["pinned"])) for m in members if m["article"] not in own
        ],
        aliases=[(o, into) for o in others],
        together=[(a, b) for a in ids for b in ids if a < b],
        apart=apart,
    )
    store.save_correction(correction)
    return into


def split_story(
    store: Store,
    story_id: str,
    article_ids: list[str],
    settings: StorySettings = DEFAULT.stories,
) -> str:
    """Move articles (and their near-copies) out of a story into a new story; return its id.

    The moved articles are pinned there, and the two stories are never merged again."""
    source = _require(store, story_id)
    members = store.story_members(source)
    by_id = {str(m["article"]): m for m in members}
    unknown = [a for a in article_ids if a not in by_id]
    if unknown:
        raise CorrectionError(f"not in story {source}: {', '.join(unknown)}")
    wanted = set(article_ids)
    wanted |= {str(m["article"]) for m in members if m["copy_of"] in wanted}
    moved = [m for m in members if m["article"] in wanted]
    kept = [m for m in members if m["article"] not in wanted]
    if not moved:
        raise CorrectionError("give the articles to move")
    if not kept:
        raise CorrectionError(f"that moves every article of {source}; nothing would be left")
    first = str(moved[0]["article"])
    new_id, n = f"s{first}", 1
    while store.get_story(new_id) is not None or store.resolve_story(new_id) is not None:
        n += 1
        new_id = f"s{first}-{n}"
    record = store.get_story(source)
    assert record is not None
    keep_open = record.status == "open"
    seq = store.story_seq() + 1
    article = store.get_article(first)
    title = fallback_title(article) if article else ""
    new = _build(store, settings, new_id, title, _originals(moved), keep_open, seq)
    old = _build(store, settings, source, record.title, _originals(kept), keep_open, seq)
    correction = Correction(
        kind="split",
        story=new_id,
        others=[source],
        articles=[str(m["article"]) for m in moved],
        expect_seq=seq - 1,
        seq=seq,
        stories=[new, old],
        moves=[(str(m["article"]), new_id, 1) for m in moved],
        apart=[(source, new_id)],
    )
    store.save_correction(correction)
    return new_id
