"""A projection worker killed with SIGKILL mid-batch loses and doubles nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import date

from dsr_core.process.settings import Settings
from dsr_core.service import commands as cmd
from dsr_core.service.caller import Caller
from dsr_core.service.registers import Registers
from dsr_projections.engine.runner import ProjectionRunner
from tests.conftest import SettingsFactory
from tests.support import factories as f
from tests.support.stages import admitted


def worker_env(settings: Settings) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DSR_")}
    env["DSR_DATA_DIR"] = str(settings.data_dir)
    env["DSR_IDENTITY_KEY"] = (
        settings.identity_key.get_secret_value() if settings.identity_key else ""
    )
    if settings.database_url is not None:
        env["DSR_DATABASE_URL"] = settings.database_url.get_secret_value()
        env["DSR_DATABASE_SCHEMA"] = settings.database_schema
    return env


def start_worker(settings: Settings) -> subprocess.Popen[bytes]:
    """The worker's JSON log goes to worker.log in the test's data directory."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    with open(settings.data_dir / "worker.log", "ab") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "dsr_http.cli", "project", "--batch-size", "25"],
            env=worker_env(settings),
            stdout=subprocess.DEVNULL,
            stderr=log,
        )


def wait_until(condition: object, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


def test_a_killed_worker_resumes_without_losing_or_doubling_rows(
    app: Registers, runner: ProjectionRunner, make_settings: SettingsFactory
) -> None:
    for seed in range(1, 121):
        person_id = admitted(app, seed=seed)
        app.execute(
            person_id,
            cmd.Discharge(
                discharged_on=date(2025, 5, 1), destination="family_home", rating=f.rating("red")
            ),
            Caller.of(f.LEAD),
        )
    head = runner.head()
    settings = make_settings()

    def lowest() -> int:
        return min(runner.positions().values())

    for _ in range(2):  # kill it twice, somewhere in the middle
        worker = start_worker(settings)
        try:
            reached = lowest()
            wait_until(lambda reached=reached: lowest() > reached)
        finally:
            os.kill(worker.pid, signal.SIGKILL)  # never leave a worker behind
            worker.wait()
        assert lowest() < head, "the worker finished before it could be killed"

    worker = start_worker(settings)
    try:
        wait_until(lambda: lowest() >= head)
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)
    live = {p.name: runner.content_hash(p.name) for p in runner.projections}
    with runner.db.read() as cursor:
        cursor.execute("SELECT COUNT(*) AS n FROM audit_trail")
        row = cursor.fetchone()
    # referral, consent, acceptance, admission and discharge for each of 120 people
    assert row is not None and row["n"] == 120 * 5
    for projection in runner.projections:
        runner.rebuild(projection.name)
    assert live == {p.name: runner.content_hash(p.name) for p in runner.projections}
