"""The referral queue: everyone waiting for a decision, at home or in hospital, oldest
first, with how long they have waited, the decision's deadline and whether a lawful basis
is recorded yet. It is the API's `GET /v1/referrals` (the same query function)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from dsr_core.domain.codes import Role
from dsr_http.console.deps import ConsoleDep, ConsoleReads, SignedIn
from dsr_http.console.routing import ConsoleRoute
from dsr_http.deps import PRACTICE, ClockDep, ViewsDep, require, shows_latest
from dsr_projections.queries import referral_queue, untold

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)


@router.get("/referrals")
def queue(
    request: Request,
    console: ConsoleDep,
    principal: SignedIn,
    clock: ClockDep,
    views: ViewsDep,
    reads: ConsoleReads,
    _: Annotated[bool, Depends(shows_latest("register"))],
) -> Response:
    require(principal, PRACTICE)
    referrals = referral_queue(views, sorted(principal.areas), clock.today())
    for row in referrals:
        row["name"] = f"{row['given_name'] or ''} {row['family_name'] or ''}".strip()
        row["number"] = row["nhs_number"] or row["chi_number"]
        row["basis"] = row["consent_basis"]
    to_tell = untold(views, sorted(principal.areas), clock.today())
    for row in to_tell:
        row["name"] = f"{row['given_name'] or ''} {row['family_name'] or ''}".strip()
    reads.record("console-referrals", [r["person_id"] for r in referrals + to_tell])
    return console.render(
        request,
        "referrals.html",
        {
            "title": "Referrals",
            "referrals": referrals,
            "to_tell": to_tell,
            "decides": principal.role is Role.LEAD,
        },
    )
