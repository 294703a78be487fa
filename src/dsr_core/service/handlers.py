"""One small handler per command type: turn a validated command into the aggregate's call.

`Registers.execute` loads the person, checks the caller's scope and version, looks the
handler up by the command's *type* in `HANDLERS`, runs it, and saves once. Handlers get
primitive values across to the aggregate, so the domain never sees a request model;
what else a command must save (identity keys) or answer (a review's id) comes back as
an `Outcome`. Adding a command is a command model, a handler and one `@handles` line.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from eventsourcing.domain import Aggregate

from dsr_core.domain.care_record import Professional, Views
from dsr_core.domain.codes import DischargeDestination, ErasureRule, PlacementLocation, Status
from dsr_core.domain.errors import AreaNotAllowedError
from dsr_core.domain.geography import locate
from dsr_core.domain.values import Consent, HospitalStay, Involvement, Placement
from dsr_core.person.aggregate import Person, Stamp
from dsr_core.service import commands as cmd
from dsr_core.service.areas import AreaDirectory
from dsr_core.service.caller import Caller
from dsr_core.service.identity_keys import IdentityKeys


@dataclass(frozen=True)
class HandlerContext:
    """What a handler may use besides the person: who acts and when, area settings, keys."""

    stamp: Stamp
    areas: AreaDirectory
    identity_keys: IdentityKeys
    caller: Caller


@dataclass
class Outcome:
    """Other aggregates to save with the person, and values to add to the answer."""

    also_save: list[Aggregate] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


C = TypeVar("C", bound=cmd.Command)
Handler = Callable[[Person, C, HandlerContext], Outcome | None]
HANDLERS: dict[type[cmd.Command], Handler[Any]] = {}


def handles(kind: type[C]) -> Callable[[Handler[C]], Handler[C]]:
    """Register a handler for one command type (mypy checks the handler takes that type)."""

    def register(handler: Handler[C]) -> Handler[C]:
        if kind in HANDLERS:
            raise TypeError(f"{kind.__name__} already has a handler")
        HANDLERS[kind] = handler
        return handler

    return register


@handles(cmd.DeclineReferral)
def decline(person: Person, c: cmd.DeclineReferral, ctx: HandlerContext) -> None:
    person.decline(
        declined_on=c.declined_on, reason_code=c.reason_code, reason=c.reason, by=ctx.stamp
    )


@handles(cmd.RecordConsent)
def record_consent(person: Person, c: cmd.RecordConsent, ctx: HandlerContext) -> None:
    consent = Consent(basis=c.basis, decided_on=c.decided_on, decided_by=c.decided_by, note=c.note)
    person.record_consent(consent=consent, by=ctx.stamp)


@handles(cmd.RecordConsentRefusal)
def refuse_consent(person: Person, c: cmd.RecordConsentRefusal, ctx: HandlerContext) -> None:
    person.refuse_consent(
        decided_on=c.decided_on, decided_by=c.decided_by, note=c.note, by=ctx.stamp
    )


@handles(cmd.RecordInvolvement)
def record_involvement(person: Person, c: cmd.RecordInvolvement, ctx: HandlerContext) -> None:
    involvement = Involvement(**c.model_dump(exclude={"recorded_on"}))
    person.record_involvement(involvement=involvement, recorded_on=c.recorded_on, by=ctx.stamp)


@handles(cmd.OfferCetr)
def offer_cetr(person: Person, c: cmd.OfferCetr, ctx: HandlerContext) -> None:
    person.offer_cetr(offered_on=c.offered_on, kind=c.kind, by=ctx.stamp)


@handles(cmd.DeclineCetr)
def decline_cetr(person: Person, c: cmd.DeclineCetr, ctx: HandlerContext) -> None:
    person.decline_cetr(declined_on=c.declined_on, note=c.note, by=ctx.stamp)


@handles(cmd.ReferToService)
def refer_to_service(person: Person, c: cmd.ReferToService, ctx: HandlerContext) -> None:
    person.refer_to_service(service=c.service, requested_on=c.requested_on, by=ctx.stamp)


@handles(cmd.StartService)
def start_service(person: Person, c: cmd.StartService, ctx: HandlerContext) -> None:
    person.start_service(service=c.service, started_on=c.started_on, by=ctx.stamp)


@handles(cmd.RecordEhcPlan)
def record_ehc_plan(person: Person, c: cmd.RecordEhcPlan, ctx: HandlerContext) -> None:
    person.record_ehc_plan(has_plan=c.has_plan, recorded_on=c.recorded_on, by=ctx.stamp)


@handles(cmd.WithdrawConsent)
def withdraw_consent(person: Person, c: cmd.WithdrawConsent, ctx: HandlerContext) -> None:
    person.withdraw_consent(withdrawn_on=c.withdrawn_on, reason=c.reason, by=ctx.stamp)


@handles(cmd.RecordNationalDataObjection)
def record_objection(
    person: Person, c: cmd.RecordNationalDataObjection, ctx: HandlerContext
) -> None:
    person.record_national_data_objection(
        objects=c.objects, recorded_on=c.recorded_on, reason=c.reason, by=ctx.stamp
    )


@handles(cmd.Accept)
def accept(person: Person, c: cmd.Accept, ctx: HandlerContext) -> None:
    person.accept(accepted_on=c.accepted_on, rating=c.rating, reason=c.reason, by=ctx.stamp)


@handles(cmd.ChangeRating)
def change_rating(person: Person, c: cmd.ChangeRating, ctx: HandlerContext) -> None:
    person.change_rating(
        changed_on=c.changed_on,
        rating=c.rating,
        reason=c.reason,
        risk_factors=c.risk_factors,
        by=ctx.stamp,
    )


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


@handles(cmd.ChangeActionStatus)
def change_action_status(person: Person, c: cmd.ChangeActionStatus, ctx: HandlerContext) -> None:
    person.change_action_status(
        action_id=c.action_id, status=c.status, changed_on=c.changed_on, note=c.note, by=ctx.stamp
    )


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


@handles(cmd.AddAction)
def add_action(person: Person, c: cmd.AddAction, ctx: HandlerContext) -> Outcome:
    action_id = person.add_action(
        description=c.description,
        owner=c.owner,
        due_on=c.due_on,
        raised_on=c.raised_on,
        by=ctx.stamp,
    )
    return Outcome(extra={"action_id": action_id})


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


@handles(cmd.RecordReview)
def record_review(person: Person, c: cmd.RecordReview, ctx: HandlerContext) -> Outcome:
    review_id = person.record_review(
        kind=c.kind,
        held_on=c.held_on,
        outcome=c.outcome,
        attendees=c.attendees,
        actions=[(a.description, a.owner, a.due_on) for a in c.actions],
        by=ctx.stamp,
        panel=c.panel,
    )
    return Outcome(extra={"review_id": review_id})


@handles(cmd.CompleteAction)
def complete_action(person: Person, c: cmd.CompleteAction, ctx: HandlerContext) -> None:
    person.complete_action(
        action_id=c.action_id, completed_on=c.completed_on, note=c.note, by=ctx.stamp
    )


@handles(cmd.CorrectDetails)
def correct_details(person: Person, c: cmd.CorrectDetails, ctx: HandlerContext) -> Outcome:
    old = person.details
    person.correct_details(
        details=c.details, corrected_on=c.corrected_on, reason=c.reason, by=ctx.stamp
    )
    keys = ctx.identity_keys.move(
        person.id, (person.area, old), (person.area, c.details), ctx.stamp.recorded_at
    )
    return Outcome(also_save=list(keys))


@handles(cmd.Transfer)
def transfer(person: Person, c: cmd.Transfer, ctx: HandlerContext) -> Outcome:
    """Funding moves to another area: one the caller also acts in."""
    if not ctx.caller.may_act_in(c.to_area):
        raise AreaNotAllowedError("You can only transfer to one of your areas.")
    from_area = person.area
    person.transfer(
        to_area=c.to_area,
        to_scheme=ctx.areas.policy(c.to_area).scheme,
        transferred_on=c.transferred_on,
        reason=c.reason,
        by=ctx.stamp,
    )
    keys = ctx.identity_keys.move(
        person.id, (from_area, person.details), (c.to_area, person.details), ctx.stamp.recorded_at
    )
    return Outcome(also_save=list(keys))


@handles(cmd.Remove)
def remove(person: Person, c: cmd.Remove, ctx: HandlerContext) -> None:
    person.remove(removed_on=c.removed_on, reason_code=c.reason_code, reason=c.reason, by=ctx.stamp)


@handles(cmd.ReRefer)
def re_refer(person: Person, c: cmd.ReRefer, ctx: HandlerContext) -> None:
    person.re_refer(
        referred_on=c.referred_on,
        criteria=c.criteria,
        referred_by=c.referred_by,
        reason=c.reason,
        by=ctx.stamp,
    )


@handles(cmd.PlaceLegalHold)
def place_legal_hold(person: Person, c: cmd.PlaceLegalHold, ctx: HandlerContext) -> None:
    person.place_legal_hold(reference=c.reference, reason=c.reason, by=ctx.stamp)


@handles(cmd.LiftLegalHold)
def lift_legal_hold(person: Person, c: cmd.LiftLegalHold, ctx: HandlerContext) -> None:
    person.lift_legal_hold(reason=c.reason, by=ctx.stamp)


@handles(cmd.Erase)
def erase(person: Person, c: cmd.Erase, ctx: HandlerContext) -> None:
    person.erase(rule=ErasureRule.REQUEST, basis=c.basis, reference=c.reference, by=ctx.stamp)


@handles(cmd.EraseAtRetentionEnd)
def erase_at_retention_end(person: Person, c: cmd.EraseAtRetentionEnd, ctx: HandlerContext) -> None:
    years = ctx.areas.policy(person.area).retention_years
    person.erase(rule=ErasureRule.RETENTION, retention_years=years, by=ctx.stamp)


@handles(cmd.ReapplyErasure)
def reapply_erasure(person: Person, c: cmd.ReapplyErasure, ctx: HandlerContext) -> None:
    person.erase(rule=ErasureRule.REAPPLIED, by=ctx.stamp)
