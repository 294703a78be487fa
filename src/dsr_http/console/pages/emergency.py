"""Emergency ("break glass") access in the console (issue 28): a clinician of another
area opens one record with a reason; the owning area's lead sees every grant here. The
same function as the API's `grantEmergencyAccess` records it."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import Field

from dsr_core.domain import errors
from dsr_core.domain.codes import Role
from dsr_core.service import commands as cmd
from dsr_http.console.deps import ConsoleDep, Posted, SignedIn
from dsr_http.console.forms import FieldError, fields_of
from dsr_http.console.pages.record import parse_form, render_form
from dsr_http.console.routing import ConsoleRoute
from dsr_http.deps import ClockDep, RegistersDep, ViewsDep, require
from dsr_http.routes.emergency import MAY_ASK, open_in_emergency
from dsr_projections.queries import emergency_grants

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)
REPORT_READERS = (Role.LEAD, Role.AUDITOR)


class EmergencyAccessForm(cmd.GrantEmergencyAccess):
    """Open a record of another area in an emergency."""

    person_id: Annotated[
        UUID, Field(description="The record's reference, as the person's own area gave it")
    ]


FORM = fields_of(EmergencyAccessForm)
CONTEXT = {
    "title": "Open a record of another area in an emergency",
    "summary": "Give the record's reference and why you need it now. The record opens for a "
    "limited time; every page you read is logged, and the area's DSR lead is told today.",
    "person": None,
    "action": "/emergency-access/new",
    "back": "/emergency-access",
}


@router.get("/emergency-access")
def grants_page(
    request: Request, console: ConsoleDep, principal: SignedIn, views: ViewsDep, clock: ClockDep
) -> Response:
    """The lead's report of grants on their areas' records, and the way to ask for one."""
    require(principal, (*MAY_ASK, Role.AUDITOR))
    rows = []
    if principal.role in REPORT_READERS:
        now = clock.now()
        for area in sorted(principal.areas):
            rows += emergency_grants(views, area, now - timedelta(days=30), now)
    return console.render(
        request,
        "emergency.html",
        {
            "title": "Emergency access",
            "grants": rows,
            "reports": principal.role in REPORT_READERS,
            "may_ask": principal.role in MAY_ASK,
        },
    )


@router.get("/emergency-access/new")
def form(request: Request, console: ConsoleDep, principal: SignedIn) -> Response:
    require(principal, MAY_ASK)
    return render_form(request, console, CONTEXT, FORM, {})


@router.post("/emergency-access/new")
def ask(
    request: Request,
    console: ConsoleDep,
    principal: SignedIn,
    registers: RegistersDep,
    posted: Posted,
) -> Response:
    require(principal, MAY_ASK)
    values = posted.as_dict()
    body, found = parse_form(EmergencyAccessForm, FORM, posted)
    if body is None:
        return render_form(request, console, CONTEXT, FORM, values, found, 422)
    assert isinstance(body, EmergencyAccessForm)
    grant = cmd.GrantEmergencyAccess(reason_code=body.reason_code, reason=body.reason)
    try:
        open_in_emergency(registers, principal, body.person_id, grant)
    except errors.PersonNotFoundError:
        missing = [FieldError("person_id", "There is no record with this reference", "person_id")]
        return render_form(request, console, CONTEXT, FORM, values, missing, 422)
    return RedirectResponse(f"/people/{body.person_id}", status_code=303)
