"""The scheduler keeps its jobs in dsr's database and runs the reminder pass on start."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from dsr_core.service.registers import Registers
from dsr_projections.engine.runner import ProjectionRunner
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
