"""What both ingest engines share beyond the readers: the run's summary (``IngestSummary``,
bounded lists of failures and warnings), stopping on a signal, the story filer of a run and
the line a run stopped by another writer's lock ends with.

Both engines count and list through one ``IngestSummary``, so ``--engine ray`` reports a run
exactly as the single-process engine does; neither engine imports the other for these.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from types import FrameType
from typing import TYPE_CHECKING

from newsprism.model import Problem, printable
from newsprism.settings import DEFAULT, StorySettings
from newsprism.store.base import Backend

if TYPE_CHECKING:
    from newsprism.stories.persist import StoryFiler


_MOST = DEFAULT.ingest.max_failures_listed  # failures (warnings) listed per file or folder


@dataclass
class Unlisted:
    """The failures of one file (JSONL lines, WARC records) or folder (files) past the first
    ``max_failures_listed``: counted, not listed, so a file of a million bad lines is one
    line of the summary instead of a million (and not a million records in memory)."""

    input: str  # the file or folder
    unit: str  # "lines", "records" or "files"
    count: int = 0


@dataclass
class IngestSummary:
    """What one ingest run did."""

    new: int = 0  # articles stored (near-copies excluded)
    duplicates: int = 0  # same text or same URL as a stored article: skipped
    near_copies: int = 0  # stored and linked to the article they copy
    failed: int = 0  # inputs, URLs or records that gave no article
    skipped: int = 0  # archive records that hold no page (images, redirects, ...)
    problems: list[Problem] = field(default_factory=list)  # one per failure listed
    unlisted: list[Unlisted] = field(default_factory=list)  # the failures not listed
    warnings: list[Problem] = field(default_factory=list)  # loaded, but with a remark
    unlisted_warnings: list[Unlisted] = field(default_factory=list)  # the warnings not listed
    from_feed: list[Problem] = field(default_factory=list)  # stored from the feed's own text
    links: list[tuple[str, str, float]] = field(default_factory=list)  # (copy, original, sim)
    interrupted: bool = False
    seconds: float = 0.0

    def __post_init__(self) -> None:
        # Per (failures or warnings, file or folder): how many are listed, and the count of
        # the rest. Not fields, so not in ``to_dict``.
        self._listed: dict[tuple[str, str], int] = {}
        self._unlisted: dict[tuple[str, str], Unlisted] = {}

    def fail(self, problem: Problem, within: str = "", unit: str = "", most: int = _MOST) -> None:
        """Count a failure; list it unless it is past the first ``most``
        (``max_failures_listed``) of the file or folder ``within`` (its ``unit``s: lines,
        records, files). Both ingest engines count failures here, so both stay bounded."""
        self.failed += 1
        if self._listing("failed", within, unit, most, self.unlisted):
            self.problems.append(problem)

    def warn(self, problem: Problem, within: str = "", unit: str = "", most: int = _MOST) -> None:
        """Keep a remark on a loaded article, bounded as ``fail`` is: a JSONL file whose every
        line has an unreadable ``published`` gives ``most`` warnings and a count."""
        if self._listing("warned", within, unit, most, self.unlisted_warnings):
            self.warnings.append(problem)

    def _listing(
        self, kind: str, within: str, unit: str, most: int, unlisted: list[Unlisted]
    ) -> bool:
        """True when one more failure (warning) of ``within`` is listed; else it is counted
        in ``unlisted``."""
        if not within:
            return True
        key = (kind, within)
        listed = self._listed.get(key, 0)
        if listed < most:
            self._listed[key] = listed + 1
            return True
        counted = self._unlisted.get(key)
        if counted is None:
            counted = self._unlisted[key] = Unlisted(within, unit)
            unlisted.append(counted)
        counted.count += 1
        return False

    def add(self, other: IngestSummary) -> None:
        """Add the counts and lists of ``other`` (a part of this run ingested apart)."""
        for name in ("new", "duplicates", "near_copies", "failed", "skipped"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for name in ("problems", "unlisted", "warnings", "unlisted_warnings", "from_feed", "links"):
            getattr(self, name).extend(getattr(other, name))

    def lines(self) -> list[str]:
        """The human summary: counts, then each failure with its reason."""
        rate = (self.new + self.near_copies) / self.seconds if self.seconds > 0 else 0.0
        head = (
            f"{self.new} new, {self.duplicates} duplicate, {self.near_copies} near-copy linked, "
            f"{self.failed} failed ({rate:.1f} articles/s, {self.seconds:.1f} s)"
        )
        out = [head + (" - interrupted" if self.interrupted else "")]
        out.extend(f"failed: {p.line()}" for p in self.problems)
        out.extend(
            f"… and {u.count:,} more failed {u.unit} in {printable(u.input)}" for u in self.unlisted
        )
        out.extend(f"from the feed's text: {p.line()}" for p in self.from_feed)
        return out

    def to_dict(self) -> dict[str, object]:
        """The summary as JSON-ready data."""
        data = asdict(self)
        data["problems"] = [asdict(p) for p in self.problems]
        data["unlisted"] = [asdict(u) for u in self.unlisted]
        data["warnings"] = [asdict(p) for p in self.warnings]
        data["unlisted_warnings"] = [asdict(u) for u in self.unlisted_warnings]
        data["from_feed"] = [asdict(p) for p in self.from_feed]
        return data


@contextmanager
def stop_on_signals() -> Iterator[threading.Event]:
    """An event set by SIGINT or SIGTERM (the current article's transaction finishes)."""
    stop = threading.Event()

    def handler(signum: int, frame: FrameType | None) -> None:
        stop.set()

    if threading.current_thread() is not threading.main_thread():
        yield stop
        return
    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield stop
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


@contextmanager
def story_filer(
    store: Backend, settings: StorySettings, enabled: bool = True
) -> Iterator[StoryFiler | None]:
    """The story filer of an ingest run (None when ``enabled`` is false), filing with
    ``settings``. It first files what an earlier run stored but left unfiled, and writes
    anything pending at the end."""
    if not enabled:
        yield None
        return
    from newsprism.stories.persist import StoryFiler

    filer = StoryFiler(store, settings)
    filer.catch_up()
    try:
        yield filer
    finally:
        filer.close()
