"""For auditors: a person's audit trail, one actor's actions, and who viewed a record."""

import json
from datetime import date
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import AwareDatetime, BaseModel, Field

from dsr_http.deps import (
    AccessLogDep,
    Auditors,
    ReadsDep,
    RegistersDep,
    ViewsDep,
    visible_person,
    waits_for,
)
from dsr_http.paging import next_link
from dsr_http.problems import RESPONSES
from dsr_projections.audit.trail_queries import actor_trail, opened_trail

router = APIRouter(prefix="/v1/audit", tags=["audit"], responses=RESPONSES)


class AuditRow(BaseModel):
    """One event as the audit trail chains it: no personal value (sealed events carry the
    digest of their stored bytes in `changes.stored_sha256` instead)."""

    position: int
    person_id: UUID
    version: int
    event_type: str
    effective_on: date | None
    recorded_at: str
    actor_id: str | None
    actor_role: str | None
    actor_area: str | None
    reason: str | None
    changes: dict[str, Any] = Field(
        description="What the event recorded. The row's hash covers its canonical JSON: "
        "keys sorted, no spaces, non-ASCII escaped (Python's json.dumps(changes, "
        "sort_keys=True, separators=(',', ':')))"
    )
    prev_hash: str
    hash: str


class OpenedEntry(BaseModel):
    reason: Any = None
    changes: dict[str, Any]


class AuditTrailRow(AuditRow):
    opened: OpenedEntry | None = Field(
        None,
        description="The reason and changes as recorded, read with the person's key; "
        "absent once the person is erased",
    )


class AuditRowsPage(BaseModel):
    items: list[AuditRow]
    next_cursor: str | None = Field(
        description="Give it as `cursor` for the next page (also in the `Link` header); "
        "null on the last page"
    )


def _opened(row: dict[str, Any]) -> dict[str, Any]:
    """The stored row with its `changes` as the object they are (stored as chained text)."""
    return {**row, "changes": json.loads(row["changes"])}


@router.get(
    "/persons/{person_id}", operation_id="getAuditTrail", response_model=list[AuditTrailRow]
)
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
    return [_opened(row) for row in opened_trail(views, registers, person_id)]


@router.get("/actors/{actor_id}", operation_id="getActorTrail", response_model=AuditRowsPage)
def actor_actions(
    request: Request,
    response: Response,
    actor_id: str,
    since: AwareDatetime,
    until: AwareDatetime,
    principal: Auditors,
    views: ViewsDep,
    reads: ReadsDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    cursor: Annotated[str | None, Query(max_length=40, pattern=r"^[0-9]+$")] = None,
) -> dict[str, Any]:
    """What one user recorded in a time range, in your areas, oldest first, a page at a
    time."""
    after = int(cursor) if cursor else None
    rows = actor_trail(
        views, actor_id, since, until, limit + 1, areas=sorted(principal.areas), after=after
    )
    page, more = rows[:limit], len(rows) > limit
    reads.record("actor-trail", {r["person_id"] for r in page})
    next_cursor = str(page[-1]["position"]) if more else None
    if next_cursor:
        response.headers["Link"] = next_link(request, next_cursor)
    return {"items": [_opened(row) for row in page], "next_cursor": next_cursor}


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
