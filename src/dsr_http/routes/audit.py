"""For auditors: a person's audit trail, one actor's actions, and who viewed a record."""

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from pydantic import AwareDatetime

from dsr_http.deps import (
    AUDITORS,
    CurrentUser,
    ServicesDep,
    record_access,
    require,
    visible_person,
    waits_for,
)
from dsr_http.problems import RESPONSES
from dsr_projections.audit import actor_trail, person_trail

router = APIRouter(prefix="/v1/audit", tags=["audit"], responses=RESPONSES)


@router.get("/persons/{person_id}", operation_id="getAuditTrail")
def audit_trail(
    person_id: UUID,
    request: Request,
    principal: CurrentUser,
    services: ServicesDep,
    _: Annotated[bool, Depends(waits_for("audit"))] = True,
) -> list[dict[str, Any]]:
    """The hash-chained audit rows for one person, in order."""
    require(principal, AUDITORS)
    person = visible_person(services, principal, person_id)
    record_access(request, services, principal, "audit", [person_id], person.area)
    return person_trail(services.db, person_id)


@router.get("/actors/{actor_id}", operation_id="getActorTrail")
def actor_actions(
    actor_id: str,
    request: Request,
    since: AwareDatetime,
    until: AwareDatetime,
    principal: CurrentUser,
    services: ServicesDep,
) -> list[dict[str, Any]]:
    """What one user recorded in a time range, in your areas."""
    require(principal, AUDITORS)
    rows = actor_trail(services.db, actor_id, since, until, areas=sorted(principal.areas))
    record_access(request, services, principal, "actor-trail", {r["person_id"] for r in rows})
    return rows


@router.get("/persons/{person_id}/access", operation_id="getAccessLog")
def access_log(
    person_id: UUID, request: Request, principal: CurrentUser, services: ServicesDep
) -> list[dict[str, Any]]:
    """Who viewed this person's record, and when."""
    require(principal, AUDITORS)
    person = visible_person(services, principal, person_id)
    rows = services.access_log.for_person(person_id)
    record_access(request, services, principal, "access-log", [person_id], person.area)
    return rows
