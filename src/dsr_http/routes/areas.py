"""Per-area aggregates: length-of-stay and proactivity measures, and the national dataset."""

from dataclasses import asdict
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Response

from dsr_core.domain.codes import Role
from dsr_core.domain.errors import InvalidInputError
from dsr_core.domain.inputs import Day
from dsr_core.domain.periods import Period
from dsr_http.deps import (
    AggregateReadersInArea,
    AreaPath,
    ClockDep,
    NationalReadersInArea,
    NationalSecretDep,
    PlannersInArea,
    RegistersDep,
    ViewsDep,
    waits_for,
)
from dsr_http.problems import RESPONSES, ForbiddenError
from dsr_projections.national.report import build_dataset
from dsr_projections.register.service_gaps import report as service_gap_report
from dsr_projections.stays.metrics import area_metrics
from dsr_scheduler.retention import review

router = APIRouter(prefix="/v1/areas", tags=["areas"], responses=RESPONSES)


PeriodLabel = Annotated[
    str,
    Query(
        pattern=r"^[0-9]{4}-(Q[1-4]|(0[1-9]|1[0-2]))$",
        examples=["2025-Q3"],
        description="A reporting period: a quarter (2025-Q3) or a month (2025-09)",
    ),
]


@router.get("/{area}/length-of-stay", operation_id="getLengthOfStay")
def length_of_stay(
    area: AreaPath,
    principal: AggregateReadersInArea,
    registers: RegistersDep,
    views: ViewsDep,
    period: PeriodLabel | None = None,
    start: Day | None = None,
    end: Day | None = None,
    _: Annotated[bool, Depends(waits_for("length_of_stay"))] = True,
) -> dict[str, Any]:
    """Length of stay, delays, out-of-area spells, proactivity and referral outcomes
    (consent refused or withdrawn, declines by reason) for a period.

    Analysts get a reporting period only, with every figure disclosure-controlled: free
    date windows could be narrowed until they isolate one admission. Practitioners and
    leads, who may see the people anyway, may also choose start and end.
    """
    analyst = principal.role is Role.ANALYST
    if period is not None:
        if start is not None or end is not None:
            raise InvalidInputError("Give either period or start and end.", field="period")
        try:
            reporting = Period.parse(period)
        except ValueError as error:
            raise InvalidInputError(str(error), field="period") from None
        start, end = reporting.start, reporting.end
    elif analyst:
        raise ForbiddenError("Analysts read reporting periods (period=2025-Q3), not date windows.")
    if start is None or end is None:
        missing = "period" if start is None and end is None else ("end" if end is None else "start")
        raise InvalidInputError("Give a period, or both start and end.", field=missing)
    if end < start:
        raise InvalidInputError("end must not be before start.", field="end")
    profile = registers.areas.policy(area).disclosure if analyst else None
    return area_metrics(views, area, start, end, disclosure_profile=profile)


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
    area: AreaPath,
    principal: NationalReadersInArea,
    registers: RegistersDep,
    views: ViewsDep,
    secret: NationalSecretDep,
    period: PeriodLabel,
    format: Literal["json", "records-csv", "tables-csv"] = "json",
    k: Annotated[
        int | None,
        Query(ge=2, le=50, description="Raise k-anonymity above the configured floor"),
    ] = None,
) -> Response:
    """The area's unsuppressed dataset for a period (its lead's only): tables controlled one
    at a time under the area's disclosure profile, pseudonymised k-anonymous records. Not
    anonymised output, and labelled so (`classification`; CSV downloads are named
    `unsuppressed-...`): readers outside the area get the nation's publication."""
    try:
        reporting_period = Period.parse(period)
    except ValueError as error:
        raise InvalidInputError(str(error), field="period") from None
    policy = registers.areas.policy(area)
    if k is not None and k < policy.k_anonymity:
        raise InvalidInputError(
            f"k cannot be below this area's configured floor of {policy.k_anonymity}.", field="k"
        )
    dataset = build_dataset(
        views,
        area,
        reporting_period,
        policy.disclosure,
        secret,
        max(k or 0, policy.k_anonymity),
    )
    if format in ("records-csv", "tables-csv"):
        name = f"unsuppressed-{area}-{reporting_period.label}-{format.removesuffix('-csv')}.csv"
        content = dataset.records_csv() if format == "records-csv" else dataset.tables_csv()
        return Response(
            content,
            media_type="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
    return Response(dataset.to_json(), media_type="application/json")


@router.get("/{area}/service-gaps", operation_id="getServiceGaps")
def service_gaps(
    area: AreaPath,
    principal: PlannersInArea,
    clock: ClockDep,
    views: ViewsDep,
) -> dict[str, Any]:
    """People waiting for each service and for how long, and the coded needs to move home
    the area does not yet meet: the gaps commissioners plan from (seed 004). Counts only."""
    return service_gap_report(views, area, clock.today())


@router.get("/{area}/discharge-plan-items", operation_id="getDischargePlanItems")
def discharge_plan_items(
    area: AreaPath, principal: PlannersInArea, registers: RegistersDep
) -> dict[str, str]:
    """The items this area scores discharge plans by (a setting; default: 12 items)."""
    return registers.areas.policy(area).discharge_plan_items


@router.get("/{area}/retention", operation_id="getRetentionReview")
def retention_review(
    area: AreaPath,
    principal: NationalReadersInArea,
    registers: RegistersDep,
    clock: ClockDep,
    views: ViewsDep,
    _: Annotated[bool, Depends(waits_for("register"))] = True,
) -> dict[str, Any]:
    """Who in the area is past its retention period, and what blocks each erasure (an open
    period, an inpatient stay, a legal hold): what the next retention run would do. Ids
    and dates only."""
    today = clock.today()
    candidates = [c for c in review(registers, views, today) if c.area == area]
    return {
        "area": area,
        "today": today.isoformat(),
        "retention_years": registers.areas.policy(area).retention_years,
        "candidates": [asdict(c) for c in candidates],
    }
