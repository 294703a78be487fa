"""Deadlines to the calendar day (issue 12): months are calendar months with the
end-of-month rule, weeks and days exact; ages on the day that decides the cadence."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from dsr_core.domain.dates import add_months, birthday
from dsr_core.person.cadence_policy import CadencePolicy
from dsr_core.person.cadences import DueKind, due_reviews
from dsr_core.service import commands as cmd
from dsr_core.service.caller import Caller
from dsr_core.service.registers import Registers
from tests.support import factories as f
from tests.support.stages import accepted

LAST_DAY = {1: 31, 3: 31, 4: 30, 5: 31, 6: 30, 7: 31, 8: 31, 9: 30, 10: 31, 11: 30, 12: 31}


def last_day(year: int, month: int) -> int:
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return LAST_DAY[month]


days = st.dates(min_value=date(1950, 1, 1), max_value=date(2090, 12, 31))


@given(days, st.integers(min_value=0, max_value=240))
def test_a_month_later_is_the_same_day_or_the_months_last(start: date, months: int) -> None:
    later = add_months(start, months)
    assert (later.year * 12 + later.month) - (start.year * 12 + start.month) == months
    assert later.day == min(start.day, last_day(later.year, later.month))
    assert later >= start


@given(days)
def test_no_cadence_is_due_before_its_obligation_began(start: date) -> None:
    for months in (1, 3, 6, 12):
        assert add_months(start, months) > start


def test_hand_worked_month_ends_and_leap_years() -> None:
    assert add_months(date(2025, 3, 1), 6) == date(2025, 9, 1)
    assert add_months(date(2025, 8, 31), 6) == date(2026, 2, 28)
    assert add_months(date(2027, 8, 31), 6) == date(2028, 2, 29)  # a leap year
    assert add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert add_months(date(2025, 11, 30), 3) == date(2026, 2, 28)
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert birthday(date(2008, 2, 29), 18) == date(2026, 3, 1)  # a common year
    assert birthday(date(2008, 2, 29), 20) == date(2028, 2, 29)


def due(app: Registers, person_id: object) -> dict[str, date]:
    person = app.get_person(person_id)  # type: ignore[arg-type]
    return {str(d.kind): d.due_on for d in due_reviews(person, CadencePolicy())}


def cetr(app: Registers, person_id: object, held_on: date) -> None:
    app.execute(
        person_id,  # type: ignore[arg-type]
        cmd.RecordReview(kind="cetr", held_on=held_on, outcome="held"),
        Caller.of(f.LEAD),
    )


def test_a_repeat_cetr_after_31_august_falls_on_the_last_day_of_february(
    app: Registers, clock: f.FakeClock
) -> None:
    clock.now = clock.now.replace(year=2025, month=9, day=30)
    person_id = accepted(app)
    app.execute(person_id, f.admission(), Caller.of(f.LEAD))
    cetr(app, person_id, date(2025, 8, 31))
    assert due(app, person_id)["repeat_cetr"] == date(2026, 2, 28)


def test_a_seventeen_year_old_moves_to_adult_cadences_after_the_18th_birthday(
    app: Registers, clock: f.FakeClock
) -> None:
    """Admitted at 17 (14 days for the first C(E)TR); a C(E)TR held before the birthday is
    repeated in 3 months, one held after it in 6."""
    clock.now = clock.now.replace(year=2025, month=9, day=30)
    person_id = accepted(app, date_of_birth=date(2007, 5, 15))  # 18 on 15 May 2025
    app.execute(person_id, f.admission(admitted_on=date(2025, 2, 10)), Caller.of(f.LEAD))
    assert due(app, person_id)["post_admission_cetr"] == date(2025, 2, 24)  # 17 on admission
    cetr(app, person_id, date(2025, 2, 20))
    assert due(app, person_id)["repeat_cetr"] == date(2025, 5, 20)  # a child's 3 months
    cetr(app, person_id, date(2025, 5, 20))  # now 18
    assert due(app, person_id)["repeat_cetr"] == date(2025, 11, 20)  # an adult's 6 months


def test_consider_removal_after_three_calendar_months_of_green(app: Registers) -> None:
    person_id = accepted(app, level="green")  # Green since 14 January 2025
    assert due(app, person_id)["consider_removal"] == date(2025, 4, 14)


def test_an_overdue_action_surfaces_until_it_is_done(app: Registers) -> None:
    person_id = accepted(app)
    review = app.execute(
        person_id,
        cmd.RecordReview(
            kind="mdt",
            held_on=date(2025, 2, 1),
            outcome="Plan",
            actions=[
                cmd.NewAction(description="Housing", owner="SW", due_on=date(2025, 3, 1)),
                cmd.NewAction(description="Funding", owner="ICB", due_on=date(2025, 3, 1)),
            ],
        ),
        Caller.of(f.LEAD),
    )
    person = app.get_person(person_id)
    actions = [d for d in due_reviews(person, CadencePolicy()) if d.kind is DueKind.ACTION]
    assert [(d.due_on, d.since) for d in actions] == [(date(2025, 3, 1), date(2025, 2, 1))] * 2
    assert len({d.key for d in actions}) == 2  # one reminder each
    first = f"{review.extra['review_id']}.1"
    app.execute(
        person_id,
        cmd.CompleteAction(action_id=first, completed_on=date(2025, 3, 5)),
        Caller.of(f.LEAD),
    )
    person = app.get_person(person_id)
    left = [d.ref for d in due_reviews(person, CadencePolicy()) if d.kind is DueKind.ACTION]
    assert left == [f"{review.extra['review_id']}.2"]
