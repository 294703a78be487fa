"""Two scheduler processes on one PostgreSQL database, one killed mid-run and restarted."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

from dsr_core.person.cadences import due_reviews
from dsr_core.process.bootstrap import build_registers
from dsr_core.process.settings import Settings
from dsr_core.service.registers import Registers
from dsr_core.service.reminders import reminder_key
from dsr_projections.engine.runner import ProjectionRunner
from dsr_scheduler.job_runs import runs
from dsr_scheduler.service import REMINDERS_JOB
from tests.conftest import SettingsFactory
from tests.support.books import reminder_counts
from tests.support.stages import admitted
from tests.system.test_projection_crash import wait_until, worker_env


def start_scheduler(settings: Settings) -> subprocess.Popen[bytes]:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    with open(settings.data_dir / "scheduler.log", "ab") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "dsr_http.cli", "schedule"],
            env=worker_env(settings),
            stdout=subprocess.DEVNULL,
            stderr=log,
        )


def test_no_reminder_is_duplicated_or_lost(
    backend: str, app: Registers, runner: ProjectionRunner, make_settings: SettingsFactory
) -> None:
    if backend != "postgres":
        pytest.skip("several scheduler processes share one PostgreSQL database")
    # Enough people that a pass outlasts any pause of this process on a loaded machine:
    # the first scheduler is killed at its first writes, long before the pass could end
    # (with 150 people and a kill after 100 writes, a pass once finished first at load 5).
    people = [admitted(app, seed=seed) for seed in range(1, 401)]
    runner.catch_up()
    settings = make_settings()
    head = runner.head()

    first = start_scheduler(settings)
    processes = [first]
    try:
        # The second starts while the first is mid-pass, so it finds the job stored with
        # its next run an hour on: only the first's unfinished start makes it run now.
        wait_until(lambda: runner.head() > head + 5)
        processes.append(start_scheduler(settings))
        wait_until(lambda: runner.head() > head + 20)
        os.kill(first.pid, signal.SIGKILL)
        first.wait()
        written_at_kill = runner.head() - head
        killed_at = datetime.now(UTC).isoformat()
        processes.append(start_scheduler(settings))
        # Done when a whole pass has finished since the kill: the restarted scheduler's
        # (the killed pass is due at its start), or the survivor's if it ran one too.
        # (Waiting for 3 s without writes once ended while the restart was still starting.)
        wait_until(lambda: pass_finished_since(runner, killed_at), timeout=120)
    finally:
        for process in processes:  # never leave a scheduler behind
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                process.wait(timeout=30)

    # What the processes should have written, as of their today (the real clock).
    checker = build_registers(settings)
    today = checker.today()
    expected_issued, expected_escalated = set(), set()
    for person_id in people:
        person = checker.get_person(person_id)
        policy = checker.areas.policy(person.area)
        for item in due_reviews(person, policy.cadences):
            if item.due_on <= today + timedelta(days=policy.reminders.lead_days):
                expected_issued.add((person_id, reminder_key(item)))
            if item.due_on < today:
                expected_escalated.add((person_id, reminder_key(item)))
    issued, escalated = reminder_counts(checker, people)
    checker.close()
    assert written_at_kill < sum(issued.values()) + sum(escalated.values()), "killed too late"
    assert issued and max(issued.values()) == 1 and max(escalated.values()) == 1
    assert set(issued) == expected_issued and set(escalated) == expected_escalated


def pass_finished_since(runner: ProjectionRunner, moment: str) -> bool:
    return any(
        row["job"] == REMINDERS_JOB and row["last_run_at"] > moment for row in runs(runner.db)
    )
