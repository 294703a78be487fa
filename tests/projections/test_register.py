from datetime import date

from dsr_core.service import commands as cmd
from dsr_core.service.caller import Caller
from dsr_core.service.registers import Registers
from dsr_projections.engine.runner import ProjectionRunner
from dsr_projections.register.queries import RegisterQuery, query_register
from tests.support import factories as f
from tests.support.stages import accepted, admitted, referred

TODAY = date(2025, 9, 1)


def register(runner: ProjectionRunner, **filters: object) -> list[dict[str, object]]:
    runner.catch_up()
    query = RegisterQuery(areas=[f.ENGLISH_AREA, f.SCOTTISH_AREA], today=TODAY, **filters)  # type: ignore[arg-type]
    return query_register(runner.db, query).items


def test_an_admitted_person_shows_blue_in_hospital_with_the_next_review(
    app: Registers, runner: ProjectionRunner
) -> None:
    person_id = admitted(app)
    app.execute(person_id, cmd.TellReferrer(told_on=date(2025, 1, 15)), Caller.of(f.LEAD))
    (row,) = register(runner)
    assert row["person_id"] == str(person_id)
    assert (row["rating"], row["setting"], row["admitted_on"]) == (
        "blue",
        "in_hospital",
        "2025-02-10",
    )
    # the monthly register review (accepted 14 January + 1 month) is the earliest due item
    assert (row["next_review_kind"], row["next_review_due"]) == ("register_review", "2025-02-14")
    assert row["overdue"] is True
    assert row["days_in_setting"] == (TODAY - date(2025, 2, 10)).days


def test_removed_and_withdrawn_people_leave_the_register(
    app: Registers, runner: ProjectionRunner
) -> None:
    stays = accepted(app, seed=1)
    leaves = accepted(app, seed=2)
    withdraws = accepted(app, seed=3)
    app.execute(
        leaves, cmd.Remove(removed_on=date(2025, 3, 1), reason_code="stable"), Caller.of(f.LEAD)
    )
    app.execute(withdraws, cmd.WithdrawConsent(withdrawn_on=date(2025, 3, 1)), Caller.of(f.LEAD))
    assert [r["person_id"] for r in register(runner)] == [str(stays)]


def test_the_register_filters_by_rating_setting_and_overdue(
    app: Registers, runner: ProjectionRunner
) -> None:
    admitted(app, seed=1)
    accepted(app, seed=2, level="green")
    referred(app, seed=3)
    assert len(register(runner)) == 3
    assert [r["rating"] for r in register(runner, rating="green")] == ["green"]
    assert [r["setting"] for r in register(runner, setting="in_hospital")] == ["in_hospital"]
    assert [r["status"] for r in register(runner, status="referred")] == ["referred"]
    assert len(register(runner, overdue=True)) == 3


def test_pages_follow_a_stable_order_without_repeats(
    app: Registers, runner: ProjectionRunner
) -> None:
    ids = {str(referred(app, seed=n)) for n in range(1, 8)}
    runner.catch_up()
    seen: list[str] = []
    cursor = None
    while True:
        page = query_register(
            runner.db, RegisterQuery(areas=[f.ENGLISH_AREA], today=TODAY, limit=3, cursor=cursor)
        )
        seen += [str(r["person_id"]) for r in page.items]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert len(seen) == 7 and set(seen) == ids


def test_a_query_without_areas_sees_nothing(app: Registers, runner: ProjectionRunner) -> None:
    referred(app)
    runner.catch_up()
    assert query_register(runner.db, RegisterQuery(areas=[], today=TODAY)).items == []


def test_other_areas_are_not_shown(app: Registers, runner: ProjectionRunner) -> None:
    referred(app, area=f.SCOTTISH_AREA, actor=f.SCOTTISH_LEAD)
    runner.catch_up()
    assert query_register(runner.db, RegisterQuery(areas=[f.ENGLISH_AREA], today=TODAY)).items == []
