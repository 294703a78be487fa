"""The referral queue: every pending referral, at home or in hospital, for the DSR team."""

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Response
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse

from dsr_http.deps import (
    AreaFilter,
    ClockDep,
    Practitioners,
    ReadsDep,
    ViewsDep,
    areas_asked,
    waits_for,
)
from dsr_http.list_schemas import ReferralQueueItem
from dsr_http.problems import RESPONSES, csv_or_json
from dsr_http.tabular import csv_response
from dsr_projections.queries import referral_queue
from dsr_projections.register.referral_queue import SHOWN

router = APIRouter(prefix="/v1/referrals", tags=["referrals"], responses=RESPONSES)

COLUMNS = (*SHOWN, "days_waiting", "decision_overdue", "in_hospital")


@router.get(
    "",
    operation_id="listReferrals",
    response_model=list[ReferralQueueItem],
    responses=csv_or_json("The referral queue (CSV with format=csv)"),
)
def list_referrals(
    principal: Practitioners,
    clock: ClockDep,
    views: ViewsDep,
    reads: ReadsDep,
    area: AreaFilter = None,
    format: Literal["json", "csv"] = "json",
    caught_up: Annotated[bool, Depends(waits_for("register"))] = True,
) -> list[dict[str, Any]] | Response:
    """Referrals awaiting the DSR's decision, oldest first, with the days waited and the
    decision's local deadline; people in hospital are here too, with their hospital."""
    rows = referral_queue(views, areas_asked(principal, area), clock.today())
    reads.record(f"referral-queue-{format}", [row["person_id"] for row in rows])
    headers = {} if caught_up else {"X-Projection-Behind": "true"}
    if format == "csv":
        return csv_response(rows, COLUMNS, headers)
    return JSONResponse(jsonable_encoder(rows), headers=headers)
