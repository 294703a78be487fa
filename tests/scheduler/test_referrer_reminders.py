"""The scheduler reminds a decision to the referrer whatever became of the referral."""

from __future__ import annotations

from datetime import UTC, date, datetime

from dsr_core.service import commands as cmd
from dsr_core.service.caller import Caller
from dsr_core.service.registers import Registers
from dsr_projections.engine.runner import ProjectionRunner
from dsr_scheduler.jobs import people_to_remind
from tests.support import factories as f


def on(clock: f.FakeClock, day: date) -> None:
    clock.now = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


def test_a_declined_referral_is_reminded_until_the_referrer_is_told(
    app: Registers, clock: f.FakeClock, runner: ProjectionRunner
) -> None:
    on(clock, date(2025, 1, 20))
    by = Caller.of(f.LEAD)
    person_id = app.execute(None, f.referral(referred_on=date(2025, 1, 10)), by).person_id
    app.execute(
        person_id,
        cmd.DeclineReferral(
            declined_on=date(2025, 1, 12), reason_code="criteria_not_met", reason="x"
        ),
        by,
    )
    runner.catch_up()
    # Off every list of the register, and still reminded: the referrer is owed the decline.
    assert person_id in people_to_remind(runner.db)
    on(clock, date(2025, 1, 18))  # the decision's 7-day deadline, 17 January, has passed
    assert app.remind(person_id) == [
        "Issued:tell_referrer:2025-01-12",
        "Escalated:tell_referrer:2025-01-12",
    ]
    app.execute(person_id, cmd.TellReferrer(told_on=date(2025, 1, 18)), by)
    runner.catch_up()
    assert person_id not in people_to_remind(runner.db)
    assert app.remind(person_id) == []
