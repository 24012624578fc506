"""The ingest run: sources -> stored articles, idempotently (``newsprism ingest`` and ``watch``
parse their flags in ``cli.ingest`` and call ``ingest_sources``).

A SOURCE is a file or folder (the ``ingest.load`` readers), a ``.jsonl`` dump (streamed),
a ``.warc``/``.warc.gz`` archive (streamed), "-" (standard input), or an http(s) URL: a
page or an RSS/Atom feed (sniffed from the body). ``ingest_sources`` stores each article
in its own transaction as soon as it is built, so killing the process at any moment loses
nothing already stored, and running it again stores nothing twice:

- an article whose id (normalized text) or normalized URL is stored is a duplicate; a URL
  already stored is not even fetched again;
- a syndicated near-copy (MinHash LSH, ``dedup``) is stored and linked to the article it
  copies (``Store.original_of`` / ``copies_of``), not reported to ``on_article``.

A feed entry whose page cannot be fetched or read is stored from the feed's own text of the
entry when that is long enough to be an article (``feed_text_min_words``); the summary lists
each such entry (``from_feed``) and the article carries a note saying so.

    summary = ingest_sources(["feeds.txt", "dump.jsonl"], store, settings.ingest)
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Generator, Iterable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from newsprism.engines.common import IngestSummary
from newsprism.ingest.confine import confinement, sidecar_confinement
from newsprism.ingest.dedup import Fingerprint, best_original, canonical_url, fingerprint
from newsprism.ingest.feeds import Feed, FeedEntry, parse_feed
from newsprism.ingest.fetch import ALL_TYPES, HTML_TYPES, TEXT_TYPES, Fetched, Fetcher, Network
from newsprism.ingest.files import RawDoc, kind_of, read_input
from newsprism.ingest.jsonl import iter_jsonl
from newsprism.ingest.loader import build_noted, raw_from_warc, raw_from_web, registry_for
from newsprism.ingest.meta import ArticleMeta
from newsprism.ingest.warc import (
    ReadingStopped,
    WarcPage,
    WarcSkipped,
    expand_with_archives,
    is_warc,
    iter_warc,
)
from newsprism.model import Article, Problem
from newsprism.settings import DEFAULT, IngestSettings, Settings
from newsprism.store.base import Backend

OnArticle = Callable[[Article], object]  # what it returns is ignored
OnCopy = Callable[[Article, str], object]
OnDuplicate = Callable[[str], object]  # the id of the stored article it duplicates


class _Interrupted(Exception):
    pass


class _Ingest:
    """One run's state: store, fetcher (made on first use), counts, progress."""

    def __init__(
        self,
        store: Backend,
        settings: IngestSettings,
        *,
        allow_private: bool,
        rate: float | None,
        trusted_networks: Iterable[Network],
        on_article: OnArticle | None,
        on_copy: OnCopy | None,
        stop: threading.Event | None,
        feeds_only: bool,
        advance: Callable[[str], None],
        on_duplicate: OnDuplicate | None = None,
    ) -> None:
        self.store = store
        self.settings = settings
        self.allow_private = allow_private
        self.rate = rate
        self.trusted = tuple(trusted_networks)
        self.on_article = on_article
        self.on_copy = on_copy
        self.on_duplicate = on_duplicate
        self.stop = stop
        self.feeds_only = feeds_only
        self.advance = advance
        self.summary = IngestSummary()
        self._within: tuple[str, str] = ("", "")  # the file or folder read now, and its unit
        self._fetcher: Fetcher | None = None
        self.registry = registry_for(settings, self.summary.warnings)

    @property
    def fetcher(self) -> Fetcher:
        if self._fetcher is None:
            self._fetcher = Fetcher(
                self.settings,
                allow_private=self.allow_private,
                rate=self.rate,
                trusted_networks=self.trusted,
                stop=self.stop,
            )
        return self._fetcher

    def close(self) -> None:
        if self._fetcher is not None:
            self._fetcher.close()

    def check_stop(self) -> None:
        if self.stop is not None and self.stop.is_set():
            raise _Interrupted

    @contextmanager
    def failures_of(self, within: str, unit: str) -> Iterator[None]:
        """Failures meanwhile belong to the file or folder ``within`` (its ``unit``s: lines,
        records, files): past the first ``max_failures_listed`` they are only counted."""
        previous, self._within = self._within, (within, unit)
        try:
            yield
        finally:
            self._within = previous

    def fail(self, problem: Problem) -> None:
        """Count a failure (``IngestSummary.fail``) of the file or folder being read
        (``failures_of``)."""
        self.summary.fail(problem, *self._within, self.settings.max_failures_listed)

    # --- storing ----------------------------------------------------------------------------

    def store_raw(self, raw: RawDoc, urls: Iterable[str] = (), notes: Iterable[str] = ()) -> None:
        built = self.build(raw, notes)
        if isinstance(built, Article):
            self.store_article(built, urls)
        else:
            for problem in built:
                self.fail(problem)

    def build(self, raw: RawDoc, notes: Iterable[str] = ()) -> Article | list[Problem]:
        """The clean article (its remarks kept as warnings), or why there is none."""
        article, problems = build_noted(raw, self.registry, self.settings, notes)
        if article is None:
            return problems
        for problem in problems:
            self.summary.warn(problem, *self._within, self.settings.max_failures_listed)
        return article

    def store_article(self, article: Article, urls: Iterable[str] = ()) -> None:
        """Store one article in one transaction and count what happened."""
        self.check_stop()
        keys = sorted({k for u in [article.url, *urls] if u and (k := canonical_url(u))})
        found = self.fingerprint_of(article)
        threshold = self.settings.near_copy_threshold

        def choose(candidates: list[tuple[str, bytes]]) -> tuple[str, float] | None:
            return best_original(found.signature, candidates, threshold) if found else None

        outcome, original, score = self.store.add_ingested(
            article,
            keys,
            found.signature if found else None,
            found.bands if found else [],
            choose,
        )
        summary = self.summary
        if outcome == "duplicate":
            summary.duplicates += 1
            if self.on_duplicate is not None:
                self.on_duplicate(article.id)
        elif outcome == "near_copy":
            summary.near_copies += 1
            summary.links.append((article.id, original, score))
            if self.on_copy is not None:
                self.on_copy(article, original)
        else:
            summary.new += 1
            if self.on_article is not None:
                self.on_article(article)
        self.advance(outcome)

    def fingerprint_of(self, article: Article) -> Fingerprint | None:
        return fingerprint(article.text, self.settings)

    def known_url(self, url: str) -> bool:
        """True (and counted as a duplicate) when an article from ``url`` is stored."""
        key = canonical_url(url) if url else ""  # "" for junk such as "?": not a URL
        stored = self.store.article_for_url(key) if key else None
        if stored is not None:
            self.summary.duplicates += 1
            if self.on_duplicate is not None:
                self.on_duplicate(stored)
            self.advance("duplicate")
            return True
        return False

    # --- sources ----------------------------------------------------------------------------

    def source(self, item: str) -> None:
        if re.match(r"https?://", item, re.I):
            self.url(item)
        elif re.match(r"[a-z][a-z0-9+.-]*://", item, re.I):
            scheme = item.split(":", 1)[0]
            self.fail(Problem(item, f"only http and https URLs are fetched, not {scheme}"))
        elif self.feeds_only:
            self.fail(Problem(item, "watch follows RSS/Atom feed URLs (http or https) only"))
        elif item != "-" and is_warc(item):
            self.warc(Path(item), item)
        elif item != "-" and Path(item).is_file() and kind_of(Path(item)) == "jsonl":
            self.jsonl(Path(item), item)
        else:
            self.files(item)

    def files(self, item: str) -> None:
        targets = expand_with_archives(item, self.settings.follow_symlinks)
        folder = item != "-" and Path(item).is_dir()
        inside = confinement(item, self.settings.follow_symlinks)
        with self.failures_of(item, "files" if folder else "records"):
            for target in targets:
                self.check_stop()
                if isinstance(target, Problem):
                    self.fail(target)
                    continue
                name, path = target
                if path is not None and is_warc(path.name):
                    self.warc(path, name, inside)
                elif path is not None and kind_of(path) == "jsonl":
                    self.jsonl(path, name, inside)
                else:
                    for raw in read_input(name, path, self.settings, inside):
                        self.check_stop()
                        if isinstance(raw, Problem):
                            self.fail(raw)
                        else:
                            self.store_raw(raw)

    def jsonl(self, path: Path, name: str, inside: Path | None = None) -> None:
        """A JSONL file streamed line by line; ``inside``: the folder it was walked from."""
        side_inside = sidecar_confinement(path, inside, self.settings.follow_symlinks)
        limit = self.settings.max_jsonl_line_bytes
        with self.failures_of(name, "lines"):
            for raw in iter_jsonl(path, name, limit, inside, side_inside, self.settings):
                self.check_stop()
                if isinstance(raw, Problem):
                    self.fail(raw)
                elif not self.known_url(raw.meta.url or ""):
                    self.store_raw(raw)

    def warc(self, path: Path, name: str, inside: Path | None = None) -> None:
        """A WARC archive streamed record by record; ``inside``: the folder it was walked
        from."""
        limits = self.settings
        items = iter_warc(
            path,
            name,
            limits.warc_max_record_bytes,
            max_decompressed_bytes=limits.max_decompressed_bytes,
            max_line_bytes=limits.max_line_bytes,
            max_header_bytes=limits.warc_max_header_bytes,
            max_header_lines=limits.warc_max_header_lines,
            stop=self.stop,
            inside=inside,
        )
        try:
            with self.failures_of(name, "records"):
                for item in items:
                    self.check_stop()
                    if isinstance(item, Problem):
                        self.fail(item)
                    elif isinstance(item, WarcSkipped):
                        self.summary.skipped += 1
                    else:
                        self.warc_page(item)
        except ReadingStopped:
            raise _Interrupted from None

    def warc_page(self, page: WarcPage) -> None:
        if self.known_url(page.url):
            return
        read = raw_from_warc(page)
        if isinstance(read, Problem):
            self.fail(read)
            return
        raw, notes = read
        self.store_raw(raw, notes=notes)

    def sources(self, items: list[str]) -> None:
        """Every source in order; a run of consecutive URLs is fetched several at once."""
        k = 0
        while k < len(items):
            self.check_stop()
            end = k
            while end < len(items) and re.match(r"https?://", items[end], re.I):
                end += 1
            if end > k:
                self.urls(items[k:end])
                k = end
            else:
                self.source(items[k])
                k += 1

    def urls(self, urls: list[str]) -> None:
        """Fetch the URLs (several at once, ``Fetcher.fetch_many``) and handle each result in
        the order given, one store write at a time: the same outcome as one by one."""
        wanted = [u for u in urls if self.feeds_only or not self.known_url(u)]
        with closing(self.fetch_unique(wanted, ALL_TYPES)) as results:
            for url, fetched in results:
                self.check_stop()
                if fetched is None:  # a repeat of an earlier URL of the run
                    if not self.feeds_only and self.known_url(url):
                        continue
                    fetched = self.fetcher.fetch(url)
                self.url(url, fetched)

    def fetch_unique(
        self, urls: list[str], accept: frozenset[str]
    ) -> Generator[tuple[str, Fetched | Problem | None], None, None]:
        """(url, result) for each URL in order. A URL that repeats an earlier one (same
        canonical form) is not fetched ahead (its result is None): by its turn the first
        one may be stored."""
        seen: set[str] = set()
        repeats: list[bool] = []
        for url in urls:
            key = canonical_url(url)
            repeats.append(key in seen)
            seen.add(key)
        unique = [u for u, again in zip(urls, repeats, strict=True) if not again]
        with closing(self.fetcher.fetch_many(unique, accept)) as results:
            for url, again in zip(urls, repeats, strict=True):
                yield url, None if again else next(results)

    def url(self, url: str, fetched: Fetched | Problem | None = None) -> None:
        if fetched is None:
            if not self.feeds_only and self.known_url(url):
                return
            fetched = self.fetcher.fetch(url)
        if isinstance(fetched, Problem):
            self.fail(fetched)
            self.store.record_source(canonical_url(url), "failed", message=fetched.message)
            return
        if fetched.kind == "feed":
            self.feed(fetched)
        elif self.feeds_only:
            problem = parse_feed(fetched.body, url)
            self.fail(
                problem if isinstance(problem, Problem) else Problem(url, "not an RSS or Atom feed")
            )
        else:
            self.page(fetched, None)
        self.store.record_source(canonical_url(url), "ok")

    def page(self, fetched: Fetched, meta: ArticleMeta | None, notes: Iterable[str] = ()) -> None:
        built = self.page_article(fetched, meta, notes)
        if isinstance(built, Article):
            self.store_article(built, [fetched.requested, fetched.url])
        else:
            for problem in built:
                self.fail(problem)

    def page_article(
        self, fetched: Fetched, meta: ArticleMeta | None, notes: Iterable[str] = ()
    ) -> Article | list[Problem]:
        """The article a fetched page holds, or why it holds none."""
        raw = raw_from_web(
            fetched.body,
            fetched.requested,
            fetched.url,
            html=fetched.kind != "text",
            charset=fetched.charset,
            fallback=meta,
        )
        if isinstance(raw, Problem):
            return [raw]
        return self.build(raw, notes)

    def feed(self, fetched: Fetched) -> None:
        feed = parse_feed(fetched.body, fetched.url)
        if isinstance(feed, Problem):
            self.fail(feed)
            return
        self.entries(feed)

    def entries(self, feed: Feed) -> None:
        todo = [e for e in feed.entries if not self.known_url(e.url)]
        accept = HTML_TYPES | TEXT_TYPES
        with closing(self.fetch_unique([e.url for e in todo], accept)) as pages:
            for entry, (_, page) in zip(todo, pages, strict=True):
                self.check_stop()
                if page is None:  # the same link as an earlier entry
                    if self.known_url(entry.url):
                        continue
                    page = self.fetcher.fetch(entry.url, accept)
                self.entry(feed, entry, page)

    def entry(self, feed: Feed, entry: FeedEntry, page: Fetched | Problem) -> None:
        """Store one feed entry from its fetched page, else from the feed's own text."""
        meta = ArticleMeta(
            published=entry.published or None,
            title=entry.title or None,
            url=entry.url,
        )
        notes = [f"from the feed {feed.title or fetched_name(feed)}"]
        if entry.author:
            notes.append(f"author (from the feed): {entry.author}")
        if isinstance(page, Problem):
            failed = [page]
        else:
            built = self.page_article(page, meta, notes)
            if isinstance(built, Article):
                self.store_article(built, [page.requested, page.url])
                return
            failed = built
        if not self.entry_text(entry, meta, notes, failed):
            for problem in failed:
                self.fail(problem)

    def entry_text(
        self, entry: FeedEntry, meta: ArticleMeta, notes: list[str], problems: list[Problem]
    ) -> bool:
        """Store the feed's own text of an entry whose page failed (``problems``) when it is
        long enough to be an article; False (and a remark on the first problem when the text
        is too short) when it is not stored."""
        why = "; ".join(p.message for p in problems) or "no article on the page"
        words = entry.words
        if words < self.settings.feed_text_min_words:
            if words and problems:
                problems[0] = Problem(
                    problems[0].input,
                    f"{problems[0].message}; the feed's own text of the entry ({words} words) "
                    f"is too short to stand in for the article (ingest feed_text_min_words "
                    f"{self.settings.feed_text_min_words})",
                )
            return False
        raw = RawDoc(entry.summary, entry.url, "text", meta, "metadata")
        note = f"the text is the feed's own text of the entry: the page could not be used ({why})"
        built = self.build(raw, [*notes, note])
        if not isinstance(built, Article):
            problems.extend(built)
            return False
        self.summary.from_feed.append(
            Problem(
                entry.url,
                f"the page could not be used ({why}); stored the feed's own text of the entry "
                f"({words} words) instead",
            )
        )
        self.store_article(built, [entry.url])
        return True


