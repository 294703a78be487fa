"""The register board: an area's register by its rating scheme, filtered, paged, found
by name or number, and downloaded as CSV or XLSX exactly as shown."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, BeforeValidator, ConfigDict

from dsr_core.domain.codes import RatingLevel, Scheme
from dsr_core.domain.identifiers import normalise
from dsr_core.domain.inputs import AreaCode
from dsr_http import spreadsheets
from dsr_http.auth import Principal
from dsr_http.console.deps import ConsoleDep, ConsoleReads, Posted, SignedIn
from dsr_http.console.forms import FieldError, humanise
from dsr_http.console.routing import ConsoleRoute
from dsr_http.deps import PRACTICE, ClockDep, RegistersDep, RunnerDep, ViewsDep, require
from dsr_projections.national.anonymity import AGE_BANDS
from dsr_projections.register.queries import RegisterQuery, query_register
from dsr_projections.register.working_lists import (
    every_row,
    find_by_name,
    in_age_band,
    in_age_band_page,
    register_counts,
    with_lead_professional,
)
from dsr_projections.storage.database import Row, ViewDatabase

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)

LEVELS = {
    Scheme.ENGLAND_RAG: (RatingLevel.BLUE, RatingLevel.RED, RatingLevel.AMBER, RatingLevel.GREEN),
    Scheme.SCOTLAND_COMING_HOME: (
        RatingLevel.URGENT,
        RatingLevel.ENHANCED_MONITORING,
        RatingLevel.APPROPRIATE_OUT_OF_AREA,
    ),
}
SECTION_ROWS = 10
PAGE_ROWS = 25
AgeBand = Literal["0-17", "18-24", "25-34", "35-44", "45-54", "55-64", "65+"]


def _blank_is_none(value: object) -> object:
    """A form's "Any" option sends an empty value: no filter, not a bad one."""
    return None if value == "" else value


OrNone = BeforeValidator(_blank_is_none)


class BoardFilters(BaseModel):
    """What the board is filtered by: codes only, never a name or number (no personal
    data in a URL); finding by name or number is a form post."""

    model_config = ConfigDict(extra="forbid")

    area: Annotated[AreaCode | None, OrNone] = None
    rating: Annotated[RatingLevel | None, OrNone] = None
    overdue: Annotated[bool | None, OrNone] = None
    out_of_area: Annotated[bool | None, OrNone] = None
    age_band: Annotated[AgeBand | None, OrNone] = None
    cursor: Annotated[str | None, OrNone] = None

    @property
    def filtering(self) -> bool:
        return any(
            v is not None for v in (self.rating, self.overdue, self.out_of_area, self.age_band)
        )

    def link(self, **changes: object) -> str:
        shown = {**self.model_dump(exclude_none=True), **changes}
        query = "&".join(
            f"{k}={str(v).lower() if isinstance(v, bool) else v}"
            for k, v in shown.items()
            if v is not None
        )
        return f"?{query}" if query else ""


Filters = Annotated[BoardFilters, Query()]

HEADINGS = (
    "Name",
    "NHS or CHI number",
    "Rating",
    "Rating since",
    "Setting",
    "In setting since",
    "Out of area",
    "Hospital",
    "Next duty",
    "Next duty due",
    "Overdue",
    "Lead professional",
)


def _cells(row: Row) -> list[Any]:
    return [
        f"{row['given_name'] or ''} {row['family_name'] or ''}".strip(),
        row["nhs_number"] or row["chi_number"] or "",
        humanise(row["rating"]) if row["rating"] else "Referred",
        row["rating_since"],
        humanise(row["setting"]),
        row["setting_since"],
        "yes" if row["out_of_area"] else "no",
        row["hospital"],
        humanise(row["next_review_kind"]) if row["next_review_kind"] else "",
        row["next_review_due"],
        "yes" if row["overdue"] else "no",
        row["lead_professional"],
    ]


def area_of(principal: Principal, area: str | None) -> str:
    """The area a page is for: the one asked (if it is the user's), else their first."""
    require(principal, PRACTICE, area)
    return area or sorted(principal.areas)[0]


def _query(area: str, filters: BoardFilters, today: date, **extra: Any) -> RegisterQuery:
    return RegisterQuery(
        areas=[area],
        today=today,
        rating=str(filters.rating) if filters.rating else None,
        status="on_register",
        overdue=filters.overdue,
        out_of_area=filters.out_of_area,
        **extra,
    )


def listing(
    views: ViewDatabase, query: RegisterQuery, filters: BoardFilters
) -> tuple[list[Row], str | None]:
    """One page of the filtered register, and the cursor of the next. An age band is
    filtered after opening dates of birth, so that listing pages by position."""
    if filters.age_band is None:
        try:
            page = query_register(views, query)
        except ValueError:
            page = query_register(views, replace(query, cursor=None))
        return page.items, page.next_cursor
    start = int(filters.cursor) if filters.cursor and filters.cursor.isdigit() else 0
    rows, more = in_age_band_page(views, query, filters.age_band, start, query.limit)
    return rows, str(start + query.limit) if more else None


