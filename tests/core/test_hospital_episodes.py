from datetime import date

import pytest
from pydantic import ValidationError

from dsr_core.domain.codes import RatingLevel, Setting, Status, UrgentReason
from dsr_core.domain.errors import (
    AlreadyAdmittedError,
    DateOrderError,
    InpatientRatingError,
    InvalidInputError,
    NotAdmittedError,
    NotReadyForDischargeError,
    WrongStatusError,
)
from dsr_core.service import commands as cmd
from dsr_core.service.areas import AreaDirectory
from dsr_core.service.caller import Caller
from dsr_core.service.registers import Registers
from tests.support import factories as f
from tests.support.stages import accepted, admitted, referred


def discharge(
    level: str | None = "green", on: date = date(2025, 5, 20), destination: str = "family_home"
) -> cmd.Discharge:
    return cmd.Discharge(
        discharged_on=on, destination=destination, rating=f.rating(level) if level else None
    )


def test_admission_sets_blue_and_the_in_hospital_setting(app: Registers) -> None:
    person = app.get_person(admitted(app))
    assert person.rating is not None and person.rating.level is RatingLevel.BLUE
    assert person.rating_since == date(2025, 2, 10)
    assert person.setting is Setting.IN_HOSPITAL


def test_admission_in_scotland_sets_urgent_in_hospital(app: Registers) -> None:
    person_id = accepted(app, area=f.SCOTTISH_AREA, level="enhanced_monitoring")
    app.execute(person_id, f.admission(), Caller.of(f.SCOTTISH_LEAD))
    rating = app.get_person(person_id).rating
    assert rating is not None and rating.urgent_reason is UrgentReason.IN_HOSPITAL


def test_a_referred_person_can_be_admitted_without_a_rating(app: Registers) -> None:
    person_id = referred(app)
    app.execute(person_id, f.admission(), Caller.of(f.LEAD))
    person = app.get_person(person_id)
    assert person.setting is Setting.IN_HOSPITAL and person.rating is None


def test_accepting_someone_in_hospital_needs_the_inpatient_rating(app: Registers) -> None:
    person_id = referred(app)
    app.execute(person_id, f.consent(), Caller.of(f.LEAD))
    app.execute(person_id, f.admission(), Caller.of(f.LEAD))
    with pytest.raises(InpatientRatingError):
        app.execute(
            person_id,
            cmd.Accept(accepted_on=date(2025, 2, 11), rating=f.rating("red")),
            Caller.of(f.LEAD),
        )
    app.execute(
        person_id,
        cmd.Accept(accepted_on=date(2025, 2, 11), rating=f.rating("blue")),
        Caller.of(f.LEAD),
    )


def test_a_second_admission_while_admitted_is_refused(app: Registers) -> None:
    person_id = admitted(app)
    with pytest.raises(AlreadyAdmittedError):
        app.execute(person_id, f.admission(admitted_on=date(2025, 3, 1)), Caller.of(f.LEAD))


def test_a_non_blue_rating_during_an_admission_is_refused(app: Registers) -> None:
    person_id = admitted(app)
    with pytest.raises(InpatientRatingError):
        app.execute(
            person_id,
            cmd.ChangeRating(changed_on=date(2025, 3, 1), rating=f.rating("red"), reason="x"),
            Caller.of(f.LEAD),
        )


def test_ward_type_and_security_level_are_separate() -> None:
    with pytest.raises(ValidationError, match="ward_type"):
        f.admission(ward_type="secure")
    stay = f.admission(ward_type="mental_health", security_level="medium")
    assert (stay.ward_type, stay.security_level) == ("mental_health", "medium")
    assert f.admission().security_level == "general"


def test_a_detention_needs_the_nations_coded_section(app: Registers) -> None:
    person_id = accepted(app)
    for detained_under in (None, "Mental Health Act 1983 s3", "mhcta-s64"):
        with pytest.raises(InvalidInputError, match="detained_under"):
            app.execute(
                person_id,
                f.admission(legal_status="detained", detained_under=detained_under),
                Caller.of(f.LEAD),
            )
    app.execute(
        person_id, f.admission(legal_status="detained", detained_under="03"), Caller.of(f.LEAD)
    )
    stay = app.get_person(person_id).admission
    assert stay is not None and stay.detained_under == "03"


def test_discharge_without_an_admission_is_refused(app: Registers) -> None:
    person_id = accepted(app)
    with pytest.raises(NotAdmittedError):
        app.execute(person_id, discharge(), Caller.of(f.LEAD))


def test_discharge_before_admission_is_refused(app: Registers) -> None:
    person_id = admitted(app)
    with pytest.raises(DateOrderError) as error:
        app.execute(person_id, discharge(on=date(2025, 2, 9)), Caller.of(f.LEAD))
    assert error.value.field == "discharged_on"


