from datetime import date

import pytest
from pydantic import ValidationError

from dsr_core.domain.codes import RatingLevel, RiskFactor
from dsr_core.domain.errors import (
    DateOrderError,
    InpatientRatingError,
    PlacementRuleError,
    RatingSchemeError,
    WrongStatusError,
)
from dsr_core.domain.values import Rating
from dsr_core.service import commands as cmd
from dsr_core.service.caller import Caller
from dsr_core.service.registers import Registers
from tests.support import factories as f
from tests.support.stages import accepted, consented, referred


def change(
    level: str, urgent_reason: str | None = None, on: date = date(2025, 2, 1)
) -> cmd.ChangeRating:
    return cmd.ChangeRating(
        changed_on=on,
        rating=f.rating(level, urgent_reason),
        reason="Review",
        risk_factors=["carer_health"],
    )


def test_a_rating_change_records_when_why_and_the_risk_factors(app: Registers) -> None:
    person_id = accepted(app, level="amber")
    app.execute(person_id, change("red"), Caller.of(f.LEAD))
    person = app.get_person(person_id)
    assert person.rating == Rating(level=RatingLevel.RED)
    assert person.rating_since == date(2025, 2, 1)
    assert person.risk_factors == (RiskFactor.CARER_HEALTH,)


def test_blue_without_an_admission_is_refused_on_acceptance(app: Registers) -> None:
    person_id = consented(app)
    with pytest.raises(InpatientRatingError):
        app.execute(
            person_id,
            cmd.Accept(accepted_on=date(2025, 1, 14), rating=f.rating("blue")),
            Caller.of(f.LEAD),
        )


def test_blue_without_an_admission_is_refused_as_a_rating_change(app: Registers) -> None:
    person_id = accepted(app)
    with pytest.raises(InpatientRatingError):
        app.execute(person_id, change("blue"), Caller.of(f.LEAD))


def test_a_rating_from_another_nations_scheme_is_refused(app: Registers) -> None:
    person_id = accepted(app)
    with pytest.raises(RatingSchemeError):
        app.execute(person_id, change("enhanced_monitoring"), Caller.of(f.LEAD))


def test_a_scottish_person_is_rated_in_coming_home_categories(app: Registers) -> None:
    person_id = accepted(app, area=f.SCOTTISH_AREA, level="urgent", urgent_reason="support_at_risk")
    app.execute(person_id, change("enhanced_monitoring"), Caller.of(f.SCOTTISH_LEAD))
    assert app.get_person(person_id).rating == Rating(level=RatingLevel.ENHANCED_MONITORING)


def test_an_urgent_rating_needs_its_reason() -> None:
    with pytest.raises(ValidationError, match="urgent_reason"):
        Rating(level=RatingLevel.URGENT)


def test_appropriate_out_of_area_needs_a_chosen_out_of_area_placement(app: Registers) -> None:
    person_id = accepted(app, area=f.SCOTTISH_AREA, level="enhanced_monitoring")
    with pytest.raises(PlacementRuleError):
        app.execute(person_id, change("appropriate_out_of_area"), Caller.of(f.SCOTTISH_LEAD))
    app.execute(
        person_id,
        cmd.ChangePlacement(
            placement_type="supported_living",
            placement_area=f.OTHER_SCOTTISH_AREA,
            started_on=date(2025, 1, 20),
            chosen_by_person=True,
        ),
        Caller.of(f.SCOTTISH_LEAD),
    )
    app.execute(person_id, change("appropriate_out_of_area"), Caller.of(f.SCOTTISH_LEAD))


def test_a_referred_person_has_no_rating_to_change(app: Registers) -> None:
    person_id = referred(app)
    with pytest.raises(WrongStatusError):
        app.execute(person_id, change("red"), Caller.of(f.LEAD))


def test_a_rating_change_cannot_predate_the_current_rating(app: Registers) -> None:
    person_id = accepted(app)
    with pytest.raises(DateOrderError):
        app.execute(person_id, change("red", on=date(2025, 1, 13)), Caller.of(f.LEAD))
