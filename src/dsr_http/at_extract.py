"""The monthly Assuring Transformation extract: one record per inpatient the area is
responsible for at midnight on the month's last day (issue 31; domain.md: an ICB's own
monthly duty is AT's record-level submission per inpatient).

The layout follows the AT data set's current (v4) content as domain.md and the issue
name it: the person, the spell, the legal status, the oversight and discharge planning,
and the flags AT asks. Field names are dsr's own (the specification's column headings
were not available to this build; docs/national.md). Fields AT asks that dsr does not
hold are listed in `NOT_HELD`, never invented. A validation report comes with every
extract so the commissioner fixes the record before submitting, not after the return is
rejected.

The extract is personal data (NHS numbers, dates): it is served to the area's
commissioner and lead only, each person read is written to the access log, and nothing
of it is logged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from dsr_core.domain.codes import ReviewKind
from dsr_core.domain.dates import add_months
from dsr_core.person.aggregate import Person

LAYOUT = "Assuring Transformation v4 (fields dsr holds; dsr's field names)"
FIELDS = (
    "nhs_number",
    "date_of_birth",
    "sex",
    "gender_identity",
    "ethnic_category",
    "admitted_on",
    "total_stay_started_on",
    "admission_type",
    "ward_type",
    "security_level",
    "provider_code",
    "commissioner_type",
    "commissioner_code",
    "legal_status",
    "mha_section",
    "last_cetr_on",
    "next_cetr_due_on",
    "last_oversight_visit_on",
    "planned_discharge_on",
    "ready_for_discharge_on",
    "delay_reason_v6",
    "on_dsr_before_admission",
    "advocacy",
    "ehc_plan",
    "objects_to_national_sharing",
)
NOT_HELD = (
    "admission_reason",
    "admission_source",
    "care_coordinator_named",
    "clinical_review_of_medication",
    "distance_from_home_postcode_district",
)
"""Fields of the AT record dsr does not record: left for the commissioner to add."""

CETR_EVERY_MONTHS = {"adult": 12, "child": 3}
"""Repeat C(E)TRs (domain.md): every 12 months for adults in hospital, 3 for children
(the inpatient list's duty schedule is the authority; this is the extract's summary)."""


@dataclass(frozen=True)
class Issue:
    """One finding of the validation report: which record (by its position) and field."""

    record: int
    field: str
    severity: str  # "error": AT refuses it; "warning": accepted, but check it
    message: str


def record(person: Person, census: date) -> dict[str, Any]:
    """The AT record of one inpatient at the census."""
    stay = person.admission
    assert stay is not None, "only inpatients have an AT record"
    details = person.details
    cetrs = [r.held_on for r in person.reviews if r.kind is ReviewKind.CETR]
    visits = [
        r.held_on
        for r in person.reviews
        if r.kind is ReviewKind.COMMISSIONER_OVERSIGHT_VISIT and r.held_on >= stay.admitted_on
    ]
    last_cetr = max((d for d in cetrs if d <= census), default=None)
    born = details.date_of_birth
    child = born is not None and add_months(born, 12 * 18) > census
    due = (
        add_months(last_cetr, CETR_EVERY_MONTHS["child" if child else "adult"])
        if last_cetr
        else None
    )
    involvement = person.involvement
    return {
        "nhs_number": details.nhs_number or "",
        "date_of_birth": _day(born),
        "sex": str(details.sex),
        "gender_identity": details.gender_identity or "",
        "ethnic_category": details.ethnic_category or "",
        "admitted_on": _day(stay.admitted_on),
        "total_stay_started_on": _day(stay.total_stay_started_on),
        "admission_type": str(stay.admission_type or ""),
        "ward_type": str(stay.ward_type),
        "security_level": str(stay.security_level or ""),
        "provider_code": stay.provider_code or "",
        "commissioner_type": str(stay.commissioner_type or ""),
        "commissioner_code": stay.commissioner_code or "",
        "legal_status": str(stay.legal_status),
        "mha_section": stay.detained_under or "",
        "last_cetr_on": _day(last_cetr),
        "next_cetr_due_on": _day(due),
        "last_oversight_visit_on": _day(max((v for v in visits if v <= census), default=None)),
        "planned_discharge_on": _day(stay.planned_discharge_on),
        "ready_for_discharge_on": _day(stay.ready_for_discharge_on),
        "delay_reason_v6": stay.delay_reason or "",
        "on_dsr_before_admission": _yes_no(
            person.accepted_on is not None and person.accepted_on < stay.total_stay_started_on
        ),
        "advocacy": str(involvement.advocacy) if involvement else "",
        "ehc_plan": _yes_no(person.ehc_plan),
        "objects_to_national_sharing": _yes_no(person.objects_to_national_sharing),
    }


def validate(records: list[dict[str, Any]], census: date) -> list[Issue]:
    """What AT would refuse (errors) and what a commissioner should check (warnings)."""
    issues = []
    for n, rec in enumerate(records, start=1):
        if not rec["nhs_number"]:
            issues.append(Issue(n, "nhs_number", "error", "No NHS number: AT matches on it."))
        if not rec["provider_code"]:
            issues.append(Issue(n, "provider_code", "error", "No provider (ODS code)."))
        if not rec["commissioner_type"]:
            issues.append(Issue(n, "commissioner_type", "error", "No responsible commissioner."))
        if rec["legal_status"] == "detained" and not rec["mha_section"]:
            issues.append(Issue(n, "mha_section", "error", "Detained, but under no section."))
        delayed = (
            rec["ready_for_discharge_on"] and rec["ready_for_discharge_on"] < census.isoformat()
        )
        if delayed and not rec["delay_reason_v6"]:
            issues.append(Issue(n, "delay_reason_v6", "error", "Delayed with no reason recorded."))
        if not rec["planned_discharge_on"]:
            issues.append(Issue(n, "planned_discharge_on", "warning", "No planned date."))
        if not rec["last_cetr_on"]:
            issues.append(Issue(n, "last_cetr_on", "warning", "No C(E)TR recorded."))
        elif rec["next_cetr_due_on"] and rec["next_cetr_due_on"] < census.isoformat():
            issues.append(Issue(n, "next_cetr_due_on", "warning", "The repeat C(E)TR is overdue."))
        if not rec["last_oversight_visit_on"]:
            issues.append(
                Issue(n, "last_oversight_visit_on", "warning", "No oversight visit this stay.")
            )
    return issues


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


def _yes_no(value: bool) -> str:
    return "Y" if value else "N"
