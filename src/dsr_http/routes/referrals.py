"""The referral queue: every pending referral, at home or in hospital, for the DSR team."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Response

from dsr_http.deps import (
    AreaFilter,
    ClockDep,
    Practitioners,
    ReadsDep,
    ViewsDep,
    areas_asked,
    waits_for,
)
from dsr_http.list_schemas import DecisionToTell, ReferralQueueItem
from dsr_http.problems import RESPONSES, csv_or_json
from dsr_http.tabular import ListFormat, list_response
from dsr_projections.queries import referral_queue, untold
from dsr_projections.register.referral_queue import SHOWN

router = APIRouter(prefix="/v1/referrals", tags=["referrals"], responses=RESPONSES)

COLUMNS = (*SHOWN, "days_waiting", "decision_overdue", "in_hospital")


@router.get(
    "",
    operation_id="listReferrals",
    response_model=list[ReferralQueueItem],
    responses=csv_or_json("The referral queue (CSV or XLSX with format=csv or xlsx)"),
)
def list_referrals(
    principal: Practitioners,
    clock: ClockDep,
    views: ViewsDep,
    reads: ReadsDep,
    area: AreaFilter = None,
    format: ListFormat = "json",
    caught_up: Annotated[bool, Depends(waits_for("register"))] = True,
) -> list[dict[str, Any]] | Response:
    """Referrals awaiting the DSR's decision, oldest first, with the days waited and the
    decision's local deadline; people in hospital are here too, with their hospital."""
    rows = referral_queue(views, areas_asked(principal, area), clock.today())
    reads.record(f"referral-queue-{format}", [row["person_id"] for row in rows])
    return list_response("Referrals", rows, format, COLUMNS, caught_up)


TELL_COLUMNS = tuple(DecisionToTell.model_fields)


@router.get(
    "/decisions-to-tell",
    operation_id="listDecisionsToTell",
    response_model=list[DecisionToTell],
    responses=csv_or_json(
        "Decisions still to tell the referrer (CSV or XLSX with format=csv or xlsx)"
    ),
)
def list_decisions_to_tell(
    principal: Practitioners,
    clock: ClockDep,
    views: ViewsDep,
    reads: ReadsDep,
    area: AreaFilter = None,
    format: ListFormat = "json",
    caught_up: Annotated[bool, Depends(waits_for("register"))] = True,
) -> list[dict[str, Any]] | Response:
    """Decisions on referrals (accepted, declined, consent refused) whose referrer has not
    been told yet, the earliest due first; `POST /v1/persons/{id}/referrer-told` closes one."""
    rows = untold(views, areas_asked(principal, area), clock.today())
    reads.record(f"decisions-to-tell-{format}", [row["person_id"] for row in rows])
    return list_response("Decisions to tell", rows, format, TELL_COLUMNS, caught_up)
