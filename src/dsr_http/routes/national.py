"""National returns and publications (issue 14; docs/national.md).

An area's return is unsuppressed: only the area's lead and its nation's national body see
it. A publication is built by the national body from all its nation's returns, with the
nation's disclosure profile and an audit over the whole release; analysts read
publications only, for published periods only, with no date windows or filters.
"""

from typing import Annotated, Any, Literal, cast, get_args

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Response

from dsr_core.domain.codes import Role
from dsr_core.domain.errors import InvalidInputError
from dsr_core.domain.inputs import AreaCode
from dsr_core.domain.periods import Period
from dsr_core.service.areas import default_scheme_for
from dsr_http.auth import Principal
from dsr_http.deps import (
    ClockDep,
    CurrentUser,
    NationalSecretDep,
    RegistersDep,
    ViewsDep,
    waits_for,
)
from dsr_http.problems import RESPONSES, ForbiddenError
from dsr_projections.national import publications, returns
from dsr_projections.national.collections import COLLECTIONS, Collection
from dsr_projections.national.completeness import tables_csv

router = APIRouter(tags=["national"], responses=RESPONSES)

CollectionName = Literal["phs_coming_home", "nhs_england_lda"]
"""The collections (a test keeps this equal to COLLECTIONS): an enum in the contract."""


def collection_name(name: str) -> CollectionName:
    """A collection's name as the routes take it (the console's forms give text)."""
    if name not in get_args(CollectionName):
        raise InvalidInputError(
            f"No collection {name!r}; there are {', '.join(COLLECTIONS)}.", field="collection"
        )
    return cast(CollectionName, name)


CollectionPath = Annotated[
    CollectionName, Path(description="phs_coming_home (Scotland) or nhs_england_lda (England)")
]
PeriodPath = Annotated[
    str, Path(description="A period of the collection: 2024-Q1 (PHS) or 2024-03 (England)")
]


def _collection(name: str) -> Collection:
    return COLLECTIONS[collection_name(name)]


def _period(collection: Collection, label: str) -> Period:
    try:
        return collection.period(label)
    except ValueError as error:
        raise InvalidInputError(str(error), field="period") from None


def is_national_body(principal: Principal, collection: Collection) -> bool:
    """The national body of this collection's nation."""
    return principal.role is Role.NATIONAL and collection.national_code in principal.areas


def _may_see_return(principal: Principal, collection: Collection, area: str) -> None:
    if is_national_body(principal, collection):
        return
    if principal.role is Role.LEAD and area in principal.areas:
        return
    raise ForbiddenError("A return is seen by the area's lead and its nation's national body.")


def _area_of(collection: Collection, area: str) -> str:
    if str(default_scheme_for(area)) != collection.nation or not area.startswith(("S37", "E54")):
        raise InvalidInputError(
            f"{area} is not a register area of {collection.name}'s nation.", field="area"
        )
    return area


@router.post(
    "/v1/returns/{collection}/{area}/{period}", operation_id="submitReturn", status_code=201
)
def submit_return(
    collection: CollectionPath,
    area: Annotated[AreaCode, Path()],
    period: PeriodPath,
    principal: CurrentUser,
    registers: RegistersDep,
    clock: ClockDep,
    views: ViewsDep,
    secret: NationalSecretDep,
    response: Response,
    caught_up: Annotated[bool, Depends(waits_for("national_dataset", "length_of_stay"))] = True,
) -> dict[str, Any]:
    """Build the area's return for the period and store it: a new revision when it differs
    from the last (a back-dated correction), the same revision otherwise (200). Give
    `wait_for` (a command's position) to count what you have just recorded."""
    spec = _collection(collection)
    _area_of(spec, area)
    _may_see_return(principal, spec, area)
    reporting = _period(spec, period)
    if reporting.end >= clock.today():
        raise InvalidInputError("The period has not ended yet.", field="period")
    if not caught_up:
        raise HTTPException(503, "The read models have not caught up; try again.")
    k = registers.areas.policy(area).k_anonymity
    stored = returns.submit_return(views, spec, area, reporting, secret, k)
    if not stored["new"]:
        response.status_code = 200
    return {"collection": spec.name, "area": area, "period": reporting.label, **stored}


