"""The scheduler keeps its jobs in dsr's database and runs the reminder pass on start."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from dsr_core.service.registers import Registers
from dsr_projections.engine.runner import ProjectionRunner
from dsr_scheduler.job_runs import runs, started
from dsr_scheduler.service import REMINDERS_JOB, SNAPSHOTS_JOB, Runtime, build_scheduler, job_store
from tests.conftest import SettingsFactory
from tests.support import factories as f
from tests.support.stages import admitted


def stored_job_ids(runner: ProjectionRunner) -> set[str]:
    with runner.db.read() as cursor:
        cursor.execute("SELECT id FROM scheduler_jobs")
        return {row["id"] for row in cursor.fetchall()}


def test_jobs_are_stored_in_the_same_database_and_survive_a_restart(
    app: Registers, runner: ProjectionRunner, make_settings: SettingsFactory, clock: f.FakeClock
) -> None:
    clock.now = datetime(2025, 5, 1, 12, tzinfo=UTC)
    person_id = admitted(app)
    runner.catch_up()
    settings = make_settings()
    for _ in range(2):  # start, stop, start again
        jobs = Runtime(app, app.clock, runner.db, b"secret")
        scheduler = build_scheduler(jobs, 60, job_store(settings))
        scheduler.start()
        deadline = time.monotonic() + 20
        while app.reminder_book(person_id) is None and time.monotonic() < deadline:
            time.sleep(0.05)
        scheduler.shutdown(wait=True)
        assert stored_job_ids(runner) == {REMINDERS_JOB, SNAPSHOTS_JOB}
    book = app.reminder_book(person_id)
    assert book is not None and "post_admission_cetr:2025-02-10" in book.escalated


def test_a_restart_keeps_the_schedule_and_runs_only_what_fell_due_while_down(
    app: Registers, runner: ProjectionRunner, make_settings: SettingsFactory
) -> None:
    """Issue 30: every job ran at every start, so a topology restarted under load spent its
    first seconds on the reminders of every person and the daily retention run."""
    settings = make_settings()
    jobs = Runtime(app, app.clock, runner.db, b"secret")
    first = build_scheduler(jobs, 60, job_store(settings))
    first.start()

    def ran(job_id: str) -> bool:  # run once at the first start, next due an hour on
        job = first.get_job(job_id)
        return job is not None and job.next_run_time - datetime.now(UTC) > timedelta(minutes=59)

    deadline = time.monotonic() + 20
    while not (ran(REMINDERS_JOB) and ran(SNAPSHOTS_JOB)) and time.monotonic() < deadline:
        time.sleep(0.05)
    scheduled = {job.id: job.next_run_time for job in first.get_jobs()}
    first.shutdown(wait=True)
    assert set(scheduled) == {REMINDERS_JOB, SNAPSHOTS_JOB}
    with runner.db.transaction() as cursor:  # the snapshots' hour passed while it was down
        cursor.execute(
            "UPDATE scheduler_jobs SET next_run_time = ? WHERE id = ?",
            (time.time() - 60, SNAPSHOTS_JOB),
        )

    again = build_scheduler(jobs, 60, job_store(settings))
    due = {job.id: job.next_run_time for job in again.get_jobs()}
    # the reminders keep the run an hour after the first start, not now
    assert due[REMINDERS_JOB] == scheduled[REMINDERS_JOB]
    assert due[REMINDERS_JOB] - datetime.now(UTC) > timedelta(minutes=59)
    # the snapshots, missed while down, are due at once
    assert due[SNAPSHOTS_JOB] <= datetime.now(UTC)


def test_a_run_cut_short_by_a_killed_process_is_due_at_the_next_start(
    app: Registers, runner: ProjectionRunner, make_settings: SettingsFactory
) -> None:
    """Found in CI: the scheduler running the reminder pass was killed, and the next start
    kept the stored schedule, so the pass resumed only an hour later."""
    settings = make_settings()
    jobs = Runtime(app, app.clock, runner.db, b"secret")
    first = build_scheduler(jobs, 60, job_store(settings))
    first.start()
    deadline = time.monotonic() + 20
    while not job_runs_of(runner, REMINDERS_JOB) and time.monotonic() < deadline:
        time.sleep(0.05)
    first.shutdown(wait=True)
    assert build_scheduler(jobs, 60, job_store(settings)).get_job(REMINDERS_JOB).next_run_time > (
        datetime.now(UTC) + timedelta(minutes=59)
    )  # a finished run keeps its schedule

    # as a killed process leaves it: the pass started after the last one finished
    started(runner.db, REMINDERS_JOB)
    again = build_scheduler(jobs, 60, job_store(settings))
    assert again.get_job(REMINDERS_JOB).next_run_time <= datetime.now(UTC)
    assert again.get_job(SNAPSHOTS_JOB).next_run_time > datetime.now(UTC) + timedelta(minutes=59)


def job_runs_of(runner: ProjectionRunner, job: str) -> int:
    return next((int(row["runs"]) for row in runs(runner.db) if row["job"] == job), 0)
