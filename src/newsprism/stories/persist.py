"""Stories that last: the online clusterer's state kept in the store between runs.

``StoryFiler(store)`` rebuilds a ``StoryClusterer`` from the store (the OPEN stories only,
their saved states, the online document frequencies and counters; closed stories stay on
disk), files articles one at a time (``file``, ``file_copy``) and writes each filing - the
membership row, the changed story rows with their state, the frequency increments - in one
transaction (``Backend.save_filing``; the word and name counts are appended as one row and
folded into the frequency tables at the clusterer's IDF folds, so the tables hold the counts
as of the last fold and the appended rows the rest: a rebuilt clusterer gets both and
weighs exactly as one that never stopped). Filing is idempotent: an
article already filed is not filed again, and ``catch_up`` files stored articles a killed
run left unfiled, so killing ``ingest`` at any moment and running it again loses and
duplicates nothing.

Only the clusterer's public hooks are used: ``restore_story``/``export_story`` move an open
story's state (its members' summed word and lead vectors, names, recent members' vectors,
time range and index vector, as bytes: never pickle, a store may come from elsewhere) in and
out, ``load_counts`` sets the frequencies, ``take_changes`` says which stories a filing
changed, closed or merged, and ``forget`` drops closed stories from memory, so neither the
cost of filing one article nor the memory of a long run grows with the store.

User corrections (``merge_stories``, ``split_story``) rebuild the states of the stories
they touch from their members' texts and are recorded in the store: a merged story's id is
an alias of the surviving one, split-off articles are pinned to their new story, and the two
stories of a split are never merged again by the clusterer (``keep_apart``). A running filer
notices any other writer (``story_meta.seq`` changed) and reloads before filing its next
article.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np

from newsprism.model import Article
from newsprism.settings import DEFAULT, StorySettings
from newsprism.store.base import Backend
from newsprism.store.errors import StoryConflict
from newsprism.store.stories import Correction, Filing, StoryRecord
from newsprism.stories.cluster import StoryChanges, StoryClusterer, StoryModel
from newsprism.stories.features import StoryFeatures, extract_features

TITLE_CHARS = 100  # a story of untitled articles is named by its first article's opening
# Filed articles' word and name counts wait in an append-only table and are added into the
# frequency tables only at the clusterer's IDF folds (``cluster.next_fold``: at most every
# 10,000 articles; bench/bench_ingest.py filing: updating the tables on every filing made it
# ~2x slower at 100k stored articles than at 10k).


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
        store: Backend,
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
        clusterer = StoryClusterer(self.settings, self.model)
        meta = store.story_meta()
        self.seq = int(meta.get("seq", "0"))
        documents = int(meta.get("documents", "0"))
        folded = meta.get("folded")  # absent: a store from before folds were kept
        clusterer.load_counts(
            store.story_df(),
            store.story_name_df(),
            documents,
            _time(meta.get("clock")),
            store.story_df(folded_only=True) if folded is not None else None,
            int(folded) if folded is not None else None,
        )
        last_joined: dict[str, int] = {}
        for record in store.open_stories():  # least recently joined first
            if record.state is None:
                continue
            members = [m["article"] for m in store.story_members(record.id) if not m["copy_of"]]
            clusterer.restore_story(record.id, record.title, record.state, members)
            last_joined[record.id] = record.last_joined
        clusterer.keep_apart(store.story_apart())
        self.clusterer = clusterer
        self._last_joined = last_joined  # open story -> seq of its last change
        self._pending = Filing(expect_seq=self.seq, seq=self.seq)
        if folded is None:  # the next write folds what is counted now, as the clusterer did
            self._pending.fold_through, self._pending.folded = self.seq, documents
        self._pending_story: dict[str, str] = {}  # article -> story, not yet written
        self._records: dict[str, StoryRecord] = {}  # story rows to write
        self._pending_work: list[tuple[Article, str, bool]] = []  # for a replay on conflict
        # What the pending filings count, added to ``counts`` once they are written: a
        # conflict replays them, and they would otherwise be counted twice.
        self._pending_counts = FilingCounts()

    @property
    def documents(self) -> int:
        """Articles counted in the document frequencies (near-copies excluded)."""
        return self.clusterer.documents

    @property
    def pending(self) -> int:
        """Articles filed but not written yet (see ``batch``)."""
        return len(self._pending.members)

    @property
    def pending_articles(self) -> int:
        """Articles to store with the next write (``file(..., store=True)``)."""
        return len(self._pending.articles)

    def open_story_count(self) -> int:
        """How many stories can take new articles (the size of the index)."""
        return self.clusterer.open_count()

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
        folded = clusterer.folded
        story_id = clusterer.add(article, features)
        self.seq += 1
        pending = self._pending
        if clusterer.folded != folded:  # an IDF fold at this article: the store folds too
            pending.fold_through, pending.folded = self.seq, clusterer.folded
        pending.members.append((article.id, story_id, self.seq, ""))
        self._pending_story[article.id] = story_id
        self._pending_work.append((article, "", store))
        if store:
            pending.articles.append(article)
        words = np.fromiter(features.words.keys(), dtype="<i4", count=len(features.words))
        names = json.dumps(list(features.names.keys()), ensure_ascii=False)
        pending.counted.append((self.seq, words.tobytes(), names))
        pending.documents = clusterer.documents
        pending.clock = _iso(clusterer.clock)
        changes = clusterer.take_changes()
        for created in changes.created:
            clusterer.set_title(created, fallback_title(article))
        if story_id in changes.created:
            self._pending_counts.new_stories += 1
        else:
            self._pending_counts.joined += 1
        self._collect(changes)
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
        in_memory = clusterer.story_of(original)
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
        self._pending.documents = clusterer.documents
        self._pending.clock = _iso(clusterer.clock)
        self._pending_counts.copies += 1
        if len(self._pending.members) >= max(1, self._batch):
            self.flush()
        return story

    def _collect(self, changes: StoryChanges) -> None:
        """Note the rows of the stories a filing changed, closed or merged for the next
        write; closed and merged stories leave memory."""
        clusterer = self.clusterer
        for story_id in changes.joined:
            self._last_joined[story_id] = self.seq
        for story_id in changes.touched():
            info = clusterer.story_info(story_id)
            if info is None:
                continue
            self._records[story_id] = StoryRecord(
                id=info.id,
                title=info.title,
                start=_iso(info.start),
                end=_iso(info.end),
                status=info.status,  # an open one gets its state when written
                merged_into=info.merged_into,
                last_joined=self._last_joined.get(story_id, self.seq),
            )
            if info.status != "open":
                clusterer.forget(story_id)
                self._last_joined.pop(story_id, None)
        self._pending.moved.extend(changes.merged)

    def flush(self) -> None:
        """Write what is pending in one transaction. When another writer got there first,
        reload from the store and file the pending articles again (counted once: ``counts``
        takes a filing's counts only when it is written)."""
        pending = self._pending
        if not pending.members:
            return
        pending.seq = self.seq
        pending.stories = []
        for record in self._records.values():
            if record.status == "open":
                record.state = self.clusterer.export_story(record.id)
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
        written, self._pending_counts = self._pending_counts, FilingCounts()
        self.counts.new_stories += written.new_stories
        self.counts.joined += written.joined
        self.counts.copies += written.copies
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
    store: Backend,
    settings: StorySettings,
    story_id: str,
    title: str,
    article_ids: list[str],
    keep_open: bool,
    seq: int,
) -> StoryRecord:
    """A story row whose state is rebuilt from its members' texts, in filing order."""
    articles = [a for a in (store.get_article(i) for i in article_ids) if a is not None]
    clusterer = StoryClusterer(settings, StoryModel(weights={}, bias=0.0))
    features = [extract_features(a) for a in articles]
    needed = sorted({w for f in features for w in [*f.words, *f.lead]})
    documents = int(store.story_meta().get("documents", "0"))
    clusterer.load_counts(store.story_df_for(needed), {}, documents, None)
    built: str | None = None
    for article, found in zip(articles, features, strict=True):
        built = clusterer.join(article, found, built)
    record = StoryRecord(id=story_id, title=title, status="closed", last_joined=seq)
    info = clusterer.story_info(built) if built is not None else None
    if built is not None and info is not None:
        record.start, record.end = _iso(info.start), _iso(info.end)
        if keep_open:
            record.status = "open"
            record.state = clusterer.export_story(built)
    return record


