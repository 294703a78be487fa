"""HTTP command throughput and latency with concurrent clients, against PostgreSQL.

    python bench/http_commands.py [--clients 1,4,16,64] [--seconds 20] [--workers 2]
        [--group-commit on|off|both] [--durable] [--plot docs/perf-commands.png]
        [--against OLD_CHECKOUT/src --rounds 3]

Starts a throwaway PostgreSQL and `dsr serve --workers N` (without in-process workers, so
only the command path is measured), drives it with each number of clients for a fixed
time, each client recording views on its own person, and, in the same run, measures the
raw library's single-event save rate on the same server (before and after the load, and
uses the mean), and the library's rate saving from as many threads as there are clients
(issue 32's baseline). Reports throughput, p50/p99 latency, both ratios, and the
API processes' peak resident memory. `--group-commit both` restarts the API with group
commit off and on at each number of clients, interleaved, so the lever is compared on the
same server. `--durable` keeps fsync and synchronous commit on, as production would.
`--against` runs each load twice in turn, by the API of another checkout's packages
(`git worktree add /tmp/old <commit>`, then `--against /tmp/old/src`) and by this one's,
`--rounds` times: a lever compared old/new interleaved on the same server.

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

from bench.plotting import axes, finish
from bench.same_run import Figure, Run, postgres_server, ratio
from dsr_core.domain.codes import Role
from dsr_core.process.bootstrap import ensure_schema, library_env
from dsr_core.process.settings import Settings
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


def threaded_save_rate(settings: Settings, seconds: float, threads: int) -> float:
    """The library saving one event per transaction from `threads` threads at once, each on
    an aggregate of its own (issue 32's baseline for HTTP commands at as many clients)."""
    app = Raw(library_env(settings))
    stop = threading.Event()
    saved = [0] * threads

    def save(index: int) -> None:
        counter = Counter()
        app.save(counter)
        while not stop.is_set():
            counter.increment()
            app.save(counter)
            saved[index] += 1

    elapsed = run_for(
        seconds, stop, [threading.Thread(target=save, args=(i,)) for i in range(threads)]
    )
    app.close()
    return sum(saved) / elapsed


def run_for(seconds: float, stop: threading.Event, threads: list[threading.Thread]) -> float:
    """Start the threads, stop them after `seconds`; the seconds they ran."""
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started


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

    ran = run_for(seconds, stop, [threading.Thread(target=client, args=(p,)) for p in people])
    ordered = sorted(latencies)
    return Outcome(
        len(ordered) / ran,
        statistics.median(ordered) * 1000,
        ordered[int(len(ordered) * 0.99) - 1] * 1000,
        errors[0],
    )


def start_api(
    env: dict[str, str], workers: int, group_commit: bool
) -> tuple[subprocess.Popen[bytes], str]:
    """The API's processes, and the base URL once it answers."""
    port = free_port()
    api = subprocess.Popen(
        [
            sys.executable,
            *("-m", "dsr_http.cli", "serve", "--port", str(port)),
            *("--workers", str(workers)),
        ],
        env={**env, "DSR_GROUP_COMMIT": "true" if group_commit else "false"},
        stdout=subprocess.DEVNULL,
        stderr=(Path(env["DSR_DATA_DIR"]) / "api.log").open("ab"),
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return api, base
        except httpx.HTTPError:
            time.sleep(0.2)
    api.kill()
    raise SystemExit(f"the API did not start: see {env['DSR_DATA_DIR']}/api.log")


class Level:
    """One number of clients, with group commit on or off: what the load measured."""

    def __init__(
        self, clients: int, group_commit: bool, outcome: Outcome, peak: float, build: str
    ) -> None:
        self.clients, self.group_commit, self.outcome, self.peak = (
            clients,
            group_commit,
            outcome,
            peak,
        )
        self.build = build


def drive_level(
    env: dict[str, str],
    args: argparse.Namespace,
    clients: int,
    group_commit: bool,
    seed: int,
    build: tuple[str, Path | None] = ("new", None),
) -> Level:
    """Restart the API with group commit on or off (and, with a source directory, another
    checkout's packages), refer `clients` new people, then load."""
    label, source = build
    if source is not None:
        env = {**env, "PYTHONPATH": str(source)}
    api, base = start_api(env, args.workers, group_commit)
    try:
        token = TokenVerifier(HttpSettings(jwt_secret=JWT), Path(env["DSR_DATA_DIR"])).mint(
            sub="bench", role=Role.LEAD, areas=["E54000048"]
        )
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}) as http:
            people = [
                http.post("/v1/persons", json=referral_body(seed + i)).json()["person_id"]
                for i in range(clients)
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
        return Level(clients, group_commit, outcome, peak[0], label)
    finally:
        api.terminate()
        api.wait(timeout=30)


def plot(levels: list[tuple[Level, float]], path: Path) -> None:
    """Commands/s and p99 against clients: the curve an operator sizes by."""
    figure, (left, right) = axes(2)
    for group_commit in (False, True):
        shown = [(level, r) for level, r in levels if level.group_commit is group_commit]
        if not shown:
            continue
        label = "group commit" if group_commit else "a transaction per command"
        clients = [level.clients for level, _ in shown]
        left.plot(clients, [r for _, r in shown], marker="o", label=label)
        right.plot(clients, [level.outcome.p99 for level, _ in shown], marker="o", label=label)
    left.axhline(0.6, color="grey", linestyle="--", linewidth=1, label="target 0.6")
    right.axhline(50, color="grey", linestyle="--", linewidth=1, label="target 50 ms")
    left.set_ylabel("HTTP commands/s ÷ raw single-event save/s")
    right.set_ylabel("p99 latency (ms)")
    title = "HTTP commands on PostgreSQL: ratio to the library's raw save, same run"
    finish(figure, [left, right], "concurrent clients", title, path, base=2)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", default="16", help="comma-separated, e.g. 1,4,16,64")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--group-commit", choices=("on", "off", "both"), default="on")
    parser.add_argument("--durable", action="store_true", help="fsync and synchronous commit on")
    parser.add_argument("--plot", type=Path, help="write the growth curve to this PNG")
    parser.add_argument(
        "--load", choices=("wrk", "python"), default="wrk" if shutil.which("wrk") else "python"
    )
    parser.add_argument("--against", type=Path, help="another checkout's src: old/new in turn")
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    builds: list[tuple[str, Path | None]] = [("new", None)]
    if args.against is not None:
        builds.insert(0, ("old", args.against.resolve()))
    server = start_throwaway(durable=args.durable)
    url = server.url
    data = Path(f"/tmp/dsr-bench-http-{uuid4().hex[:8]}")
    data.mkdir()
    identity = base64.b64encode(os.urandom(32)).decode()
    settings = Settings(database_url=url, identity_key=identity, data_dir=data, pool_size=16)
    ensure_schema(settings)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DSR_")},
        "DSR_DATABASE_URL": url,
        "DSR_IDENTITY_KEY": identity,
        "DSR_DATA_DIR": str(data),
        "DSR_JWT_SECRET": JWT,
        "DSR_EMBEDDED_WORKERS": "false",
        "DSR_POOL_SIZE": "16",
    }
    run = Run()
    modes = {"on": [True], "off": [False], "both": [False, True]}[args.group_commit]
    try:
        identity_of_server = postgres_server(url)
        raw_before = raw_save_rate(settings, 10)
        clients_levels = sorted({int(c) for c in args.clients.split(",")})
        threaded_before = {n: threaded_save_rate(settings, 10, n) for n in clients_levels}
        loads = [
            (int(c), group_commit, build)
            for _ in range(args.rounds)
            for c in args.clients.split(",")
            for group_commit in modes
            for build in builds
        ]
        levels = [
            drive_level(env, args, clients, group_commit, seed=10_000 + 1_000 * n, build=build)
            for n, (clients, group_commit, build) in enumerate(loads)
        ]
        raw_after = raw_save_rate(settings, 10)
        threaded_after = {n: threaded_save_rate(settings, 10, n) for n in clients_levels}
        # The server must be the one the load ran on: not restarted, not another cluster.
        server_now = postgres_server(url)
        raw = run.figure("raw save", (raw_before + raw_after) / 2, server_now)
        print(
            f"run {run.id}, cores: {os.cpu_count()}, seconds: {args.seconds:.0f}, "
            f"API processes: {args.workers}, load: {args.load}, "
            f"durable: {'yes' if args.durable else 'no (fsync off)'}"
        )
        print(f"raw library single-event save: {raw_before:,.0f} before, {raw_after:,.0f} after")
        for n in clients_levels:
            print(
                f"library from {n} threads: {threaded_before[n]:,.0f}/s before, "
                f"{threaded_after[n]:,.0f}/s after"
            )
        print(
            "| build | clients | group commit | commands/s | p50 ms | p99 ms | errors | ratio | "
            "÷ library, as many threads | MB |"
        )
        print("|---|---|---|---|---|---|---|---|---|---|")
        measured: list[tuple[Level, float]] = []
        for level in levels:
            http: Figure = run.figure(
                f"HTTP commands, {level.clients} clients",
                level.outcome.throughput,
                identity_of_server,
            )
            share = ratio(http, raw)
            threaded = run.figure(
                f"library, {level.clients} threads",
                (threaded_before[level.clients] + threaded_after[level.clients]) / 2,
                server_now,
            )
            measured.append((level, share))
            print(
                f"| {level.build} | {level.clients} | {'on' if level.group_commit else 'off'} "
                f"| {level.outcome.throughput:,.0f} | {level.outcome.p50:.1f} "
                f"| {level.outcome.p99:.1f} | {level.outcome.errors} | {share:.2f} "
                f"| {ratio(http, threaded):.2f} | {level.peak:.0f} |"
            )
        if args.plot:
            plot(measured, args.plot)
            print(f"plot: {args.plot}")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
