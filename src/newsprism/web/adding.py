"""Adding articles from the web app, in a background job.

``submit_add(runner, log, db, source, settings, allow_private)`` queues
``services.adding.run_add`` (the use case: read, store once, file under a story as
``newsprism ingest`` does) on the app's job runner (``web.jobs``) and returns the job; when
it is done the job lands on the story of the first article added. What the job did is an
``AddReport`` kept in the app's ``AddLog`` under the job id, for the job's page and its JSON
twin.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from fastapi import Request

from newsprism.services.adding import AddReport, Source, job_key, run_add
from newsprism.settings import Settings
from newsprism.web.jobs import Job, JobRunner, Progress


class AddLog:
    """The reports of add jobs by job id (the most recent ``keep``), shared with the worker."""

    def __init__(self, keep: int = 500) -> None:
        self._lock = threading.Lock()
        self._reports: OrderedDict[str, AddReport] = OrderedDict()
        self._keep = keep

    def attach(self, job_id: str, report: AddReport) -> None:
        """Keep ``report`` (filled in by the job's work) under ``job_id`` unless one is there."""
        with self._lock:
            self._reports.setdefault(job_id, report)
            while len(self._reports) > self._keep:
                self._reports.popitem(last=False)

    def get(self, job_id: str) -> AddReport | None:
        with self._lock:
            return self._reports.get(job_id)


_LOG_LOCK = threading.Lock()


def add_log(request: Request) -> AddLog:
    """The app's ``AddLog`` (made on first use, kept in ``app.state.added``)."""
    state = request.app.state
    with _LOG_LOCK:
        log: AddLog | None = getattr(state, "added", None)
        if log is None:
            log = AddLog()
            state.added = log
    return log


def submit_add(
    runner: JobRunner,
    log: AddLog,
    db: str,
    source: Source,
    settings: Settings,
    *,
    allow_private: bool = False,
) -> Job:
    """Queue adding ``source`` (see the module docstring) and return its job."""
    report = AddReport()

    def work(progress: Progress) -> str:
        return run_add(db, source, report, progress, settings, allow_private=allow_private)

    job = runner.submit("add", job_key(source), work)
    log.attach(job.id, report)
    return job
