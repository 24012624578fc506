"""Story clustering split into time partitions, run in parallel, joined exactly at the seams.

The online clusterer (``cluster.StoryClusterer``) files articles one at a time, and what it
decides for an article depends on everything before it: the document frequencies, the clock
and the open stories. Three of these are cheap to know in advance, one is not:

- the document frequencies, the article count and the clock at the start of a partition are
  sums (and a maximum) over the articles before it: ``totals`` of every partition are
  counted in parallel and added up (``starts``), so every partition starts with exactly the
  frequencies a single sequential run would have there; so are the frequencies as of the
  clusterer's last IDF fold before it (the folds come at fixed article counts,
  ``cluster.next_fold``, and ``totals`` also counts a partition up to its last fold);
- the open stories at the start of a partition are what the previous partition left open:
  only a sequential run knows them.

So each partition is first clustered *speculatively* (``speculate``, in parallel) from its
exact frequencies but without the stories carried over from the partitions before it, noting
at checkpoints a digest of its open stories (their ids and members). Then one sequential pass
(``settle``) re-files the start of each partition with the true clusterer - the carried open
stories restored, the same frequencies - until its open stories are the speculative run's
at a checkpoint: from there both runs are in the same state (the carried stories have left
the time window, every open story has the same members), so the speculative filings of the
rest of the partition are the sequential run's and are taken as they are. A partition in
which that never happens (a story that keeps running across the seam) is re-filed to its end.
Partitions span ``PARTITION_DAYS`` of publication time, several clusterer time windows, so
the re-filed part is about one window per partition.

Merges by the clusterer (``merge_probability`` <= 1) rewrite earlier stories, so they are
not partitioned: ``partitionable`` says so, and the caller files sequentially.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import numpy as np

from newsprism.model import Article
from newsprism.settings import StorySettings
from newsprism.store.base import Backend
from newsprism.store.stories import Filing, StoryRecord
from newsprism.stories.cluster import StoryClusterer, StoryModel, folds_between, next_fold
from newsprism.stories.features import HASH_BITS, StoryFeatures
from newsprism.stories.persist import FilingCounts

PARTITION_DAYS = 91.0  # a partition spans about a quarter of publication time (3 windows)
LEAST_ARTICLES = 200  # ... and holds at least this many articles (else it joins the next)
CHECK_EVERY = 16  # articles between two checkpoints of a speculative run


@dataclass
class Item:
    """One article to cluster: its id, the title its story gets if it starts one, features."""

    id: str
    title: str
    features: StoryFeatures


@dataclass
class Carried:
    """An open story handed from one partition to the next (``export_story`` bytes)."""

    id: str
    title: str
    state: bytes
    articles: list[str]


@dataclass
class Start:
    """The clusterer's counters at the start of a partition."""

    words: dict[int, int]
    names: dict[str, int]
    documents: int
    clock: datetime | None
    folded_words: dict[int, int] | None = None  # word counts at the last IDF fold ...
    folded: int | None = None  # ... of this many articles (None: the fold is at the start)


@dataclass
class Totals:
    """What one partition adds to the counters: word and name document counts, articles,
    the newest publication time, and its word counts up to its last IDF fold."""

    words: np.ndarray  # dense, 2**HASH_BITS counts
    names: Counter[str]
    documents: int
    clock: datetime | None
    fold_words: np.ndarray | None = None  # the counts of its articles up to its last fold
    fold: int | None = None  # the article count (of the whole stream) at that fold


@dataclass
class Speculation:
    """A partition clustered without the stories carried into it."""

    assignments: list[str]  # story id of each item, in order
    checkpoints: dict[int, str]  # position -> digest of the open stories before that item
    ending: list[Carried]  # open stories at the end, least recently joined first


@dataclass
class Settled:
    """A partition as the sequential run files it."""

    assignments: list[str]
    ending: list[Carried]  # open stories at the end, least recently joined first
    refiled: int  # items filed again by the sequential pass (the rest were taken as they are)
    converged_at: int | None  # the checkpoint where both runs met (None: never)


@dataclass
class Partitioned:
    """Every partition settled, in order, with what it took."""

    settled: list[Settled] = field(default_factory=list)
    bounds: list[tuple[int, int]] = field(default_factory=list)


def partitionable(settings: StorySettings) -> bool:
    """True when clustering can be partitioned (no merges that revise earlier stories)."""
    return settings.merge_probability > 1.0


def _aware(when: datetime) -> datetime:
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def _week(when: datetime) -> datetime:
    """The Monday 00:00 UTC that starts ``when``'s ISO week."""
    day = _aware(when).astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return day - timedelta(days=day.weekday())


