"""The monthly Assuring Transformation extract of an English area (issue 31): one record
per inpatient at the month's census, with a validation report (dsr_http/at_extract.py).
Personal data: the area's commissioner and lead only, every person read access-logged."""

from dataclasses import asdict
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query

from dsr_core.domain.errors import InvalidInputError
from dsr_http import at_extract
from dsr_http.deps import (
    AreaPath,
    OverseersInArea,
    ReadsDep,
    RegistersDep,
    ViewsDep,
    waits_for,
)
from dsr_http.problems import RESPONSES
from dsr_http.tabular import csv_response
from dsr_projections.national.collections import ENGLAND
from dsr_projections.queries import inpatients_on

router = APIRouter(prefix="/v1/areas", tags=["national"], responses=RESPONSES)

MonthLabel = Annotated[
    str,
    Query(
        pattern=r"^[0-9]{4}-(0[1-9]|1[0-2])$",
        examples=["2025-05"],
        description="The month (AT is monthly): its census is midnight on its last day",
    ),
]


@router.get(
    "/{area}/assuring-transformation",
    operation_id="getAssuringTransformationExtract",
    responses={
        200: {
            "description": "The extract and its validation report (JSON), or the records "
            "as CSV with format=csv",
            "content": {
                "application/json": {"schema": {"type": "object"}},
                "text/csv": {"schema": {"type": "string"}},
            },
        }
    },
)
def assuring_transformation(
    area: AreaPath,
    principal: OverseersInArea,
    registers: RegistersDep,
    views: ViewsDep,
    reads: ReadsDep,
    period: MonthLabel,
    format: Literal["json", "csv"] = "json",
    caught_up: Annotated[bool, Depends(waits_for("national_dataset"))] = True,
) -> Any:
    """One record per inpatient the English area is responsible for at the month's end
    (on the register or not): the fields of the AT data set dsr holds, those it does not
    (`not_held`), and what AT would refuse or a commissioner should check (`validation`)."""
    if not area.startswith("E54"):
        raise InvalidInputError(
            "Assuring Transformation is England's: give an ICB (E54...).", field="area"
        )
    try:
        census = ENGLAND.census_date(ENGLAND.period(period))
    except ValueError as error:  # e.g. year 0000: no such month
        raise InvalidInputError(str(error), field="period") from None
    people = [
        person
        for person_id in inpatients_on(views, area, census)
        if (person := registers.person_as_at(person_id, on=census)) is not None
        and person.admission is not None
    ]
    reads.record(f"assuring-transformation-{format}", [p.id for p in people], area)
    records = [at_extract.record(person, census) for person in people]
    if format == "csv":
        name = f"assuring-transformation-{area}-{period}.csv"
        disposition = {"Content-Disposition": f'attachment; filename="{name}"'}
        return csv_response(records, at_extract.FIELDS, disposition)
    issues = at_extract.validate(records, census)
    return {
        "layout": at_extract.LAYOUT,
        "area": area,
        "period": period,
        "census_date": census.isoformat(),
        "caught_up": caught_up,
        "fields": list(at_extract.FIELDS),
        "not_held": list(at_extract.NOT_HELD),
        "records": records,
        "validation": {
            "errors": sum(1 for i in issues if i.severity == "error"),
            "warnings": sum(1 for i in issues if i.severity == "warning"),
            "issues": [asdict(issue) for issue in issues],
        },
    }
