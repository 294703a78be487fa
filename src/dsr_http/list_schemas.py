"""The rows of the referral queue and the inpatient list, as the API promises them."""

from datetime import date
from typing import Literal
from uuid import UUID

from pydantic import BaseModel

RegisterStatus = Literal[
    "on_register",
    "referred",
    "consent_refused",
    "consent_withdrawn",
    "declined",
    "removed",
    "not_referred",
]


class ReferralQueueItem(BaseModel):
    """A referral awaiting the DSR's decision."""

    person_id: UUID
    area: str
    given_name: str | None
    family_name: str | None
    date_of_birth: date | None
    nhs_number: str | None
    chi_number: str | None
    referred_on: date | None
    days_waiting: int | None
    decision_due: date | None
    """The local deadline for accepting or declining (a per-area setting)."""
    decision_overdue: bool
    register_status: RegisterStatus
    consent_basis: str | None
    referral_reason: str | None
    referrer_type: str | None
    setting: str
    in_hospital: bool
    hospital: str | None
    admitted_on: date | None
    provider_name: str | None


class DecisionToTell(BaseModel):
    """A decision on a referral whose referrer has not been told yet."""

    person_id: UUID
    area: str
    given_name: str | None
    family_name: str | None
    referred_on: date | None
    outcome: Literal["accepted", "declined", "consent_refused"]
    decided_on: date
    tell_due: date
    """The referral decision's local deadline, or the day of a later decision."""
    tell_overdue: bool


class InpatientListItem(BaseModel):
    """An inpatient the area is responsible for, and the duties owed to them."""

    person_id: UUID
    area: str
    register_status: RegisterStatus
    on_register: bool
    rating: str | None
    """Only for people on the register."""
    given_name: str | None
    family_name: str | None
    date_of_birth: date | None
    nhs_number: str | None
    chi_number: str | None
    hospital: str | None
    provider_code: str | None
    provider_name: str | None
    commissioner_type: str | None
    commissioner_code: str | None
    host_commissioner_code: str | None
    admitted_on: date
    """The admission to the current hospital."""
    admission_type: str | None
    stay_started_on: date | None
    """The spell's start: a transfer continues it."""
    first_admitted_on: date | None
    days_in_hospital: int | None
    ward_type: str | None
    security_level: str | None
    next_cetr_kind: str | None
    next_cetr_due: date | None
    next_visit_due: date | None
    next_duty: str | None
    next_duty_due: date | None
    overdue: bool
    ready_for_discharge_on: date | None
    delay_reason: str | None
    delayed: bool
    days_delayed: int | None
    planned_discharge_on: date | None
    days_to_planned_discharge: int | None
    planned_discharge_overdue: bool
    on_dsr_before_admission: bool | None
    """Assuring Transformation's question: accepted onto the DSR before the spell began."""
