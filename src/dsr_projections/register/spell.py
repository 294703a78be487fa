"""An inpatient's spell as the working lists show it: the organisations (provider, responsible
and host commissioner), the next C(E)TR and visit, and where the person stands with the DSR
(issue 27; domain.md, "Hospital episodes")."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from dsr_core.domain.codes import Status
from dsr_core.person.aggregate import Person
from dsr_core.person.cadences import DueKind, DueReview
from dsr_projections.storage.database import Row

STAY_COLUMNS = (
    "provider_code TEXT, provider_name TEXT, commissioner_type TEXT, commissioner_code TEXT, "
    "host_commissioner_code TEXT, next_cetr_kind TEXT, next_cetr_due TEXT, "
    "next_visit_due TEXT, first_admitted_on TEXT, on_dsr_before_admission BOOLEAN"
)
"""The spell's organisations and duties, on both tables (issue 27)."""
CETR_DUTIES = (DueKind.POST_ADMISSION_CETR, DueKind.REPEAT_CETR)


def stay_facts(person: Person, duties: Sequence[DueReview]) -> Row:
    """The spell's organisations and its next C(E)TR and visit, for the inpatient list."""
    stay = person.admission
    cetr = min((d for d in duties if d.kind in CETR_DUTIES), default=None)
    visit = min((d for d in duties if d.kind is DueKind.OVERSIGHT_VISIT), default=None)
    first_admitted = person.first_admitted_on
    return {
        "provider_code": stay.provider_code if stay else None,
        "provider_name": stay.provider_name if stay else None,
        "commissioner_type": str(stay.commissioner_type)
        if stay and stay.commissioner_type
        else None,
        "commissioner_code": stay.commissioner_code if stay else None,
        "host_commissioner_code": stay.host_commissioner_code if stay else None,
        "next_cetr_kind": str(cetr.kind) if cetr else None,
        "next_cetr_due": _d(cetr.due_on) if cetr else None,
        "next_visit_due": _d(visit.due_on) if visit else None,
        "first_admitted_on": _d(first_admitted),
        "on_dsr_before_admission": on_dsr_before_admission(person) if stay else None,
    }


def on_dsr_before_admission(person: Person) -> bool:
    """Assuring Transformation's question: accepted onto the DSR before this spell began."""
    stay, accepted = person.admission, person.accepted_on
    return bool(stay and accepted and accepted < stay.total_stay_started_on)


def register_status(person: Person) -> str:
    """Where an inpatient stands with the DSR, for the inpatient list's status column."""
    if person.status is Status.REFERRED and person.consent_refused_on is not None:
        return "consent_refused"
    if person.status is Status.REMOVED and person.closure_reason == "consent_withdrawn":
        return "consent_withdrawn"
    return str(person.status)


def _d(value: date | None) -> str | None:
    return value.isoformat() if value else None
