"""For auditors: a person's audit trail, one actor's actions, and who viewed a record."""

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends
from pydantic import AwareDatetime

from dsr_http.deps import AUDITORS, CurrentUser, ServicesDep, require, visible_person, waits_for
from dsr_http.problems import RESPONSES
from dsr_projections.audit import actor_trail, person_trail

router = APIRouter(prefix="/v1/audit", tags=["audit"], responses=RESPONSES)


@router.get("/persons/{person_id}", operation_id="getAuditTrail")
def audit_trail(
    person_id: UUID,
    principal: CurrentUser,
    services: ServicesDep,
    _: Annotated[bool, Depends(waits_for("audit"))] = True,
) -> list[dict[str, Any]]:
    """The hash-chained audit rows for one person, in order."""
    require(principal, AUDITORS)
    person = visible_person(services, principal, person_id)
    services.access_log.record(
        services.registers.now(),
        principal.sub,
        str(principal.role),
        person_id,
        person.area,
        "audit",
    )
    return person_trail(services.db, person_id)


@router.get("/actors/{actor_id}", operation_id="getActorTrail")
def actor_actions(
    actor_id: str,
    since: AwareDatetime,
    until: AwareDatetime,
    principal: CurrentUser,
    services: ServicesDep,
) -> list[dict[str, Any]]:
    """What one user recorded in a time range, in your areas."""
    require(principal, AUDITORS)
    rows = actor_trail(services.db, actor_id, since, until)
    return [r for r in rows if r["actor_area"] in principal.areas]


@router.get("/persons/{person_id}/access", operation_id="getAccessLog")
def access_log(
    person_id: UUID, principal: CurrentUser, services: ServicesDep
) -> list[dict[str, Any]]:
    """Who viewed this person's record, and when."""
    require(principal, AUDITORS)
    visible_person(services, principal, person_id)
    return services.access_log.for_person(person_id)
