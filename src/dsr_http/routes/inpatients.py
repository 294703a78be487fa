"""The inpatient list, and the notification that opens a record for an inpatient.

C(E)TRs and commissioner visits are owed to every inpatient the area is responsible for,
on the register, referred, never referred, or apart from it after refusing or withdrawing
consent (NHS England C(E)TR policy; Assuring Transformation's scope). The list shows who
and where each is, the spell and its next duties, and nothing of the DSR's own record.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response

from dsr_core.service import commands as cmd
from dsr_http.bodies import StrictJsonRoute
from dsr_http.deps import (
    AreaFilter,
    ClockDep,
    Planners,
    Practitioners,
    ReadsDep,
    RegistersDep,
    ViewsDep,
    areas_asked,
    waits_for,
)
from dsr_http.list_schemas import InpatientListItem, RegisterStatus
from dsr_http.problems import RESPONSES, csv_or_json
from dsr_http.routes.persons import IdempotencyKey, create, links_from_a_new_record
from dsr_http.schemas import CommandResponse
from dsr_http.tabular import ListFormat, list_response
from dsr_projections.queries import inpatient_list
from dsr_projections.register.inpatients import SHOWN

router = APIRouter(
    prefix="/v1/inpatients", tags=["inpatients"], responses=RESPONSES, route_class=StrictJsonRoute
)

COLUMNS = (*SHOWN, "rating", "next_duty", "next_duty_due", "overdue", "days_in_hospital",
           "days_delayed")  # fmt: skip


@router.get(
    "",
    operation_id="listInpatients",
    response_model=list[InpatientListItem],
    responses=csv_or_json("The inpatient list (CSV or XLSX with format=csv or xlsx)"),
)
def list_inpatients(
    principal: Planners,
    clock: ClockDep,
    views: ViewsDep,
    reads: ReadsDep,
    area: AreaFilter = None,
    register_status: Annotated[
        RegisterStatus | None, Query(description="Only inpatients with this standing")
    ] = None,
    format: ListFormat = "json",
    caught_up: Annotated[bool, Depends(waits_for("register"))] = True,
) -> list[dict[str, Any]] | Response:
    """Every inpatient your areas are responsible for, soonest C(E)TR or visit first, with
    their standing with the DSR (`register_status`), hospital, provider, responsible
    commissioner, next C(E)TR and visit, length of stay and delay."""
    areas = areas_asked(principal, area)
    rows, _ = inpatient_list(views, areas, clock.today(), register_status=register_status)
    reads.record(f"inpatient-list-{format}", [row["person_id"] for row in rows])
    return list_response("Inpatients", rows, format, COLUMNS, caught_up)


@router.get(
    "/all",
    operation_id="listAllInpatients",
    deprecated=True,
    response_model=list[InpatientListItem],
)
def list_all_inpatients(
    principal: Planners,
    clock: ClockDep,
    views: ViewsDep,
    reads: ReadsDep,
    area: AreaFilter = None,
) -> list[dict[str, Any]]:
    """The inpatient list under its earlier address: use GET /v1/inpatients."""
    rows, _ = inpatient_list(views, areas_asked(principal, area), clock.today())
    reads.record("inpatient-list", [row["person_id"] for row in rows])
    return rows


@router.post(
    "",
    operation_id="notifyInpatient",
    status_code=201,
    response_model=CommandResponse,
    responses={
        201: {
            "description": "The inpatient's record was created",
            "links": links_from_a_new_record(),
        }
    },
)
def notify_inpatient(
    body: cmd.NotifyInpatient,
    request: Request,
    response: Response,
    principal: Practitioners,
    registers: RegistersDep,
    idempotency_key: IdempotencyKey = None,
) -> CommandResponse:
    """Open a record for an inpatient the area is responsible for, without a DSR referral
    (an Assuring Transformation notification): the stay is dated as it happened, and the
    C(E)TR and visit duties run from its start. A referral may follow (re-referrals)."""
    return create(body, request, response, principal, registers, idempotency_key)
