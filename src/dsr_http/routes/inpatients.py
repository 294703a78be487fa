"""The inpatient oversight view: people in hospital who are not on the register.

C(E)TRs and commissioner visits are owed to every inpatient the area commissions, whether
they are referred, on the register or removed after withdrawing consent (NHS England
C(E)TR policy). People not on the register never appear on it or in its exports; leads and
commissioners see them here, with only what the duties need: no name, number or date of
birth.
"""

from typing import Any

from fastapi import APIRouter

from dsr_http.deps import (
    AreaFilter,
    ClockDep,
    Overseers,
    ReadsDep,
    ViewsDep,
    areas_asked,
)
from dsr_http.problems import RESPONSES
from dsr_projections.queries import inpatients_not_on_register
from dsr_projections.register.working_lists import inpatient_list

router = APIRouter(prefix="/v1/inpatients", tags=["inpatients"], responses=RESPONSES)


@router.get("", operation_id="listInpatientsNotOnRegister")
def list_inpatients(
    principal: Overseers,
    clock: ClockDep,
    views: ViewsDep,
    reads: ReadsDep,
    area: AreaFilter = None,
) -> list[dict[str, Any]]:
    """Inpatients not on the register, soonest duty first, with the duty and its date."""
    areas = areas_asked(principal, area)
    rows = inpatients_not_on_register(views, areas, clock.today())
    reads.record("inpatient-oversight", [row["person_id"] for row in rows])
    return rows


@router.get("/all", operation_id="listAllInpatients")
def list_all_inpatients(
    principal: Overseers,
    clock: ClockDep,
    views: ViewsDep,
    reads: ReadsDep,
    area: AreaFilter = None,
) -> list[dict[str, Any]]:
    """Every inpatient the areas oversee, soonest duty first: people on the register (or
    referred) with name, rating and hospital; inpatients not on it without their name.
    The list commissioners and C(E)TR coordinators plan reviews and visits from."""
    areas = areas_asked(principal, area)
    rows, _ = inpatient_list(views, areas, clock.today())
    reads.record("inpatient-list", [row["person_id"] for row in rows])
    return rows
