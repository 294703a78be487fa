"""Handlers of the commands of referral and lawful basis: each turns its command into the Person's
method call, and names other aggregates to save with it."""

from __future__ import annotations

from dsr_core.domain.errors import AreaNotAllowedError
from dsr_core.domain.values import Consent, Involvement
from dsr_core.person.aggregate import Person
from dsr_core.service import commands as cmd
from dsr_core.service.handlers.base import HandlerContext, Outcome, handles


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


@handles(cmd.KeepOnRegister)
def keep_on_register(person: Person, c: cmd.KeepOnRegister, ctx: HandlerContext) -> None:
    person.keep_on_register(
        decided_on=c.decided_on, reason=c.reason, unmanaged_risk=c.unmanaged_risk, by=ctx.stamp
    )


@handles(cmd.TellReferrer)
def tell_referrer(person: Person, c: cmd.TellReferrer, ctx: HandlerContext) -> None:
    person.tell_referrer(told_on=c.told_on, note=c.note, by=ctx.stamp)


@handles(cmd.GrantEmergencyAccess)
def grant_emergency_access(
    person: Person, c: cmd.GrantEmergencyAccess, ctx: HandlerContext
) -> Outcome:
    minutes = ctx.areas.policy(person.area).emergency_access_minutes
    expires = person.grant_emergency_access(
        reason_code=c.reason_code, reason=c.reason, minutes=minutes, by=ctx.stamp
    )
    return Outcome(extra={"expires_at": expires})


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
        referral_reason=c.referral_reason,
        referrer_type=c.referrer_type,
    )