def _ignore(outcome: str) -> None:
    """No progress shown."""


def fetched_name(feed: Feed) -> str:
    """A feed's name for notes when it has no title."""
    return f"({feed.version})"


def ingest_sources(
    sources: list[str],
    store: Backend,
    settings: IngestSettings | Settings = DEFAULT.ingest,
    *,
    allow_private: bool = False,
    on_article: OnArticle | None = None,
    on_copy: OnCopy | None = None,
    on_progress: Callable[[str], None] | None = None,
    rate: float | None = None,
    stop: threading.Event | None = None,
    feeds_only: bool = False,
    trusted_networks: Iterable[Network] = (),
    on_duplicate: OnDuplicate | None = None,
) -> IngestSummary:
    """Ingest every source into ``store``, one transaction per article; never raises for a
    bad source (each failure is a ``Problem`` in the summary).

    ``on_article(article)`` is called after each new article is committed (not for
    duplicates or near-copies; ``on_copy(article, original_id)`` for near-copies). ``stop``
    (set by a signal handler) ends the run after the current article; the summary then says
    ``interrupted``. ``rate`` overrides ``fetch_rate`` (seconds between requests to a
    host); ``feeds_only`` refuses anything but feed URLs (``watch``). ``on_duplicate(id)``
    is called with the stored article's id for each duplicate (same text or URL).
    ``on_progress(outcome)`` is called as each source or document is done ("new",
    "duplicate", "failed", ...): a front end draws its progress from it.
    """
    ingest_settings = settings.ingest if isinstance(settings, Settings) else settings
    started = time.monotonic()
    run = _Ingest(
        store,
        ingest_settings,
        allow_private=allow_private,
        rate=rate,
        trusted_networks=trusted_networks,
        on_article=on_article,
        on_copy=on_copy,
        stop=stop,
        feeds_only=feeds_only,
        advance=on_progress or _ignore,
        on_duplicate=on_duplicate,
    )
    try:
        run.sources(list(sources))
    except _Interrupted:
        run.summary.interrupted = True
    finally:
        run.close()
    run.summary.seconds = time.monotonic() - started
    return run.summary


def ingest_documents(
    documents: Iterable[RawDoc | Problem],
    store: Backend,
    settings: IngestSettings = DEFAULT.ingest,
    *,
    on_article: OnArticle | None = None,
    on_copy: OnCopy | None = None,
    on_duplicate: OnDuplicate | None = None,
) -> IngestSummary:
    """Store documents already read (the web app's pasted text and uploaded files) exactly
    as ``ingest_sources`` stores a file's: cleaned, one transaction each, duplicates and
    near-copies found, the callbacks as there. Never raises for a bad document."""
    started = time.monotonic()
    run = _Ingest(
        store,
        settings,
        allow_private=False,
        rate=None,
        trusted_networks=(),
        on_article=on_article,
        on_copy=on_copy,
        stop=None,
        feeds_only=False,
        advance=lambda outcome: None,
        on_duplicate=on_duplicate,
    )
    try:
        for document in documents:
            if isinstance(document, Problem):
                run.fail(document)
            else:
                run.store_raw(document)
    finally:
        run.close()
    run.summary.seconds = time.monotonic() - started
    return run.summary
