"""National: an area lead makes and reads the area's returns; analysts, leads and
commissioners read publications, with suppressed cells marked as published; a national
body publishes. Every page calls the API's own route functions (routes.national), so
each refusal is the API's.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from dsr_core.domain.codes import Role
from dsr_core.domain.errors import DsrError
from dsr_core.service.areas import default_scheme_for
from dsr_http.console.deps import ConsoleDep, Posted, SignedIn
from dsr_http.console.forms import FieldError
from dsr_http.console.routing import ConsoleRoute
from dsr_http.deps import ClockDep, NationalSecretDep, RegistersDep, ViewsDep
from dsr_http.problems import ForbiddenError
from dsr_http.routes import national as api
from dsr_projections.national import returns as returns
from dsr_projections.national.collections import COLLECTIONS, Collection

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)
RECENT = 4


def recent_periods(collection: Collection, today: date, count: int = RECENT) -> list[str]:
    """The last `count` periods of the collection that have ended, newest first."""
    labels = []
    year, month = today.year, today.month
    if collection.frequency == "quarter":
        quarter = (month - 1) // 3 + 1
        for _ in range(count):
            year, quarter = (year - 1, 4) if quarter == 1 else (year, quarter - 1)
            labels.append(f"{year}-Q{quarter}")
    else:
        for _ in range(count):
            year, month = (year - 1, 12) if month == 1 else (year, month - 1)
            labels.append(f"{year}-{month:02d}")
    return labels


def _areas_of(collection: Collection, areas: frozenset[str]) -> list[str]:
    return sorted(
        a
        for a in areas
        if a.startswith(("S37", "E54")) and str(default_scheme_for(a)) == collection.nation
    )


@router.get("/national")
def national(
    request: Request,
    console: ConsoleDep,
    principal: SignedIn,
    clock: ClockDep,
    views: ViewsDep,
) -> Response:
    """What this user can do nationally, collection by collection."""
    if principal.role not in (Role.LEAD, Role.ANALYST, Role.COMMISSIONER, Role.NATIONAL):
        raise ForbiddenError("National returns and publications are not for your role.")
    today = clock.today()
    shown: list[dict[str, Any]] = []
    for collection in COLLECTIONS.values():
        entry: dict[str, Any] = {
            "collection": collection,
            "periods": recent_periods(collection, today),
        }
        try:
            entry["publications"] = api.list_publications(
                api.collection_name(collection.name), principal, views
            )
        except ForbiddenError:
            entry["publications"] = None
        if principal.role is Role.LEAD:
            entry["returns"] = [
                {
                    "area": area,
                    "made": {
                        label: returns.read(
                            views,
                            "national_returns",
                            {"collection": collection.name, "area": area, "period": label},
                        )
                        is not None
                        for label in entry["periods"]
                    },
                }
                for area in _areas_of(collection, principal.areas)
            ]
        entry["publishes"] = api.is_national_body(principal, collection)
        if entry.get("returns") or entry["publishes"] or entry["publications"] is not None:
            shown.append(entry)
    if not shown:  # as the API refuses each of these to this user
        raise ForbiddenError("National returns and publications are not for your role or areas.")
    return console.render(request, "national.html", {"title": "National", "collections": shown})


@router.post("/national/returns")
def make_return(
    request: Request,
    console: ConsoleDep,
    principal: SignedIn,
    registers: RegistersDep,
    clock: ClockDep,
    views: ViewsDep,
    secret: NationalSecretDep,
    form: Posted,
) -> Response:
    """Build and store the area's return for a period (a new revision if it changed)."""
    collection, area, period = form.get("collection"), form.get("area"), form.get("period")
    try:
        api.submit_return(
            api.collection_name(collection),
            area,
            period,
            principal,
            registers,
            clock,
            views,
            secret,
            Response(),
        )
    except HTTPException as error:
        return _refused(request, console, str(error.detail))
    except DsrError as error:
        return _refused(request, console, error.message)
    return RedirectResponse(f"/national/returns/{collection}/{area}/{period}", status_code=303)


@router.post("/national/publications")
def publish(
    request: Request, console: ConsoleDep, principal: SignedIn, views: ViewsDep, form: Posted
) -> Response:
    collection, period = form.get("collection"), form.get("period")
    try:
        api.build_publication(api.collection_name(collection), period, principal, views, Response())
    except HTTPException as error:
        return _refused(request, console, str(error.detail))
    except DsrError as error:
        return _refused(request, console, error.message)
    return RedirectResponse(f"/national/publications/{collection}/{period}", status_code=303)


def _refused(request: Request, console: ConsoleDep, message: str) -> Response:
    return console.render(
        request,
        "error.html",
        {
            "title": "This could not be done",
            "detail": message,
            "status": 409,
            "field_errors": [FieldError(None, message)],
        },
        409,
    )


@router.get("/national/returns/{collection}/{area}/{period}")
def read_return(
    request: Request,
    collection: str,
    area: str,
    period: str,
    console: ConsoleDep,
    principal: SignedIn,
    views: ViewsDep,
) -> Response:
    found = api.get_return(api.collection_name(collection), area, period, principal, views)
    return console.render(
        request,
        "national_release.html",
        {"title": f"Return {area} {period}", "kind": "Return", "release": found},
    )


@router.get("/national/publications/{collection}/{period}")
def read_publication(
    request: Request,
    collection: str,
    period: str,
    console: ConsoleDep,
    principal: SignedIn,
    views: ViewsDep,
) -> Response:
    found = api.get_publication(api.collection_name(collection), period, principal, views)
    return console.render(
        request,
        "national_release.html",
        {"title": f"Publication {period}", "kind": "Publication", "release": found},
    )
