"""Handlers of the commands of retention: each turns its command into the Person's
method call, and names other aggregates to save with it."""

from __future__ import annotations

from dsr_core.domain.codes import ErasureRule
from dsr_core.person.aggregate import Person
from dsr_core.service import commands as cmd
from dsr_core.service.handlers.base import HandlerContext, handles


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
