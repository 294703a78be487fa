"""A rebuild of several read models split over processes (issue 32).

In one process the read models take turns on one interpreter lock: a rebuild used one of
the machine's cores while the log's size set its time (docs/performance.md, "Rebuild of
every read model"). Here the models are dealt into groups of about equal work, each group
rebuilt by a process of its own in one pass over the log, as `rebuild_all` does in one
process: each reads and decodes the log for itself (4 % of a rebuild's time), so the
groups cost what they did together, spread over the cores.

Each group's shadows record their positions with every batch, as in one process, so an
interrupted rebuild resumes in every group; each model is swapped in by its own group, as
soon as that group reaches the head. PostgreSQL only: on SQLite one file takes one writer
at a time, so processes would only queue for it.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import signal
from collections.abc import Sequence
from typing import Any, NoReturn

import structlog

from dsr_core.process.bootstrap import build_registers
from dsr_core.process.logging import configure_logging
from dsr_core.process.settings import Settings
from dsr_core.process.tuning import tune_garbage_collection
from dsr_projections.bootstrap import build_runner
from dsr_projections.engine.outcomes import RebuildRefusedError, Rebuilt
from dsr_projections.engine.rebuilds import Progress
from dsr_projections.engine.runner import BATCH_SIZE

log = structlog.get_logger(__name__)

WORK = {
    "audit": 21,
    "length_of_stay": 18,
    "register": 17,
    "feed": 12,
    "national_dataset": 9,
    "reminders": 4,
}
"""Each read model's share of a rebuild's work (py-spy over a 100k-event rebuild,
docs/performance.md): the groups are dealt by it."""


def groups(names: Sequence[str], processes: int) -> list[list[str]]:
    """The models dealt into at most `processes` groups of about equal work, heaviest
    first to the lightest group (each group keeps the models' given order)."""
    dealt: list[list[str]] = [[] for _ in range(max(1, min(processes, len(names))))]
    load = [0] * len(dealt)
    for name in sorted(names, key=lambda n: -WORK.get(n, 10)):
        lightest = load.index(min(load))
        dealt[lightest].append(name)
        load[lightest] += WORK.get(name, 10)
    order = {name: i for i, name in enumerate(names)}
    return [sorted(group, key=order.__getitem__) for group in dealt if group]


def rebuild_in_processes(
    settings: Settings,
    names: Sequence[str],
    processes: int,
    progress: Progress | None = None,
    checkpoints: Sequence[Any] = (),
    *,
    resume: bool = False,
    batch_size: int = BATCH_SIZE,
) -> Rebuilt:
    """Rebuild `names` in up to `processes` processes; progress is the least advanced
    group's. Raises RuntimeError when a group's process fails."""
    parts = groups(names, processes)
    context = multiprocessing.get_context("spawn")  # no forked copies of open connections
    reports: Any = context.Queue()
    children = [
        context.Process(
            target=_rebuild_group,
            args=(settings, part, list(checkpoints), resume, index, reports, batch_size),
            name=f"dsr-rebuild-{index}",
        )
        for index, part in enumerate(parts)
    ]
    reached: dict[int, int] = {}
    finished: dict[int, tuple[dict[str, int], list[tuple[str, list[str]]]]] = {}
    ready: set[int] = set()
    try:
        # One after another: the library creates its tables if missing as it starts, and
        # PostgreSQL refuses the same catalog change made at once by two ("tuple
        # concurrently updated"); a process is ready once it has, in a second or so.
        for index, child in enumerate(children):
            child.start()
            while index not in ready:
                _take(reports.get(timeout=120), ready, reached, finished, parts, progress)
        while len(finished) < len(parts):
            try:
                report = reports.get(timeout=0.5)
            except queue.Empty:
                failed = [c for i, c in enumerate(children) if i not in finished and c.exitcode]
                if failed:
                    raise RuntimeError(
                        f"{failed[0].name} stopped (exit code {failed[0].exitcode})"
                    ) from None
                continue
            _take(report, ready, reached, finished, parts, progress)
    except BaseException:
        for child in children:  # Ctrl-C or a failed group: stop the others where they are
            if child.is_alive() and child.pid is not None:
                os.kill(child.pid, signal.SIGINT)
        raise
    finally:
        for child in children:
            if child.pid is None:
                continue  # never started: an earlier one failed as it started
            child.join(timeout=30)
            if child.is_alive():
                child.terminate()
                child.join()
    rebuilt = Rebuilt()
    for positions, refused in finished.values():
        rebuilt.positions.update(positions)
        rebuilt.refused.extend(RebuildRefusedError(name, problems) for name, problems in refused)
    return rebuilt


def _take(
    report: tuple[str, int, Any, Any],
    ready: set[int],
    reached: dict[int, int],
    finished: dict[int, tuple[dict[str, int], list[tuple[str, list[str]]]]],
    parts: list[list[str]],
    progress: Progress | None,
) -> None:
    """Act on one group's report: ready, progress, done or failed."""
    kind, index, first, second = report
    if kind == "ready":
        ready.add(index)
    elif kind == "progress":
        reached[index] = first
        if progress is not None and len(reached) == len(parts):  # all under way
            progress(min(reached.values()), second)
    elif kind == "done":
        finished[index] = (first, second)
    else:
        raise RuntimeError(f"rebuild of {', '.join(parts[index])} failed: {first}")


def _rebuild_group(
    settings: Settings,
    names: list[str],
    checkpoints: list[Any],
    resume: bool,
    index: int,
    reports: Any,
    batch_size: int,
) -> None:
    """One group's rebuild, in its own process; what it did goes back through `reports`
    (an exception with its own arguments does not cross processes, so names and problems
    do)."""
    configure_logging()  # JSON lines, as the parent's: a spawned process starts bare
    tune_garbage_collection()
    try:
        registers = build_registers(settings)
        runner = build_runner(settings, registers, batch_size=batch_size)
    except Exception as error:
        _failed(reports, index, error)
    reports.put(("ready", index, None, None))
    try:
        rebuilt = runner.rebuild_all(
            names,
            progress=lambda done, total: reports.put(("progress", index, done, total)),
            checkpoints=checkpoints,
            resume=resume,
        )
        refused = [(r.name, r.problems) for r in rebuilt.refused]
        reports.put(("done", index, rebuilt.positions, refused))
    except KeyboardInterrupt:
        return  # the parent was interrupted too: what is done is kept for a resume
    except Exception as error:
        _failed(reports, index, error)
    finally:
        runner.db.close()
        registers.close()


def _failed(reports: Any, index: int, error: Exception) -> NoReturn:
    """Report a group's failure by the error's type only (a message or a traceback may
    quote data, and logs carry none), and end the process with an error."""
    reports.put(("failed", index, type(error).__name__, None))
    log.error("rebuild_group_failed", group=index, error=type(error).__name__)
    raise SystemExit(1)
