"""Commands: what a front-end asks the register to record, validated field by field.

They double as HTTP request bodies, so each carries an example. Dates are the day the
thing happened (the effective date), which may be in the past but never in the future.
"""

from __future__ import annotations

from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from dsr_core.inputs import AreaCode, Day, Flag, LongText, ShortText
from dsr_core.values import (
    Advocacy,
    DeclineReason,
    DelayReason,
    DischargeDestination,
    LawfulBasis,
    LegalStatus,
    PanelRole,
    PersonDetails,
    PlacementNeeds,
    PlacementType,
    ProfessionalRole,
    Rating,
    ReferralCriterion,
    RemovalReason,
    Representative,
    ReviewKind,
    RiskFactor,
    SecurityLevel,
    Service,
    WardType,
)


def _example(example: dict[str, Any]) -> ConfigDict:
    return ConfigDict(extra="forbid", frozen=True, json_schema_extra={"examples": [example]})


_DETAILS_EXAMPLE = {
    "given_name": "Alex",
    "family_name": "Example",
    "date_of_birth": "1990-01-01",
    "sex": "female",
    "diagnosis_group": "learning_disability_and_autism",
    "chi_number": "0101901003",
}


class Command(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Refer(Command):
    model_config = _example(
        {
            "area": "S37000017",
            "details": _DETAILS_EXAMPLE,
            "referred_on": "2025-01-10",
            "criteria": ["support_at_risk"],
            "referred_by": "Community LD nurse",
            "reason": "Family carer unwell; support at home at risk of breaking down.",
        }
    )
    area: AreaCode
    details: PersonDetails
    referred_on: Day
    criteria: list[ReferralCriterion] = Field(min_length=1)
    referred_by: ShortText
    reason: LongText


class DeclineReferral(Command):
    model_config = _example(
        {"declined_on": "2025-01-12", "reason_code": "criteria_not_met", "reason": "No LD/autism."}
    )
    declined_on: Day
    reason_code: DeclineReason
    reason: LongText


class RecordConsent(Command):
    model_config = _example(
        {"basis": "informed_consent", "decided_on": "2025-01-11", "decided_by": "the person"}
    )
    basis: LawfulBasis
    decided_on: Day
    decided_by: ShortText = Field(
        description="Who gave consent or made the decision (e.g. 'the person', 'consultant').",
    )
    note: LongText | None = None


class RecordConsentRefusal(Command):
    model_config = _example({"decided_on": "2025-01-11", "decided_by": "the person"})
    decided_on: Day
    decided_by: ShortText
    note: LongText | None = None


class RecordInvolvement(Command):
    model_config = _example(
        {
            "recorded_on": "2025-01-12",
            "person_involved": True,
            "supporters_involved": True,
            "advocacy": "offered_taken_up",
            "representative": "welfare_guardian",
        }
    )
    recorded_on: Day
    person_involved: Flag
    supporters_involved: Flag
    advocacy: Advocacy
    representative: Representative = Representative.NONE
    note: LongText | None = None


class OfferCetr(Command):
    model_config = _example({"offered_on": "2025-02-12", "kind": "cetr"})
    offered_on: Day
    kind: Literal[ReviewKind.CETR, ReviewKind.COMMUNITY_CETR]


class DeclineCetr(Command):
    model_config = _example({"declined_on": "2025-02-14"})
    declined_on: Day
    note: LongText | None = None


class ReferToService(Command):
    model_config = _example({"service": "keyworker", "requested_on": "2025-02-01"})
    service: Service
    requested_on: Day


class StartService(Command):
    model_config = _example({"service": "keyworker", "started_on": "2025-03-01"})
    service: Service
    started_on: Day


class RecordEhcPlan(Command):
    model_config = _example({"has_plan": True, "recorded_on": "2025-01-20"})
    has_plan: Flag
    recorded_on: Day


class WithdrawConsent(Command):
    model_config = _example({"withdrawn_on": "2025-06-01"})
    withdrawn_on: Day
    reason: LongText | None = None


class RecordNationalDataObjection(Command):
    model_config = _example({"objects": True, "recorded_on": "2025-01-11"})
    objects: Flag = Field(description="True to object to record-level national sharing.")
    recorded_on: Day
    reason: LongText | None = None


class Accept(Command):
    model_config = _example({"accepted_on": "2025-01-14", "rating": {"level": "amber"}})
    accepted_on: Day
    rating: Rating
    reason: LongText | None = None


class ChangeRating(Command):
    model_config = _example(
        {
            "changed_on": "2025-02-01",
            "rating": {"level": "red"},
            "reason": "Placement breaking down; crisis team involved.",
            "risk_factors": ["placement_breakdown"],
        }
    )
    changed_on: Day
    rating: Rating
    reason: LongText
    risk_factors: list[RiskFactor] = Field(default_factory=list)


class Admit(Command):
    model_config = _example(
        {
            "admitted_on": "2025-02-10",
            "hospital": "Example Hospital",
            "ward_type": "learning_disability",
            "in_area": True,
            "legal_status": "detained",
            "detained_under": "Mental Health Act 1983 s3",
        }
    )
    admitted_on: Day
    hospital: ShortText
    hospital_area: AreaCode | None = None
    ward_type: WardType
    security_level: SecurityLevel | None = None
    in_area: Flag
    legal_status: LegalStatus
    detained_under: ShortText | None = None

    @model_validator(mode="after")
    def _secure_and_detained_details(self) -> Self:
        if self.ward_type is WardType.SECURE and self.security_level is None:
            raise ValueError("security_level is required for a secure ward")
        if self.ward_type is not WardType.SECURE and self.security_level is not None:
            raise ValueError("security_level is only given for a secure ward")
        if self.legal_status is LegalStatus.DETAINED and not self.detained_under:
            raise ValueError("detained_under (act and section) is required when detained")
        if self.legal_status is LegalStatus.INFORMAL and self.detained_under:
            raise ValueError("detained_under is only given when detained")
        return self


class MarkReadyForDischarge(Command):
    model_config = _example({"ready_on": "2025-04-01"})
    ready_on: Day


class RecordDischargeDelay(Command):
    model_config = _example({"recorded_on": "2025-04-15", "delay_reason": "awaiting_housing"})
    recorded_on: Day
    delay_reason: DelayReason
    note: LongText | None = None


class Discharge(Command):
    model_config = _example(
        {
            "discharged_on": "2025-05-20",
            "destination": "supported_housing",
            "rating": {"level": "red"},
        }
    )
    discharged_on: Day
    destination: DischargeDestination
    rating: Rating | None = Field(
        default=None,
        description="The new rating; required unless the area sets a post-discharge rating.",
    )


class ChangePlacement(Command):
    model_config = _example(
        {
            "placement_type": "supported_living",
            "provider": "Example Care Ltd",
            "placement_area": "S37000017",
            "started_on": "2025-05-20",
            "chosen_by_person": True,
        }
    )
    placement_type: PlacementType
    provider: ShortText | None = None
    local_authority: ShortText | None = None
    placement_area: AreaCode
    started_on: Day
    chosen_by_person: Flag
    needs: PlacementNeeds = PlacementNeeds()


class RecordViews(Command):
    model_config = _example(
        {"recorded_on": "2025-01-20", "person": "I want to live near my sister."}
    )
    recorded_on: Day
    person: LongText | None = None
    family: LongText | None = None


class RecordRiskFactors(Command):
    model_config = _example({"recorded_on": "2025-01-20", "risk_factors": ["carer_health"]})
    recorded_on: Day
    risk_factors: list[RiskFactor]
    note: LongText | None = None


class AssignProfessional(Command):
    model_config = _example(
        {"assigned_on": "2025-01-14", "role": "lead_professional", "name": "Sam Worker"}
    )
    assigned_on: Day
    role: ProfessionalRole
    name: ShortText
    organisation: ShortText | None = None
    contact: ShortText | None = None


class NewAction(Command):
    model_config = _example(
        {"description": "Housing search", "owner": "Social worker", "due_on": "2025-04-01"}
    )
    description: LongText
    owner: ShortText
    due_on: Day


class RecordReview(Command):
    model_config = _example(
        {
            "kind": "cetr",
            "held_on": "2025-03-01",
            "outcome": "Discharge planning to start; housing search.",
            "attendees": ["DSR lead", "Psychiatrist", "Family"],
            "actions": [
                {"description": "Housing search", "owner": "Social worker", "due_on": "2025-04-01"}
            ],
        }
    )
    kind: ReviewKind
    held_on: Day
    outcome: LongText
    attendees: list[ShortText] = Field(default_factory=list)
    panel: list[PanelRole] = Field(
        default_factory=list, description="C(E)TR panel roles present (chair, experts)"
    )
    actions: list[NewAction] = Field(default_factory=list)


class CompleteAction(Command):
    model_config = _example({"action_id": "…", "completed_on": "2025-03-20"})
    action_id: ShortText
    completed_on: Day
    note: LongText | None = None


class CorrectDetails(Command):
    model_config = _example(
        {"details": _DETAILS_EXAMPLE, "corrected_on": "2025-01-15", "reason": "Typo in surname."}
    )
    details: PersonDetails
    corrected_on: Day
    reason: LongText


class Transfer(Command):
    model_config = _example(
        {"to_area": "S37000032", "transferred_on": "2025-07-01", "reason": "Moved to family."}
    )
    to_area: AreaCode
    transferred_on: Day
    reason: LongText


class Remove(Command):
    model_config = _example({"removed_on": "2025-09-01", "reason_code": "stable"})
    removed_on: Day
    reason_code: RemovalReason
    reason: LongText | None = None


class ReRefer(Command):
    model_config = _example(
        {
            "referred_on": "2026-01-05",
            "criteria": ["support_at_risk"],
            "referred_by": "GP",
            "reason": "Support breaking down again.",
        }
    )
    referred_on: Day
    criteria: list[ReferralCriterion] = Field(min_length=1)
    referred_by: ShortText
    reason: LongText
