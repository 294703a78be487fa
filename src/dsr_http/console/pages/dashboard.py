"""The area dashboard: the register by rating now, and the last twelve months of
admissions, discharges, inpatients and length of stay, each chart beside its table.

The monthly figures are the API's length-of-stay measures (`GET /v1/areas/{area}/
length-of-stay?period=YYYY-MM`), for analysts disclosure-controlled exactly as there;
counts by rating and service gaps are shown to the roles the API shows them to.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from dsr_core.domain.codes import Role
from dsr_core.domain.inputs import AreaCode
from dsr_core.domain.periods import Period
from dsr_http.console.charts import Series, bar_chart
from dsr_http.console.deps import ConsoleDep, SignedIn
from dsr_http.console.forms import humanise
from dsr_http.console.pages.register import LEVELS
from dsr_http.console.routing import ConsoleRoute
from dsr_http.deps import (
    AGGREGATES,
    PLANNERS,
    PRACTICE,
    ClockDep,
    RegistersDep,
    RunnerDep,
    ViewsDep,
    require,
)
from dsr_projections.register.service_gaps import report as service_gap_report
from dsr_projections.register.working_lists import ratings_on, register_counts
from dsr_projections.stays.metrics import area_metrics_over

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)
MONTHS = 12


def last_months(today: date, count: int = MONTHS) -> list[Period]:
    """The `count` whole months before this one, oldest first."""
    months = []
    year, month = today.year, today.month
    for _ in range(count):
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
        months.append(Period.parse(f"{year}-{month:02d}"))
    return list(reversed(months))


def _count(value: object) -> int | None:
    """A figure, or None where disclosure control suppressed it."""
    if isinstance(value, dict):
        value = value.get("count")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _field(figures: object, name: str) -> object:
    return figures.get(name) if isinstance(figures, dict) else None


@router.get("/dashboard")
def dashboard(
    request: Request,
    console: ConsoleDep,
    principal: SignedIn,
    registers: RegistersDep,
    clock: ClockDep,
    views: ViewsDep,
    runner: RunnerDep,
    area: Annotated[AreaCode | None, Query()] = None,
) -> Response:
    require(principal, AGGREGATES, area)
    chosen = area or sorted(principal.areas)[0]
    policy = registers.areas.policy(chosen)
    analyst = principal.role is Role.ANALYST
    profile = policy.disclosure if analyst else None
    months = last_months(clock.today())
    positions = runner.positions()
    *metrics, year = console.figures.get(
        ("dashboard", chosen, profile, months[-1].end),
        positions.get("length_of_stay", 0),
        lambda: area_metrics_over(
            views,
            chosen,
            [(m.start, m.end) for m in months] + [(months[0].start, months[-1].end)],
            disclosure_profile=profile,
        ),
    )
    monthly: list[dict[str, Any]] = [
        {
            "label": f"{m.start:%b %y}",
            "admissions": _count(figures["admissions"]),
            "discharges": _count(figures["discharges"]),
            "inpatients": _count(figures["inpatients_at_end"]),
            "median_stay": _field(figures["inpatients_at_end"], "median_days"),
            "out_of_area": _count(figures["out_of_area_placements_at_end"]),
            "delayed": _count(_field(figures["delayed_discharge"], "people_delayed_at_end")),
        }
        for m, figures in zip(months, metrics, strict=True)
    ]
    labels = [row["label"] for row in monthly]
    context: dict[str, Any] = {
        "title": "Dashboard",
        "area": chosen,
        "areas": sorted(principal.areas),
        "analyst": analyst,
        "monthly": monthly,
        "flow_chart": bar_chart(
            "Admissions and discharges by month",
            labels,
            [
                Series("Admissions", [r["admissions"] for r in monthly], "dsr-chart__bar--blue"),
                Series("Discharges", [r["discharges"] for r in monthly], "dsr-chart__bar--green"),
            ],
        ),
        "inpatient_chart": bar_chart(
            "Inpatients at the end of each month",
            labels,
            [Series("Inpatients", [r["inpatients"] for r in monthly], "dsr-chart__bar--blue")],
        ),
        "year": year,
    }
    if principal.role in PRACTICE:
        counts = console.figures.get(
            ("counts", chosen),
            positions.get("register", 0),
            lambda: register_counts(views, [chosen]),
        )
        levels = LEVELS[policy.scheme]
        context["counts"] = [(level, counts.get(level, 0)) for level in levels]
        context["referred"] = counts.get("referred", 0)
        history = console.figures.get(
            ("ratings", chosen, months[-1].end),
            positions.get("national_dataset", 0),
            lambda: ratings_on(views, chosen, [m.end for m in months]),
        )
        context["rating_history"] = [
            (label, [month.get(str(level), 0) for level in levels])
            for label, month in zip(labels, history, strict=True)
        ]
        context["rating_history_chart"] = bar_chart(
            "People on the register by rating at the end of each month",
            labels,
            [
                Series(
                    humanise(level),
                    [month.get(str(level), 0) for month in history],
                    f"dsr-chart__bar--{level}",
                )
                for level in levels
            ],
        )
        context["rating_chart"] = bar_chart(
            "People on the register by rating",
            [str(level).replace("_", " ") for level in levels],
            [
                Series(
                    "People",
                    [counts.get(level, 0) for level in levels],
                    "dsr-chart__bar--other",
                    [f"dsr-chart__bar--{level}" for level in levels],
                )
            ],
        )
    if principal.role in PLANNERS:
        context["gaps"] = service_gap_report(views, chosen, clock.today())
    return console.render(request, "dashboard.html", context)
