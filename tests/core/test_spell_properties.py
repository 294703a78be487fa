"""Properties of the spell standing apart from the register period (issue 27): whatever the
order of referral and admission, the stay is kept as it happened and its duties run from
its own start; a transfer never moves them; re-confirming a rating never moves its clock."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from dsr_core.person.cadence_policy import CadencePolicy
from dsr_core.person.cadences import DueKind, due_reviews, inpatient_duties
from dsr_core.service import commands as cmd
from dsr_core.service.caller import Caller
from dsr_core.service.registers import Registers
from tests.support import factories as f

IDENTITY = b"unit-identity-key-32-bytes-long!"
BY = Caller.of(f.LEAD)
days = st.integers(min_value=0, max_value=2000)
DEFAULT_CADENCES = CadencePolicy()


def registers() -> Registers:
    return Registers({}, identity_key=IDENTITY, clock=f.FakeClock())


@settings(max_examples=30, deadline=None)
@given(admitted_ago=days, referred_ago=days)
def test_the_post_admission_cetr_runs_from_the_admission_whenever_the_referral_came(
    admitted_ago: int, referred_ago: int
) -> None:
    app = registers()
    today = date(2025, 9, 1)
    admitted, referred_on = today - timedelta(admitted_ago), today - timedelta(referred_ago)
    person_id = app.execute(None, f.referral(referred_on=referred_on), BY).person_id
    app.execute(person_id, f.admission(admitted_on=admitted), BY)
    person = app.get_person(person_id)
    assert person.admission is not None and person.admission.admitted_on == admitted
    assert str(person.admission.admission_type) == "first"
    [cetr] = [
        d
        for d in inpatient_duties(person, DEFAULT_CADENCES)
        if d.kind != "commissioner_oversight_visit"
    ]
    assert (cetr.kind, cetr.due_on) == (DueKind.POST_ADMISSION_CETR, admitted + timedelta(28))
    app.close()


@settings(max_examples=20, deadline=None)
@given(stay=st.integers(min_value=1, max_value=400), gap=st.integers(min_value=0, max_value=1))
def test_a_transfer_neither_restarts_nor_moves_the_post_admission_cetr(stay: int, gap: int) -> None:
    app = registers()
    admitted = date(2023, 1, 10)
    person_id = app.execute(None, f.referral(referred_on=date(2023, 1, 2)), BY).person_id
    app.execute(person_id, f.admission(admitted_on=admitted), BY)
    moved = admitted + timedelta(stay)
    app.execute(person_id, cmd.Discharge(discharged_on=moved, destination="another_mh_ld_bed"), BY)
    app.execute(person_id, f.admission(admitted_on=moved + timedelta(gap)), BY)
    person = app.get_person(person_id)
    assert person.admission is not None and str(person.admission.admission_type) == "transfer"
    due = {d.kind: d.due_on for d in inpatient_duties(person, DEFAULT_CADENCES)}
    assert due[DueKind.POST_ADMISSION_CETR] == admitted + timedelta(28)
    app.close()


@settings(max_examples=20, deadline=None)
@given(reviews=st.lists(st.integers(min_value=1, max_value=28), min_size=1, max_size=6))
def test_re_confirming_green_never_moves_the_consider_removal_date(reviews: list[int]) -> None:
    app = registers()
    person_id = app.execute(None, f.referral(), BY).person_id
    app.execute(person_id, f.consent(), BY)
    accepted = date(2025, 1, 14)
    app.execute(person_id, cmd.Accept(accepted_on=accepted, rating=f.rating("green")), BY)
    day = accepted
    for step in reviews:
        day += timedelta(step)
        app.execute(
            person_id,
            cmd.ChangeRating(changed_on=day, rating=f.rating("green"), reason="re-confirmed"),
            BY,
        )
    due = {d.kind: d.due_on for d in due_reviews(app.get_person(person_id), DEFAULT_CADENCES)}
    assert due[DueKind.CONSIDER_REMOVAL] == date(2025, 4, 14)
    app.close()
