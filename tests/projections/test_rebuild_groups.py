"""A rebuild in processes deals the read models into groups of about equal work (issue 32)."""

from __future__ import annotations

from dsr_projections.bootstrap import ALL
from dsr_projections.rebuild_processes import WORK, groups


def test_every_read_model_has_a_measured_share_of_the_work() -> None:
    assert {p.name for p in ALL} == set(WORK)


def test_the_models_are_dealt_into_groups_of_about_equal_work() -> None:
    names = [p.name for p in ALL]
    two = groups(names, 2)
    assert sorted(n for group in two for n in group) == sorted(names)  # each once
    loads = [sum(WORK[n] for n in group) for group in two]
    assert max(loads) - min(loads) <= max(WORK.values()) // 2
    assert groups(names, 1) == [names]
    assert groups(["audit"], 4) == [["audit"]]  # never an empty process
