"""Handlers of the commands of a hospital stay and where the person lives: each turns its
command into the Person's method call, and names other aggregates to save with it."""

from __future__ import annotations

from dsr_core.domain.codes import DischargeDestination, PlacementLocation, Status
from dsr_core.domain.geography import locate
from dsr_core.domain.values import HospitalStay, Placement
from dsr_core.person.aggregate import Person
from dsr_core.service import commands as cmd
from dsr_core.service.handlers.base import HandlerContext, handles


@handles(cmd.Admit)
def admit(person: Person, c: cmd.Admit, ctx: HandlerContext) -> None:
    person.admit(stay=HospitalStay(**c.model_dump()), by=ctx.stamp)


@handles(cmd.MarkReadyForDischarge)
def mark_ready(person: Person, c: cmd.MarkReadyForDischarge, ctx: HandlerContext) -> None:
    person.mark_ready_for_discharge(ready_on=c.ready_on, by=ctx.stamp)


@handles(cmd.RecordDischargeDelay)
def record_delay(person: Person, c: cmd.RecordDischargeDelay, ctx: HandlerContext) -> None:
    person.record_discharge_delay(
        recorded_on=c.recorded_on, delay_reason=c.delay_reason, note=c.note, by=ctx.stamp
    )


@handles(cmd.Discharge)
def discharge(person: Person, c: cmd.Discharge, ctx: HandlerContext) -> None:
    """An area may set the rating given on discharge when none is entered (domain rules)."""
    rating = c.rating
    transfer = c.destination is DischargeDestination.ANOTHER_MH_LD_BED
    if rating is None and person.status is Status.ON_REGISTER and not transfer:
        rating = ctx.areas.policy(person.area).post_discharge_rating
    person.discharge(
        discharged_on=c.discharged_on, destination=c.destination, rating=rating, by=ctx.stamp
    )


@handles(cmd.ChangePlacement)
def change_placement(person: Person, c: cmd.ChangePlacement, ctx: HandlerContext) -> None:
    """Out of area is decided at the register area's geography (geography.py)."""
    location = locate(person.area, c.placement_area, ctx.areas.local_authorities())
    placement = Placement(
        **c.model_dump(exclude={"needs"}),
        needs=c.needs,
        out_of_area=location is not PlacementLocation.IN_AREA,
        location=location,
    )
    person.change_placement(placement=placement, by=ctx.stamp)


@handles(cmd.ChangeLegalStatus)
def change_legal_status(person: Person, c: cmd.ChangeLegalStatus, ctx: HandlerContext) -> None:
    person.change_legal_status(
        changed_on=c.changed_on,
        legal_status=c.legal_status,
        detained_under=c.detained_under,
        by=ctx.stamp,
    )


@handles(cmd.SetPlannedDischargeDate)
def set_planned_discharge_date(
    person: Person, c: cmd.SetPlannedDischargeDate, ctx: HandlerContext
) -> None:
    person.set_planned_discharge_date(
        planned_on=c.planned_on, recorded_on=c.recorded_on, reason=c.reason, by=ctx.stamp
    )


@handles(cmd.ScoreDischargePlan)
def score_discharge_plan(person: Person, c: cmd.ScoreDischargePlan, ctx: HandlerContext) -> None:
    """The item list is the area's setting (default: docs/domain.md's 12 items)."""
    person.score_discharge_plan(
        scores=c.scores,
        items=ctx.areas.policy(person.area).discharge_plan_items,
        recorded_on=c.recorded_on,
        note=c.note,
        by=ctx.stamp,
    )


@handles(cmd.RecordDischargeBarriers)
def record_barriers(person: Person, c: cmd.RecordDischargeBarriers, ctx: HandlerContext) -> None:
    person.record_discharge_barriers(
        barriers=c.barriers, recorded_on=c.recorded_on, note=c.note, by=ctx.stamp
    )


@handles(cmd.MarkNoLongerReady)
def mark_no_longer_ready(person: Person, c: cmd.MarkNoLongerReady, ctx: HandlerContext) -> None:
    person.mark_no_longer_ready(on=c.no_longer_ready_on, reason=c.reason, by=ctx.stamp)
