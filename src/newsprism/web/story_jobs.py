"""A story opened for reading that must be compared first: its view data with the compare
job that will fill it (the running one, else a new one), so the page can poll it."""

from __future__ import annotations

from urllib.parse import quote

from newsprism.settings import Settings
from newsprism.store.base import Backend
from newsprism.web.jobs import Job, JobRunner, compare_key, submit_compare
from newsprism.web.views.stories import JobInfo, StoryDetail, story_detail

# --- a story that must be compared first -----------------------------------------------------


def job_info(job: Job) -> JobInfo:
    return JobInfo(
        job=job.id,
        kind=job.kind,
        state=job.state,
        progress=job.progress,
        message=job.message,
        error=job.error,
        story=job.story,
        location=f"/api/jobs/{quote(job.id, safe='')}",
    )


def story_for_reading(
    store: Backend,
    runner: JobRunner,
    db: str,
    story_id: str,
    settings: Settings,
    retry: bool = False,
) -> StoryDetail | None:
    """``story_detail``, and when the story needs a (new) comparison, its compare job: the
    running one, else a new one, unless the last one failed (then status "failed", until
    ``retry``)."""
    detail = story_detail(store, story_id)
    if detail is None or detail.status != "analysing":
        return detail
    key = compare_key(story_id)
    job = runner.active(key)
    if job is None:
        last = runner.latest(key)
        if last is not None and last.state == "failed" and not retry:
            detail.status = "failed"
            detail.job = job_info(last)
            return detail
        job = submit_compare(runner, db, story_id, settings)
    detail.job = job_info(job)
    return detail
