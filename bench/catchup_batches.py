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
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.histories import save_histories
from bench.projection_catchup import reset, side_by_side
from bench.same_run import Run, postgres_server, ratio
from bench.stores import NOW, throwaway_store
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
    run = Run()
    with throwaway_store("/tmp/dsr-bench-batches") as store:
        started = time.perf_counter()
        save_histories(store.registers, args.people, NOW)
        head = store.registers.recorder.max_notification_id() or 0
        rate = head / (time.perf_counter() - started)
        save = run.figure("save", rate, postgres_server(store.url))
        print(f"run {run.id}: {head:,} events, batch save {save.value:,.0f} events/s")
        for round_ in range(1, args.rounds + 1):
            for size in (int(n) for n in args.batch_sizes.split(",")):
                reset(store.runner)
                rate = head / side_by_side(store.settings, store.runner, head, batch_size=size)
                share = ratio(run.figure("catch-up", rate, postgres_server(store.url)), save)
                print(f"| {round_} | {size} | catch-up | {rate:,.0f} | {share:.2f} |", flush=True)
                if args.rebuild:
                    started = time.perf_counter()
                    rebuild_in_processes(store.settings, store.names, 2, batch_size=size)
                    rate = head / (time.perf_counter() - started)
                    share = ratio(save, run.figure("rebuild", rate, postgres_server(store.url)))
                    line = f"| {round_} | {size} | rebuild | {rate:,.0f} | {share:.2f} |"
                    print(line, flush=True)


if __name__ == "__main__":
    main()
