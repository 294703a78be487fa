"""A national-scale store on PostgreSQL: save, catch-up and rebuild as the log grows (issue 32).

    python bench/national_scale.py [--people 1000,10000,50000] [--plot docs/perf-national.png]

People with long inpatient histories (bench/histories.py, about 100 events each: 50,000
people make an England-sized log of about 5M events) are saved through the library until
the log holds each size in turn. At each size, in one run on one server:

- **save**: the library's batch save of the new people (the baseline of every ratio);
- **catch-up**: compose's three `dsr project` worker processes bring every read model from
  the last size to the new head (the events just saved), as a rate and its ratio to the
  save rate of the same events (target >= 0.75);
- **rebuild**: `dsr rebuild`'s processes (2 on this machine) rebuild every read model over
  the whole log, as a ratio to the time the whole log took to save (target <= 2.5);
- the peak resident memory of every process (this one, each worker, each rebuild process;
  target < 1 GB for a rebuild at 5M) and the database's size on disk.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import psycopg

from bench.histories import save_histories
from bench.plotting import axes, finish
from bench.projection_catchup import side_by_side
from bench.rebuild import PeakMemory
from bench.same_run import Run, postgres_server, ratio
from bench.stores import NOW, throwaway_store
from dsr_core.process.tuning import tune_garbage_collection
from dsr_projections.rebuild_processes import rebuild_in_processes

Point = dict[str, float]


def database_megabytes(url: str) -> float:
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT pg_database_size(current_database())").fetchone()
    assert row is not None
    return float(row[0]) / 2**20


def megabytes(peaks: dict[int, int]) -> str:
    return ", ".join(f"{kb / 1024:.0f}" for kb in sorted(peaks.values(), reverse=True))


def plot(curve: list[Point], path: Path) -> None:
    figure, (left, right) = axes(2)
    events = [p["events"] for p in curve]
    for key, label in (("save", "save (library, all events)"), ("rebuild", "rebuild, 2 processes")):
        left.plot(events, [p[key] / 60 for p in curve], marker="o", label=label)
    left.set_ylabel("minutes")
    right.plot(events, [p["rebuild_ratio"] for p in curve], marker="o", label="rebuild ÷ save")
    right.plot(events, [p["catchup_ratio"] for p in curve], marker="o", label="catch-up ÷ save")
    right.axhline(2.5, color="grey", linestyle="--", linewidth=1, label="rebuild target 2.5")
    right.axhline(0.75, color="grey", linestyle=":", linewidth=1, label="catch-up target 0.75")
    right.set_ylabel("ratio, same run")
    title = "Long inpatient histories on PostgreSQL, up to an England-sized log"
    finish(figure, [left, right], "events in the log", title, path, base=10)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", default="1000,10000,50000", help="sizes, rising")
    parser.add_argument("--processes", type=int, default=2, help="rebuild processes")
    parser.add_argument("--plot", type=Path)
    args = parser.parse_args()
    run = Run()
    with throwaway_store("/tmp/dsr-bench-national") as store:
        tune_garbage_collection()
        print(f"run {run.id}, cores: {os.cpu_count()}, read models: {', '.join(store.names)}")
        print(
            "| people | events | save (s) | catch-up of the new events (events/s, ratio) "
            "| rebuild (s, ratio) | peak RSS MB: saver; workers; rebuild processes | database MB |"
        )
        print("|---|---|---|---|---|---|---|")
        curve: list[Point] = []
        people, saving, head = 0, 0.0, 0
        for size in (int(n) for n in args.people.split(",")):
            saver = PeakMemory(marker=b"dsr_http.cli")
            started = time.perf_counter()
            save_histories(store.registers, size - people, NOW, first=people)
            segment_seconds = time.perf_counter() - started
            saving += segment_seconds
            people, earlier = size, head
            head = store.registers.recorder.max_notification_id() or 0
            segment = head - earlier

            catchup_seconds = side_by_side(store.settings, store.runner, head)
            workers = saver.children()
            server_now = postgres_server(store.url)
            catchup_ratio = ratio(
                run.figure("catch-up", segment / catchup_seconds, server_now),
                run.figure("segment save", segment / segment_seconds, server_now),
            )

            watch = PeakMemory()
            started = time.perf_counter()
            rebuilt = rebuild_in_processes(store.settings, store.names, args.processes)
            rebuild_seconds = time.perf_counter() - started
            rebuilders = watch.children()
            assert not rebuilt.refused
            server_now = postgres_server(store.url)
            rebuild_ratio = ratio(
                run.figure("rebuild", rebuild_seconds, server_now),
                run.figure("save", saving, server_now),
            )
            saver_mb = saver.peaks.get(os.getpid(), 0) / 1024
            print(
                f"| {people:,} | {head:,} | {saving:.0f} | "
                f"{segment / catchup_seconds:,.0f} ({catchup_ratio:.2f}) | "
                f"{rebuild_seconds:.0f} ({rebuild_ratio:.2f}) | "
                f"{saver_mb:.0f}; {megabytes(workers)}; {megabytes(rebuilders)} | "
                f"{database_megabytes(store.url):,.0f} |",
                flush=True,
            )
            curve.append(
                {
                    "events": head,
                    "save": saving,
                    "rebuild": rebuild_seconds,
                    "rebuild_ratio": rebuild_ratio,
                    "catchup_ratio": catchup_ratio,
                }
            )
        if args.plot:
            plot(curve, args.plot)
            print(f"plot: {args.plot}")


if __name__ == "__main__":
    main()
