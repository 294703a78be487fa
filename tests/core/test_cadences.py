"""Cadence rules against dates worked out by hand from domain.md's table."""

from datetime import date
from typing import Any
from uuid import UUID

from dsr_core.person.cadence_policy import CadencePolicy
from dsr_core.person.cadences import due_reviews
from dsr_core.service import commands as cmd
from dsr_core.service.caller import Caller
from dsr_core.service.registers import Registers
from tests.support import factories as f
from tests.support.stages import accepted, admitted, referred

DEFAULTS = CadencePolicy()


def due(app: Registers, person_id: object, policy: CadencePolicy = DEFAULTS) -> dict[str, date]:
    person = app.get_person(person_id)  # type: ignore[arg-type]
    return {str(d.kind): d.due_on for d in due_reviews(person, policy)}


def test_a_referral_needs_a_decision_within_7_days(app: Registers) -> None:
    assert due(app, referred(app)) == {"referral_decision": date(2025, 1, 17)}


def out_of_area(app: Registers, **kwargs: Any) -> UUID:
    """Accepted, then admitted on 10 February 2025 to a hospital outside the area."""
    person_id = accepted(app, **kwargs)
    app.execute(person_id, f.admission(in_area=False), Caller.of(f.LEAD))
    return person_id


def test_an_adult_admission_cetr_in_28_days_and_visits_every_8_weeks(
    app: Registers,
) -> None:
    items = due(app, out_of_area(app))  # admitted 10 February 2025
    assert items["post_admission_cetr"] == date(2025, 3, 10)
    assert items["commissioner_oversight_visit"] == date(2025, 4, 7)


def test_a_childs_admission_cetr_in_14_days_and_visits_every_6_weeks(
    app: Registers,
) -> None:
    items = due(app, out_of_area(app, date_of_birth=date(2012, 6, 1)))
    assert items["post_admission_cetr"] == date(2025, 2, 24)
    assert items["commissioner_oversight_visit"] == date(2025, 3, 24)
    assert items["eighteenth_birthday"] == date(2030, 6, 1)


def test_after_a_cetr_the_repeat_is_6_months_or_12_in_a_secure_ward(app: Registers) -> None:
    review = cmd.RecordReview(kind="cetr", held_on=date(2025, 3, 1), outcome="x")
    ordinary = admitted(app, seed=1)
    app.execute(ordinary, review, Caller.of(f.LEAD))
    secure = accepted(app, seed=2)
    app.execute(
        secure, f.admission(ward_type="mental_health", security_level="low"), Caller.of(f.LEAD)
    )
    app.execute(secure, review, Caller.of(f.LEAD))
    assert due(app, ordinary)["repeat_cetr"] == date(2025, 9, 1)  # 1 March + 6 months
    assert due(app, secure)["repeat_cetr"] == date(2026, 3, 1)  # + 12 months
    assert due(app, ordinary)["action_plan_review"] == date(2025, 5, 24)  # + 12 weeks


def test_red_prompts_a_community_cetr_and_green_suggests_removal(
    app: Registers,
) -> None:
    red = accepted(app, seed=1, level="red")
    green = accepted(app, seed=2, level="green")
    assert due(app, red)["red_community_cetr"] == date(2025, 1, 16)  # 14 January + 2 (local)
    assert due(app, green)["consider_removal"] == date(2025, 4, 14)  # + 3 months
    assert due(app, green)["consent_reconfirmation"] == date(2026, 1, 11)


def test_scotland_needs_an_mdt_discussion_within_2_weeks_of_acceptance(app: Registers) -> None:
    items = due(app, accepted(app, area=f.SCOTTISH_AREA, level="enhanced_monitoring"))
    assert items["mdt_discussion"] == date(2025, 1, 28)


def test_an_area_setting_overrides_a_default(app: Registers) -> None:
    items = due(app, accepted(app), CadencePolicy(register_review_days=14))
    assert items["register_review"] == date(2025, 1, 28)
