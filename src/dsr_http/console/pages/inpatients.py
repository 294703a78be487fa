"""The inpatient list for commissioners, C(E)TR coordinators and leads: every duty owed
to each inpatient, whatever their register status, with the hospital and any delay.

It is the API's `GET /v1/inpatients/all` (the same query function and access-log row),
so what a commissioner sees here is what their client would get.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from dsr_http.console.deps import ConsoleDep, ConsoleReads, SignedIn
from dsr_http.console.routing import ConsoleRoute
from dsr_http.deps import OVERSIGHT, RECORD_READERS, RegistersDep, ViewsDep, require
from dsr_projections.working_lists import inpatient_list

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)


@router.get("/inpatients")
def inpatients(
    request: Request,
    console: ConsoleDep,
    principal: SignedIn,
    registers: RegistersDep,
    views: ViewsDep,
    reads: ConsoleReads,
) -> Response:
    require(principal, OVERSIGHT)
    rows = inpatient_list(views, sorted(principal.areas), registers.today())
    reads.record("console-inpatient-list", [row["person_id"] for row in rows])
    return console.render(
        request,
        "inpatients.html",
        {
            "title": "Inpatients",
            "rows": rows,
            "opens_records": principal.role in RECORD_READERS,
            "overdue": sum(1 for row in rows if row["overdue"]),
        },
    )
