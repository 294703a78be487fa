"""Commands: what a front-end asks the register to record, validated field by field.

They double as HTTP request bodies, so each carries an example. Dates are the day the
thing happened (the effective date), which may be in the past but never in the future.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from dsr_core.domain.care_record import Need, SupporterView
from dsr_core.domain.code_lists import MitigationCategory
from dsr_core.domain.codes import (
    ActionStatus,
    AdmissionType,
    Advocacy,
    DeclineReason,
    DischargeDestination,
    ErasureBasis,
    LawfulBasis,
    LegalStatus,
    MitigationKind,
    PanelRole,
    PlacementType,
    ProfessionalRole,
    ReferralCriterion,
    RemovalReason,
    Representative,
    ReviewKind,
    RiskFactor,
    SecurityLevel,
    Service,
    ServiceHorizon,
    WardType,
)
from dsr_core.domain.inputs import AreaCode, Day, Flag, LongText, PlaceCode, Reference, ShortText
from dsr_core.domain.values import Location, PersonDetails, PlacementNeeds, Rating


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
            "security_level": "general",
            "in_area": True,
            "legal_status": "detained",
            "detained_under": "03",
        }
    )
    admitted_on: Day
    hospital: ShortText
    hospital_area: AreaCode | None = None
    hospital_location: Location | None = None
    ward_type: Literal[WardType.MENTAL_HEALTH, WardType.LEARNING_DISABILITY]
    security_level: SecurityLevel = SecurityLevel.GENERAL
    in_area: Flag
    legal_status: LegalStatus
    detained_under: ShortText | None = Field(
        default=None,
        description="Detained: the section (England, MHA 1983 code, e.g. '03') or order "
        "(Scotland, e.g. 'mhcta-s64'); GET /v1/code-lists",
    )
    admission_type: AdmissionType | None = Field(
        default=None,
        description="Worked out from the record; give it only for a transfer or readmission "
        "from a stay the record does not hold",
    )
    stay_started_on: Day | None = Field(
        default=None,
        description="A transfer from a bed not on this record: when the continuous stay began",
    )


class ChangeLegalStatus(Command):
    model_config = _example(
        {"changed_on": "2025-03-01", "legal_status": "detained", "detained_under": "03"}
    )
    changed_on: Day
    legal_status: LegalStatus
    detained_under: ShortText | None = None


class SetPlannedDischargeDate(Command):
    model_config = _example(
        {"recorded_on": "2025-03-01", "planned_on": "2025-06-30", "reason": "Housing ready"}
    )
    recorded_on: Day
    planned_on: Day | None = Field(description="null withdraws the planned date")
    reason: LongText | None = Field(default=None, description="Required to move or withdraw")


class ScoreDischargePlan(Command):
    model_config = _example(
        {"recorded_on": "2025-03-01", "scores": {"housing_identified": 2, "funding_agreed": 1}}
    )
    recorded_on: Day
    scores: dict[str, Annotated[int, Field(ge=0, le=2)]] = Field(
        min_length=1,
        description="Item code to score: 0 not started, 1 in progress, 2 in place; items are "
        "the area's (GET /v1/areas/{area}/discharge-plan-items)",
    )
    note: LongText | None = None


class RecordDischargeBarriers(Command):
    model_config = _example({"recorded_on": "2025-03-01", "barriers": ["J2", "B1"]})
    recorded_on: Day
    barriers: list[ShortText] = Field(
        max_length=20, description="Codes of the nation's delay list; [] when none remain"
    )
    note: LongText | None = None


class MarkNoLongerReady(Command):
    model_config = _example({"no_longer_ready_on": "2025-04-20", "reason": "Relapse"})
    no_longer_ready_on: Day
    reason: LongText


class RecordMitigation(Command):
    model_config = _example(
        {
            "recorded_on": "2025-01-20",
            "kind": "tried",
            "category": "positive_behaviour_support",
            "description": "PBS plan since 2024; fewer incidents at home.",
        }
    )
    recorded_on: Day
    kind: MitigationKind
    category: MitigationCategory
    description: LongText


class AddAction(Command):
    model_config = _example(
        {
            "raised_on": "2025-01-20",
            "description": "Find a provider able to support at home",
            "owner": "Social worker",
            "due_on": "2025-03-01",
        }
    )
    raised_on: Day
    description: LongText
    owner: ShortText
    due_on: Day


class ChangeActionStatus(Command):
    model_config = _example({"action_id": "…", "changed_on": "2025-02-01", "status": "in_progress"})
    action_id: ShortText
    changed_on: Day
    status: Literal[ActionStatus.IN_PROGRESS, ActionStatus.DONE, ActionStatus.DROPPED]
    note: LongText | None = None


class RecordRecommendation(Command):
    model_config = _example(
        {
            "recorded_on": "2025-01-20",
            "horizon": "future",
            "service": "Supported living provider",
            "text": "Staff trained in autism and PBS before the move.",
        }
    )
    recorded_on: Day
    horizon: ServiceHorizon
    service: ShortText
    text: LongText


class EndInvolvement(Command):
    model_config = _example({"involvement_id": "…", "ended_on": "2025-06-01", "reason": "Moved"})
    involvement_id: ShortText
    ended_on: Day
    reason: LongText | None = None


class RecordNeeds(Command):
    model_config = _example(
        {
            "recorded_on": "2025-01-20",
            "needs": [
                {"code": "housing:bespoke", "horizon": "now"},
                {"code": "funding:joint", "horizon": "future"},
            ],
        }
    )
    recorded_on: Day
    needs: list[Need] = Field(max_length=50, description="The whole current set; [] for none")
    note: LongText | None = None


class MarkReadyForDischarge(Command):
    model_config = _example({"ready_on": "2025-04-01"})
    ready_on: Day


class RecordDischargeDelay(Command):
    model_config = _example({"recorded_on": "2025-04-15", "delay_reason": "J2"})
    recorded_on: Day
    delay_reason: ShortText = Field(
        description="England: MHSDS code (e.g. 'J2'); Scotland: PHS code (e.g. '25F', "
        "'9/51X'); GET /v1/code-lists"
    )
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
            "placement_area": "S12000018",
            "started_on": "2025-05-20",
            "chosen_by_person": True,
        }
    )
    placement_type: PlacementType
    provider: ShortText | None = None
    local_authority: ShortText | None = None
    placement_area: PlaceCode = Field(
        description="Local authority (S12, E06-E10, W06, N09) or register area (S37, E54) of "
        "the placement; out of area is decided at the register area's level"
    )
    started_on: Day
    chosen_by_person: Flag
    concerns: LongText | None = Field(
        default=None, description="Concerns about the placement: with any, it is not appropriate"
    )
    needs: PlacementNeeds = PlacementNeeds()


class RecordViews(Command):
    model_config = _example(
        {"recorded_on": "2025-01-20", "person": "I want to live near my sister."}
    )
    recorded_on: Day
    person: LongText | None = None
    family: LongText | None = None
    supporters: list[SupporterView] = Field(default_factory=list, max_length=20)


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


class PlaceLegalHold(Command):
    """Keep the record whatever its retention: nothing erases it while the hold stands."""

    model_config = _example({"reference": "CLAIM-2026-017", "reason": "Claim notified."})
    reference: Reference | None = None
    reason: LongText


class LiftLegalHold(Command):
    model_config = _example({"reason": "Claim settled."})
    reason: LongText


class Erase(Command):
    """Erase on request, where the law allows it: the person's key is destroyed once every
    read model has seen the erasure, and nothing more can be recorded about them."""

    model_config = _example({"basis": "unlawfully_processed", "reference": "SAR-2026-0142"})
    basis: ErasureBasis
    reference: Reference | None = None


class EraseAtRetentionEnd(Command):
    """The retention job's erasure (never offered over HTTP): the area's retention period
    after the last period closed has passed."""

    model_config = _example({})


class ReapplyErasure(Command):
    """The erasure ledger's (never offered over HTTP): an erasure made before a backup was
    restored, made again so the restore does not bring the person back."""

    model_config = _example({})


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
