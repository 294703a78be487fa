"""An event the store accepted never stops the read models (issue 10, item 1).

Input rules now refuse NUL and control characters, but events written before those rules
(or by another client) may hold them: PostgreSQL text cannot store NUL, and no encoder
takes an unpaired surrogate. Each read model must still store them, on both backends.
"""

from __future__ import annotations

import signal
from collections.abc import Sequence
from datetime import date
from typing import Any
from uuid import UUID

import pytest

from dsr_core.domain.care_record import (
    Mitigation,
    Professional,
    ReviewAction,
    ReviewRecord,
    SupporterView,
    Views,
)
from dsr_core.domain.values import Actor, Consent, HospitalStay, PersonDetails, Placement, Rating
from dsr_core.person import events
from dsr_core.person.aggregate import Person, Stamp
from dsr_core.service.caller import Caller
from dsr_core.service.registers import Registers
from dsr_projections.audit.trail import AuditProjection, verify
from dsr_projections.engine.projection import Event
from dsr_projections.engine.runner import ProjectionRunner
from dsr_projections.register.entries import RegisterProjection
from dsr_projections.storage.database import Cursor
from dsr_projections.storage.text import REPLACEMENT
from tests.conftest import SettingsFactory
from tests.support import factories as f
from tests.system.test_projection_crash import start_worker, wait_until

NUL = "\x00"
BAD = f"bad{NUL}text"


def stored(model: type[Any], **values: Any) -> Any:
    """A value object as an older version may have stored it: today's input rules skipped."""
    return model.model_validate(values, context={"stored": True})


def poisoned_person(app: Registers, clock: f.FakeClock) -> UUID:
    """A person whose every text field, the actor's id included, holds a NUL."""
    actor = stored(Actor, user_id=f"worker{NUL}1", role="lead", area=f.ENGLISH_AREA)
    by = Stamp(actor=actor, recorded_at=clock(), today=clock().date())
    details = stored(
        PersonDetails,
        given_name=BAD,
        family_name=BAD,
        date_of_birth="1990-04-02",
        sex="female",
        diagnosis_group="autism",
        nhs_number=f.nhs_number(7),
        residence=BAD,
    )
    person = Person.refer(
        area=f.ENGLISH_AREA,
        scheme=app.areas.policy(f.ENGLISH_AREA).scheme,
        details=details,
        referred_on=date(2025, 1, 10),
        criteria=["support_at_risk"],  # type: ignore[list-item]
        referred_by=BAD,
        reason=BAD,
        by=by,
    )
    person.record_consent(
        consent=stored(
            Consent, basis="informed_consent", decided_on="2025-01-11", decided_by=BAD, note=BAD
        ),
        by=by,
    )
    person.accept(accepted_on=date(2025, 1, 14), rating=Rating(level="amber"), reason=BAD, by=by)
    person.change_placement(
        placement=stored(
            Placement,
            placement_type="supported_living",
            provider=BAD,
            local_authority=BAD,
            placement_area=f.ENGLISH_AREA,
            started_on="2025-01-20",
            out_of_area=False,
            chosen_by_person=True,
            needs={"housing": BAD, "support": BAD},
        ),
        by=by,
    )
    person.record_views(
        views=stored(Views, person=BAD, family=BAD), recorded_on=date(2025, 1, 21), by=by
    )
    person.assign_professional(
        professional=stored(
            Professional, role="lead_professional", name=BAD, organisation=BAD, contact=BAD
        ),
        assigned_on=date(2025, 1, 21),
        by=by,
    )
    review = stored(
        ReviewRecord,
        review_id="r1",
        kind="mdt",
        held_on="2025-01-22",
        outcome=BAD,
        attendees=[BAD],
    )
    action = stored(ReviewAction, action_id="r1.1", description=BAD, owner=BAD, due_on="2025-03-01")
    person._trigger(events.ReviewHeld, by, date(2025, 1, 22), review=review, actions=(action,))
    stay = stored(
        HospitalStay,
        admitted_on="2025-02-10",
        hospital=BAD,
        ward_type="learning_disability",
        in_area=True,
        legal_status="detained",
        detained_under=BAD,
    )
    person._trigger(events.Admitted, by, date(2025, 2, 10), stay=stay, rating=None)
    mitigation = stored(
        Mitigation,
        mitigation_id="m1",
        kind="tried",
        category="other",
        description=BAD,
        recorded_on="2025-02-11",
    )
    person._trigger(events.MitigationRecorded, by, date(2025, 2, 11), mitigation=mitigation)
    supporter = stored(SupporterView, name=BAD, relationship=BAD, view=BAD)
    person._trigger(
        events.ViewsRecorded,
        by,
        date(2025, 2, 11),
        views=stored(Views, person=BAD),
        supporters=(supporter,),
    )
    person._trigger(events.DischargeDelayed, by, date(2025, 2, 12), delay_reason=BAD, note=BAD)
    app.save(person)
    return person.id