@router.get("/register")
def board(
    request: Request,
    console: ConsoleDep,
    principal: SignedIn,
    registers: RegistersDep,
    clock: ClockDep,
    views: ViewsDep,
    runner: RunnerDep,
    reads: ConsoleReads,
    filters: Filters,
) -> Response:
    """The board: a section per rating with its count, or one filtered list, paged."""
    area = area_of(principal, filters.area)
    scheme = registers.areas.policy(area).scheme
    counts = console.figures.get(
        ("counts", area),
        runner.positions().get("register", 0),
        lambda: register_counts(views, [area]),
    )
    sections: list[dict[str, Any]] = []
    rows: list[Row] = []
    next_cursor = None
    if filters.filtering:
        query = _query(area, filters, clock.today(), limit=PAGE_ROWS, cursor=filters.cursor)
        rows, next_cursor = listing(views, query, filters)
        shown = rows
    else:
        shown = []
        for level in LEVELS[scheme]:
            query = _query(area, filters.model_copy(update={"rating": level}), clock.today())
            section = query_register(views, replace(query, limit=SECTION_ROWS))
            sections.append({"level": level, "rows": section.items, "count": counts.get(level, 0)})
            shown += section.items
    reads.record("console-register", [row["person_id"] for row in shown], area)
    return console.render(
        request,
        "register.html",
        {
            "title": "Register",
            "area": area,
            "areas": sorted(principal.areas),
            "scheme": scheme,
            "levels": LEVELS[scheme],
            "counts": counts,
            "sections": sections,
            "rows": rows,
            "filters": filters,
            "next_cursor": next_cursor,
            "age_bands": [label for _, _, label in AGE_BANDS],
        },
    )


@router.get("/register.{kind}")
def download(
    kind: Literal["csv", "xlsx"],
    principal: SignedIn,
    clock: ClockDep,
    views: ViewsDep,
    reads: ConsoleReads,
    filters: Filters,
) -> Response:
    """Every row the board's filters select (not one page), as the board shows them."""
    area = area_of(principal, filters.area)
    rows = every_row(views, _query(area, filters, clock.today()))
    if filters.age_band:
        rows = [r for r in rows if in_age_band(filters.age_band, clock.today())(r)]
    reads.record(f"console-register-{kind}", [row["person_id"] for row in rows], area)
    return _download(kind, f"register-{area}-{clock.today().isoformat()}", rows)


def _download(kind: str, name: str, rows: Sequence[Row]) -> Response:
    cells = [_cells(row) for row in rows]
    if kind == "csv":
        body = spreadsheets.as_csv(HEADINGS, cells)
        media = "text/csv; charset=utf-8"
    else:
        body = spreadsheets.as_xlsx("Register", HEADINGS, cells)
        media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(
        body,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="{name}.{kind}"'},
    )


@router.post("/find")
def find(
    request: Request,
    console: ConsoleDep,
    principal: SignedIn,
    registers: RegistersDep,
    clock: ClockDep,
    views: ViewsDep,
    reads: ConsoleReads,
    form: Posted,
) -> Response:
    """Find a person by name, NHS or CHI number, or everyone with a lead professional,
    within the user's areas: posted, so what was typed is never in a URL or a log."""
    require(principal, PRACTICE)
    text = form.get("q")
    lead = form.get("lead")
    today = clock.today()
    areas = sorted(principal.areas)
    errors: list[FieldError] = []
    rows: list[Row] = []
    if not text and not lead:
        errors.append(
            FieldError("q", "Enter a name, an NHS or CHI number, or a lead professional", "q")
        )
    elif lead:
        rows = [
            r
            for r in every_row(views, RegisterQuery(areas=areas, today=today))
            if with_lead_professional(lead)(r)
        ]
    elif normalise(text).isdigit() and len(normalise(text)) == 10:
        # an exact number opens its holder's record (read from the record, so a referral
        # made a moment ago is found before the register's read model shows it)
        holders = [registers.identity_keys.holder(area, normalise(text)) for area in areas]
        found = next((h for h in holders if h is not None), None)
        if found is not None:
            reads.record("console-find", [found])
            return RedirectResponse(f"/people/{found}", status_code=303)
    else:
        rows = find_by_name(views, areas, text, today)
    reads.record("console-find", [row["person_id"] for row in rows])
    return console.render(
        request,
        "find.html",
        {
            "title": "Find a person",
            "rows": rows,
            "searched": bool(text or lead),
            "values": {"q": text, "lead": lead},
            "errors": {e.field: e.message for e in errors},
            "field_errors": errors,
        },
        422 if errors else 200,
    )
