"""Each level's duties (issue 12): Red and Amber prompts, keyworker eligibility and the
service referrals that answer it, a C(E)TR offered and declined."""

from __future__ import annotations

from datetime import date

import pytest

from dsr_core.domain.codes import Service
from dsr_core.domain.errors import NoOpenOfferError, ServiceEligibilityError
from dsr_core.person.cadence_policy import CadencePolicy
from dsr_core.person.cadences import DueKind, due_reviews, keyworker_eligible
from dsr_core.service import commands as cmd
from dsr_core.service.caller import Caller
from dsr_core.service.registers import Registers
from tests.support import factories as f
from tests.support.stages import accepted

BY = Caller.of(f.LEAD)


def duties(app: Registers, person_id: object) -> dict[DueKind, date]:
    person = app.get_person(person_id)  # type: ignore[arg-type]
    return {d.kind: d.due_on for d in due_reviews(person, CadencePolicy())}


def test_amber_calls_for_a_meeting_or_a_cetr_offer(app: Registers) -> None:
    person_id = accepted(app, level="amber")  # Amber since 14 January
    # two weeks: a local default, no national timescale (domain.md, cadence table)
    assert duties(app, person_id)[DueKind.AMBER_MEETING_OR_CETR] == date(2025, 1, 28)
    app.execute(person_id, cmd.OfferCetr(offered_on=date(2025, 1, 16), kind="cetr"), BY)
    assert DueKind.AMBER_MEETING_OR_CETR not in duties(app, person_id)


def test_a_young_person_up_to_25_who_is_amber_is_eligible_for_a_keyworker(
    app: Registers,
) -> None:
    young = accepted(app, seed=1, level="amber", date_of_birth=date(2003, 5, 1))  # 21
    older = accepted(app, seed=2, level="amber", date_of_birth=date(1990, 4, 2))  # 34
    assert keyworker_eligible(app.get_person(young), date(2025, 2, 1))
    assert not keyworker_eligible(app.get_person(older), date(2025, 2, 1))
    assert duties(app, young)[DueKind.KEYWORKER_REFERRAL] == date(2025, 1, 21)
    app.execute(young, cmd.ReferToService(service="keyworker", requested_on=date(2025, 1, 20)), BY)
    assert DueKind.KEYWORKER_REFERRAL not in duties(app, young)
    app.execute(young, cmd.StartService(service="keyworker", started_on=date(2025, 2, 3)), BY)
    assert app.get_person(young).services[str(Service.KEYWORKER)] == (
        date(2025, 1, 20),
        date(2025, 2, 3),
    )
    with pytest.raises(ServiceEligibilityError) as refused:
        app.execute(
            older, cmd.ReferToService(service="keyworker", requested_on=date(2025, 1, 20)), BY
        )
    assert refused.value.field == "service"
    # adults are referred to intensive support or forensic outreach, whatever their age
    app.execute(
        older,
        cmd.ReferToService(service="intensive_support", requested_on=date(2025, 1, 20)),
        BY,
    )


def test_a_declined_cetr_meets_that_cycle_and_the_next_is_due_as_usual(app: Registers) -> None:
    person_id = accepted(app)
    app.execute(person_id, f.admission(), BY)  # 10 February
    with pytest.raises(NoOpenOfferError):
        app.execute(person_id, cmd.DeclineCetr(declined_on=date(2025, 2, 20)), BY)
    app.execute(person_id, cmd.OfferCetr(offered_on=date(2025, 2, 18), kind="cetr"), BY)
    app.execute(person_id, cmd.DeclineCetr(declined_on=date(2025, 2, 20)), BY)
    found = duties(app, person_id)
    assert DueKind.POST_ADMISSION_CETR not in found
    assert found[DueKind.REPEAT_CETR] == date(2025, 8, 20)  # 20 Feb + 6 months
    with pytest.raises(NoOpenOfferError):  # that offer is settled
        app.execute(person_id, cmd.DeclineCetr(declined_on=date(2025, 2, 21)), BY)


