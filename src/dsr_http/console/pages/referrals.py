"""The referral queue: everyone waiting for a decision, at home or in hospital, oldest
first, with how long they have waited and whether a lawful basis is recorded yet.

Until the queue has a read model of its own (issue 27), it is the register's `referred`
rows plus the referred inpatients of the oversight view, whose records are read through
the application for their names (the oversight view holds none).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import Response

from dsr_core.domain.codes import Role
from dsr_http.console.deps import ConsoleDep, ConsoleReads, SignedIn
from dsr_http.console.routing import ConsoleRoute
from dsr_http.deps import PRACTICE, ClockDep, RegistersDep, ViewsDep, require
from dsr_projections.register.queries import RegisterQuery, inpatients_not_on_register
from dsr_projections.register.working_lists import every_row

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)


@router.get("/referrals")
def queue(
    request: Request,
    console: ConsoleDep,
    principal: SignedIn,
    registers: RegistersDep,
    clock: ClockDep,
    views: ViewsDep,
    reads: ConsoleReads,
) -> Response:
    require(principal, PRACTICE)
    areas = sorted(principal.areas)
    today = clock.today()
    waiting = every_row(
        views, RegisterQuery(areas=areas, today=today, status="referred", sort="name")
    )
    ids = [UUID(row["person_id"]) for row in waiting] + [
        UUID(row["person_id"])
        for row in inpatients_not_on_register(views, areas, today)
        if row["status"] == "referred"
    ]
    referrals: list[dict[str, Any]] = []
    for person_id in ids:
        person = registers.get_person(person_id)
        if person.area not in principal.areas or str(person.status) != "referred":
            continue  # moved on since the read model was written
        referrals.append(
            {
                "person_id": person.id,
                "name": f"{person.details.given_name} {person.details.family_name}",
                "number": person.details.nhs_number or person.details.chi_number,
                "area": person.area,
                "referred_on": person.referred_on,
                "days_waiting": (today - person.referred_on).days,
                "in_hospital": person.admission is not None,
                "hospital": person.admission.hospital if person.admission else None,
                "basis": person.consent.basis if person.consent else None,
            }
        )
    referrals.sort(key=lambda r: (r["referred_on"], str(r["person_id"])))
    reads.record("console-referrals", [r["person_id"] for r in referrals])
    return console.render(
        request,
        "referrals.html",
        {
            "title": "Referrals",
            "referrals": referrals,
            "decides": principal.role is Role.LEAD,
        },
    )
