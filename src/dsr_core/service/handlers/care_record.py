"""Handlers of the commands of the care record: each turns its command into the Person's
method call, and names other aggregates to save with it."""

from __future__ import annotations

from dsr_core.domain.care_record import Professional, Views
from dsr_core.person.aggregate import Person
from dsr_core.service import commands as cmd
from dsr_core.service.handlers.base import HandlerContext, Outcome, handles


@handles(cmd.ReferToService)
def refer_to_service(person: Person, c: cmd.ReferToService, ctx: HandlerContext) -> None:
    person.refer_to_service(service=c.service, requested_on=c.requested_on, by=ctx.stamp)


@handles(cmd.StartService)
def start_service(person: Person, c: cmd.StartService, ctx: HandlerContext) -> None:
    person.start_service(service=c.service, started_on=c.started_on, by=ctx.stamp)


@handles(cmd.RecordEhcPlan)
def record_ehc_plan(person: Person, c: cmd.RecordEhcPlan, ctx: HandlerContext) -> None:
    person.record_ehc_plan(has_plan=c.has_plan, recorded_on=c.recorded_on, by=ctx.stamp)


@handles(cmd.RecordViews)
def record_views(person: Person, c: cmd.RecordViews, ctx: HandlerContext) -> None:
    views = Views(person=c.person, family=c.family)
    person.record_views(
        views=views, recorded_on=c.recorded_on, supporters=c.supporters, by=ctx.stamp
    )


@handles(cmd.RecordRiskFactors)
def record_risk_factors(person: Person, c: cmd.RecordRiskFactors, ctx: HandlerContext) -> None:
    person.record_risk_factors(
        risk_factors=c.risk_factors, recorded_on=c.recorded_on, note=c.note, by=ctx.stamp
    )


@handles(cmd.RecordRiskManagement)
def record_risk_management(
    person: Person, c: cmd.RecordRiskManagement, ctx: HandlerContext
) -> None:
    person.record_risk_management(
        risk_factor=c.risk_factor,
        recorded_on=c.recorded_on,
        involvement_id=c.involvement_id,
        action_id=c.action_id,
        note=c.note,
        by=ctx.stamp,
    )


@handles(cmd.RecordSafeguardingNote)
def record_safeguarding_note(
    person: Person, c: cmd.RecordSafeguardingNote, ctx: HandlerContext
) -> Outcome:
    note_id = person.record_safeguarding_note(
        kind=c.kind, note=c.note, recorded_on=c.recorded_on, by=ctx.stamp
    )
    return Outcome(extra={"note_id": note_id})


@handles(cmd.AssignProfessional)
def assign_professional(person: Person, c: cmd.AssignProfessional, ctx: HandlerContext) -> Outcome:
    professional = Professional(**c.model_dump(exclude={"assigned_on"}))
    involvement_id = person.assign_professional(
        professional=professional, assigned_on=c.assigned_on, by=ctx.stamp
    )
    return Outcome(extra={"involvement_id": involvement_id})


@handles(cmd.EndInvolvement)
def end_involvement(person: Person, c: cmd.EndInvolvement, ctx: HandlerContext) -> None:
    person.end_involvement(
        involvement_id=c.involvement_id, ended_on=c.ended_on, reason=c.reason, by=ctx.stamp
    )


@handles(cmd.RecordMitigation)
def record_mitigation(person: Person, c: cmd.RecordMitigation, ctx: HandlerContext) -> Outcome:
    mitigation_id = person.record_mitigation(
        kind=c.kind,
        category=c.category,
        description=c.description,
        recorded_on=c.recorded_on,
        by=ctx.stamp,
    )
    return Outcome(extra={"mitigation_id": mitigation_id})


@handles(cmd.RecordRecommendation)
def record_recommendation(
    person: Person, c: cmd.RecordRecommendation, ctx: HandlerContext
) -> Outcome:
    recommendation_id = person.record_recommendation(
        horizon=c.horizon,
        service=c.service,
        text=c.text,
        recorded_on=c.recorded_on,
        by=ctx.stamp,
    )
    return Outcome(extra={"recommendation_id": recommendation_id})


@handles(cmd.RecordNeeds)
def record_needs(person: Person, c: cmd.RecordNeeds, ctx: HandlerContext) -> None:
    person.record_needs(needs=c.needs, recorded_on=c.recorded_on, note=c.note, by=ctx.stamp)
