"""The linear-programming solver the release audit bounds cells with (HiGHS), one at a time."""

from __future__ import annotations

import os
import sys
import threading

import highspy

_SOLVERS: list[highspy.Highs] = []

SOLVER_LOCK = threading.Lock()


def bounds_solver() -> highspy.Highs:
    """One solver per process, made once: HiGHS prints a banner on stdout when made, before
    it can be silenced, and logs here are JSON lines only; so it is made with stdout shut."""
    if not _SOLVERS:
        sys.stdout.flush()
        saved = os.dup(1)
        try:
            with open(os.devnull, "wb") as null:
                os.dup2(null.fileno(), 1)
                solver = highspy.Highs()  # type: ignore[no-untyped-call]
        finally:
            os.dup2(saved, 1)
            os.close(saved)
        solver.setOptionValue("output_flag", False)
        _SOLVERS.append(solver)
    return _SOLVERS[0]


def solve(solver: highspy.Highs) -> float | None:
    """The optimum, or None when unbounded (nothing pins the cell on that side)."""
    solver.run()
    if solver.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    return float(solver.getInfo().objective_function_value)
