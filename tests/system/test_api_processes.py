"""Several API processes on one port (`dsr serve --workers N`), as compose runs the API."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import SettingsFactory
from tests.support.pgserver import free_port
from tests.system.test_projection_crash import worker_env


def children(pid: int) -> list[int]:
    """The API processes under the supervisor (not multiprocessing's resource tracker)."""
    found = [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    return [p for p in found if b"resource_tracker" not in Path(f"/proc/{p}/cmdline").read_bytes()]


def wait_until(check: object, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            if callable(check) and check():
                return
        except (httpx.HTTPError, OSError):
            pass
        assert time.monotonic() < deadline, what
        time.sleep(0.2)


def test_an_api_process_that_dies_is_replaced_and_the_port_keeps_answering(
    backend: str, make_settings: SettingsFactory
) -> None:
    if backend != "postgres":
        pytest.skip("several API processes are the PostgreSQL mode")
    settings = make_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    env = {**worker_env(settings), "DSR_EMBEDDED_WORKERS": "false", "DSR_API_WORKERS": "2"}
    with open(settings.data_dir / "api.log", "ab") as log:
        api = subprocess.Popen(
            [sys.executable, "-m", "dsr_http.cli", "serve", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=log,
        )
    health = f"http://127.0.0.1:{port}/healthz"
    try:
        wait_until(lambda: len(children(api.pid)) == 2, 30, "two API processes")
        wait_until(lambda: httpx.get(health, timeout=1).status_code == 200, 60, "API up")
        first, second = children(api.pid)
        os.kill(first, signal.SIGKILL)
        wait_until(
            lambda: first not in children(api.pid) and len(children(api.pid)) == 2,
            30,
            "the killed process replaced",
        )
        assert second in children(api.pid)
        for _ in range(20):  # whichever process the kernel picks answers
            assert httpx.get(health, timeout=5).status_code == 200
        api.send_signal(signal.SIGTERM)
        assert api.wait(timeout=30) == 0
        assert not any(Path(f"/proc/{pid}").exists() for pid in (first, second))
    finally:
        if api.poll() is None:
            api.kill()
            api.wait()
