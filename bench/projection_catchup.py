"""Projection catch-up on PostgreSQL, as ratios to the library's batch save rate.

    python bench/projection_catchup.py [--people 6000] [--rebuilds]

Starts a throwaway PostgreSQL from the local binaries and, in one run on that server:
saves people through the library in batches of 100 (the baseline: issue 17's "batch save
rate"), writes a synthetic register through the application, then times a full catch-up
of every read model (a) in one process and (b) with three `dsr project --only` worker
processes side by side, as compose runs them, from position 0 each time. Prints each rate
and its ratio to the baseline; with --rebuilds also a rebuild of each read model.
"""

from __future__ import annotations

import argparse
import base64
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.pgserver import start_throwaway
from tests.system.test_projection_crash import worker_env

from bench.reads import save_people
from bench.same_run import Run, postgres_server, ratio
from dsr_core.process.bootstrap import build_registers
from dsr_core.process.settings import Settings
from dsr_http.cli.demo import demo_registers_clock, generate
from dsr_projections.bootstrap import build_runner
from dsr_projections.engine.projection import POSITIONS
from dsr_projections.engine.runner import ProjectionRunner
from dsr_projections.rebuild_processes import groups

GROUPS = (("register", "reminders", "feed"), ("audit",), ("length_of_stay", "national_dataset"))
"""The worker processes compose runs."""


def reset(runner: ProjectionRunner) -> None:
    """Every read model empty and at position 0, as before a first catch-up."""
    with runner.db.transaction() as cursor:
        for projection in runner.projections:
            projection.drop(cursor)
        cursor.execute(f"DELETE FROM {POSITIONS}")
    runner.setup()


def side_by_side(
    settings: Settings,
    runner: ProjectionRunner,
    head: int,
    groups: Sequence[Sequence[str]] = GROUPS,
    batch_size: int = 500,
    source: Path | None = None,
) -> float:
    """Seconds for worker processes (compose's three by default) to bring every read
    model to the head; with `source`, the workers run the packages under that directory
    (another checkout's `src`), so two builds can be interleaved on one store."""
    env = worker_env(settings)
    if source is not None:
        env["PYTHONPATH"] = str(source)
    started = time.perf_counter()
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "dsr_http.cli", "project", "--batch-size", str(batch_size)]
            + [a for name in group for a in ("--only", name)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for group in groups
    ]
    try:
        while min(runner.positions().values()) < head:
            time.sleep(0.05)
        return time.perf_counter() - started
    finally:
        for worker in workers:
            worker.terminate()
            worker.wait(timeout=60)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=6000)
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--rebuilds", action="store_true")
    parser.add_argument(
        "--two-workers",
        type=int,
        default=0,
        metavar="ROUNDS",
        help="then time compose's three workers and two workers dealt by work "
        "(rebuild_processes.groups), interleaved, this many rounds",
    )
    args = parser.parse_args()
    server = start_throwaway()
    run = Run()
    try:
        identity = postgres_server(server.url)
        baseline = build_registers(
            Settings(
                database_url=server.url,
                database_schema="baseline",
                identity_key=base64.b64encode(os.urandom(32)).decode(),
                data_dir=Path("/tmp/dsr-bench-baseline"),
            ),
            clock=demo_registers_clock(date(2025, 9, 30)),
        )
        started = time.perf_counter()
        save_people(baseline, 3000, datetime(2025, 9, 30, 12, tzinfo=UTC))
        batch_rate = (baseline.recorder.max_notification_id() or 0) / (
            time.perf_counter() - started
        )
        baseline.close()

        settings = Settings(
            database_url=server.url,
            identity_key=base64.b64encode(os.urandom(32)).decode(),
            data_dir=Path("/tmp/dsr-bench"),
        )
        registers = build_registers(settings, clock=demo_registers_clock(date(2025, 9, 30)))
        started = time.perf_counter()
        summary = generate(registers, args.people, seed=1)
        write_seconds = time.perf_counter() - started
        head = registers.recorder.max_notification_id() or 0
        runner = build_runner(settings, registers, batch_size=args.batch_size)
        started = time.perf_counter()
        runner.catch_up(timeout=3600)
        one = head / (time.perf_counter() - started)
        reset(runner)
        three = head / side_by_side(settings, runner, head)
        server_now = postgres_server(server.url)
        save = run.figure("batch save", batch_rate, identity)
        share_one = ratio(run.figure("catch-up, one process", one, server_now), save)
        share_three = ratio(run.figure("catch-up, three processes", three, server_now), save)
        print(f"run {run.id}, cores: {os.cpu_count()}")
        print(f"people: {summary.people}, person events: {summary.events}, log positions: {head}")
        print(f"write through the application: {summary.events / write_seconds:,.0f} events/s")
        print(f"library batch save (100 people, 300 events a batch): {batch_rate:,.0f} events/s")
        print(f"catch-up, one process: {one:,.0f} positions/s, ratio {share_one:.2f}")
        print(
            f"catch-up, {len(GROUPS)} worker processes: {three:,.0f} positions/s, "
            f"ratio {share_three:.2f}"
        )
        dealt = groups([p.name for p in runner.projections], 2)
        for round_ in range(1, args.two_workers + 1):
            for label, chosen in (("3 workers", GROUPS), ("2 workers", dealt)):
                reset(runner)
                rate = head / side_by_side(settings, runner, head, chosen)
                share = ratio(
                    run.figure(f"catch-up, {label}", rate, postgres_server(server.url)), save
                )
                print(
                    f"round {round_}, {label} {chosen}: {rate:,.0f} positions/s, ratio {share:.2f}"
                )
        if args.rebuilds:
            for projection in runner.projections:
                started = time.perf_counter()
                runner.rebuild(projection.name)
                seconds = time.perf_counter() - started
                print(f"rebuild {projection.name}: {seconds:.1f} s ({head / seconds:,.0f}/s)")
        runner.db.close()
        registers.close()
    finally:
        server.stop()


if __name__ == "__main__":
    main()
