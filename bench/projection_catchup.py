"""Projection catch-up rate on PostgreSQL: all four read models together, from position 0.

    python bench/projection_catchup.py [--people 6000]

Starts a throwaway PostgreSQL from the local binaries, writes a synthetic register through
the application, then times a full catch-up and a rebuild of each read model. Prints the
figures; docs/performance.md records them with the machine's core count.
"""

from __future__ import annotations

import argparse
import base64
import os
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.pgserver import start_throwaway

from dsr_core.bootstrap import build_registers
from dsr_core.settings import Settings
from dsr_http.cli.demo import demo_registers_clock, generate
from dsr_projections.bootstrap import build_runner


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=6000)
    parser.add_argument("--batch-size", type=int, default=500)
    args = parser.parse_args()
    server = start_throwaway()
    url = server.url
    try:
        settings = Settings(
            database_url=url,
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
        catch_up = time.perf_counter() - started
        print(f"cores: {os.cpu_count()}")
        print(f"people: {summary.people}, person events: {summary.events}, log positions: {head}")
        print(f"write through the application: {summary.events / write_seconds:,.0f} events/s")
        print(
            f"catch-up, all read models together: {head / catch_up:,.0f} log positions/s "
            f"({summary.events / catch_up:,.0f} person events/s, {catch_up:.1f} s)"
        )
        for projection in runner.projections:
            started = time.perf_counter()
            runner.rebuild(projection.name)
            seconds = time.perf_counter() - started
            print(f"rebuild {projection.name}: {seconds:.1f} s ({head / seconds:,.0f} positions/s)")
        runner.db.close()
        registers.close()
    finally:
        server.stop()


if __name__ == "__main__":
    main()
