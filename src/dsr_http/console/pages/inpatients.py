"""The inpatient list for commissioners, C(E)TR coordinators and leads: every duty owed
to each inpatient, whatever their register status, with the hospital and any delay.

It is the API's `GET /v1/inpatients/all` (the same query function and access-log row),
so what a commissioner sees here is what their client would get.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from dsr_http.console.deps import ConsoleDep, ConsoleReads, SignedIn
from dsr_http.console.routing import ConsoleRoute
from dsr_http.deps import OVERSIGHT, RECORD_READERS, ClockDep, ViewsDep, require
from dsr_projections.register.working_lists import inpatient_list

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
    start: Annotated[int, Query(ge=0, le=10**7)] = 0,
) -> Response:
    require(principal, OVERSIGHT)
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
            "total": total,
            "start": start,
            "next_start": start + PAGE_ROWS if start + PAGE_ROWS < total else None,
        },
    )
