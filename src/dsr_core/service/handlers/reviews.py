"""Handlers of the commands of reviews and the standing action plan: each turns its command
into the Person's method call, and names other aggregates to save with it."""

from __future__ import annotations

from dsr_core.person.aggregate import Person
from dsr_core.service import commands as cmd
from dsr_core.service.handlers.base import HandlerContext, Outcome, handles


@handles(cmd.OfferCetr)
def offer_cetr(person: Person, c: cmd.OfferCetr, ctx: HandlerContext) -> None:
    person.offer_cetr(offered_on=c.offered_on, kind=c.kind, by=ctx.stamp)


@handles(cmd.DeclineCetr)
def decline_cetr(person: Person, c: cmd.DeclineCetr, ctx: HandlerContext) -> None:
    person.decline_cetr(declined_on=c.declined_on, note=c.note, by=ctx.stamp)


@handles(cmd.ChangeActionStatus)
def change_action_status(person: Person, c: cmd.ChangeActionStatus, ctx: HandlerContext) -> None:
    person.change_action_status(
        action_id=c.action_id, status=c.status, changed_on=c.changed_on, note=c.note, by=ctx.stamp
    )


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
        findings=c.findings,
    )
    return Outcome(extra={"review_id": review_id})


@handles(cmd.CompleteAction)
def complete_action(person: Person, c: cmd.CompleteAction, ctx: HandlerContext) -> None:
    person.complete_action(
        action_id=c.action_id, completed_on=c.completed_on, note=c.note, by=ctx.stamp
    )
