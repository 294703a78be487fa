"""For auditors: a person's audit trail, one actor's actions, and who viewed a record."""

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends
from pydantic import AwareDatetime

from dsr_http.deps import (
    AccessLogDep,
    Auditors,
    ReadsDep,
    RegistersDep,
    ViewsDep,
    visible_person,
    waits_for,
)
from dsr_http.problems import RESPONSES
from dsr_projections.audit.trail import actor_trail, opened_trail

router = APIRouter(prefix="/v1/audit", tags=["audit"], responses=RESPONSES)


@router.get("/persons/{person_id}", operation_id="getAuditTrail")
def audit_trail(
    person_id: UUID,
    principal: Auditors,
    registers: RegistersDep,
    views: ViewsDep,
    reads: ReadsDep,
    _: Annotated[bool, Depends(waits_for("audit"))] = True,
) -> list[dict[str, Any]]:
    """The hash-chained audit rows for one person, in order. Rows hold no personal value
    (erasure changes nothing in them); `opened` shows the reason and changes as recorded,
    read with the person's key while it exists."""
    person = visible_person(registers, principal, person_id)
    reads.record("audit", [person_id], person.area)
    return opened_trail(views, registers, person_id)


@router.get("/actors/{actor_id}", operation_id="getActorTrail")
def actor_actions(
    actor_id: str,
    since: AwareDatetime,
    until: AwareDatetime,
    principal: Auditors,
    views: ViewsDep,
    reads: ReadsDep,
) -> list[dict[str, Any]]:
    """What one user recorded in a time range, in your areas."""
    rows = actor_trail(views, actor_id, since, until, areas=sorted(principal.areas))
    reads.record("actor-trail", {r["person_id"] for r in rows})
    return rows


@router.get("/persons/{person_id}/access", operation_id="getAccessLog")
def access_log(
    person_id: UUID,
    principal: Auditors,
    registers: RegistersDep,
    access: AccessLogDep,
    reads: ReadsDep,
) -> list[dict[str, Any]]:
    """Who viewed this person's record, and when."""
    person = visible_person(registers, principal, person_id)
    rows = access.for_person(person_id)
    reads.record("access-log", [person_id], person.area)
    return rows
