"""Issue 13's hand-worked case: a transfer between hospitals, a delay with two successive
reasons, a readmission within a year; admission types, total stay and delayed days per
reason worked out by hand, then by dsr (the aggregate and the length-of-stay read model).

England, area E54000048, the adult of tests/support/factories.py, accepted Amber on
14 January 2025:

| day        | what                                                   |
|------------|--------------------------------------------------------|
| 20 Jan     | admitted to Hospital A: first admission                |
| 10 Feb     | discharged to another MH/LD bed, admitted to Hospital B |
|            | the same day: a transfer, so the stay still began 20 Jan |
| 1 Mar      | clinically ready; delay reason 04 (awaiting public funding) |
| 15 Mar     | delay reason 18 (awaiting supported accommodation)     |
| 1 Apr      | discharged to supported housing, rated Red             |
| 1 Jun      | admitted again: within 12 months of 1 Apr, a readmission |

By hand: total stay 20 Jan to 1 Apr = 12 + 28 + 31 = 71 days (in hospital at the end of
each day 20 Jan to 31 Mar). Delayed days (ready before the day, still in at its
midnight): 04 1-14 Mar = 14, 18 15-31 Mar = 17; together 31 = 1 Apr - 1 Mar.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

import pytest

from dsr_core.domain.codes import AdmissionType, DischargeDestination
from dsr_core.domain.discharge import admission_type, delayed_days_by_reason
from dsr_core.domain.errors import DateOrderError, InpatientRatingError, InvalidInputError
from dsr_core.domain.values import DelayMark
from dsr_core.service import commands as cmd
from dsr_core.service.caller import Caller
from dsr_core.service.registers import Registers
from dsr_projections.engine.runner import ProjectionRunner
from dsr_projections.stays.metrics import area_metrics
from tests.support import factories as f
from tests.support.stages import accepted

BY = Caller.of(f.LEAD)


def play_case(app: Registers) -> UUID:
    person_id = accepted(app)

    def run(command: cmd.Command) -> None:
        app.execute(person_id, command, BY)

    run(f.admission(date(2025, 1, 20), hospital="Hospital A"))
    run(cmd.Discharge(discharged_on=date(2025, 2, 10), destination="another_mh_ld_bed"))
    run(f.admission(date(2025, 2, 10), hospital="Hospital B"))
    run(cmd.MarkReadyForDischarge(ready_on=date(2025, 3, 1)))
    run(cmd.RecordDischargeDelay(recorded_on=date(2025, 3, 1), delay_reason="04"))
    run(cmd.RecordDischargeDelay(recorded_on=date(2025, 3, 15), delay_reason="18"))
    return person_id


def test_a_transfer_keeps_the_stay_and_the_inpatient_rating(app: Registers) -> None:
    person_id = play_case(app)
    person = app.get_person(person_id)
    stay = person.admission
    assert stay is not None
    assert stay.admission_type is AdmissionType.TRANSFER
    assert stay.total_stay_started_on == date(2025, 1, 20)
    assert person.rating is not None and person.rating.level == "blue"
    assert person.rating_since == date(2025, 1, 20)  # the transfer did not restart it
    assert delayed_days_by_reason(stay.delay_marks, date(2025, 4, 1)) == {"04": 14, "18": 17}


def test_the_hand_worked_case_by_the_length_of_stay_model(
    app: Registers, runner: ProjectionRunner
) -> None:
    person_id = play_case(app)
    app.execute(
        person_id,
        cmd.Discharge(
            discharged_on=date(2025, 4, 1), destination="supported_housing", rating=f.rating("red")
        ),
        BY,
    )
    app.execute(person_id, f.admission(date(2025, 6, 1), hospital="Hospital A"), BY)
    stay = app.get_person(person_id).admission
    assert stay is not None and stay.admission_type is AdmissionType.READMISSION_WITHIN_12_MONTHS
    runner.catch_up()
    quarter = area_metrics(runner.db, f.ENGLISH_AREA, date(2025, 1, 1), date(2025, 3, 31))
    assert quarter["admissions_by_type"] == {
        "first": 1,
        "readmission_within_12_months": 0,
        "transfer": 1,
    }
    assert quarter["delayed_discharge"]["bed_days_by_reason"] == {"04": 14, "18": 17}  # type: ignore[index]
    assert quarter["inpatients_at_end"]["median_days"] == 70  # type: ignore[index]  # 20 Jan-31 Mar
    march_15_on = area_metrics(runner.db, f.ENGLISH_AREA, date(2025, 3, 15), date(2025, 3, 31))
    assert march_15_on["delayed_discharge"]["bed_days_by_reason"] == {"18": 17}  # type: ignore[index]
    april = area_metrics(runner.db, f.ENGLISH_AREA, date(2025, 4, 1), date(2025, 6, 30))
    assert april["discharges"]["median_days"] == 71  # type: ignore[index]  # the total stay
    assert april["admissions_by_type"]["readmission_within_12_months"] == 1  # type: ignore[index]


def test_no_longer_ready_stops_the_delay_and_its_reason() -> None:
    marks = (
        DelayMark(on=date(2025, 3, 1), ready=True),
        DelayMark(on=date(2025, 3, 1), reason="04"),
        DelayMark(on=date(2025, 3, 11), ready=False),
        DelayMark(on=date(2025, 3, 21), ready=True),
    )
    # 10 days 04; 10 not delayed; from 21 Mar ready again with no reason yet
    assert delayed_days_by_reason(marks, date(2025, 4, 1)) == {"04": 10, "not_recorded": 11}


@pytest.mark.parametrize(
    ("admitted_on", "expected"),
    [
        (date(2025, 4, 1), AdmissionType.READMISSION_WITHIN_12_MONTHS),
        (date(2026, 4, 1), AdmissionType.READMISSION_WITHIN_12_MONTHS),  # 12 calendar months
        (date(2026, 4, 2), AdmissionType.FIRST),
    ],
)
def test_readmission_is_within_12_calendar_months_of_a_discharge(
    admitted_on: date, expected: AdmissionType
) -> None:
    assert (
        admission_type(admitted_on, date(2025, 4, 1), DischargeDestination.SUPPORTED_HOUSING)
        is expected
    )


def test_a_transfer_may_not_take_a_new_rating_and_the_record_wins_over_a_wrong_type(
    app: Registers,
) -> None:
    person_id = accepted(app)
    app.execute(person_id, f.admission(date(2025, 1, 20)), BY)
    with pytest.raises(InpatientRatingError):
        app.execute(
            person_id,
            cmd.Discharge(
                discharged_on=date(2025, 2, 10),
                destination="another_mh_ld_bed",
                rating=f.rating("red"),
            ),
            BY,
        )
    app.execute(
        person_id,
        cmd.Discharge(discharged_on=date(2025, 2, 10), destination="another_mh_ld_bed"),
        BY,
    )
    with pytest.raises(InvalidInputError, match="transfer"):
        app.execute(person_id, f.admission(date(2025, 2, 10), admission_type="first"), BY)


def test_a_transfer_from_a_bed_not_on_the_record_keeps_its_earlier_start(app: Registers) -> None:
    """A long-stay inpatient referred years after admission: the stay began before dsr."""
    person_id = accepted(app)
    app.execute(
        person_id,
        f.admission(date(2025, 1, 20), admission_type="transfer", stay_started_on=date(2014, 6, 1)),
        BY,
    )
    stay = app.get_person(person_id).admission
    assert stay is not None and stay.total_stay_started_on == date(2014, 6, 1)
    with pytest.raises(DateOrderError):
        app.execute(
            accepted(app, seed=2),
            f.admission(
                date(2025, 1, 20), admission_type="transfer", stay_started_on=date(2025, 2, 1)
            ),
            BY,
        )
