"""A rebuild in processes deals the read models into groups of about equal work (issue 32)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dsr_core.process.settings import Settings
from dsr_projections.bootstrap import ALL
from dsr_projections.rebuild_processes import WORK, groups, rebuild_in_processes
from tests.conftest import IDENTITY_KEY
from tests.support.pgserver import free_port


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


def test_a_group_that_cannot_start_fails_the_rebuild_with_its_error_type_only(
    tmp_path: Path,
) -> None:
    """A process that cannot reach the database ends the rebuild with a clear error that
    names the error's type, never its message (a message may quote data)."""
    settings = Settings(
        database_url=f"postgresql://dsr:secret@127.0.0.1:{free_port()}/dsr",
        identity_key=IDENTITY_KEY,
        data_dir=tmp_path,
        database_timeout_seconds=1,
    )
    with pytest.raises(RuntimeError, match=r"rebuild of .+ failed: \w+Error$"):
        rebuild_in_processes(settings, ["register", "audit"], 2)
