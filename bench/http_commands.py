"""HTTP command throughput and latency with concurrent clients, against PostgreSQL.

    python bench/http_commands.py [--clients 16] [--seconds 20]

Starts a throwaway PostgreSQL and `dsr serve` (without in-process workers, so only the
command path is measured), drives it with N client threads for a fixed time, and, in the
same run, measures the raw library's single-event save rate on the same server. Reports
throughput, p50/p99 latency, their ratio, and the API process's peak resident memory.
"""

from __future__ import annotations

import argparse
import base64
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from uuid import UUID, uuid4

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event
from tests.api.conftest import referral_body
from tests.pgserver import free_port, start_throwaway

from dsr_core.bootstrap import ensure_schema, library_env
from dsr_core.settings import Settings
from dsr_core.values import Role
from dsr_http.auth import TokenVerifier
from dsr_http.config import HttpSettings

JWT = base64.b64encode(os.urandom(32)).decode()


class Counter(Aggregate):
    @event("Incremented")
    def increment(self) -> None:
        pass


class Raw(Application[UUID]):
    name = "RawBench"


def raw_save_rate(settings: Settings, seconds: float) -> float:
    """One event per transaction through the library, one thread: the ceiling we compare to."""
    app = Raw(library_env(settings))
    counter = Counter()
    app.save(counter)
    saved, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        counter.increment()
        app.save(counter)
        saved += 1
    app.close()
    return saved / (time.perf_counter() - started)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=20)
    args = parser.parse_args()
    server = start_throwaway()
    url = server.url
    data = Path(f"/tmp/dsr-bench-http-{uuid4().hex[:8]}")
    data.mkdir()
    identity = base64.b64encode(os.urandom(32)).decode()
    settings = Settings(database_url=url, identity_key=identity, data_dir=data, pool_size=16)
    ensure_schema(settings)
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DSR_")},
        "DSR_DATABASE_URL": url,
        "DSR_IDENTITY_KEY": identity,
        "DSR_DATA_DIR": str(data),
        "DSR_JWT_SECRET": JWT,
        "DSR_EMBEDDED_WORKERS": "false",
        "DSR_POOL_SIZE": "16",
    }
    api = subprocess.Popen(
        [sys.executable, "-m", "dsr_http.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        token = TokenVerifier(HttpSettings(jwt_secret=JWT), data).mint(
            sub="bench", role=Role.LEAD, areas=["E54000048"]
        )
        headers = {"Authorization": f"Bearer {token}"}
        latencies: list[float] = []
        errors = [0]
        lock = threading.Lock()
        stop = threading.Event()
        peak = [0.0]

        def client(index: int) -> None:
            with httpx.Client(base_url=base, headers=headers, timeout=30) as http:
                person = http.post("/v1/persons", json=referral_body(10_000 + index)).json()[
                    "person_id"
                ]
                n = 0
                while not stop.is_set():
                    n += 1
                    body = {"recorded_on": "2025-02-01", "person": f"view {n}"}
                    started = time.perf_counter()
                    response = http.post(f"/v1/persons/{person}/views", json=body)
                    elapsed = time.perf_counter() - started
                    with lock:
                        if response.status_code == 200:
                            latencies.append(elapsed)
                        else:
                            errors[0] += 1

        def watch_memory() -> None:
            while not stop.is_set():
                peak[0] = max(peak[0], rss_mb(api.pid))
                time.sleep(0.2)

        threads = [threading.Thread(target=client, args=(i,)) for i in range(args.clients)]
        threads.append(threading.Thread(target=watch_memory))
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        time.sleep(args.seconds)
        stop.set()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
        throughput = len(latencies) / elapsed
        ordered = sorted(latencies)
        p50 = statistics.median(ordered) * 1000
        p99 = ordered[int(len(ordered) * 0.99) - 1] * 1000
        raw = raw_save_rate(settings, 10)
        print(f"cores: {os.cpu_count()}, clients: {args.clients}, seconds: {args.seconds:.0f}")
        print(
            f"HTTP commands: {throughput:,.0f}/s, p50 {p50:.1f} ms, p99 {p99:.1f} ms, "
            f"errors {errors[0]}"
        )
        print(f"raw library single-event save: {raw:,.0f} events/s")
        print(f"ratio HTTP / raw: {throughput / raw:.2f}")
        print(f"API peak resident memory under load: {peak[0]:.0f} MB")
    finally:
        api.terminate()
        api.wait(timeout=30)
        server.stop()


if __name__ == "__main__":
    main()
