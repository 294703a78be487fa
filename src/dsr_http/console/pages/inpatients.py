"""The inpatient list for commissioners, C(E)TR coordinators and leads: every duty owed
to each inpatient, whatever their register status, with the hospital and any delay.

It is the API's `GET /v1/inpatients` (the same query function), so what a commissioner
sees here is what their client would get.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from dsr_http import spreadsheets
from dsr_http.console.deps import ConsoleDep, ConsoleReads, SignedIn
from dsr_http.console.routing import ConsoleRoute
from dsr_http.deps import (
    PLANNERS,
    PRACTICE,
    RECORD_READERS,
    ClockDep,
    ViewsDep,
    require,
    shows_latest,
)
from dsr_http.routes.inpatients import COLUMNS
from dsr_projections.queries import inpatient_list

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)
PAGE_ROWS = 50


@router.get("/inpatients")
def inpatients(
    request: Request,
    console: ConsoleDep,
    principal: SignedIn,
    clock: ClockDep,
    views: ViewsDep,
    reads: ConsoleReads,
    _: Annotated[bool, Depends(shows_latest("register"))],
    start: Annotated[int, Query(ge=0, le=10**7)] = 0,
) -> Response:
    require(principal, PLANNERS)
    areas = sorted(principal.areas)
    rows, total = inpatient_list(views, areas, clock.today(), start, PAGE_ROWS)
    reads.record("console-inpatient-list", [row["person_id"] for row in rows])
    return console.render(
        request,
        "inpatients.html",
        {
            "title": "Inpatients",
            "rows": rows,
            "opens_records": principal.role in RECORD_READERS,
            "notifies": principal.role in PRACTICE,
            "total": total,
            "start": start,
            "next_start": start + PAGE_ROWS if start + PAGE_ROWS < total else None,
        },
    )


@router.get("/inpatients.csv")
def download(
    principal: SignedIn, clock: ClockDep, views: ViewsDep, reads: ConsoleReads
) -> Response:
    """The whole list, every column the API's CSV has."""
    require(principal, PLANNERS)
    rows, _ = inpatient_list(views, sorted(principal.areas), clock.today())
    reads.record("console-inpatient-list-csv", [row["person_id"] for row in rows])
    body = spreadsheets.as_csv(COLUMNS, [[row.get(c) for c in COLUMNS] for row in rows])
    name = f"inpatients-{clock.today().isoformat()}.csv"
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
