"""Reviews and actions, views, risk factors, professionals, corrections, transfer, removal."""

from datetime import date

import pytest

from dsr_core.domain.codes import ReviewKind, Role, Status
from dsr_core.domain.errors import (
    AlreadyAdmittedError,
    DateOrderError,
    DuplicateReferralError,
    PersonNotActiveError,
    PersonNotFoundError,
    TransferError,
    UnknownActionError,
    WrongStatusError,
)
from dsr_core.domain.values import Actor
from dsr_core.service import commands as cmd
from dsr_core.service.caller import Caller
from dsr_core.service.registers import Registers
from tests.support import factories as f
from tests.support.stages import accepted, admitted, referred


def review(held_on: date = date(2025, 3, 1), due_on: date = date(2025, 4, 1)) -> cmd.RecordReview:
    return cmd.RecordReview(
        kind="cetr",
        held_on=held_on,
        outcome="Plan discharge",
        attendees=["DSR lead"],
        actions=[{"description": "Find housing", "owner": "Social worker", "due_on": due_on}],
    )


def test_a_review_records_its_actions_which_can_be_completed(app: Registers) -> None:
    person_id = admitted(app)
    result = app.execute(person_id, review(), Caller.of(f.LEAD))
    review_id = result.extra["review_id"]
    person = app.get_person(person_id)
    assert [r.kind for r in person.reviews] == [ReviewKind.CETR]
    (action_id,) = person.actions
    assert action_id.startswith(review_id)
    app.execute(
        person_id,
        cmd.CompleteAction(action_id=action_id, completed_on=date(2025, 3, 20)),
        Caller.of(f.LEAD),
    )
    assert app.get_person(person_id).actions[action_id].completed_on == date(2025, 3, 20)


def test_an_action_cannot_be_completed_twice(app: Registers) -> None:
    person_id = admitted(app)
    app.execute(person_id, review(), Caller.of(f.LEAD))
    (action_id,) = app.get_person(person_id).actions
    done = cmd.CompleteAction(action_id=action_id, completed_on=date(2025, 3, 20))
    app.execute(person_id, done, Caller.of(f.LEAD))
    with pytest.raises(UnknownActionError):
        app.execute(person_id, done, Caller.of(f.LEAD))


def test_an_action_due_before_its_review_is_refused(app: Registers) -> None:
    person_id = admitted(app)
    with pytest.raises(DateOrderError):
        app.execute(person_id, review(due_on=date(2025, 2, 1)), Caller.of(f.LEAD))


def test_views_risk_factors_and_professionals_are_recorded(app: Registers) -> None:
    person_id = accepted(app)
    app.execute(
        person_id,
        cmd.RecordViews(recorded_on=date(2025, 2, 1), person="Near my sister"),
        Caller.of(f.LEAD),
    )
    app.execute(
        person_id,
        cmd.RecordRiskFactors(recorded_on=date(2025, 2, 1), risk_factors=["awaiting_diagnosis"]),
        Caller.of(f.LEAD),
    )
    app.execute(
        person_id,
        cmd.AssignProfessional(
            assigned_on=date(2025, 2, 1), role="lead_professional", name="Pat Imaginary"
        ),
        Caller.of(f.LEAD),
    )
    person = app.get_person(person_id)
    assert person.views is not None and person.views.person == "Near my sister"
    assert [str(r) for r in person.risk_factors] == ["awaiting_diagnosis"]
    assert person.lead_professional is not None
    assert person.lead_professional.name == "Pat Imaginary"


def test_a_correction_is_a_new_event_and_the_old_details_stay_in_history(app: Registers) -> None:
    person_id = referred(app, seed=11)
    corrected = f.details(seed=11, family_name="Corrected")
    app.execute(
        person_id,
        cmd.CorrectDetails(details=corrected, corrected_on=date(2025, 1, 12), reason="Typo"),
        Caller.of(f.LEAD),
    )
    history = app.history(person_id)
    assert [h.event_type for h in history] == ["Referred", "DetailsCorrected"]
    assert history[0].data["details"]["family_name"] == "Fictitious"
    assert app.get_person(person_id).details.family_name == "Corrected"


def test_correcting_the_number_moves_the_duplicate_check_to_the_new_number(app: Registers) -> None:
    person_id = referred(app, seed=11)
    new_details = f.details(seed=12)
    app.execute(
        person_id,
        cmd.CorrectDetails(
            details=new_details, corrected_on=date(2025, 1, 12), reason="Wrong number"
        ),
        Caller.of(f.LEAD),
    )
    app.execute(None, f.referral(seed=11), Caller.of(f.LEAD))  # the old number is free again
    with pytest.raises(DuplicateReferralError):
        app.execute(None, f.referral(seed=12), Caller.of(f.LEAD))


