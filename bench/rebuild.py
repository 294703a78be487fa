"""Full rebuild of every read model over a large event log, on PostgreSQL.

    python bench/rebuild.py [--people 333334]

Saves people through the library (three events each: 333,334 people make 1,000,002
events), then times `dsr rebuild`'s work for each read model in turn (shadow tables,
then an atomic swap), as an operator would run it after a projection change.
"""

from __future__ import annotations

import argparse
import base64
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.pgserver import start_throwaway

from bench.reads import save_people
from dsr_core.bootstrap import build_registers
from dsr_core.process import tune_garbage_collection
from dsr_core.settings import Settings
from dsr_projections.bootstrap import build_runner


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=333_334)
    args = parser.parse_args()
    server = start_throwaway()
    now = datetime(2025, 9, 30, 12, tzinfo=UTC)
    try:
        settings = Settings(
            database_url=server.url,
            identity_key=base64.b64encode(os.urandom(32)).decode(),
            data_dir=Path("/tmp/dsr-bench-rebuild"),
        )
        registers = build_registers(settings, clock=lambda: now)
        started = time.perf_counter()
        save_people(registers, args.people, now)
        head = registers.recorder.max_notification_id() or 0
        print(f"cores: {os.cpu_count()}, events: {head:,}", flush=True)
        print(f"saved in {time.perf_counter() - started:.0f} s", flush=True)
        runner = build_runner(settings, registers)  # as `dsr rebuild` builds it
        tune_garbage_collection()  # as `dsr rebuild` runs in a fresh process
        total = 0.0
        for projection in runner.projections:
            started = time.perf_counter()
            runner.rebuild(projection.name)
            seconds = time.perf_counter() - started
            total += seconds
            print(
                f"rebuild {projection.name}: {seconds:.0f} s ({head / seconds:,.0f} events/s)",
                flush=True,
            )
        print(f"full rebuild, every read model in turn: {total / 60:.1f} min", flush=True)
        runner.db.close()
        registers.close()
    finally:
        server.stop()


if __name__ == "__main__":
    main()
