"""Time for the compose topology to answer again after kill -9 of every dsr process (issue 30).

    python bench/restart_after_kill.py [--rounds 3] [--load-seconds 10] [--people 2000]

Starts a throwaway PostgreSQL and compose.yaml's processes as local processes (the API
with two server processes, the three projection workers, the scheduler), records
`--people` referrals so the store is not empty, then for each round: drives referrals from
four client threads, kills every dsr process with SIGKILL mid-load (the API's server
processes too, as `docker kill` would), starts them all again and times, from the moment
they are started, `/healthz` answering 200, `/readyz` answering 200 and the first
referral acknowledged. The goal (issue 30, item 11) is ready in under 10 s on a quiet
machine; the load average is printed beside each round.
"""

from __future__ import annotations

import argparse
import base64
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from uuid import uuid4

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.api.conftest import referral_body
from tests.support.pgserver import free_port, start_throwaway

from dsr_core.domain.codes import Role
from dsr_core.process.bootstrap import ensure_schema
from dsr_core.process.settings import Settings
from dsr_http.auth import TokenVerifier
from dsr_http.config import HttpSettings

JWT = base64.b64encode(os.urandom(32)).decode()
COMMANDS = {
    "api": ["serve", "--workers", "2"],
    "worker-register": ["project", "--only", "register", "--only", "reminders", "--only", "feed"],
    "worker-audit": ["project", "--only", "audit"],
    "worker-reporting": ["project", "--only", "length_of_stay", "--only", "national_dataset"],
    "scheduler": ["schedule"],
}


class Topology:
    def __init__(self, env: dict[str, str], port: int) -> None:
        self.env, self.port = env, port
        self.processes: dict[str, subprocess.Popen[bytes]] = {}

    def start(self) -> None:
        for name, args in COMMANDS.items():
            extra = ["--port", str(self.port)] if name == "api" else []
            with open(Path(self.env["DSR_DATA_DIR"]) / f"{name}.log", "ab") as log:
                self.processes[name] = subprocess.Popen(
                    [sys.executable, "-m", "dsr_http.cli", *args, *extra],
                    env=self.env,
                    stdout=log,
                    stderr=log,
                    start_new_session=True,  # a group per process, so kill reaches children
                )

    def kill(self) -> None:
        for process in self.processes.values():
            os.killpg(process.pid, signal.SIGKILL)
        for process in self.processes.values():
            process.wait()

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            process.wait(timeout=30)


def until(condition: Callable[[], bool], timeout: float = 120) -> float:
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout:
            raise SystemExit("the topology did not come back in time: see the logs")
        time.sleep(0.05)
    return time.monotonic() - started


def answers(url: str, headers: dict[str, str] | None = None) -> bool:
    try:
        return httpx.get(url, headers=headers, timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def acknowledged_since(load: Load, started: float) -> bool:
    return load.last > started


class Load:
    """Four clients recording referrals, each retried with its key until acknowledged."""

    def __init__(self, base: str, token: str, seed: int) -> None:
        self.base, self.token, self.seed = base, token, seed
        self.stop, self.acknowledged, self.last = threading.Event(), 0, 0.0
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self.client, args=(n,)) for n in range(4)]

    def client(self, n: int) -> None:
        seed = self.seed + n * 100_000
        while not self.stop.is_set():
            seed += 1
            headers = {"Authorization": f"Bearer {self.token}", "Idempotency-Key": uuid4().hex}
            while not self.stop.is_set():
                try:
                    response = httpx.post(
                        f"{self.base}/v1/persons",
                        json=referral_body(seed),
                        headers=headers,
                        timeout=10,
                    )
                except httpx.HTTPError:
                    time.sleep(0.05)
                    continue
                if response.status_code == 201:
                    with self.lock:
                        self.acknowledged += 1
                        self.last = time.monotonic()
                    break
                time.sleep(0.05)

    def __enter__(self) -> Load:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--load-seconds", type=float, default=10)
    parser.add_argument("--people", type=int, default=2000)
    args = parser.parse_args()
    server = start_throwaway()
    data = Path(f"/tmp/dsr-bench-restart-{uuid4().hex[:8]}")
    data.mkdir()
    identity = base64.b64encode(os.urandom(32)).decode()
    settings = Settings(database_url=server.url, identity_key=identity, data_dir=data)
    ensure_schema(settings)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DSR_")},
        "DSR_DATABASE_URL": server.url,
        "DSR_IDENTITY_KEY": identity,
        "DSR_DATA_DIR": str(data),
        "DSR_JWT_SECRET": JWT,
        "DSR_EMBEDDED_WORKERS": "false",
    }
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    token = TokenVerifier(HttpSettings(jwt_secret=JWT), data).mint(
        sub="bench", role=Role.LEAD, areas=["E54000048"]
    )
    topology = Topology(env, port)
    rows = []
    try:
        topology.start()
        cold = until(lambda: answers(f"{base}/readyz"))
        print(f"cold start to /readyz: {cold:.1f} s")
        with Load(base, token, seed=1) as load:
            until(lambda: load.acknowledged >= args.people, timeout=3600)
        print(f"store seeded: {args.people} referrals; logs in {data}")
        for round_ in range(1, args.rounds + 1):
            with Load(base, token, seed=round_ * 1_000_000) as load:
                time.sleep(args.load_seconds)
                topology.kill()
                started = time.monotonic()
                topology.start()
                healthz = until(lambda: answers(f"{base}/healthz"))
                readyz = until(lambda: answers(f"{base}/readyz")) + healthz
                until(partial(acknowledged_since, load, started))
                command = time.monotonic() - started
            load_average = os.getloadavg()[0]
            rows.append((healthz, readyz, command))
            print(
                f"round {round_}: /healthz {healthz:.1f} s, /readyz {readyz:.1f} s, "
                f"first command {command:.1f} s (load average {load_average:.1f})"
            )
        print("| measure | median s | max s |")
        print("|---|---|---|")
        for index, name in enumerate(("/healthz 200", "/readyz 200", "first command acknowledged")):
            values = [row[index] for row in rows]
            print(f"| {name} | {statistics.median(values):.1f} | {max(values):.1f} |")
    finally:
        topology.stop()
        server.stop()


if __name__ == "__main__":
    main()
