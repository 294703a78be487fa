"""Full rebuild of every read model as the event log grows, on PostgreSQL.

    python bench/rebuild.py [--events 100000,300000,1000000] [--plot docs/perf-rebuild.png]
    python bench/rebuild.py --events 300000 --processes 2 --rounds 3  (or --processes 2,3)

With `--processes N` the rebuild at each size is timed both ways, interleaved `--rounds`
times on the same log: in one process (the models taking turns on one interpreter lock)
and dealt over N processes (rebuild_processes.py, what `dsr rebuild` does on PostgreSQL),
each as a ratio to the same save (issue 32: target <= 2.5). The peak resident memory of
each rebuild process is reported too.

People are saved through the library in batches of 100 (three events each) until the log
holds each size in turn; the time that saving took is the baseline. At each size every
read model is rebuilt as `dsr rebuild` does it (shadow tables, one pass over the log for
all of them, then an atomic swap each), and the rebuild's time is reported as a ratio to
the time the library took to batch-save those events, on the same server in the same run
(issue 17: target ratio <= 2). At the first size the old way, one read model after another
each reading the whole log, is timed too, for the lever's effect.
"""

from __future__ import annotations

import argparse
import base64
import os
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.pgserver import start_throwaway

from bench.plotting import axes, finish
from bench.reads import save_people
from bench.same_run import Run, postgres_server, ratio
from dsr_core.process.bootstrap import build_registers
from dsr_core.process.settings import Settings
from dsr_core.process.tuning import tune_garbage_collection
from dsr_projections.bootstrap import build_runner
from dsr_projections.engine.runner import ProjectionRunner
from dsr_projections.rebuild_processes import rebuild_in_processes


def plot(curve: list[tuple[int, float, float]], path: Path) -> None:
    figure, (left, right) = axes(2)
    events = [n for n, _, _ in curve]
    left.plot(events, [s / 60 for _, s, _ in curve], marker="o", label="save (library, batches)")
    left.plot(events, [r / 60 for _, _, r in curve], marker="o", label="rebuild, every model")
    left.set_ylabel("minutes")
    right.plot(events, [r / s for _, s, r in curve], marker="o", label="rebuild ÷ save")
    right.axhline(2, color="grey", linestyle="--", linewidth=1, label="target 2")
    right.set_ylabel("ratio, same run")
    title = "Rebuilding every read model on PostgreSQL as the log grows"
    finish(figure, [left, right], "events in the log", title, path, base=10)


def interleaved(
    run: Run,
    runner: ProjectionRunner,
    settings: Settings,
    names: list[str],
    args: argparse.Namespace,
    head: int,
    saving: float,
    url: str,
) -> None:
    """The rebuild in one process and in each of `args.processes`, alternately, on one
    log."""
    counts = [int(n) for n in args.processes.split(",")]
    for round_ in range(1, args.rounds + 1):
        for processes in counts if args.processes_only else [1, *counts]:
            watch = PeakMemory()
            started = time.perf_counter()
            if processes == 1:
                rebuilt = runner.rebuild_all(names)
            else:
                rebuilt = rebuild_in_processes(settings, names, processes)
            seconds = time.perf_counter() - started
            peak = watch.stop()
            assert not rebuilt.refused
            share = ratio(
                run.figure(f"rebuild-{processes}p", seconds, postgres_server(url)),
                run.figure("save", saving, postgres_server(url)),
            )
            print(
                f"| {head:,} | round {round_} | {processes} process(es) | {seconds:.1f} s | "
                f"{share:.2f} | peak RSS: this process {peak['self']:.0f} MB, "
                f"largest rebuild process {peak['largest child']:.0f} MB |",
                flush=True,
            )