def rebuild_story(
    store: Backend,
    settings: StorySettings,
    story_id: str,
    title: str,
    article_ids: list[str],
    keep_open: bool,
    seq: int,
) -> StoryRecord:
    """A story row whose clustering state is rebuilt from ``article_ids`` (stored articles,
    in filing order), as a correction writes it (``stories.corrections``)."""
    return _build(store, settings, story_id, title, article_ids, keep_open, seq)


def kept_title(store: Backend, title: str, moved: list[str], kept: list[str]) -> str:
    """The title of a story some articles leave: when it was one of theirs (a story is
    named after its first article), the first remaining article's; else ``title``."""
    gone = [a for a in (store.get_article(i) for i in moved) if a is not None]
    if kept and any(fallback_title(a) == title for a in gone):
        first = store.get_article(kept[0])
        if first is not None:
            return fallback_title(first)
    return title


def _require(store: Backend, story_id: str) -> str:
    found = store.resolve_story(story_id)
    if found is None:
        raise CorrectionError(f"no story {story_id!r}")
    return found


def _originals(members: list[dict[str, object]]) -> list[str]:
    originals = [str(m["article"]) for m in members if not m["copy_of"]]
    return originals or [str(m["article"]) for m in members]


def merge_stories(
    store: Backend, story_ids: list[str], settings: StorySettings = DEFAULT.stories
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
    store: Backend,
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
    title = kept_title(store, record.title, [str(m["article"]) for m in moved], _originals(kept))
    old = _build(store, settings, source, title, _originals(kept), keep_open, seq)
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
