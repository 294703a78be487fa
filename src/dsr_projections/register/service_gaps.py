"""Service gaps: who waits for which service and for how long, and the coded needs no
service meets yet (seed 004, "people waiting for a service"; "gaps in local services").

Rows are written by the register projection (register.py) for everyone referred, on the
register or in hospital; the report is aggregate, for planning, and names nobody.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from datetime import date
from typing import Any

from dsr_core.person.aggregate import Person
from dsr_projections.storage.database import Cursor, ViewDatabase
from dsr_projections.storage.tables import insert

TABLES = {
    "service_referrals": (
        "person_id TEXT NOT NULL, area TEXT NOT NULL, service TEXT NOT NULL, "
        "requested_on TEXT NOT NULL, started_on TEXT, PRIMARY KEY (person_id, service)"
    ),
    "person_needs": (
        "person_id TEXT NOT NULL, area TEXT NOT NULL, code TEXT NOT NULL, "
        "horizon TEXT NOT NULL, PRIMARY KEY (person_id, code, horizon)"
    ),
}
INDEXES = {
    "service_referrals_by_area": "service_referrals (area, service)",
    "person_needs_by_area": "person_needs (area, code)",
}


def write(
    cursor: Cursor, referrals: str, needs: str, people: Sequence[Person], shown: Sequence[bool]
) -> None:
    """Replace these people's rows; people no longer followed (`shown` false) have none."""
    ids = [(str(p.id),) for p in people]
    cursor.executemany(f"DELETE FROM {referrals} WHERE person_id = ?", ids)
    cursor.executemany(f"DELETE FROM {needs} WHERE person_id = ?", ids)
    followed = [p for p, show in zip(people, shown, strict=True) if show]
    insert(
        cursor,
        referrals,
        [
            {
                "person_id": str(p.id),
                "area": p.area,
                "service": service,
                "requested_on": requested.isoformat(),
                "started_on": started and started.isoformat(),
            }
            for p in followed
            for service, (requested, started) in p.services.items()
        ],
    )
    insert(
        cursor,
        needs,
        [
            {"person_id": str(p.id), "area": p.area, "code": code, "horizon": horizon}
            for p in followed
            for code, horizon in {(n.code, str(n.horizon)) for n in p.needs}
        ],
    )


def report(db: ViewDatabase, area: str, today: date) -> dict[str, Any]:
    """Waiting per service (still waiting, and how long) and unmet needs by code."""
    with db.read() as cursor:
        cursor.execute(
            "SELECT service, requested_on, started_on FROM service_referrals WHERE area = ?",
            (area,),
        )
        referrals = cursor.fetchall()
        cursor.execute(
            "SELECT code, horizon, COUNT(*) AS people FROM person_needs WHERE area = ? "
            "GROUP BY code, horizon ORDER BY code, horizon",
            (area,),
        )
        needs = cursor.fetchall()
    services: dict[str, dict[str, Any]] = {}
    for service in sorted({r["service"] for r in referrals}):
        rows = [r for r in referrals if r["service"] == service]
        waits = [
            (today - date.fromisoformat(r["requested_on"])).days
            for r in rows
            if r["started_on"] is None
        ]
        started = [
            (date.fromisoformat(r["started_on"]) - date.fromisoformat(r["requested_on"])).days
            for r in rows
            if r["started_on"] is not None
        ]
        services[service] = {
            "waiting": len(waits),
            "median_days_waiting": statistics.median(waits) if waits else None,
            "longest_days_waiting": max(waits, default=None),
            "started": len(started),
            "median_days_to_start": statistics.median(started) if started else None,
        }
    unmet: dict[str, dict[str, int]] = {}
    for row in needs:
        unmet.setdefault(row["code"], {})[row["horizon"]] = int(row["people"])
    return {"area": area, "as_of": today.isoformat(), "services": services, "needs": unmet}
