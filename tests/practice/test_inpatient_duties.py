"""C(E)TRs and commissioner visits are owed to every inpatient, whatever their register
status, from admission to discharge (issue 12; NHS England C(E)TR policy)."""

from __future__ import annotations

from datetime import date

from dsr_core.domain.codes import Status
from dsr_core.person.cadence_policy import CadencePolicy, VisitScope
from dsr_core.person.cadences import DueKind, due_reviews
from dsr_core.service import commands as cmd
from dsr_core.service.caller import Caller
from dsr_core.service.registers import Registers
from tests.support import factories as f
from tests.support.stages import accepted, referred

BY = Caller.of(f.LEAD)


def duties(app: Registers, person_id: object, policy: CadencePolicy | None = None) -> dict:  # type: ignore[type-arg]
    person = app.get_person(person_id)  # type: ignore[arg-type]
    return {d.kind: d.due_on for d in due_reviews(person, policy or CadencePolicy())}


def test_duties_start_at_admission_while_the_referral_is_pending(app: Registers) -> None:
    person_id = referred(app)
    app.execute(person_id, f.admission(in_area=False), BY)
    assert app.get_person(person_id).status is Status.REFERRED
    found = duties(app, person_id)
    assert found[DueKind.POST_ADMISSION_CETR] == date(2025, 3, 10)
    assert found[DueKind.OVERSIGHT_VISIT] == date(2025, 4, 7)


def test_duties_continue_after_consent_is_withdrawn_and_stop_at_discharge(
    app: Registers,
) -> None:
    person_id = accepted(app)
    app.execute(person_id, f.admission(in_area=False), BY)
    app.execute(person_id, cmd.WithdrawConsent(withdrawn_on=date(2025, 2, 20)), BY)
    assert app.get_person(person_id).status is Status.REMOVED
    assert DueKind.POST_ADMISSION_CETR in duties(app, person_id)
    # the C(E)TR and the discharge can still be recorded for them
    app.execute(person_id, cmd.RecordReview(kind="cetr", held_on=date(2025, 3, 1), outcome="x"), BY)
    assert duties(app, person_id)[DueKind.REPEAT_CETR] == date(2025, 9, 1)
    app.execute(
        person_id, cmd.Discharge(discharged_on=date(2025, 5, 1), destination="family_home"), BY
    )
    assert duties(app, person_id) == {}


def test_visits_are_for_out_of_area_inpatients_unless_the_area_says_all(app: Registers) -> None:
    person_id = accepted(app)
    app.execute(person_id, f.admission(in_area=True), BY)
    assert DueKind.OVERSIGHT_VISIT not in duties(app, person_id)
    every = CadencePolicy(oversight_visits_for=VisitScope.ALL_INPATIENTS)
    assert duties(app, person_id, every)[DueKind.OVERSIGHT_VISIT] == date(2025, 4, 7)


def test_a_cetr_dated_before_the_admission_cannot_close_its_duty(app: Registers) -> None:
    import pytest

    from dsr_core.domain.errors import DateOrderError

    person_id = accepted(app)
    app.execute(person_id, f.admission(), BY)  # 10 February
    with pytest.raises(DateOrderError) as refused:
        app.execute(
            person_id, cmd.RecordReview(kind="cetr", held_on=date(2025, 2, 1), outcome="x"), BY
        )
    assert refused.value.field == "held_on"
    assert DueKind.POST_ADMISSION_CETR in duties(app, person_id)