class PeakMemory:
    """The peak resident set (VmHWM, kB) of this process and of each rebuild process it
    starts, from the moment it is made: this process's peak is reset first (clear_refs),
    and a child's is its own from its exec (ru_maxrss would carry the parent's over)."""

    def __init__(self, marker: bytes = b"multiprocessing.spawn") -> None:
        self.marker = marker  # in a watched child's command line (not the resource tracker)
        Path("/proc/self/clear_refs").write_text("5")
        self.peaks: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        me = os.getpid()
        while not self._stop.wait(0.25):
            self._sample(me)

    def _sample(self, me: int) -> None:
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                if int(entry.name) != me and (
                    ppid != me or self.marker not in (entry / "cmdline").read_bytes()
                ):
                    continue  # not this process nor a rebuild process (the server, say)
                for line in (entry / "status").read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        pid = int(entry.name)
                        self.peaks[pid] = max(self.peaks.get(pid, 0), int(line.split()[1]))
            except (OSError, ValueError, IndexError):
                continue  # gone meanwhile

    def stop(self) -> dict[str, float]:
        """Peak MB: this process's, and the largest of its children's."""
        me = os.getpid()
        children = list(self.children().values())
        return {
            "self": self.peaks.get(me, 0) / 1024,
            "largest child": max(children, default=0) / 1024,
        }

    def children(self) -> dict[int, int]:
        """Stop watching; each child's peak, kB."""
        self._sample(os.getpid())
        self._stop.set()
        self._thread.join()
        me = os.getpid()
        return {pid: kb for pid, kb in self.peaks.items() if pid != me}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", default="100000,300000,1000000", help="sizes, rising")
    parser.add_argument("--plot", type=Path)
    parser.add_argument(
        "--processes", default="1", help="also time the rebuild in N processes (e.g. 2 or 2,3)"
    )
    parser.add_argument("--rounds", type=int, default=1, help="interleaved pairs per size")
    parser.add_argument(
        "--processes-only",
        action="store_true",
        help="with --processes: time only the rebuild in processes (a big log's memory)",
    )
    args = parser.parse_args()
    sizes = [int(n) for n in args.events.split(",")]
    server = start_throwaway()
    now = datetime(2025, 9, 30, 12, tzinfo=UTC)
    run = Run()
    try:
        identity = postgres_server(server.url)
        settings = Settings(
            database_url=server.url,
            identity_key=base64.b64encode(os.urandom(32)).decode(),
            data_dir=Path("/tmp/dsr-bench-rebuild"),
        )
        registers = build_registers(settings, clock=lambda: now)
        runner = build_runner(settings, registers)  # as `dsr rebuild` builds it
        tune_garbage_collection()  # as `dsr rebuild` runs in a fresh process
        names = [p.name for p in runner.projections]
        print(f"run {run.id}, cores: {os.cpu_count()}, read models: {', '.join(names)}")
        print("| events | save (s) | rebuild (s) | rebuild ÷ save |")
        print("|---|---|---|---|")
        people, saving = 0, 0.0
        curve: list[tuple[int, float, float]] = []
        for n, size in enumerate(sizes):
            wanted = size // 3
            started = time.perf_counter()
            save_people(registers, wanted - people, now, first=people)
            saving += time.perf_counter() - started
            people = wanted
            head = registers.recorder.max_notification_id() or 0
            if args.processes != "1":
                interleaved(run, runner, settings, names, args, head, saving, server.url)
                continue
            if n == 0:
                started = time.perf_counter()
                for name in names:
                    runner.rebuild(name)
                in_turn = time.perf_counter() - started
            started = time.perf_counter()
            rebuilt = runner.rebuild_all(names)
            seconds = time.perf_counter() - started
            assert not rebuilt.refused
            share = ratio(
                run.figure("rebuild", seconds, postgres_server(server.url)),
                run.figure("save", saving, identity),
            )
            curve.append((head, saving, seconds))
            print(f"| {head:,} | {saving:.0f} | {seconds:.0f} | {share:.2f} |", flush=True)
            if n == 0:
                print(
                    f"(at {head:,} events, one model after another: {in_turn:.0f} s, "
                    f"{in_turn / saving:.2f} of the save)",
                    flush=True,
                )
        if args.plot:
            plot(curve, args.plot)
            print(f"plot: {args.plot}")
        runner.db.close()
        registers.close()
    finally:
        server.stop()


if __name__ == "__main__":
    main()
