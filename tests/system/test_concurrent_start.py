"""Processes starting together on an empty PostgreSQL schema all start (the API, the
workers and the scheduler of compose.yaml; a rebuild's processes): the library creates its
tables if missing as each starts, and two identical catalogue changes made at once were
refused ("tuple concurrently updated", seen when a rebuild started two processes)."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid

from tests.conftest import IDENTITY_KEY

START = (
    "from dsr_core.process.bootstrap import build_registers\n"
    "from dsr_core.process.settings import Settings\n"
    "build_registers(Settings()).close()\n"
)


def test_six_processes_starting_at_once_on_an_empty_schema_all_start(postgres_url: str) -> None:
    for _ in range(3):  # the race is one of timing: a few fresh schemas
        env = {k: v for k, v in os.environ.items() if not k.startswith("DSR_")}
        env.update(
            DSR_DATABASE_URL=postgres_url,
            DSR_DATABASE_SCHEMA=f"t_{uuid.uuid4().hex[:16]}",
            DSR_IDENTITY_KEY=IDENTITY_KEY,
        )
        starting = [
            subprocess.Popen(
                [sys.executable, "-c", START], env=env, stderr=subprocess.PIPE, text=True
            )
            for _ in range(6)
        ]
        for process in starting:
            _, err = process.communicate(timeout=120)
            assert process.returncode == 0, err[-1500:]
