"""The benchmarks refuse a ratio whose halves ran on different servers or runs (issue 17)."""

import pytest
from bench.same_run import MismatchedRatioError, Run, ratio


def test_a_ratio_of_figures_from_one_server_in_one_run_is_given() -> None:
    run = Run()
    assert ratio(run.figure("http", 600, "pg-a"), run.figure("raw", 800, "pg-a")) == 0.75


def test_a_ratio_across_servers_or_runs_is_refused() -> None:
    first, second = Run(), Run()
    with pytest.raises(MismatchedRatioError, match="servers"):
        ratio(first.figure("http", 600, "pg-a"), first.figure("raw", 800, "pg-b"))
    with pytest.raises(MismatchedRatioError, match="runs"):
        ratio(first.figure("http", 600, "pg-a"), second.figure("raw", 800, "pg-a"))