def split(
    published: list[datetime | None],
    days: float = PARTITION_DAYS,
    least: int = LEAST_ARTICLES,
) -> list[tuple[int, int]]:
    """Contiguous ranges [start, end) of the filing order, cut at week starts so that each
    spans about ``days`` of publication time and holds at least ``least`` articles.

    The filing order is kept (it is the single-process order); for a stream in time order
    the partitions are whole weeks. Undated articles stay with the articles around them."""
    bounds: list[tuple[int, int]] = []
    begin = 0
    opened: datetime | None = None  # the week start of the current partition
    for position, when in enumerate(published):
        if when is None:
            continue
        week = _week(when)
        if opened is None:
            opened = week
        elif week >= opened + timedelta(days=days) and position - begin >= least:
            bounds.append((begin, position))
            begin, opened = position, week
    if begin < len(published) or not bounds:
        bounds.append((begin, len(published)))
    if len(bounds) > 1 and bounds[-1][1] - bounds[-1][0] < least:  # a short tail joins
        last = bounds.pop()
        bounds[-1] = (bounds[-1][0], last[1])
    return [b for b in bounds if b[1] > b[0]] or [(0, 0)]


def totals(items: list[Item], before: int = 0, anchor: int = 0) -> Totals:
    """The counts a partition adds (exactly what ``StoryClusterer.observe`` counts), given
    the article count ``before`` it and the fold the stream's folds count from (``anchor``:
    the first partition's ``Start.folded``, else its documents)."""
    words = np.zeros(2**HASH_BITS, dtype=np.int64)
    names: Counter[str] = Counter()
    clock: datetime | None = None
    inside = [p for p in folds_between(anchor, before + len(items)) if p > before]
    fold_words: np.ndarray | None = None
    for k, item in enumerate(items):
        if inside and k == inside[-1] - before:  # the counts up to the partition's last fold
            fold_words = words.copy()
        features = item.features
        if features.words:
            words[np.fromiter(features.words, dtype=np.int64, count=len(features.words))] += 1
        names.update(features.names.keys())
        if features.published is not None:
            when = _aware(features.published)
            clock = when if clock is None or when > clock else clock
    if inside and fold_words is None:  # the last fold is at the partition's last article
        fold_words = words.copy()
    return Totals(words, names, len(items), clock, fold_words, inside[-1] if inside else None)


def anchor(first: Start) -> int:
    """The article count the stream's IDF folds are counted from (see ``totals``)."""
    return first.folded if first.folded is not None else first.documents


def _sparse(dense: np.ndarray) -> dict[int, int]:
    seen = np.flatnonzero(dense)
    return dict(zip(seen.tolist(), dense[seen].tolist(), strict=True))


def starts(first: Start, parts: list[Totals]) -> list[Start]:
    """The counters at the start of each partition (running sums from ``first``), and after
    the last one (one more than ``parts``)."""
    words = np.zeros(2**HASH_BITS, dtype=np.int64)
    if first.words:
        keys = np.fromiter(first.words.keys(), dtype=np.int64, count=len(first.words))
        words[keys] = np.fromiter(first.words.values(), dtype=np.int64, count=len(first.words))
    names: Counter[str] = Counter(first.names)
    documents, clock = first.documents, first.clock
    folded_words = dict(first.folded_words) if first.folded_words is not None else _sparse(words)
    folded = anchor(first)
    out = []
    for part in [*parts, None]:
        out.append(Start(_sparse(words), dict(names), documents, clock, folded_words, folded))
        if part is None:
            break
        if part.fold is not None and part.fold_words is not None:
            folded_words, folded = _sparse(words + part.fold_words), part.fold
        words += part.words
        names.update(part.names)
        documents += part.documents
        if part.clock is not None:
            clock = part.clock if clock is None or part.clock > _aware(clock) else clock
    return out


def count_starts(first: Start, items: list[Item], bounds: list[tuple[int, int]]) -> list[Start]:
    """``starts`` of the partitions ``bounds`` of ``items``, counted here one after another
    (the Ray engine counts the ``totals`` in parallel tasks)."""
    folds_from = anchor(first)
    return starts(first, [totals(items[a:b], first.documents + a, folds_from) for a, b in bounds])


def _clusterer(
    settings: StorySettings, model: StoryModel, start: Start, apart: list[tuple[str, str]]
) -> StoryClusterer:
    clusterer = StoryClusterer(settings, model)
    clusterer.load_counts(
        start.words, start.names, start.documents, start.clock, start.folded_words, start.folded
    )
    clusterer.keep_apart(apart)
    return clusterer