@router.get("/v1/returns/{collection}/{area}/{period}", operation_id="getReturn")
def get_return(
    collection: CollectionPath,
    area: Annotated[AreaCode, Path()],
    period: PeriodPath,
    principal: CurrentUser,
    views: ViewsDep,
    revision: Annotated[int | None, Query(ge=1)] = None,
) -> dict[str, Any]:
    """A stored return (the latest revision unless one is named)."""
    spec = _collection(collection)
    _area_of(spec, area)
    _may_see_return(principal, spec, area)
    key = {"collection": spec.name, "area": area, "period": _period(spec, period).label}
    found = returns.read(views, "national_returns", key, revision)
    if found is None:
        raise HTTPException(404, "No such return.")
    return found


@router.post(
    "/v1/publications/{collection}/{period}",
    operation_id="buildPublication",
    status_code=201,
)
def build_publication(
    collection: CollectionPath,
    period: PeriodPath,
    principal: CurrentUser,
    views: ViewsDep,
    response: Response,
) -> dict[str, Any]:
    """The national body publishes from all its nation's latest returns (409 when the
    audit cannot protect every suppressed cell, or there are no returns)."""
    spec = _collection(collection)
    if not is_national_body(principal, spec):
        raise ForbiddenError("Only the national body of this nation publishes it.")
    reporting = _period(spec, period)
    try:
        stored = publications.publish(views, spec, reporting)
    except publications.ReleaseRefusedError as error:
        raise HTTPException(409, str(error)) from None
    if not stored["new"]:
        response.status_code = 200
    return {"collection": spec.name, "period": reporting.label, **stored}


@router.get("/v1/publications/{collection}", operation_id="listPublications")
def list_publications(
    collection: CollectionPath, principal: CurrentUser, views: ViewsDep
) -> list[dict[str, Any]]:
    spec = _collection(collection)
    _may_read_publications(principal, spec)
    return publications.published_periods(views, spec.name)


@router.get(
    "/v1/publications/{collection}/{period}",
    operation_id="getPublication",
    responses={
        200: {
            "description": "The publication: JSON, or its tables as CSV with format=csv",
            "content": {
                "application/json": {"schema": {"type": "object"}},
                "text/csv": {"schema": {"type": "string"}},
            },
        }
    },
)
def get_publication(
    collection: CollectionPath,
    period: PeriodPath,
    principal: CurrentUser,
    views: ViewsDep,
    revision: Annotated[int | None, Query(ge=1)] = None,
    format: Annotated[
        Literal["json", "csv"],
        Query(description="csv: table, row, column, value, flags (e estimated, R revised)"),
    ] = "json",
) -> Any:
    """A published period's tables (the latest revision unless one is named), marked
    revised with the cells that changed; which areas returned, which are estimated (carried
    forward) and which are missing (`coverage`); `flags` marks estimated (`e`) and revised
    (`R`) cells."""
    spec = _collection(collection)
    _may_read_publications(principal, spec)
    key = {"collection": spec.name, "period": _period(spec, period).label}
    found = returns.read(views, "national_publications", key, revision)
    if found is None:
        raise HTTPException(404, "This period is not published.")
    if format == "csv":
        content = tables_csv(found["tables"], found.get("flags", {}))
        name = f"{spec.name}-{found['period']}-revision-{found['revision']}.csv"
        return Response(
            content,
            media_type="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
    return found


def _may_read_publications(principal: Principal, collection: Collection) -> None:
    if principal.role in (Role.ANALYST, Role.LEAD, Role.COMMISSIONER) or is_national_body(
        principal, collection
    ):
        return
    raise ForbiddenError(
        "Publications are read by analysts, leads, commissioners and national bodies."
    )
