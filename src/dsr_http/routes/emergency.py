"""Emergency ("break glass") access (issue 28): a clinician of another area opens one
person's record now, giving a reason; the grant lasts the owning area's configured time,
every read under it is marked in the access log, and the owning area's lead sees it on
their report and in their reminders the same day."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any
from uuid import UUID

import structlog
from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from dsr_core.domain.codes import Role
from dsr_core.domain.errors import WrongStatusError
from dsr_core.domain.sections import Section
from dsr_core.service import commands as cmd
from dsr_core.service.caller import Caller
from dsr_core.service.registers import CommandResult, Registers
from dsr_http.access import policies
from dsr_http.auth import Principal
from dsr_http.deps import (
    PERSON_READERS,
    AccessLogDep,
    ClockDep,
    ReadsDep,
    RegistersDep,
    ViewsDep,
    actor,
    allowed,
    allowed_in_area,
    visible_person,
    waits_for,
)
from dsr_http.problems import RESPONSES
from dsr_projections.queries import emergency_grants

router = APIRouter(tags=["persons"], responses=RESPONSES)
log = structlog.get_logger("dsr.access")

MAY_ASK = (Role.PRACTITIONER, Role.LEAD, Role.COMMISSIONER)
"""Staff who may need a record of another area at once; partners and analysts may not."""


class EmergencyGrant(BaseModel):
    person_id: UUID
    expires_at: datetime
    position: int


class EmergencyGrantRow(BaseModel):
    person_id: UUID
    area: str
    actor_id: str
    actor_role: str
    actor_area: str | None
    reason_code: str
    reason: str | None
    granted_at: datetime
    expires_at: datetime
    active: bool


def open_in_emergency(
    registers: Registers, principal: Principal, person_id: UUID, body: cmd.GrantEmergencyAccess
) -> CommandResult:
    """The grant, for the API and the console alike: only to a record of another area;
    the event names the user's own area and is recorded in the person's."""
    person = registers.get_person(person_id)
    if person.area in principal.areas:
        raise WrongStatusError("This record is in one of your areas: open it as usual.")
    own_area = sorted(principal.areas)[0]
    caller = Caller.of(actor(principal, own_area), areas=frozenset({person.area}))
    result = registers.execute(person_id, body, caller)
    log.info("emergency_access_granted", area=person.area, role=str(principal.role))
    return result


@router.post(
    "/v1/persons/{person_id}/emergency-access",
    operation_id="grantEmergencyAccess",
    response_model=EmergencyGrant,
)
def grant(
    person_id: UUID,
    body: cmd.GrantEmergencyAccess,
    principal: Annotated[Principal, Depends(allowed(*MAY_ASK))],
    registers: RegistersDep,
) -> EmergencyGrant:
    """Open a record of another area in an emergency, with a reason; read it through
    `GET /v1/persons/{id}` until the grant lapses (every read is logged as emergency)."""
    result = open_in_emergency(registers, principal, person_id, body)
    return EmergencyGrant(
        person_id=person_id,
        expires_at=datetime.fromisoformat(str(result.extra["expires_at"])),
        position=result.position,
    )


@router.get(
    "/v1/areas/{area}/emergency-access",
    operation_id="listEmergencyAccess",
    response_model=list[EmergencyGrantRow],
    tags=["audit"],
)
def report(
    area: str,
    principal: Annotated[Principal, Depends(allowed_in_area(Role.LEAD, Role.AUDITOR))],
    views: ViewsDep,
    clock: ClockDep,
    days: Annotated[int, Query(ge=1, le=366, description="Grants of the last N days")] = 30,
    _: Annotated[bool, Depends(waits_for("reminders"))] = True,
) -> list[dict[str, Any]]:
    """Emergency grants to users of other areas on this area's records, newest first:
    who, from which area, why, and until when (the area's lead and auditors)."""
    now = clock.now()
    return emergency_grants(views, area, now - timedelta(days=days), now)


class WhoCanSee(BaseModel):
    """Who may read a person's record, by section, and who did lately (issue 28)."""

    staff: dict[str, list[str]]
    """Staff roles that read the record in the person's area: every section."""
    partners: dict[str, list[str]]
    """Partner organisation types: the sections their policy grants."""
    emergency: list[dict[str, Any]]
    """Users of other areas holding an emergency grant that has not lapsed."""
    read_by: list[dict[str, Any]]
    """Who read the record in the last 90 days, from the access log (newest first)."""


@router.get(
    "/v1/persons/{person_id}/who-can-see",
    operation_id="getWhoCanSee",
    response_model=WhoCanSee,
)
def who_can_see(
    person_id: UUID,
    principal: Annotated[Principal, Depends(allowed(Role.LEAD))],
    registers: RegistersDep,
    access_log: AccessLogDep,
    reads: ReadsDep,
    clock: ClockDep,
) -> WhoCanSee:
    """For the area's lead: which roles and partner organisations can read which sections
    of this record, who holds an emergency grant now, and who read it in the last 90 days."""
    person = visible_person(registers, principal, person_id)
    reads.record("who-can-see", [person_id], person.area)
    now = clock.now()
    every = sorted(str(s) for s in Section)
    since = (now - timedelta(days=90)).isoformat()
    return WhoCanSee(
        staff={str(role): every for role in PERSON_READERS if role is not Role.PARTNER},
        partners={name: sorted(str(s) for s in policy.read) for name, policy in policies().items()},
        emergency=[
            {"actor_id": user, "expires_at": until}
            for user, until in person.emergency_grants
            if datetime.fromisoformat(until) > now
        ],
        read_by=[
            {k: row[k] for k in ("at", "actor_id", "actor_role", "what")}
            for row in reversed(access_log.for_person(person_id))
            if row["at"] >= since and row["outcome"] == "allowed"
        ],
    )
