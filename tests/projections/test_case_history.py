"""Each read model against values worked out by hand for the journey in case_history.py."""

from datetime import date

import pytest

from dsr_core.service.registers import Registers
from dsr_projections.audit.trail import verify
from dsr_projections.audit.trail_queries import person_trail
from dsr_projections.engine.runner import ProjectionRunner
from dsr_projections.register.queries import RegisterQuery, query_register
from dsr_projections.stays.metrics import area_metrics
from tests.support import factories as f
from tests.support.case_history import EVENT_TYPES, play

TODAY = date(2025, 9, 30)


def register_rows(runner: ProjectionRunner) -> list[dict[str, object]]:
    runner.catch_up()
    return query_register(runner.db, RegisterQuery(areas=[f.ENGLISH_AREA], today=TODAY)).items


def test_the_register_while_the_discharge_is_delayed(
    app: Registers, runner: ProjectionRunner, clock: f.FakeClock
) -> None:
    play(app, clock, until="delayed")
    (row,) = register_rows(runner)
    assert (row["status"], row["rating"], row["rating_since"]) == (
        "on_register",
        "blue",
        "2025-02-10",
    )
    assert (row["setting"], row["setting_since"], row["days_in_setting"]) == (
        "in_hospital",
        "2025-02-10",
        232,
    )
    assert (row["ready_for_discharge_on"], row["delay_reason"]) == (
        "2025-04-01",
        "18",
    )
    assert (row["last_review_kind"], row["last_review_on"]) == ("cetr", "2025-03-01")
    # Due then: register review 14 Feb (14 Jan + 1 month), action-plan review 24 May
    # (1 Mar + 12 weeks), repeat C(E)TR 1 Sep (1 Mar + 6 months); no commissioner's visit,
    # the hospital being in area. The earliest is shown, overdue by 30 September.
    assert (row["next_review_kind"], row["next_review_due"], row["overdue"]) == (
        "register_review",
        "2025-02-14",
        True,
    )


def test_the_register_after_discharge_and_green(
    app: Registers, runner: ProjectionRunner, clock: f.FakeClock
) -> None:
    play(app, clock, until="green")
    (row,) = register_rows(runner)
    assert (row["rating"], row["rating_since"], row["setting"]) == (
        "green",
        "2025-06-20",
        "community_at_risk",
    )
    assert row["admitted_on"] is None and row["delay_reason"] is None


def test_the_removed_person_has_left_the_register(
    app: Registers, runner: ProjectionRunner, clock: f.FakeClock
) -> None:
    play(app, clock)
    assert register_rows(runner) == []


def test_the_audit_trail_holds_the_whole_journey_in_order(
    app: Registers, runner: ProjectionRunner, clock: f.FakeClock
) -> None:
    person_id = play(app, clock)
    runner.catch_up()
    trail = person_trail(runner.db, person_id)
    assert [r["event_type"] for r in trail] == EVENT_TYPES
    assert [r["effective_on"] for r in trail][-3:] == ["2025-05-20", "2025-06-20", "2025-09-25"]
    assert {r["recorded_at"][:10] for r in trail} == {"2025-09-30"}
    assert list(verify(runner.db, app)) == []


@pytest.mark.parametrize("batch_size", [2000, 1])
def test_length_of_stay_for_the_first_half_of_2025(
    app: Registers, runner: ProjectionRunner, clock: f.FakeClock, batch_size: int
) -> None:
    """In one batch, and with every event a batch of its own (the Amber and Red spells
    then come from the table, not from the batch that admits)."""
    play(app, clock)
    runner.batch_size = batch_size
    runner.catch_up()
    m = area_metrics(runner.db, f.ENGLISH_AREA, date(2025, 1, 1), date(2025, 6, 30))
    assert m["admissions"] == 1
    # 10 Feb to 20 May: 18 + 31 + 30 + 20 = 99 days
    assert m["discharges"] == {"count": 1, "median_days": 99, "mean_days": 99.0}
    assert m["bed_days"] == 99
    # ready 1 April, discharged 20 May: 30 April days + 19 May days = 49 delayed days; the
    # reason 18 was recorded from 15 April, so each day goes to the reason in force that
    # day (issue 13): 1-14 April none recorded (14), 15 April-19 May 18 (16 + 19 = 35)
    assert m["delayed_discharge"] == {
        "people_delayed_at_end": 0,
        "bed_days_by_reason": {"18": 35, "not_recorded": 14},
    }
    assert m["proactivity"] == {
        "admissions_on_register_before": 1,
        "admissions_added_at_or_after": 0,
        "share_on_register_before": 1.0,
        # Amber 14 Jan to 1 Feb (18 days) + Red 1 Feb to 10 Feb (9 days)
        "mean_days_amber_or_red_before_admission": 27.0,
    }
    assert m["referral_to_acceptance"] == {"count": 1, "median_days": 4, "mean_days": 4.0}


def test_length_of_stay_for_the_first_quarter_counts_the_open_episode(
    app: Registers, runner: ProjectionRunner, clock: f.FakeClock
) -> None:
    play(app, clock)
    runner.catch_up()
    m = area_metrics(runner.db, f.ENGLISH_AREA, date(2025, 1, 1), date(2025, 3, 31))
    inpatients = m["inpatients_at_end"]
    assert isinstance(inpatients, dict)
    # in hospital on 31 March for 49 days: the 0-3 months band
    assert (inpatients["count"], inpatients["median_days"]) == (1, 49)
    assert inpatients["bands"]["0-3 months"] == 1
    assert m["bed_days"] == 50  # 10 February to 31 March inclusive
    assert m["discharges"] == {"count": 0, "median_days": None, "mean_days": None}
