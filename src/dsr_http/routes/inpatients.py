"""The inpatient oversight view: people in hospital who are not on the register.

C(E)TRs and commissioner visits are owed to every inpatient the area commissions, whether
they are referred, on the register or removed after withdrawing consent (NHS England
C(E)TR policy). People not on the register never appear on it or in its exports; leads and
commissioners see them here, with only what the duties need: no name, number or date of
birth.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Query

from dsr_http.deps import Overseers, ReadsDep, RegistersDep, ViewsDep
from dsr_http.problems import RESPONSES, ForbiddenError
from dsr_projections.queries import inpatients_not_on_register

router = APIRouter(prefix="/v1/inpatients", tags=["inpatients"], responses=RESPONSES)


@router.get("", operation_id="listInpatientsNotOnRegister")
def list_inpatients(
    principal: Overseers,
    registers: RegistersDep,
    views: ViewsDep,
    reads: ReadsDep,
    area: Annotated[
        list[str] | None, Query(description="Area codes; default: all of yours")
    ] = None,
) -> list[dict[str, Any]]:
    """Inpatients not on the register, soonest duty first, with the duty and its date."""
    if area and set(area) - principal.areas:
        raise ForbiddenError("One or more areas are not yours.")
    areas = sorted(set(area) if area else principal.areas)
    rows = inpatients_not_on_register(views, areas, registers.today())
    reads.record("inpatient-oversight", [row["person_id"] for row in rows])
    return rows
