"""Background jobs of the web app: one worker thread runs analyses one at a time.

Analysis is CPU-bound and loads its language models once per process, so the app keeps a
single worker (``JobRunner``, created by ``create_app`` as ``app.state.jobs`` and shut down
with the app). A page submits work and answers at once; the user's page polls the job.

    runner = jobs(request)
    job = runner.submit("compare", f"compare:{story}", work)   # work(progress) -> story id
    runner.get(job.id)                                          # a snapshot: state, progress

Submitting a key that is already queued or running returns that job instead of queuing the
same work twice. ``submit_compare`` is the comparison of a stored story, saved in the store
under the story id (what ``newsprism compare --story`` does).
"""

from __future__ import annotations

import logging
import queue
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Literal

from fastapi import Request

from newsprism.settings import Settings

log = logging.getLogger(__name__)

JobState = Literal["queued", "running", "done", "failed"]

# Finished jobs kept for their pages to read (the oldest are forgotten first).
KEEP_FINISHED = 500


@dataclass(frozen=True)
class Job:
    """A snapshot of one job (``JobRunner.get`` gives the current one)."""

    id: str
    kind: str  # e.g. 'compare', 'add'
    key: str  # the same key is never queued or run twice at once
    state: JobState = "queued"
    progress: float = 0.0  # 0..1
    message: str = ""
    story: str | None = None  # the story to land on when done
    error: str = ""  # why it failed (state 'failed')

    @property
    def finished(self) -> bool:
        return self.state in ("done", "failed")


class Progress:
    """What a job's work calls to report how far it got: ``progress(0.4, "analysing")``."""

    def __init__(self, runner: JobRunner, job_id: str) -> None:
        self._runner = runner
        self._job_id = job_id

    def __call__(self, fraction: float, message: str) -> None:
        self._runner.report(self._job_id, fraction, message)


Work = Callable[[Progress], str | None]


class JobRunner:
    """Runs submitted work on one worker thread, in submission order."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._active: dict[str, str] = {}  # key -> id of its queued or running job
        self._latest: dict[str, str] = {}  # key -> id of its last submitted job
        self._queue: queue.Queue[tuple[str, Work] | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._closed = False
        self._count = 0

    # --- submitting and reading --------------------------------------------------------------

    def submit(self, kind: str, key: str, work: Work) -> Job:
        """Queue ``work`` (it returns the story id to land on, or None) and return its job; a
        job with the same ``key`` that is still queued or running is returned instead."""
        with self._lock:
            if self._closed:
                raise RuntimeError("the job runner is shut down")
            active = self._active.get(key)
            if active is not None:
                return self._jobs[active]
            self._count += 1
            job = Job(id=f"j{self._count}-{secrets.token_hex(4)}", kind=kind, key=key)
            self._jobs[job.id] = job
            self._active[key] = job.id
            self._latest[key] = job.id
            self._forget_old()
            self._queue.put((job.id, work))
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="newsprism-jobs", daemon=True
                )
                self._thread.start()
            return job

    def get(self, job_id: str) -> Job | None:
        """The job's current snapshot, or None for an unknown (or long forgotten) id."""
        with self._lock:
            return self._jobs.get(job_id)

    def active(self, key: str) -> Job | None:
        """The queued or running job of ``key``, if any."""
        with self._lock:
            found = self._active.get(key)
            return self._jobs[found] if found is not None else None

    def latest(self, key: str) -> Job | None:
        """The last job submitted for ``key`` (running, queued or finished), if remembered."""
        with self._lock:
            found = self._latest.get(key)
            return self._jobs.get(found) if found is not None else None

    def shutdown(self, timeout: float = 5.0) -> None:
        """Stop taking work; queued jobs fail with a message; wait up to ``timeout`` seconds
        for the running one (the worker is a daemon thread and never holds up the exit)."""
        with self._lock:
            self._closed = True
            for job_id in list(self._active.values()):
                job = self._jobs[job_id]
                if job.state == "queued":
                    self._jobs[job_id] = replace(
                        job, state="failed", error="the server stopped before this job ran"
                    )
                    del self._active[job.key]
        self._queue.put(None)
        if self._thread is not None:
            self._thread.join(timeout)

    # --- the worker ------------------------------------------------------------------------

    def report(self, job_id: str, fraction: float, message: str) -> None:
        """Record how far a running job got (``fraction`` is clamped to 0..1)."""
        progress = min(1.0, max(0.0, float(fraction)))
        with self._lock:
            job = self._jobs.get(job_id)
            if job is not None and not job.finished:
                self._jobs[job_id] = replace(job, progress=progress, message=message)

    def _finish(self, job_id: str, **changes: object) -> None:
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None:
                return
            self._jobs[job_id] = replace(job, **changes)  # type: ignore[arg-type]
            if self._active.get(job.key) == job_id:
                del self._active[job.key]

    def _forget_old(self) -> None:
        finished = [k for k, j in self._jobs.items() if j.finished]
        for job_id in finished[: max(0, len(finished) - KEEP_FINISHED)]:
            job = self._jobs.pop(job_id)
            if self._latest.get(job.key) == job_id:
                del self._latest[job.key]

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            job_id, work = item
            with self._lock:
                job = self._jobs.get(job_id)
                if job is None or job.finished:  # failed by shutdown
                    continue
                self._jobs[job_id] = replace(job, state="running", message="started")
            try:
                story = work(Progress(self, job_id))
            except Exception as err:  # a job's failure is shown on its page, never fatal
                log.exception("job %s failed", job_id)
                self._finish(job_id, state="failed", error=f"{type(err).__name__}: {err}")
            else:
                self._finish(job_id, state="done", progress=1.0, message="done", story=story)


def jobs(request: Request) -> JobRunner:
    """The app's job runner (``app.state.jobs``)."""
    runner: JobRunner = request.app.state.jobs
    return runner


def compare_key(story_id: str) -> str:
    """The job key of comparing a story."""
    return f"compare:{story_id}"


def submit_compare(runner: JobRunner, db: str, story_id: str, settings: Settings) -> Job:
    """Queue the comparison of stored story ``story_id`` (an alias is followed); when done the
    comparison is saved in the store at ``db`` under the story's id and the job lands on it
    (``services.compare.compare_stored_story``, what ``newsprism compare --story`` does)."""

    def work(progress: Progress) -> str:
        from newsprism.services.compare import compare_stored_story

        return compare_stored_story(db, story_id, settings, progress)

    return runner.submit("compare", compare_key(story_id), work)
