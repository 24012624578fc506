"""The web app's job runner: one worker, submission order, one job per key at a time,
progress, failures kept as messages, shutdown. Work functions wait on events, so nothing here
depends on timing."""

from __future__ import annotations

import threading
import time

import pytest

from newsprism.settings import DEFAULT
from newsprism.web.jobs import Job, JobRunner, Progress, compare_key, submit_compare


def wait(runner: JobRunner, job_id: str) -> Job:
    for _ in range(500):  # a bound, not a timing
        job = runner.get(job_id)
        assert job is not None
        if job.finished:
            return job
        time.sleep(0.01)
    raise AssertionError(f"job {job_id} did not finish")


def test_jobs_run_one_at_a_time_in_order() -> None:
    runner = JobRunner()
    gate = threading.Event()
    ran: list[str] = []

    def first(progress: Progress) -> str:
        gate.wait(10)
        ran.append("first")
        return "s1"

    def second(progress: Progress) -> None:
        ran.append("second")

    a = runner.submit("compare", "k1", first)
    b = runner.submit("add", "k2", second)
    assert (a.kind, a.key, a.state, a.progress) == ("compare", "k1", "queued", 0.0)
    assert runner.get(b.id) == b and b.state == "queued"  # waits behind the first
    gate.set()
    assert wait(runner, b.id).state == "done"
    assert ran == ["first", "second"]
    done = runner.get(a.id)
    assert done is not None
    assert (done.state, done.progress, done.story, done.error) == ("done", 1.0, "s1", "")
    assert runner.get(b.id).story is None  # type: ignore[union-attr]
    runner.shutdown()


def test_the_same_key_is_not_queued_twice() -> None:
    runner = JobRunner()
    gate = threading.Event()
    calls: list[int] = []

    def work(progress: Progress) -> str:
        calls.append(1)
        gate.wait(10)
        return "s"

    a = runner.submit("compare", "compare:s", work)
    b = runner.submit("compare", "compare:s", work)
    assert b.id == a.id
    assert runner.active("compare:s") is not None
    gate.set()
    wait(runner, a.id)
    assert runner.active("compare:s") is None
    assert runner.latest("compare:s") == runner.get(a.id)
    c = runner.submit("compare", "compare:s", work)  # finished: a new job
    assert c.id != a.id
    wait(runner, c.id)
    assert len(calls) == 2
    runner.shutdown()


def test_progress_is_reported_and_clamped() -> None:
    runner = JobRunner()
    reported = threading.Event()
    release = threading.Event()

    def work(progress: Progress) -> str:
        progress(0.4, "analysing")
        reported.set()
        release.wait(10)
        progress(7.0, "almost")
        return "s"

    job = runner.submit("compare", "k", work)
    assert reported.wait(10)
    running = runner.get(job.id)
    assert running is not None
    assert (running.state, running.progress, running.message) == ("running", 0.4, "analysing")
    release.set()
    done = wait(runner, job.id)
    assert (done.progress, done.message) == (1.0, "done")
    runner.shutdown()


def test_a_failure_is_kept_as_a_message_and_the_worker_goes_on() -> None:
    runner = JobRunner()

    def broken(progress: Progress) -> str:
        raise ValueError("story s9 has no stored article to compare")

    bad = runner.submit("compare", "bad", broken)
    good = runner.submit("compare", "good", lambda progress: "s1")
    failed = wait(runner, bad.id)
    assert failed.state == "failed"
    assert failed.error == "ValueError: story s9 has no stored article to compare"
    assert failed.story is None
    assert wait(runner, good.id).story == "s1"
    runner.shutdown()


def test_shutdown_fails_queued_jobs_and_refuses_new_ones() -> None:
    runner = JobRunner()
    started = threading.Event()
    release = threading.Event()

    def slow(progress: Progress) -> str:
        started.set()
        release.wait(10)
        return "s"

    running = runner.submit("compare", "a", slow)
    queued = runner.submit("compare", "b", lambda progress: "t")
    assert started.wait(10)
    runner.shutdown(timeout=0)  # while the first job still runs: the second never starts
    release.set()
    assert wait(runner, running.id).state == "done"
    cancelled = runner.get(queued.id)
    assert cancelled is not None and cancelled.state == "failed"
    assert cancelled.error == "the server stopped before this job ran"
    with pytest.raises(RuntimeError, match="shut down"):
        runner.submit("compare", "c", lambda progress: None)


def test_unknown_job_is_none() -> None:
    assert JobRunner().get("j1-00000000") is None


def test_compare_of_an_unknown_story_fails_with_its_name(tmp_path: object) -> None:
    from pathlib import Path

    from newsprism.store.sqlite import Store

    db = Path(str(tmp_path)) / "empty.db"
    Store(db).close()
    runner = JobRunner()
    job = submit_compare(runner, str(db), "s0123", DEFAULT)
    assert job.key == compare_key("s0123") == "compare:s0123"
    failed = wait(runner, job.id)
    assert failed.state == "failed"
    assert "no story 's0123'" in failed.error
    runner.shutdown()
