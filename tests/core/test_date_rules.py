"""Dates that contradict the record are refused, each by a named rule (issue 10)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from dsr_core.domain.errors import (
    BeforeBirthError,
    BirthAfterRecordError,
    DateOrderError,
    FutureDateError,
    NationalNumberRemovedError,
)
from dsr_core.service import commands as cmd
from dsr_core.service.caller import Caller
from dsr_core.service.registers import Registers
from tests.support import factories as f
from tests.support.stages import accepted, admitted, consented, referred


def test_a_removal_cannot_predate_the_acceptance(app: Registers) -> None:
    person_id = accepted(app)  # accepted on 14 January
    with pytest.raises(DateOrderError) as refused:
        app.execute(
            person_id,
            cmd.Remove(removed_on=date(2025, 1, 12), reason_code="stable"),
            Caller.of(f.LEAD),
        )
    assert refused.value.field == "removed_on"


def test_an_admission_before_the_referral_is_recorded_as_it_happened(app: Registers) -> None:
    """The spell stands apart from the register period (domain.md, "Hospital episodes"):
    people are often referred to the DSR after they are admitted."""
    person_id = referred(app)  # referred on 10 January
    app.execute(person_id, f.admission(admitted_on=date(2024, 6, 3)), Caller.of(f.LEAD))
    stay = app.get_person(person_id).admission
    assert stay is not None
    assert (stay.admitted_on, stay.admission_type) == (date(2024, 6, 3), "first")


def test_an_admission_cannot_predate_the_persons_birth(app: Registers) -> None:
    person_id = referred(app)
    born = app.get_person(person_id).details.born_on
    with pytest.raises(BeforeBirthError):
        app.execute(
            person_id,
            f.admission(admitted_on=born - timedelta(days=1)),
            Caller.of(f.LEAD),
        )


def test_a_discharge_cannot_predate_its_admission(app: Registers) -> None:
    person_id = admitted(app)  # admitted on 10 February, still in hospital
    with pytest.raises(DateOrderError) as refused:
        app.execute(
            person_id,
            cmd.Discharge(discharged_on=date(2025, 2, 9), destination="family_home"),
            Caller.of(f.LEAD),
        )
    assert refused.value.field == "discharged_on"


def test_an_acceptance_cannot_predate_the_consent_it_relies_on(app: Registers) -> None:
    person_id = referred(app)
    app.execute(person_id, f.consent(decided_on=date(2025, 1, 20)), Caller.of(f.LEAD))
    with pytest.raises(DateOrderError) as refused:
        app.execute(
            person_id,
            cmd.Accept(accepted_on=date(2025, 1, 15), rating=f.rating("amber")),
            Caller.of(f.LEAD),
        )
    assert refused.value.field == "accepted_on"


def test_a_correction_cannot_move_the_birth_after_the_referral(app: Registers) -> None:
    person_id = consented(app)
    details = f.details(seed=1, date_of_birth=date(2025, 2, 1))
    with pytest.raises(BirthAfterRecordError) as refused:
        app.execute(
            person_id,
            cmd.CorrectDetails(details=details, corrected_on=date(2025, 3, 1), reason="Typo."),
            Caller.of(f.LEAD),
        )
    assert refused.value.field == "details.date_of_birth"


def test_a_correction_cannot_drop_the_nhs_number(app: Registers) -> None:
    person_id = referred(app, seed=3)
    details = f.details(seed=3, nhs_number=None)
    with pytest.raises(NationalNumberRemovedError) as refused:
        app.execute(
            person_id,
            cmd.CorrectDetails(details=details, corrected_on=date(2025, 3, 1), reason="Unsure."),
            Caller.of(f.LEAD),
        )
    assert refused.value.field == "details.nhs_number"
    # ... so the number still stops a second referral
    with pytest.raises(Exception, match="already held"):
        referred(app, seed=3)


def test_a_rating_change_naming_no_risk_factors_keeps_the_recorded_ones(app: Registers) -> None:
    person_id = accepted(app)
    app.execute(
        person_id,
        cmd.RecordRiskFactors(recorded_on=date(2025, 1, 20), risk_factors=["carer_health"]),
        Caller.of(f.LEAD),
    )
    app.execute(
        person_id,
        cmd.ChangeRating(changed_on=date(2025, 2, 1), rating=f.rating("red"), reason="Crisis."),
        Caller.of(f.LEAD),
    )
    assert [str(r) for r in app.get_person(person_id).risk_factors] == ["carer_health"]
    app.execute(
        person_id,
        cmd.ChangeRating(
            changed_on=date(2025, 3, 1),
            rating=f.rating("amber"),
            reason="Settling.",
            risk_factors=["housing"],
        ),
        Caller.of(f.LEAD),
    )
    assert [str(r) for r in app.get_person(person_id).risk_factors] == ["housing"]


def test_a_future_date_of_birth_is_blamed_on_the_date_of_birth(
    app: Registers, clock: f.FakeClock
) -> None:
    tomorrow = clock().date() + timedelta(days=1)
    with pytest.raises(FutureDateError) as refused:
        app.execute(None, f.referral(date_of_birth=tomorrow), Caller.of(f.LEAD))
    assert refused.value.field == "details.date_of_birth"
