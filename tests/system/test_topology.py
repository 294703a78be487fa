"""compose.yaml's topology as local processes: PostgreSQL, the API, the worker, the scheduler.

The documented walkthrough (docs/api.md) runs against the live API over HTTP; the
separate worker process makes the register and audit trail show it; the separate
scheduler keeps its jobs in the database; `dsr audit verify` finds no break.
"""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import time

import httpx
import pytest

from dsr_core.domain.codes import Role
from dsr_http.auth import TokenVerifier
from dsr_http.config import HttpSettings
from dsr_projections.engine.runner import ProjectionRunner
from tests.api.test_docs import examples, parse
from tests.conftest import SettingsFactory
from tests.support.pgserver import free_port
from tests.system.test_projection_crash import worker_env

JWT_SECRET = base64.b64encode(b"topology-test-jwt-secret-32-byte").decode()


def test_the_compose_topology_runs_a_case_end_to_end(
    backend: str, runner: ProjectionRunner, make_settings: SettingsFactory
) -> None:
    if backend != "postgres":
        pytest.skip("the multi-process topology is the PostgreSQL mode")
    settings = make_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    env = {**worker_env(settings), "DSR_JWT_SECRET": JWT_SECRET, "DSR_EMBEDDED_WORKERS": "false"}
    commands = {
        "api": ["serve", "--port", str(port), "--workers", "2"],  # as compose runs it
        # as compose runs them: one worker per group of read models
        "worker-register": [
            "project",
            "--only",
            "register",
            "--only",
            "reminders",
            "--only",
            "feed",
        ],
        "worker-audit": ["project", "--only", "audit"],
        "worker-reporting": ["project", "--only", "length_of_stay", "--only", "national_dataset"],
        "scheduler": ["schedule"],
    }
    processes = {}
    for name, args in commands.items():
        with open(settings.data_dir / f"{name}.log", "ab") as log:
            processes[name] = subprocess.Popen(
                [sys.executable, "-m", "dsr_http.cli", *args], env=env, stdout=log, stderr=log
            )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "API did not start"
            time.sleep(0.2)
        verifier = TokenVerifier(HttpSettings(jwt_secret=JWT_SECRET), settings.data_dir)
        variables = {
            "DSR": base,
            "TOKEN": verifier.mint(sub="lead-1", role=Role.LEAD, areas=["E54000048"]),
            "AUDITOR": verifier.mint(sub="auditor-1", role=Role.AUDITOR, areas=["E54000048"]),
            "PERSON": "",
            "POSITION": "0",
        }
        with httpx.Client(timeout=15) as client:
            for expected, command in examples():
                method, url, headers, data = parse(command, variables)
                response = client.request(method, url, headers=headers, content=data)
                assert response.status_code == expected, (command[:80], response.text)
                body = (
                    response.json() if "json" in response.headers.get("content-type", "") else None
                )
                if isinstance(body, dict) and "position" in body and "person_id" in body:
                    variables["PERSON"] = variables["PERSON"] or str(body["person_id"])
                    variables["POSITION"] = str(body["position"])
            trail = client.get(
                f"{base}/v1/audit/persons/{variables['PERSON']}",
                params={"wait_for": variables["POSITION"]},
                headers={"Authorization": f"Bearer {variables['AUDITOR']}"},
            ).json()
        assert [row["event_type"] for row in trail][-1] == "Removed"
        # Erased on request through the API; the key destroyed by another process once the
        # worker has passed the erasure (what the scheduler's job does every 5 minutes).
        lead = {"Authorization": f"Bearer {variables['TOKEN']}"}
        person = variables["PERSON"]
        erased = httpx.post(
            f"{base}/v1/persons/{person}/erasures",
            json={"basis": "no_longer_necessary", "reference": "SAR-1"},
            headers=lead,
            timeout=15,
        )
        assert erased.status_code == 200, erased.text
        deadline = time.monotonic() + 60
        while True:
            finished = subprocess.run(
                [sys.executable, "-m", "dsr_http.cli", "retention", "run"],
                env=env,
                capture_output=True,
                text=True,
            )
            assert finished.returncode == 0, finished.stderr[-500:]
            if person in json.loads(finished.stdout)["keys_destroyed"]:
                break
            assert time.monotonic() < deadline, "the erasure was never finished"
            time.sleep(0.5)
        record = httpx.get(f"{base}/v1/persons/{person}", headers=lead, timeout=15).json()
        assert record["details"]["family_name"] == "erased"
        verified = subprocess.run(
            [sys.executable, "-m", "dsr_http.cli", "audit", "verify"], env=env, capture_output=True
        )
        assert verified.returncode == 0, verified.stdout[-500:]
        with runner.db.read() as cursor:
            cursor.execute("SELECT id FROM scheduler_jobs")
            assert {row["id"] for row in cursor.fetchall()} >= {
                "dsr-reminders",
                "dsr-retention",
                "dsr-erasure-finish",
            }
        # the console is served by the API processes too; with PostgreSQL its local
        # sign-in is off unless configured, so it asks for the organisation's sign-in
        console = httpx.get(f"{base}/", timeout=15, follow_redirects=True)
        assert console.status_code == 200 and str(console.url).endswith("/sign-in")
        assert "identity provider" in console.text and 'name="role"' not in console.text
        assert httpx.get(f"{base}/assets/console.css", timeout=15).status_code == 200
        assert all(p.poll() is None for p in processes.values()), "a process died"
    finally:
        for process in processes.values():
            process.terminate()
        for process in processes.values():
            process.wait(timeout=30)
