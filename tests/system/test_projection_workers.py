"""One worker process per read model (`dsr project --only NAME`), side by side (issue 17)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from dsr_core.service.registers import Registers
from dsr_http.cli import main
from dsr_projections.engine.runner import ProjectionRunner
from tests.conftest import SettingsFactory
from tests.support.stages import admitted
from tests.system.test_projection_crash import worker_env


def test_workers_for_different_read_models_bring_each_to_the_head(
    backend: str, app: Registers, runner: ProjectionRunner, make_settings: SettingsFactory
) -> None:
    if backend != "postgres":
        pytest.skip("separate worker processes are the PostgreSQL mode")
    settings = make_settings()
    for seed in range(1, 6):
        admitted(app, seed=seed)
    head = app.recorder.max_notification_id() or 0
    groups = [["register", "reminders", "feed"], ["audit", "length_of_stay", "national_dataset"]]
    workers = []
    for group in groups:
        args = [a for name in group for a in ("--only", name)]
        workers.append(
            subprocess.Popen(
                [sys.executable, "-m", "dsr_http.cli", "project", *args],
                env=worker_env(settings),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
    try:
        deadline = time.monotonic() + 60
        while min(runner.positions().values()) < head:
            assert time.monotonic() < deadline, runner.positions()
            time.sleep(0.2)
    finally:
        for worker in workers:
            worker.terminate()
            worker.wait(timeout=30)
    assert set(runner.positions()) == {name for group in groups for name in group}
    with runner.db.read() as cursor:
        cursor.execute("SELECT COUNT(*) AS n FROM register_entries")
        assert cursor.fetchone() == {"n": 5}
        cursor.execute("SELECT COUNT(*) AS n FROM audit_trail")
        assert cursor.fetchone() == {"n": head - 5}  # every Person event; not identity keys


def test_an_unknown_read_model_is_refused_by_name(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DSR_DATA_DIR", str(tmp_path))
    assert main(["--init", "project", "--only", "registers"]) == 2
    assert "no read model named ['registers']" in capsys.readouterr().err