def digest(clusterer: StoryClusterer) -> str:
    """A fingerprint of the open stories: their ids and members in order."""
    sha = hashlib.sha256()
    for story_id in sorted(clusterer.open_stories()):
        info = clusterer.story_info(story_id)
        assert info is not None
        sha.update(story_id.encode("utf-8") + b"\x00")
        sha.update("\x01".join(info.articles).encode("utf-8") + b"\x02")
    return sha.hexdigest()


def _article(item: Item) -> Article:
    """The little of an article the clusterer reads besides its features: id and title."""
    return Article(id=item.id, text="", title=item.title, published=item.features.published)


def _ending(
    clusterer: StoryClusterer, titles: dict[str, str], last: dict[str, int], carried: list[str]
) -> list[Carried]:
    """The open stories, least recently joined first (carried ones not joined since first,
    in their own order), with their states."""
    open_now = clusterer.open_stories()
    order = {story_id: -len(carried) + k for k, story_id in enumerate(carried)}
    order.update(last)
    out = []
    for story_id in sorted(open_now, key=lambda s: (order.get(s, -(10**9)), s)):
        info = clusterer.story_info(story_id)
        assert info is not None
        out.append(
            Carried(
                story_id,
                titles.get(story_id, info.title),
                clusterer.export_story(story_id),
                list(info.articles),
            )
        )
    return out


def _file(
    clusterer: StoryClusterer, item: Item, titles: dict[str, str], last: dict[str, int], k: int
) -> str:
    story_id = clusterer.add(_article(item), item.features)
    changes = clusterer.take_changes()
    for created in changes.created:
        titles[created] = item.title
    for closed in changes.closed:  # closed stories never take an article again
        clusterer.forget(closed)
    last[story_id] = k
    return story_id


def speculate(
    items: list[Item],
    start: Start,
    settings: StorySettings,
    model: StoryModel | None = None,
    apart: list[tuple[str, str]] | None = None,
    every: int = CHECK_EVERY,
) -> Speculation:
    """Cluster one partition from its exact counters but no carried stories."""
    model = model if model is not None else StoryModel.load(settings.weights_path)
    clusterer = _clusterer(settings, model, start, apart or [])
    titles: dict[str, str] = {}
    last: dict[str, int] = {}
    assignments = []
    checkpoints: dict[int, str] = {}
    for k, item in enumerate(items):
        if k % every == 0:
            checkpoints[k] = digest(clusterer)
        assignments.append(_file(clusterer, item, titles, last, k))
    return Speculation(assignments, checkpoints, _ending(clusterer, titles, last, []))


def settle(
    items: list[Item],
    start: Start,
    carried: list[Carried],
    speculation: Speculation,
    settings: StorySettings,
    model: StoryModel | None = None,
    apart: list[tuple[str, str]] | None = None,
) -> Settled:
    """File a partition as the sequential run does: the true clusterer (carried stories
    restored) re-files it until it meets the speculative run at a checkpoint."""
    model = model if model is not None else StoryModel.load(settings.weights_path)
    clusterer = _clusterer(settings, model, start, apart or [])
    for story in carried:
        clusterer.restore_story(story.id, story.title, story.state, story.articles)
    titles = {story.id: story.title for story in carried}
    last: dict[str, int] = {}
    assignments: list[str] = []
    for k, item in enumerate(items):
        mark = speculation.checkpoints.get(k)
        if mark is not None and digest(clusterer) == mark:
            assignments.extend(speculation.assignments[k:])
            return Settled(assignments, speculation.ending, k, k)
        assignments.append(_file(clusterer, item, titles, last, k))
    ending = _ending(clusterer, titles, last, [story.id for story in carried])
    return Settled(assignments, ending, len(items), None)


def cluster_sequential(
    items: list[Item],
    start: Start,
    carried: list[Carried],
    settings: StorySettings,
    model: StoryModel | None = None,
    apart: list[tuple[str, str]] | None = None,
) -> Settled:
    """One partition filed by the true clusterer from its start to its end (the reference
    the partitioned run must equal, and the path when partitioning does not apply)."""
    empty = Speculation([], {}, [])
    return settle(items, start, carried, empty, settings, model, apart)


# --- writing the result -------------------------------------------------------------------


def _iso(when: datetime | None) -> str | None:
    return None if when is None else _aware(when).astimezone(UTC).isoformat()


@dataclass
class Copy:
    """A near-copy: filed with its original's story, not seen by the clusterer."""

    id: str
    original: str


