"""The monthly panel pack: what a DSR panel works through, one person a block, printable.

For each person on the area's register, by rating: the rating, everything recorded since
the last panel date, the duties due or overdue and the open actions. Read from each
person's record through the application (the same due-duty rules as the record page).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from dsr_core.domain.codes import RatingLevel
from dsr_core.domain.inputs import AreaCode
from dsr_http.console.deps import ConsoleDep, ConsoleReads, SignedIn
from dsr_http.console.pages.person import DatePart, as_at
from dsr_http.console.pages.register import LEVELS, OrNone, area_of
from dsr_http.console.routing import ConsoleRoute
from dsr_http.deps import ClockDep, RegistersDep, RunnerDep, ViewsDep
from dsr_http.schemas import HistoryItem, PersonPublic, with_due_reviews
from dsr_projections.register.working_lists import by_rating, register_counts

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)
DEFAULT_SINCE = timedelta(days=28)
PAGE_PEOPLE = 25
"""People a pack page holds: each reads the person's history, so a big register's pack
is printed page by page (or one rating at a time)."""


@router.get("/panel")
def panel_pack(
    request: Request,
    console: ConsoleDep,
    principal: SignedIn,
    registers: RegistersDep,
    clock: ClockDep,
    views: ViewsDep,
    runner: RunnerDep,
    reads: ConsoleReads,
    area: Annotated[AreaCode | None, Query()] = None,
    rating: Annotated[RatingLevel | None, OrNone, Query()] = None,
    start: Annotated[int, Query(ge=0, le=10**7)] = 0,
    day: DatePart = None,
    month: DatePart = None,
    year: DatePart = None,
) -> Response:
    """Everyone on the register, by rating, with what changed since the last panel."""
    chosen = area_of(principal, area)
    today = clock.today()
    since, field_errors = as_at(day, month, year)
    since = since or today - DEFAULT_SINCE
    policy = registers.areas.policy(chosen)
    counts = console.figures.get(
        ("counts", chosen),
        runner.positions().get("register", 0),
        lambda: register_counts(views, [chosen]),
    )
    levels = [str(level) for level in LEVELS[policy.scheme] if rating in (None, level)]
    total = sum(counts.get(level, 0) for level in levels)
    shown = by_rating(views, chosen, today, counts, levels, start, PAGE_PEOPLE)
    people: list[dict[str, Any]] = []
    for row in shown:
        person = registers.get_person(UUID(row["person_id"]))
        record = with_due_reviews(PersonPublic.of(person), person, policy, today)
        changes = [
            HistoryItem.of(entry)
            for entry in registers.history(person.id)
            if entry.recorded_at.date() >= since
        ]
        people.append(
            {
                "record": record,
                "changes": changes,
                "due": [
                    d
                    for d in record.due_reviews
                    if d.overdue or d.due_on <= today + timedelta(days=31)
                ],
                "open_actions": [a for a in record.actions if a.open],
            }
        )
    reads.record("console-panel-pack", [p["record"].person_id for p in people], chosen)
    return console.render(
        request,
        "panel.html",
        {
            "title": "Panel pack",
            "area": chosen,
            "since": since,
            "since_values": {"day": day or "", "month": month or "", "year": year or ""},
            "people": people,
            "total": total,
            "start": start,
            "next_start": start + PAGE_PEOPLE if start + PAGE_PEOPLE < total else None,
            "rating_filter": rating,
            "levels": LEVELS[policy.scheme],
            "field_errors": field_errors,
        },
        422 if field_errors else 200,
    )