def test_an_event_with_nul_in_every_text_field_projects(
    app: Registers, runner: ProjectionRunner, clock: f.FakeClock
) -> None:
    person_id = poisoned_person(app, clock)
    runner.catch_up(timeout=20)

    assert runner.failures() == []
    with runner.db.read() as cursor:
        cursor.execute(
            "SELECT person_id, family_name, hospital, lead_professional FROM register_entries "
            "WHERE person_id = ?",
            (str(person_id),),
        )
        row = cursor.fetchone()
    assert row is not None
    # Stored sealed (issue 15), read back opened by the cursor: NUL became U+FFFD.
    opened = [v for k, v in row.items() if k != "person_id"]
    assert all(isinstance(v, str) and NUL not in v and REPLACEMENT in v for v in opened)
    # The audit trail holds every event, its chain verifies against the stored events,
    # and a rebuild of every read model gives what the live worker built.
    assert list(verify(runner.db, app)) == []
    live = {p.name: runner.content_hash(p.name) for p in runner.projections}
    for projection in runner.projections:
        runner.rebuild(projection.name)
    assert live == {p.name: runner.content_hash(p.name) for p in runner.projections}


def test_the_projection_worker_passes_a_poisoned_event(
    app: Registers,
    runner: ProjectionRunner,
    clock: f.FakeClock,
    make_settings: SettingsFactory,
    backend: str,
) -> None:
    if backend != "postgres":
        pytest.skip("the database that refuses NUL is PostgreSQL")
    poisoned_person(app, clock)
    app.execute(None, f.referral(seed=2), Caller.of(f.LEAD))  # a clean event after it
    head = runner.head()
    worker = start_worker(make_settings())
    try:
        wait_until(lambda: min(runner.positions().values()) >= head, timeout=60)
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)
    assert runner.failures() == []


class _FailsOnMarkedEvents(RegisterProjection):
    """The register, except that it cannot process one particular person's events."""

    poisoned: set[UUID] = set()

    def process(self, cursor: Cursor, batch: Sequence[tuple[Event, int]]) -> None:
        if any(event.originator_id in self.poisoned for event, _ in batch):
            raise RuntimeError("cannot project this event")
        super().process(cursor, batch)


def test_one_failing_projection_is_named_and_the_others_keep_going(
    app: Registers, make_settings: SettingsFactory
) -> None:
    from dsr_projections.bootstrap import build_runner

    runner = build_runner(make_settings(), app, projections=[_FailsOnMarkedEvents, AuditProjection])
    try:
        first = app.execute(None, f.referral(seed=1), Caller.of(f.LEAD))
        bad = app.execute(None, f.referral(seed=2), Caller.of(f.LEAD))
        _FailsOnMarkedEvents.poisoned = {bad.person_id}
        for seed in range(3, 1200):  # more than two batches beyond the bad event
            app.execute(None, f.referral(seed=seed), Caller.of(f.LEAD))
        head = runner.head()
        for _ in range(40):
            runner.run_once()
        positions = runner.positions()
        assert positions["audit"] == head
        assert first.position <= positions["register"] < bad.position
        [failure] = runner.failures()
        assert (failure.name, failure.position) == ("register", bad.position)
        assert failure.error == "RuntimeError"
        # Once the cause is gone the projection resumes and the failure is cleared.
        _FailsOnMarkedEvents.poisoned = set()
        runner._retry_at = dict.fromkeys(runner._retry_at, 0.0)
        runner.catch_up(timeout=30)
        assert runner.failures() == []
        assert runner.positions()["register"] == head
    finally:
        runner.db.close()