def test_correcting_to_a_number_held_by_someone_else_is_refused(app: Registers) -> None:
    person_id = referred(app, seed=11)
    referred(app, seed=12)
    with pytest.raises(DuplicateReferralError):
        app.execute(
            person_id,
            cmd.CorrectDetails(
                details=f.details(seed=12), corrected_on=date(2025, 1, 12), reason="x"
            ),
            Caller.of(f.LEAD),
        )
    assert app.get_person(person_id).details.nhs_number == f.nhs_number(11)


def test_a_transfer_moves_the_person_and_their_number_to_the_new_area(app: Registers) -> None:
    person_id = accepted(app, seed=5)
    app.execute(
        person_id,
        cmd.Transfer(to_area=f.OTHER_ENGLISH_AREA, transferred_on=date(2025, 3, 1), reason="Moved"),
        Caller.of(f.LEAD),
    )
    assert app.get_person(person_id).area == f.OTHER_ENGLISH_AREA
    app.execute(None, f.referral(seed=5), Caller.of(f.LEAD))  # free in the old area
    with pytest.raises(DuplicateReferralError):
        app.execute(None, f.referral(area=f.OTHER_ENGLISH_AREA, seed=5), Caller.of(f.LEAD))


def test_a_transfer_to_another_nation_is_refused(app: Registers) -> None:
    person_id = accepted(app)
    with pytest.raises(TransferError):
        app.execute(
            person_id,
            cmd.Transfer(to_area=f.SCOTTISH_AREA, transferred_on=date(2025, 3, 1), reason="x"),
            Caller.of(f.LEAD),
        )


def test_removal_while_in_hospital_asks_for_the_discharge_first(app: Registers) -> None:
    person_id = admitted(app)
    with pytest.raises(AlreadyAdmittedError):
        app.execute(
            person_id,
            cmd.Remove(removed_on=date(2025, 3, 1), reason_code="stable"),
            Caller.of(f.LEAD),
        )


def test_a_removed_person_takes_no_commands_and_re_referral_starts_a_new_period(
    app: Registers,
) -> None:
    person_id = accepted(app)
    app.execute(
        person_id, cmd.Remove(removed_on=date(2025, 6, 1), reason_code="stable"), Caller.of(f.LEAD)
    )
    with pytest.raises(PersonNotActiveError):
        app.execute(
            person_id,
            cmd.Remove(removed_on=date(2025, 6, 2), reason_code="stable"),
            Caller.of(f.LEAD),
        )
    app.execute(
        person_id,
        cmd.ReRefer(
            referred_on=date(2025, 8, 1), criteria=["support_at_risk"], referred_by="GP", reason="x"
        ),
        Caller.of(f.LEAD),
    )
    person = app.get_person(person_id)
    assert (person.status, person.period, person.referred_on) == (
        Status.REFERRED,
        2,
        date(2025, 8, 1),
    )


def test_re_referral_of_someone_on_the_register_is_refused(app: Registers) -> None:
    person_id = accepted(app)
    with pytest.raises(WrongStatusError):
        app.execute(
            person_id,
            cmd.ReRefer(
                referred_on=date(2025, 8, 1),
                criteria=["support_at_risk"],
                referred_by="GP",
                reason="x",
            ),
            Caller.of(f.LEAD),
        )


def test_a_command_within_other_areas_does_not_find_the_person(app: Registers) -> None:
    person_id = accepted(app)
    views = cmd.RecordViews(recorded_on=date(2025, 2, 1), person="Near my sister")
    with pytest.raises(PersonNotFoundError):
        app.execute(person_id, views, Caller.of(f.LEAD, areas=[f.OTHER_ENGLISH_AREA]))
    assert app.get_person(person_id).views is None
    app.execute(person_id, views, Caller.of(f.LEAD, areas=[f.OTHER_ENGLISH_AREA, f.ENGLISH_AREA]))
    assert app.get_person(person_id).views is not None


def test_an_actor_with_no_area_is_recorded_in_the_persons_area(app: Registers) -> None:
    person_id = accepted(app)
    nowhere = Actor(user_id="lead-1", role=Role.LEAD)
    views = cmd.RecordViews(recorded_on=date(2025, 2, 1), person="Near my sister")
    app.execute(person_id, views, Caller.of(nowhere))
    assert app.history(person_id)[-1].actor == Actor(
        user_id="lead-1", role=Role.LEAD, area=f.ENGLISH_AREA
    )
