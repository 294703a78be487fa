"""Fixtures shared by the system tests: real servers and processes."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import httpx
import pytest

from tests.conftest import SettingsFactory
from tests.support.pgserver import free_port
from tests.system.test_api_processes import wait_until
from tests.system.test_projection_crash import worker_env


@pytest.fixture
def live(backend: str, make_settings: SettingsFactory) -> Iterator[tuple[str, str]]:
    """A server as `dsr serve` runs it, and a lead's token for it."""
    if backend != "sqlite":
        pytest.skip("the contract is the same on both backends; one live server is enough")
    settings = make_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    env = worker_env(settings)
    port = free_port()
    cli = [sys.executable, "-m", "dsr_http.cli"]
    with open(settings.data_dir / "api.log", "ab") as log:
        server = subprocess.Popen(
            [*cli, "--init", "serve", "--port", str(port)], env=env, stdout=log, stderr=log
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: httpx.get(f"{base}/readyz", timeout=1).status_code == 200, 60, "up")
        minted = subprocess.run(
            [*cli, "token", "--role", "lead", "--area", "E54000048"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        yield base, minted.stdout.strip()
    finally:
        server.terminate()
        server.wait(timeout=30)
