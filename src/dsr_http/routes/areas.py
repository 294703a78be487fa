"""Per-area aggregates: length-of-stay and proactivity measures, and the national dataset."""

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response

from dsr_core.errors import DsrError
from dsr_http.deps import AGGREGATES, NATIONAL, CurrentUser, ServicesDep, require
from dsr_http.problems import RESPONSES
from dsr_projections.length_of_stay import area_metrics
from dsr_projections.national_dataset import Period, build_dataset

router = APIRouter(prefix="/v1/areas", tags=["areas"], responses=RESPONSES)


@router.get("/{area}/length-of-stay", operation_id="getLengthOfStay")
def length_of_stay(
    area: str, start: date, end: date, principal: CurrentUser, services: ServicesDep
) -> dict[str, Any]:
    """Length of stay, delays, out-of-area spells and proactivity measures for a period."""
    require(principal, AGGREGATES, area)
    if end < start:
        raise DsrError("end must not be before start.", field="end")
    return area_metrics(services.db, area, start, end)


@router.get(
    "/{area}/national-dataset",
    operation_id="getNationalDataset",
    responses={
        200: {
            "description": "The dataset: JSON, or CSV with format=records-csv or tables-csv",
            "content": {
                "application/json": {"schema": {"type": "object"}},
                "text/csv": {"schema": {"type": "string"}},
            },
        }
    },
)
def national_dataset(
    area: str,
    principal: CurrentUser,
    services: ServicesDep,
    period: Annotated[str, Query(pattern=r"^\d{4}-(Q[1-4]|\d{2})$", examples=["2025-Q3"])],
    format: Literal["json", "records-csv", "tables-csv"] = "json",
    k: Annotated[int, Query(ge=2, le=50)] = 5,
) -> Response:
    """The anonymised dataset for an area and period, with the area's disclosure profile."""
    require(principal, NATIONAL, area)
    try:
        reporting_period = Period.parse(period)
    except ValueError as error:
        raise DsrError(str(error), field="period") from None
    profile = services.registers.areas.policy(area).disclosure
    dataset = build_dataset(
        services.db, area, reporting_period, profile, services.national_secret, k
    )
    if format == "records-csv":
        return Response(dataset.records_csv(), media_type="text/csv")
    if format == "tables-csv":
        return Response(dataset.tables_csv(), media_type="text/csv")
    return Response(dataset.to_json(), media_type="application/json")
