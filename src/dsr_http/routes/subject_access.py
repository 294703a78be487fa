"""A subject access export: everything held about one person, as one JSON document
(UK GDPR art. 15; issue 15, item 4). The export is itself recorded in the access log."""

from datetime import UTC, datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends

from dsr_core.domain.codes import Role
from dsr_http.auth import Principal
from dsr_http.deps import (
    AccessLogDep,
    ReadsDep,
    RegistersDep,
    RunnerDep,
    allowed,
    visible_person,
)
from dsr_http.problems import RESPONSES
from dsr_http.schemas import HistoryItem
from dsr_projections.subject_access import read_model_rows

router = APIRouter(prefix="/v1/persons", tags=["persons"], responses=RESPONSES)
Leads = Annotated[Principal, Depends(allowed(Role.LEAD))]


@router.get("/{person_id}/subject-access", operation_id="exportSubjectAccess")
def subject_access(
    person_id: UUID,
    principal: Leads,
    registers: RegistersDep,
    runner: RunnerDep,
    access: AccessLogDep,
    reads: ReadsDep,
) -> dict[str, Any]:
    """The area's lead exports the person's events (decoded, with who recorded each and
    when), every read-model row about them and every access-log row about them."""
    person = visible_person(registers, principal, person_id)
    reads.record("subject-access", [person_id], person.area)
    return {
        "person_id": str(person_id),
        "area": person.area,
        "exported_at": datetime.now(UTC).isoformat(),
        "exported_by": principal.sub,
        "events": [
            HistoryItem.of(entry).model_dump(mode="json") for entry in registers.history(person_id)
        ],
        "read_models": read_model_rows(runner.db, runner.projections, person_id),
        "access_log": access.for_person(person_id),
    }