def test_a_cetr_records_its_panel_and_is_named_by_age(app: Registers) -> None:
    from dsr_core.domain.codes import PanelRole
    from dsr_core.person.cadences import review_name

    child = accepted(app, seed=1, date_of_birth=date(2012, 6, 1))
    adult = accepted(app, seed=2)
    for person_id in (child, adult):
        app.execute(person_id, f.admission(), BY)
    app.execute(
        adult,
        cmd.RecordReview(
            kind="cetr",
            held_on=date(2025, 2, 20),
            outcome="held",
            panel=["chair", "expert_by_experience", "clinical_expert"],
        ),
        BY,
    )
    assert app.get_person(adult).reviews[0].panel == (
        PanelRole.CHAIR,
        PanelRole.EXPERT_BY_EXPERIENCE,
        PanelRole.CLINICAL_EXPERT,
    )
    on = date(2025, 3, 1)
    assert review_name(app.get_person(child), DueKind.POST_ADMISSION_CETR, on) == "CETR"
    assert review_name(app.get_person(adult), DueKind.REPEAT_CETR, on) == "CTR"


def test_a_young_person_with_an_ehc_plan_has_a_cetr_up_to_25(app: Registers) -> None:
    from dsr_core.person.cadences import review_name

    person_id = accepted(app, date_of_birth=date(2004, 3, 1))  # 20 in 2025
    on = date(2025, 3, 1)
    assert review_name(app.get_person(person_id), DueKind.REPEAT_CETR, on) == "CTR"
    app.execute(person_id, cmd.RecordEhcPlan(has_plan=True, recorded_on=date(2025, 1, 20)), BY)
    assert review_name(app.get_person(person_id), DueKind.REPEAT_CETR, on) == "CETR"
    assert review_name(app.get_person(person_id), DueKind.REPEAT_CETR, date(2030, 3, 1)) == "CTR"


def test_an_ehc_plan_is_englands(app: Registers) -> None:
    from tests.support.stages import referred

    person_id = referred(app, area=f.SCOTTISH_AREA)
    with pytest.raises(ServiceEligibilityError):
        app.execute(
            person_id,
            cmd.RecordEhcPlan(has_plan=True, recorded_on=date(2025, 1, 20)),
            Caller.of(f.SCOTTISH_LEAD),
        )


def test_removal_is_considered_at_three_months_green_whatever_the_risk_record(
    app: Registers,
) -> None:
    """A review that re-confirms Green keeps the clock; a risk recorded since does not
    hide the prompt; a decision to keep the person on starts the three months again."""
    person_id = accepted(app, level="green")  # Green since 14 January
    app.execute(
        person_id,
        cmd.RecordRiskFactors(recorded_on=date(2025, 2, 1), risk_factors=["carer_health"]),
        BY,
    )
    for month in (2, 3, 4):  # reviewed monthly, Green re-confirmed each time
        app.execute(
            person_id,
            cmd.ChangeRating(
                changed_on=date(2025, month, 10), rating=f.rating("green"), reason="ok"
            ),
            BY,
        )
    assert duties(app, person_id)[DueKind.CONSIDER_REMOVAL] == date(2025, 4, 14)
    assert app.get_person(person_id).rating_since == date(2025, 1, 14)
    app.execute(
        person_id,
        cmd.KeepOnRegister(
            decided_on=date(2025, 4, 20), reason="Carer unwell", unmanaged_risk=True
        ),
        BY,
    )
    assert duties(app, person_id)[DueKind.CONSIDER_REMOVAL] == date(2025, 7, 20)


def test_a_keyworker_referral_due_keeps_its_date_when_amber_becomes_red(app: Registers) -> None:
    """Both levels owe the same duty: the escalation does not push it 10 days later."""
    young = accepted(app, level="amber", date_of_birth=date(2003, 5, 1))  # Amber 14 January
    assert duties(app, young)[DueKind.KEYWORKER_REFERRAL] == date(2025, 1, 21)
    app.execute(
        young,
        cmd.ChangeRating(changed_on=date(2025, 1, 18), rating=f.rating("red"), reason="worse"),
        BY,
    )
    assert duties(app, young)[DueKind.KEYWORKER_REFERRAL] == date(2025, 1, 21)
    assert duties(app, young)[DueKind.RED_COMMUNITY_CETR] == date(2025, 1, 20)  # 18 + 2