class StoryWriter:
    """Writes settled partitions into a store's story tables, one transaction
    (``Store.save_filing``) per partition: what a ``StoryFiler`` would have written after
    the partition's last article, so a run killed between two partitions resumes with a
    ``catch_up`` of the rest, and ``stories``, ``compare --story``, merge and split work
    on the result."""

    def __init__(self, store: Backend) -> None:
        self.store = store
        meta = store.story_meta()
        self.seq = int(meta.get("seq", "0"))
        self.documents = int(meta.get("documents", "0"))
        folded = meta.get("folded")  # absent: a store from before folds were kept
        self.folded = int(folded) if folded is not None else self.documents
        # A store without folds gets one where the clusterer put it (at the start).
        self._fold_due = folded is None
        self.counts = FilingCounts()
        self._records = {r.id: r for r in store.open_stories()}  # rows of stories in play
        self._carried = [r.id for r in store.open_stories() if r.state is not None]
        self._story_of: dict[str, str] = {}  # this run's filings

    def start(self) -> tuple[Start, list[Carried], list[tuple[str, str]]]:
        """The counters, open stories and apart pairs the store continues from."""
        store = self.store
        meta = store.story_meta()
        clock = meta.get("clock")
        folded = meta.get("folded")
        start = Start(
            store.story_df(),
            store.story_name_df(),
            int(meta.get("documents", "0")),
            datetime.fromisoformat(clock) if clock else None,
            store.story_df(folded_only=True) if folded is not None else None,
            int(folded) if folded is not None else None,
        )
        carried = []
        for record in store.open_stories():  # least recently joined first
            if record.state is None:
                continue
            members = [m["article"] for m in store.story_members(record.id) if not m["copy_of"]]
            carried.append(Carried(record.id, record.title, record.state, members))
        return start, carried, sorted(store.story_apart())

    def story_for(self, original: str) -> str | None:
        """The story a near-copy's original is filed under (this run or stored)."""
        found = self._story_of.get(original)
        if found is not None:
            return found
        stored = self.store.story_of(original)
        return None if stored is None else self.store.resolve_story(stored) or stored

    def write(self, entries: list[Item | Copy], settled: Settled, after: Start) -> None:
        """Write one partition: its articles and near-copies in filing order (``entries``;
        the items in ``settled.assignments`` order), the rows of every story it touched or
        closed, the frequency increments, and the counters ``after`` it."""
        expect = self.seq
        filing = Filing(expect_seq=expect, seq=expect)
        if self._fold_due:
            filing.fold_through, filing.folded = expect, self.folded
        touched: dict[str, None] = dict.fromkeys(self._carried)
        assigned = iter(settled.assignments)
        for entry in entries:
            self.seq += 1
            if isinstance(entry, Copy):
                story = self.story_for(entry.original)
                assert story is not None, f"no story for the original of {entry.id}"
                filing.members.append((entry.id, story, self.seq, entry.original))
                self._story_of[entry.id] = story
                self.counts.copies += 1
                continue
            story = next(assigned)
            self.documents += 1
            if self.documents >= next_fold(self.folded):  # the clusterer's IDF fold
                self.folded = self.documents
                filing.fold_through, filing.folded = self.seq, self.folded
            filing.members.append((entry.id, story, self.seq, ""))
            self._story_of[entry.id] = story
            record = self._records.get(story)
            if record is None:
                record = self._records[story] = StoryRecord(id=story, title=entry.title)
                self.counts.new_stories += 1
            else:
                self.counts.joined += 1
            record.last_joined = self.seq
            when = entry.features.published
            if when is not None:
                stamp = _iso(when)
                assert stamp is not None
                if record.start is None or datetime.fromisoformat(record.start) > _aware(when):
                    record.start = stamp
                if record.end is None or datetime.fromisoformat(record.end) < _aware(when):
                    record.end = stamp
            touched[story] = None
            words = entry.features.words
            filing.counted.append(
                (
                    self.seq,
                    np.fromiter(words.keys(), dtype="<i4", count=len(words)).tobytes(),
                    json.dumps(list(entry.features.names.keys()), ensure_ascii=False),
                )
            )
        ending = {story.id: story for story in settled.ending}
        for story_id in touched:
            record = self._records[story_id]
            if story_id in ending:
                record.status, record.state = "open", ending[story_id].state
            else:
                record.status, record.state = "closed", None
            filing.stories.append(record)
        filing.seq = self.seq
        if self.documents != after.documents:
            raise ValueError(f"{self.documents} articles counted, {after.documents} expected")
        filing.documents = after.documents
        filing.clock = _iso(after.clock)
        self.store.save_filing(filing)
        self._fold_due = False
        for story_id in touched:
            if story_id not in ending:
                self._records.pop(story_id, None)
        self._carried = [story.id for story in settled.ending]