def test_discharge_must_set_a_new_rating(app: Registers) -> None:
    person_id = admitted(app)
    with pytest.raises(InpatientRatingError):
        app.execute(person_id, discharge(level=None), Caller.of(f.LEAD))


def test_discharge_cannot_keep_blue(app: Registers) -> None:
    person_id = admitted(app)
    with pytest.raises(InpatientRatingError):
        app.execute(person_id, discharge(level="blue"), Caller.of(f.LEAD))


def test_discharge_sets_the_new_rating_and_closes_the_episode(app: Registers) -> None:
    person_id = admitted(app)
    app.execute(person_id, discharge(level="red"), Caller.of(f.LEAD))
    person = app.get_person(person_id)
    assert person.admission is None and person.last_discharged_on == date(2025, 5, 20)
    assert person.rating is not None and person.rating.level is RatingLevel.RED
    assert person.setting is Setting.COMMUNITY_AT_RISK


def test_an_area_can_set_the_rating_given_on_discharge(make_settings, clock) -> None:  # type: ignore[no-untyped-def]
    from dsr_core.process.bootstrap import build_registers

    settings = make_settings(
        area_settings={f.ENGLISH_AREA: {"post_discharge_rating": {"level": "red"}}}
    )
    app = build_registers(settings, clock=clock)
    try:
        person_id = admitted(app)
        app.execute(person_id, discharge(level=None), Caller.of(f.LEAD))
        rating = app.get_person(person_id).rating
        assert rating is not None and rating.level is RatingLevel.RED
    finally:
        app.close()


def test_the_area_directory_refuses_a_malformed_code() -> None:
    from dsr_core.domain.errors import UnknownAreaError

    with pytest.raises(UnknownAreaError):
        AreaDirectory().policy("E5400")


def test_a_death_in_hospital_closes_the_register_period(app: Registers) -> None:
    person_id = admitted(app)
    result = app.execute(person_id, discharge(level=None, destination="died"), Caller.of(f.LEAD))
    assert result.events == ("Discharged", "Removed")
    assert app.get_person(person_id).status is Status.REMOVED


def test_a_rating_on_discharge_of_a_referred_person_is_refused(app: Registers) -> None:
    person_id = referred(app)
    app.execute(person_id, f.admission(), Caller.of(f.LEAD))
    with pytest.raises(WrongStatusError):
        app.execute(person_id, discharge(level="green"), Caller.of(f.LEAD))


def test_a_delayed_discharge_records_ready_date_and_reason(app: Registers) -> None:
    person_id = admitted(app)
    with pytest.raises(NotReadyForDischargeError, match="clinically ready"):
        app.execute(
            person_id,
            cmd.RecordDischargeDelay(recorded_on=date(2025, 4, 2), delay_reason="18"),
            Caller.of(f.LEAD),
        )
    app.execute(person_id, cmd.MarkReadyForDischarge(ready_on=date(2025, 4, 1)), Caller.of(f.LEAD))
    app.execute(
        person_id,
        cmd.RecordDischargeDelay(recorded_on=date(2025, 4, 15), delay_reason="18"),
        Caller.of(f.LEAD),
    )
    stay = app.get_person(person_id).admission
    assert stay is not None
    assert stay.ready_for_discharge_on == date(2025, 4, 1)
    assert stay.delay_reason == "18"


def test_ready_for_discharge_cannot_predate_admission(app: Registers) -> None:
    person_id = admitted(app)
    with pytest.raises(DateOrderError):
        app.execute(
            person_id, cmd.MarkReadyForDischarge(ready_on=date(2025, 2, 1)), Caller.of(f.LEAD)
        )


def test_a_readmission_cannot_predate_the_last_discharge(app: Registers) -> None:
    person_id = admitted(app)
    app.execute(person_id, discharge(), Caller.of(f.LEAD))
    with pytest.raises(DateOrderError):
        app.execute(person_id, f.admission(admitted_on=date(2025, 5, 1)), Caller.of(f.LEAD))


def test_a_placement_in_another_area_is_out_of_area(app: Registers) -> None:
    person_id = accepted(app)
    app.execute(
        person_id,
        cmd.ChangePlacement(
            placement_type="residential_care",
            placement_area=f.OTHER_ENGLISH_AREA,
            started_on=date(2025, 2, 1),
            chosen_by_person=False,
            needs={"housing": "Two-bedroom flat near family"},
        ),
        Caller.of(f.LEAD),
    )
    person = app.get_person(person_id)
    assert person.placement is not None and person.placement.out_of_area
    assert person.placement.needs.housing == "Two-bedroom flat near family"
    assert person.setting is Setting.OUT_OF_AREA_PLACEMENT
