"""The auditor's pages: find a record (by its id or a national number, posted), replay its
history from the hash-chained audit trail, and read its access log.

Each is the API's audit endpoint (routes.audit): the same role check, the same "not found"
outside the auditor's areas, and an access-log row for the reading itself.
"""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from dsr_core.domain.identifiers import normalise
from dsr_http.console.deps import ConsoleDep, ConsoleReads, Posted, SignedIn
from dsr_http.console.forms import FieldError
from dsr_http.console.routing import ConsoleRoute
from dsr_http.deps import AUDITORS, AccessLogDep, RegistersDep, ViewsDep, require
from dsr_http.routes import audit as api

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)


@router.get("/audit")
def audit_home(request: Request, console: ConsoleDep, principal: SignedIn) -> Response:
    require(principal, AUDITORS)
    return console.render(request, "audit.html", {"title": "Audit", "values": {}, "errors": {}})


@router.post("/audit/find")
def find_record(
    request: Request,
    console: ConsoleDep,
    principal: SignedIn,
    registers: RegistersDep,
    form: Posted,
) -> Response:
    """A record id goes straight to its trail; an NHS or CHI number to its holder's."""
    require(principal, AUDITORS)
    text = normalise(form.get("record"))
    person_id: UUID | None = None
    try:
        person_id = UUID(text)
    except ValueError:
        if text.isdigit() and len(text) == 10:
            holders = [
                registers.identity_keys.holder(area, text) for area in sorted(principal.areas)
            ]
            person_id = next((h for h in holders if h is not None), None)
    if person_id is None:
        error = FieldError(
            "record",
            "Enter a record ID, or the NHS or CHI number of someone in your areas",
            "record",
        )
        return console.render(
            request,
            "audit.html",
            {
                "title": "Audit",
                "values": {"record": form.get("record")},
                "errors": {"record": error.message},
                "field_errors": [error],
            },
            422,
        )
    return RedirectResponse(f"/audit/people/{person_id}", status_code=303)


@router.get("/audit/people/{person_id}")
def audit_person(
    request: Request,
    person_id: UUID,
    console: ConsoleDep,
    principal: SignedIn,
    registers: RegistersDep,
    views: ViewsDep,
    access: AccessLogDep,
    reads: ConsoleReads,
) -> Response:
    """The chained trail (every event, who, when, why) and who read the record."""
    require(principal, AUDITORS)  # the API checks it in its dependency, not its body
    trail = api.audit_trail(person_id, principal, registers, views, reads)
    accesses = api.access_log(person_id, principal, registers, access, reads)
    return console.render(
        request,
        "audit_person.html",
        {
            "title": "Audit trail",
            "person_id": person_id,
            "trail": trail,
            "accesses": list(reversed(accesses)),
        },
    )
