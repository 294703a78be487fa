"""HTTP command throughput and latency with concurrent clients, against PostgreSQL.

    python bench/http_commands.py [--clients 16] [--seconds 20] [--workers 2] [--load wrk]

Starts a throwaway PostgreSQL and `dsr serve --workers N` (without in-process workers, so
only the command path is measured), drives it with N clients for a fixed time, each
recording views on its own person, and, in the same run, measures the raw library's
single-event save rate on the same server. Reports throughput, p50/p99 latency, their
ratio, and the API processes' peak resident memory.

The load comes from `wrk` when it is installed (`apt-get install wrk`): written in C, it
leaves the 2 cores to the server. `--load python` uses httpx client threads instead,
which take a large share of the CPU they are measuring.
"""

from __future__ import annotations

import argparse
import base64
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from uuid import UUID, uuid4

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event
from tests.api.conftest import referral_body
from tests.support.pgserver import free_port, start_throwaway

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
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def api_pids(parent: int) -> list[int]:
    """The API's processes: the server and, with several workers, its children."""
    children = Path(f"/proc/{parent}/task/{parent}/children")
    found = [int(p) for p in children.read_text().split()] if children.exists() else []
    return [parent, *found]


WRK_SCRIPT = """
local ids = {%s}
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("pid", ids[counter])
end
function init(args)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer %s"
  wrk.body = '{"recorded_on": "2025-02-01", "person": "a view"}'
  wrk.path = "/v1/persons/" .. pid .. "/views"
end
"""

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


class Outcome:
    def __init__(self, throughput: float, p50: float, p99: float, errors: int) -> None:
        self.throughput, self.p50, self.p99, self.errors = throughput, p50, p99, errors


def drive_with_wrk(base: str, token: str, people: list[str], seconds: float) -> Outcome:
    """One wrk thread and connection per person, so no two clients edit one record."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT % (",".join(f'"{p}"' for p in people), token))
    n = str(len(people))
    output = subprocess.run(
        ["wrk", "-t", n, "-c", n, "-d", f"{seconds:.0f}s", "--latency", "-s", script.name, base],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    os.unlink(script.name)

    def latency(percent: str) -> float:
        value, unit = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)$", output, re.M).groups()  # type: ignore[union-attr]
        return float(value) * UNITS[unit]

    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    failed = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return Outcome(rate, latency("50"), latency("99"), int(failed.group(1)) if failed else 0)


def drive_with_threads(base: str, token: str, people: list[str], seconds: float) -> Outcome:
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = threading.Event()

    def client(person: str) -> None:
        headers = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=base, headers=headers, timeout=30) as http:
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

    threads = [threading.Thread(target=client, args=(p,)) for p in people]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join()
    ordered = sorted(latencies)
    return Outcome(
        len(ordered) / (time.perf_counter() - started),
        statistics.median(ordered) * 1000,
        ordered[int(len(ordered) * 0.99) - 1] * 1000,
        errors[0],
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument(
        "--load", choices=("wrk", "python"), default="wrk" if shutil.which("wrk") else "python"
    )
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
        [
            sys.executable,
            *("-m", "dsr_http.cli", "serve", "--port", str(port)),
            *("--workers", str(args.workers)),
        ],
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
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}) as http:
            people = [
                http.post("/v1/persons", json=referral_body(10_000 + i)).json()["person_id"]
                for i in range(args.clients)
            ]
        peak = [0.0]
        stop = threading.Event()

        def watch_memory() -> None:
            while not stop.is_set():
                peak[0] = max([peak[0], *(rss_mb(pid) for pid in api_pids(api.pid))])
                time.sleep(0.2)

        watcher = threading.Thread(target=watch_memory)
        watcher.start()
        drive = drive_with_wrk if args.load == "wrk" else drive_with_threads
        outcome = drive(base, token, people, args.seconds)
        stop.set()
        watcher.join()
        raw = raw_save_rate(settings, 10)
        print(
            f"cores: {os.cpu_count()}, clients: {args.clients}, seconds: {args.seconds:.0f}, "
            f"API processes: {args.workers}, load: {args.load}"
        )
        print(
            f"HTTP commands: {outcome.throughput:,.0f}/s, p50 {outcome.p50:.1f} ms, "
            f"p99 {outcome.p99:.1f} ms, errors {outcome.errors}"
        )
        print(f"raw library single-event save: {raw:,.0f} events/s")
        print(f"ratio HTTP / raw: {outcome.throughput / raw:.2f}")
        print(f"API peak resident memory under load, largest process: {peak[0]:.0f} MB")
    finally:
        api.terminate()
        api.wait(timeout=30)
        server.stop()


if __name__ == "__main__":
    main()
