from datetime import date

import pytest
from pydantic import ValidationError

from dsr_core.domain.codes import Scheme, Status
from dsr_core.domain.errors import (
    AgeRuleError,
    BeforeBirthError,
    DuplicateReferralError,
    FutureDateError,
    PersonNotActiveError,
    WrongStatusError,
)
from dsr_core.service import commands as cmd
from dsr_core.service.caller import Caller
from dsr_core.service.registers import Registers
from tests.support import factories as f
from tests.support.stages import accepted, referred


def test_a_referral_puts_the_person_in_the_referred_state_in_their_area(app: Registers) -> None:
    person = app.get_person(referred(app))
    assert person.status is Status.REFERRED
    assert person.area == f.ENGLISH_AREA
    assert person.scheme is Scheme.ENGLAND_RAG
    assert person.rating is None


def test_a_scottish_area_rates_in_the_coming_home_scheme(app: Registers) -> None:
    person = app.get_person(referred(app, area=f.SCOTTISH_AREA))
    assert person.scheme is Scheme.SCOTLAND_COMING_HOME


def test_a_referral_dated_in_the_future_is_rejected(app: Registers) -> None:
    with pytest.raises(FutureDateError) as error:
        app.execute(None, f.referral(referred_on=date(2025, 9, 2)), Caller.of(f.LEAD))
    assert error.value.field == "referred_on"


def test_a_referral_dated_before_birth_is_rejected(app: Registers) -> None:
    with pytest.raises(BeforeBirthError):
        app.execute(None, f.referral(referred_on=date(1980, 1, 1)), Caller.of(f.LEAD))


def test_today_is_judged_in_the_areas_time_zone(app: Registers, clock: f.FakeClock) -> None:
    """At 23:30 UTC on 31 August it is already 1 September in the UK (BST)."""
    clock.now = clock.now.replace(month=8, day=31, hour=23, minute=30)
    app.execute(None, f.referral(referred_on=date(2025, 9, 1)), Caller.of(f.LEAD))


def test_scotlands_register_refuses_a_child(app: Registers) -> None:
    with pytest.raises(AgeRuleError):
        app.execute(
            None,
            f.referral(area=f.SCOTTISH_AREA, date_of_birth=date(2010, 5, 5)),
            Caller.of(f.SCOTTISH_LEAD),
        )


def test_englands_register_takes_a_child(app: Registers) -> None:
    person_id = referred(app, date_of_birth=date(2012, 5, 5))
    assert app.get_person(person_id).status is Status.REFERRED


def test_an_invalid_nhs_number_is_refused_with_the_field_named() -> None:
    with pytest.raises(ValidationError) as error:
        f.referral(nhs_number="9434765918")
    assert error.value.errors()[0]["loc"] == ("nhs_number",)


def test_a_chi_number_that_does_not_match_the_date_of_birth_is_refused() -> None:
    with pytest.raises(ValidationError, match="date of birth"):
        f.details(scottish=True, chi_number="0101901003", date_of_birth=date(1991, 1, 1))


def test_referring_a_number_already_on_the_areas_register_points_to_the_existing_person(
    app: Registers,
) -> None:
    first = referred(app, seed=7)
    with pytest.raises(DuplicateReferralError) as error:
        app.execute(None, f.referral(seed=7), Caller.of(f.LEAD))
    assert error.value.existing_person_id == first
    assert error.value.on_register


def test_the_same_number_may_be_referred_in_another_area(app: Registers) -> None:
    referred(app, seed=7)
    other = app.execute(None, f.referral(area=f.OTHER_ENGLISH_AREA, seed=7), Caller.of(f.LEAD))
    assert app.get_person(other.person_id).area == f.OTHER_ENGLISH_AREA


def test_a_removed_persons_number_points_to_re_referral(app: Registers) -> None:
    person_id = referred(app, seed=7)
    app.execute(
        person_id,
        cmd.Remove(removed_on=date(2025, 2, 1), reason_code="no_longer_meets_criteria"),
        Caller.of(f.LEAD),
    )
    with pytest.raises(DuplicateReferralError, match="re-referral") as error:
        app.execute(None, f.referral(seed=7), Caller.of(f.LEAD))
    assert not error.value.on_register


def test_the_person_id_does_not_contain_or_derive_from_the_number(app: Registers) -> None:
    first = referred(app, seed=3)
    app.execute(
        first, cmd.Remove(removed_on=date(2025, 2, 1), reason_code="stable"), Caller.of(f.LEAD)
    )
    second = app.execute(
        None, f.referral(area=f.OTHER_ENGLISH_AREA, seed=3), Caller.of(f.LEAD)
    ).person_id
    number = f.nhs_number(3)
    assert first != second
    assert number not in first.hex and number not in second.hex


def test_a_referral_can_be_declined_with_a_reason(app: Registers) -> None:
    person_id = referred(app)
    app.execute(
        person_id,
        cmd.DeclineReferral(
            declined_on=date(2025, 1, 12), reason_code="criteria_not_met", reason="x"
        ),
        Caller.of(f.LEAD),
    )
    person = app.get_person(person_id)
    assert person.status is Status.DECLINED
    assert person.closure_reason == "criteria_not_met"


def test_an_accepted_person_cannot_be_declined(app: Registers) -> None:
    person_id = accepted(app)
    with pytest.raises(WrongStatusError):
        app.execute(
            person_id,
            cmd.DeclineReferral(declined_on=date(2025, 1, 15), reason_code="other", reason="x"),
            Caller.of(f.LEAD),
        )


def test_a_declined_person_takes_no_commands_but_re_referral(app: Registers) -> None:
    person_id = referred(app)
    app.execute(
        person_id,
        cmd.DeclineReferral(
            declined_on=date(2025, 1, 12), reason_code="criteria_not_met", reason="x"
        ),
        Caller.of(f.LEAD),
    )
    with pytest.raises(PersonNotActiveError):
        app.execute(person_id, f.consent(), Caller.of(f.LEAD))
    app.execute(
        person_id,
        cmd.ReRefer(
            referred_on=date(2025, 3, 1), criteria=["in_hospital"], referred_by="GP", reason="x"
        ),
        Caller.of(f.LEAD),
    )
    person = app.get_person(person_id)
    assert person.status is Status.REFERRED
    assert person.period == 2
