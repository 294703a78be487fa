"""The register: who is on it, filtered, sorted and paged; CSV for spreadsheets."""

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, Response

from dsr_core.domain.errors import InvalidInputError
from dsr_http.deps import (
    AreaFilter,
    ClockDep,
    Practitioners,
    ReadsDep,
    ViewsDep,
    areas_asked,
    waits_for,
)
from dsr_http.paging import next_link
from dsr_http.problems import RESPONSES, csv_or_json
from dsr_http.schemas import Page
from dsr_http.tabular import ListFormat, csv_response, xlsx_response
from dsr_projections.register.queries import RegisterPage, RegisterQuery, query_register
from dsr_projections.register.working_lists import every_row

WaitingFor = Literal[
    "any", "keyworker", "intensive_support", "forensic_outreach", "housing", "care_provider"
]

router = APIRouter(prefix="/v1/register", tags=["register"], responses=RESPONSES)


@router.get(
    "",
    operation_id="listRegister",
    response_model=Page,
    responses=csv_or_json("A page of the register (CSV or XLSX with format=csv or xlsx)"),
)
def list_register(
    request: Request,
    principal: Practitioners,
    clock: ClockDep,
    views: ViewsDep,
    reads: ReadsDep,
    area: AreaFilter = None,
    rating: str | None = None,
    setting: Literal["in_hospital", "out_of_area_placement", "community_at_risk"] | None = None,
    status: Annotated[
        Literal["referred", "on_register"] | None,
        Query(
            description="Only `on_register` (the default): pending referrals are on the "
            "referral queue, GET /v1/referrals (issue 27)",
            deprecated=True,
        ),
    ] = None,
    overdue: bool | None = None,
    out_of_area: Annotated[
        bool | None, Query(description="Placed (or in hospital) outside the area")
    ] = None,
    planned_discharge_overdue: bool | None = None,
    delayed: Annotated[
        bool | None, Query(description="Clinically ready before today, still in hospital")
    ] = None,
    waiting_for: Annotated[
        WaitingFor | None, Query(description="Waiting for this service (or any) to start")
    ] = None,
    sort: Literal["name", "next_review_due", "rating_since", "admitted_on"] = "name",
    limit: Annotated[
        int | None,
        Query(
            ge=1,
            le=500,
            description="Rows per page (JSON: 50 when not given). CSV or XLSX without a limit is "
            "every row the filters select; with one, a page, and the next page's address in `Link`",
        ),
    ] = None,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
    format: ListFormat = "json",
    caught_up: Annotated[bool, Depends(waits_for("register"))] = True,
) -> Page | Response:
    """People on the register of your areas (accepted, not pending referrals), in a stable
    order, one page at a time."""
    if status == "referred":
        raise InvalidInputError(
            "The register lists accepted people only; pending referrals are on the referral "
            "queue (GET /v1/referrals).",
            field="status",
        )
    areas = areas_asked(principal, area)
    whole = format != "json" and limit is None
    try:
        query = RegisterQuery(
            areas=areas,
            today=clock.today(),
            rating=rating,
            setting=setting,
            status="on_register",
            overdue=overdue,
            out_of_area=out_of_area,
            planned_discharge_overdue=planned_discharge_overdue,
            delayed=delayed,
            waiting_for=waiting_for,
            sort=sort,
            limit=limit or DEFAULT_LIMIT,
            cursor=cursor,
        )
        page = (
            RegisterPage(every_row(views, query), None) if whole else query_register(views, query)
        )
    except ValueError as error:
        raise InvalidInputError(str(error), field="cursor") from None
    reads.record(f"register-{format}", [item["person_id"] for item in page.items])
    headers = {} if caught_up else {"X-Projection-Behind": "true"}
    if page.next_cursor:  # RFC 8288: the next page, with the same filters
        headers["Link"] = next_link(request, page.next_cursor)
    if format == "csv":
        return csv_response(page.items, headers=headers)
    if format == "xlsx":
        return xlsx_response("Register", page.items, headers=headers)
    result = Page(items=page.items, next_cursor=page.next_cursor)
    if headers:
        return Response(result.model_dump_json(), media_type="application/json", headers=headers)
    return result


DEFAULT_LIMIT = 50
