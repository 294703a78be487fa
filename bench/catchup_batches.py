"""Catch-up by compose's three workers at several batch sizes, interleaved (issue 32).

    python bench/catchup_batches.py [--people 1000] [--batch-sizes 500,2000] [--rounds 3]

On one throwaway server: long inpatient histories (bench/histories.py, about 100 events a
person) saved through the library (the baseline rate), then every read model emptied and
caught up from zero by three `dsr project --only` workers with each `--batch-size` in
turn, `--rounds` times; each rate as a ratio to the save rate of the same events. With
`--rebuild`, the two-process rebuild at each batch size too, as rebuild time ÷ save time.
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

from bench.histories import save_histories
from bench.projection_catchup import reset, side_by_side
from bench.same_run import Run, postgres_server, ratio
from dsr_core.process.bootstrap import build_registers
from dsr_core.process.settings import Settings
from dsr_projections.bootstrap import build_runner
from dsr_projections.rebuild_processes import rebuild_in_processes


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--batch-sizes", default="500,2000")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--rebuild", action="store_true", help="also time `dsr rebuild`'s 2 processes at each size"
    )
    args = parser.parse_args()
    server = start_throwaway()
    now = datetime(2025, 9, 30, 12, tzinfo=UTC)
    run = Run()
    try:
        settings = Settings(
            database_url=server.url,
            identity_key=base64.b64encode(os.urandom(32)).decode(),
            data_dir=Path("/tmp/dsr-bench-batches"),
        )
        registers = build_registers(settings, clock=lambda: now)
        runner = build_runner(settings, registers)
        names = [p.name for p in runner.projections]
        started = time.perf_counter()
        save_histories(registers, args.people, now)
        head = registers.recorder.max_notification_id() or 0
        save = run.figure(
            "save", head / (time.perf_counter() - started), postgres_server(server.url)
        )
        print(f"run {run.id}: {head:,} events, batch save {save.value:,.0f} events/s")
        for round_ in range(1, args.rounds + 1):
            for size in (int(n) for n in args.batch_sizes.split(",")):
                reset(runner)
                rate = head / side_by_side(settings, runner, head, batch_size=size)
                share = ratio(run.figure("catch-up", rate, postgres_server(server.url)), save)
                print(f"| {round_} | {size} | catch-up | {rate:,.0f} | {share:.2f} |", flush=True)
                if args.rebuild:
                    started = time.perf_counter()
                    rebuild_in_processes(settings, names, 2, batch_size=size)
                    rate = head / (time.perf_counter() - started)
                    share = ratio(save, run.figure("rebuild", rate, postgres_server(server.url)))
                    print(
                        f"| {round_} | {size} | rebuild | {rate:,.0f} | {share:.2f} |", flush=True
                    )
        runner.db.close()
        registers.close()
    finally:
        server.stop()


if __name__ == "__main__":
    main()
