"""Catch-up by compose's three workers at several batch sizes, interleaved (issue 32).

    python bench/catchup_batches.py [--people 1000] [--batch-sizes 500,2000] [--rounds 3]
        [--rebuild] [--against OLD_CHECKOUT/src] [--interleave 2000]

On one throwaway server: long inpatient histories (bench/histories.py, about 100 events a
person) saved through the library (the baseline rate), then every read model emptied and
caught up from zero by three `dsr project --only` workers with each `--batch-size` in
turn, `--rounds` times; each rate as a ratio to the save rate of the same events. With
`--rebuild`, the two-process rebuild at each batch size too, as rebuild time ÷ save time.
With `--against`, each catch-up is run twice in turn, by the workers of another checkout's
packages (`git worktree add /tmp/old <commit>`, then `--against /tmp/old/src`) and by this
checkout's: a lever compared old/new interleaved on the same store (read models' tables
must be the same in both).
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
    parser.add_argument("--against", type=Path, help="another checkout's src: old/new in turn")
    parser.add_argument(
        "--interleave", type=int, default=0, help="people whose events are interleaved in the log"
    )
    args = parser.parse_args()
    builds: list[tuple[str, Path | None]] = [("new", None)]
    if args.against is not None:
        builds.insert(0, ("old", args.against.resolve()))
    run = Run()
    with throwaway_store("/tmp/dsr-bench-batches") as store:
        started = time.perf_counter()
        save_histories(store.registers, args.people, NOW, interleave=args.interleave)
        head = store.registers.recorder.max_notification_id() or 0
        rate = head / (time.perf_counter() - started)
        save = run.figure("save", rate, postgres_server(store.url))
        print(f"run {run.id}: {head:,} events, batch save {save.value:,.0f} events/s")
        for round_ in range(1, args.rounds + 1):
            for size in (int(n) for n in args.batch_sizes.split(",")):
                for build, source in builds:
                    reset(store.runner)
                    seconds = side_by_side(
                        store.settings, store.runner, head, batch_size=size, source=source
                    )
                    rate = head / seconds
                    share = ratio(run.figure("catch-up", rate, postgres_server(store.url)), save)
                    line = f"| {round_} | {size} | {build} | catch-up | {rate:,.0f} | {share:.2f} |"
                    print(line, flush=True)
                if args.rebuild:
                    started = time.perf_counter()
                    rebuild_in_processes(store.settings, store.names, 2, batch_size=size)
                    rate = head / (time.perf_counter() - started)
                    share = ratio(save, run.figure("rebuild", rate, postgres_server(store.url)))
                    line = f"| {round_} | {size} | rebuild | {rate:,.0f} | {share:.2f} |"
                    print(line, flush=True)


if __name__ == "__main__":
    main()
