"""One realistic journey, entered through the application, used by several read-model tests.

England, area E54000048, a made-up adult born 2 April 1990:
  10 Jan referred · 11 Jan consent · 14 Jan accepted Amber · 1 Feb Red · 10 Feb admitted
  1 Mar C(E)TR (action due 1 Apr) · 1 Apr clinically ready · 15 Apr delay: awaiting housing
  20 May discharged to supported housing, Red · 20 Jun Green · 25 Sep removed (stable)
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from uuid import UUID

from dsr_core.service import commands as cmd
from dsr_core.service.caller import Caller
from dsr_core.service.registers import Registers
from tests.support import factories as f

Step = Callable[[Registers, UUID], object]

STEPS: list[tuple[str, Step]] = [
    ("consent", lambda app, pid: app.execute(pid, f.consent(date(2025, 1, 11)), Caller.of(f.LEAD))),
    (
        "amber",
        lambda app, pid: app.execute(
            pid,
            cmd.Accept(accepted_on=date(2025, 1, 14), rating=f.rating("amber")),
            Caller.of(f.LEAD),
        ),
    ),
    (
        "referrer told",
        lambda app, pid: app.execute(
            pid, cmd.TellReferrer(told_on=date(2025, 1, 15)), Caller.of(f.LEAD)
        ),
    ),
    (
        "red",
        lambda app, pid: app.execute(
            pid,
            cmd.ChangeRating(
                changed_on=date(2025, 2, 1),
                rating=f.rating("red"),
                reason="Placement breaking down",
                risk_factors=["placement_breakdown"],
            ),
            Caller.of(f.LEAD),
        ),
    ),
    (
        "admitted",
        lambda app, pid: app.execute(pid, f.admission(date(2025, 2, 10)), Caller.of(f.LEAD)),
    ),
    (
        "cetr",
        lambda app, pid: app.execute(
            pid,
            cmd.RecordReview(
                kind="cetr",
                held_on=date(2025, 3, 1),
                outcome="Plan discharge",
                actions=[
                    {
                        "description": "Find housing",
                        "owner": "Social worker",
                        "due_on": date(2025, 4, 1),
                    }
                ],
            ),
            Caller.of(f.LEAD),
        ),
    ),
    (
        "ready",
        lambda app, pid: app.execute(
            pid, cmd.MarkReadyForDischarge(ready_on=date(2025, 4, 1)), Caller.of(f.LEAD)
        ),
    ),
    (
        "delayed",
        lambda app, pid: app.execute(
            pid,
            cmd.RecordDischargeDelay(recorded_on=date(2025, 4, 15), delay_reason="18"),
            Caller.of(f.LEAD),
        ),
    ),
    (
        "discharged",
        lambda app, pid: app.execute(
            pid,
            cmd.Discharge(
                discharged_on=date(2025, 5, 20),
                destination="supported_housing",
                rating=f.rating("red"),
            ),
            Caller.of(f.LEAD),
        ),
    ),
    (
        "green",
        lambda app, pid: app.execute(
            pid,
            cmd.ChangeRating(
                changed_on=date(2025, 6, 20), rating=f.rating("green"), reason="Settled at home"
            ),
            Caller.of(f.LEAD),
        ),
    ),
    (
        "removed",
        lambda app, pid: app.execute(
            pid, cmd.Remove(removed_on=date(2025, 9, 25), reason_code="stable"), Caller.of(f.LEAD)
        ),
    ),
]

EVENT_TYPES = [
    "Referred",
    "ConsentRecorded",
    "Accepted",
    "ReferrerTold",
    "RatingChanged",
    "Admitted",
    "ReviewHeld",
    "ReadyForDischarge",
    "DischargeDelayed",
    "Discharged",
    "RatingChanged",
    "Removed",
]


def play(app: Registers, clock: f.FakeClock, until: str | None = None, seed: int = 1) -> UUID:
    """Enter the journey (all typed in on 30 September 2025), stopping after `until`."""
    clock.now = datetime(2025, 9, 30, 12, tzinfo=UTC)
    person_id = app.execute(
        None, f.referral(referred_on=date(2025, 1, 10), seed=seed), Caller.of(f.LEAD)
    ).person_id
    for name, step in STEPS:
        step(app, person_id)
        if name == until:
            break
    return person_id
