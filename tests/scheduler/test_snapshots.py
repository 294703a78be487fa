"""Reporting snapshots: deterministic, checksummed, stored once, downloadable."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime

import pytest

from dsr_core.domain.periods import Period
from dsr_core.service import commands as cmd
from dsr_core.service.caller import Caller
from dsr_core.service.registers import Registers
from dsr_projections.engine.runner import ProjectionRunner
from dsr_scheduler import snapshots
from tests.support import factories as f
from tests.support.case_history import play

SECRET = b"snapshot-test-secret"
PROFILE = "nhs_england"


def test_the_same_period_produced_twice_is_byte_identical_and_stored_once(
    app: Registers, runner: ProjectionRunner, clock: f.FakeClock
) -> None:
    person_id = play(app, clock, until="delayed")  # typed in on 30 September, still in hospital
    runner.catch_up()
    snapshots.ensure_table(runner.db)
    september = Period.parse("2025-09")
    first = snapshots.register_snapshot(app, runner.db, f.ENGLISH_AREA, september)
    assert first.row_count == 1
    assert "in_hospital,blue" in first.content and "True,18" in first.content
    assert "Testperson" not in first.content
    # On 5 October a discharge on 28 September is entered late: September's snapshot,
    # produced again, still shows what was recorded by the end of September.
    clock.now = datetime(2025, 10, 5, 12, tzinfo=UTC)
    app.execute(
        person_id,
        cmd.Discharge(
            discharged_on=date(2025, 9, 28), destination="family_home", rating=f.rating("red")
        ),
        Caller.of(f.LEAD),
    )
    runner.catch_up()
    second = snapshots.register_snapshot(app, runner.db, f.ENGLISH_AREA, september)
    assert second.content == first.content
    assert snapshots.store(runner.db, first, clock.now) is True
    assert snapshots.store(runner.db, second, clock.now) is False
    row = snapshots.get(runner.db, first.snapshot_id)
    assert row is not None and snapshots.verify(row)
    assert row["sha256"] == hashlib.sha256(first.content.encode()).hexdigest()


def test_a_different_production_of_a_stored_period_is_refused(
    app: Registers, runner: ProjectionRunner, clock: f.FakeClock
) -> None:
    play(app, clock)
    runner.catch_up()
    snapshots.ensure_table(runner.db)
    artefact = snapshots.register_snapshot(app, runner.db, f.ENGLISH_AREA, Period.parse("2025-03"))
    snapshots.store(runner.db, artefact, clock.now)
    tampered = snapshots.Artefact(
        artefact.kind,
        artefact.area,
        artefact.period,
        artefact.media_type,
        artefact.content + "x",
        artefact.row_count,
    )
    with pytest.raises(snapshots.SnapshotMismatchError):
        snapshots.store(runner.db, tampered, clock.now)


def test_a_tampered_stored_artefact_fails_verification(
    app: Registers, runner: ProjectionRunner, clock: f.FakeClock
) -> None:
    play(app, clock)
    runner.catch_up()
    snapshots.ensure_table(runner.db)
    quarter = Period.parse("2025-Q1")
    artefact = snapshots.national_snapshot(
        runner.db, f.ENGLISH_AREA, quarter, "nhs_england", SECRET
    )
    again = snapshots.national_snapshot(runner.db, f.ENGLISH_AREA, quarter, "nhs_england", SECRET)
    assert artefact.content == again.content
    snapshots.store(runner.db, artefact, clock.now)
    with runner.db.transaction() as cursor:
        cursor.execute("UPDATE report_snapshots SET content = content || ' '")
    row = snapshots.get(runner.db, artefact.snapshot_id)
    assert row is not None and not snapshots.verify(row)


def test_the_job_waits_while_the_read_models_are_behind(
    app: Registers, runner: ProjectionRunner, clock: f.FakeClock
) -> None:
    play(app, clock)
    assert (
        snapshots.take_due_snapshots(app, runner.db, SECRET, clock=app.clock) == 0
    )  # not caught up yet
    runner.catch_up()
    assert snapshots.take_due_snapshots(app, runner.db, SECRET, clock=app.clock) == 2


def test_the_job_takes_last_months_and_last_quarters_snapshots_once(
    app: Registers, runner: ProjectionRunner, clock: f.FakeClock
) -> None:
    play(app, clock)  # typed in on 30 September 2025
    runner.catch_up()
    assert snapshots.last_complete(date(2025, 9, 30)) == (
        Period.parse("2025-08"),
        Period.parse("2025-Q2"),
    )
    assert snapshots.take_due_snapshots(app, runner.db, SECRET, clock=app.clock) == 2
    assert snapshots.take_due_snapshots(app, runner.db, SECRET, clock=app.clock) == 0
    ids = {r["snapshot_id"] for r in snapshots.listing(runner.db, [f.ENGLISH_AREA])}
    assert ids == {f"register:{f.ENGLISH_AREA}:2025-08", f"national:{f.ENGLISH_AREA}:2025-Q2"}
