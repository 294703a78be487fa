"""Issue 29: each scheduled job's runs and failures are kept where /metrics reads them."""

from __future__ import annotations

import pytest

from dsr_projections.engine.runner import ProjectionRunner
from dsr_scheduler import job_runs


def test_a_job_counts_its_runs_and_a_failure_is_counted_and_raised(
    runner: ProjectionRunner,
) -> None:
    job_runs.ensure_table(runner.db)
    outcomes = iter([None, RuntimeError("boom"), None])

    @job_runs.recorded("dsr-test", lambda: runner.db)
    def job() -> None:
        outcome = next(outcomes)
        if outcome is not None:
            raise outcome

    job()
    with pytest.raises(RuntimeError):
        job()
    job()
    [row] = [r for r in job_runs.runs(runner.db) if r["job"] == "dsr-test"]
    assert (row["runs"], row["failures"]) == (3, 1)
    assert row["last_success_at"] > row["last_failure_at"]
