"""kill -9 of the API and of the projection worker under steady command load.

Clients keep sending referrals, each with its own Idempotency-Key, retrying until they
get an answer. Every acknowledged referral must exist exactly once afterwards, and the
read models must equal a full rebuild.
"""

from __future__ import annotations

import base64
import os
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from uuid import UUID

import httpx
import pytest

from dsr_core.domain.codes import Role
from dsr_core.process.settings import Settings
from dsr_core.service.registers import Registers
from dsr_http.auth import TokenVerifier
from dsr_http.config import HttpSettings
from dsr_projections.engine.runner import ProjectionRunner
from tests.api.conftest import referral_body
from tests.conftest import SettingsFactory
from tests.support.pgserver import free_port
from tests.system.test_projection_crash import wait_until, worker_env

JWT = base64.b64encode(b"kill-test-jwt-secret-32-bytes-ok").decode()
REFERRALS = 120


class Topology:
    def __init__(self, settings: Settings, port: int) -> None:
        self.settings, self.port = settings, port
        self.env = {**worker_env(settings), "DSR_JWT_SECRET": JWT, "DSR_EMBEDDED_WORKERS": "false"}
        self.processes: dict[str, subprocess.Popen[bytes]] = {}

    def start(self, name: str) -> None:
        args = {"api": ["serve", "--port", str(self.port)], "worker": ["project"]}[name]
        with open(self.settings.data_dir / f"{name}.log", "ab") as log:
            self.processes[name] = subprocess.Popen(
                [sys.executable, "-m", "dsr_http.cli", *args], env=self.env, stdout=log, stderr=log
            )

    def kill(self, name: str) -> None:
        os.kill(self.processes[name].pid, signal.SIGKILL)
        self.processes[name].wait()

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=30)


def test_acknowledged_commands_survive_kill_9_exactly_once(
    backend: str, app: Registers, runner: ProjectionRunner, make_settings: SettingsFactory
) -> None:
    if backend != "postgres":
        pytest.skip("separate API and worker processes are the PostgreSQL mode")
    settings = make_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    topology = Topology(settings, free_port())
    base = f"http://127.0.0.1:{topology.port}"
    token = TokenVerifier(HttpSettings(jwt_secret=JWT), settings.data_dir).mint(
        sub="load", role=Role.LEAD, areas=["E54000048"]
    )
    acknowledged: dict[int, str] = {}
    lock = threading.Lock()

    def refer(seed: int) -> None:
        headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": f"referral-{seed}"}
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                response = httpx.post(
                    f"{base}/v1/persons", json=referral_body(seed), headers=headers, timeout=10
                )
            except httpx.HTTPError:
                time.sleep(0.1)  # the API is down: retry with the same key
                continue
            if response.status_code == 201:
                with lock:
                    acknowledged[seed] = response.json()["person_id"]
                return
            assert response.status_code >= 500, response.text
            time.sleep(0.1)
        raise AssertionError(f"referral {seed} never acknowledged")

    topology.start("api")
    topology.start("worker")
    try:
        wait_until(lambda: _up(base), timeout=60)
        with ThreadPoolExecutor(max_workers=4) as pool:
            futures = [pool.submit(refer, seed) for seed in range(1, REFERRALS + 1)]
            wait_until(lambda: len(acknowledged) >= 30, timeout=120)
            topology.kill("api")
            assert len(acknowledged) < REFERRALS, "the API was killed after the load ended"
            topology.start("api")
            wait_until(lambda: len(acknowledged) >= 60, timeout=120)
            topology.kill("worker")
            assert len(acknowledged) < REFERRALS, "the worker was killed after the load ended"
            topology.start("worker")
            for future in futures:
                future.result()
        head = runner.head()
        wait_until(lambda: min(runner.positions().values()) >= head, timeout=120)
    finally:
        topology.stop()

    assert len(acknowledged) == REFERRALS and len(set(acknowledged.values())) == REFERRALS
    for person_id in acknowledged.values():
        assert [h.event_type for h in app.history(UUID(person_id))] == ["Referred"]
    with runner.db.read() as cursor:
        cursor.execute("SELECT COUNT(*) AS n FROM register_entries")
        row = cursor.fetchone()
    assert row is not None and row["n"] == REFERRALS
    live = {p.name: runner.content_hash(p.name) for p in runner.projections}
    for projection in runner.projections:
        runner.rebuild(projection.name)
    assert live == {p.name: runner.content_hash(p.name) for p in runner.projections}


def _up(base: str) -> bool:
    try:
        return httpx.get(f"{base}/healthz", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False
