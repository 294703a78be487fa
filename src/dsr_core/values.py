"""Value types of the register: codes from the national collections and small records.

Codes are lower-case strings so that stored events stay readable and stable; the
meaning of each code, with its source, is in docs/domain.md.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Self

from pydantic import (
    BaseModel,
    ConfigDict,
    model_validator,
)

from dsr_core.identifiers import chi_matches_date_of_birth
from dsr_core.inputs import (
    AreaCode,
    BirthDate,
    ChiNumber,
    Day,
    Flag,
    LongText,
    NhsNumber,
    ShortText,
)

ADULT_AGE = 18
"""Adult services, Scotland's register and adult review cadences start at 18."""


class ValueObject(BaseModel):
    """Immutable, strictly shaped: unknown fields are refused rather than dropped."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Scheme(StrEnum):
    """The rating scheme an area is configured with (domain.md, "Status and rating")."""

    ENGLAND_RAG = "england_rag"
    SCOTLAND_COMING_HOME = "scotland_coming_home"


class RatingLevel(StrEnum):
    BLUE = "blue"
    RED = "red"
    AMBER = "amber"
    GREEN = "green"
    URGENT = "urgent"
    ENHANCED_MONITORING = "enhanced_monitoring"
    APPROPRIATE_OUT_OF_AREA = "appropriate_out_of_area"


_SCHEME_OF_LEVEL = {
    RatingLevel.BLUE: Scheme.ENGLAND_RAG,
    RatingLevel.RED: Scheme.ENGLAND_RAG,
    RatingLevel.AMBER: Scheme.ENGLAND_RAG,
    RatingLevel.GREEN: Scheme.ENGLAND_RAG,
    RatingLevel.URGENT: Scheme.SCOTLAND_COMING_HOME,
    RatingLevel.ENHANCED_MONITORING: Scheme.SCOTLAND_COMING_HOME,
    RatingLevel.APPROPRIATE_OUT_OF_AREA: Scheme.SCOTLAND_COMING_HOME,
}


class UrgentReason(StrEnum):
    """Why a Coming Home entry is Urgent: the three situations Scotland counts."""

    IN_HOSPITAL = "in_hospital"
    INAPPROPRIATE_OUT_OF_AREA = "inappropriate_out_of_area"
    SUPPORT_AT_RISK = "support_at_risk"


class Rating(ValueObject):
    """A rating in the area's scheme; the inpatient rating is Blue, or Urgent (in hospital)."""

    level: RatingLevel
    urgent_reason: UrgentReason | None = None

    @model_validator(mode="after")
    def _urgent_reason_only_when_urgent(self) -> Self:
        if self.level is RatingLevel.URGENT and self.urgent_reason is None:
            raise ValueError("an Urgent rating needs an urgent_reason")
        if self.level is not RatingLevel.URGENT and self.urgent_reason is not None:
            raise ValueError("urgent_reason is only given with an Urgent rating")
        return self

    @property
    def scheme(self) -> Scheme:
        return _SCHEME_OF_LEVEL[self.level]

    @property
    def is_inpatient(self) -> bool:
        return self.level is RatingLevel.BLUE or self.urgent_reason is UrgentReason.IN_HOSPITAL


class Setting(StrEnum):
    IN_HOSPITAL = "in_hospital"
    OUT_OF_AREA_PLACEMENT = "out_of_area_placement"
    COMMUNITY_AT_RISK = "community_at_risk"


class Status(StrEnum):
    REFERRED = "referred"
    ON_REGISTER = "on_register"
    DECLINED = "declined"
    REMOVED = "removed"


class ReferralCriterion(StrEnum):
    IN_HOSPITAL = "in_hospital"
    OUT_OF_AREA_PLACEMENT = "out_of_area_placement"
    SUPPORT_AT_RISK = "support_at_risk"


class Sex(StrEnum):
    FEMALE = "female"
    MALE = "male"
    OTHER = "other"
    NOT_KNOWN = "not_known"


class DiagnosisGroup(StrEnum):
    LEARNING_DISABILITY = "learning_disability"
    AUTISM = "autism"
    LEARNING_DISABILITY_AND_AUTISM = "learning_disability_and_autism"
    AWAITING_DIAGNOSIS = "awaiting_diagnosis"


class LawfulBasis(StrEnum):
    """The lawful bases for inclusion on a register (seeds 002, 003)."""

    INFORMED_CONSENT = "informed_consent"
    BEST_INTERESTS_DECISION = "best_interests_decision"
    PARENTAL_RESPONSIBILITY = "parental_responsibility"
    WELFARE_GUARDIAN_OR_DEPUTY = "welfare_guardian_or_deputy"


class Advocacy(StrEnum):
    """Independent advocacy: a right the person is told of (seed 001)."""

    NOT_YET_OFFERED = "not_yet_offered"
    OFFERED_TAKEN_UP = "offered_taken_up"
    OFFERED_DECLINED = "offered_declined"
    OFFERED_UNDECIDED = "offered_undecided"


class Representative(StrEnum):
    """Who may decide for an adult who lacks capacity, under the Adults with Incapacity
    (Scotland) Act 2000 (or, in England, a Court of Protection deputy or an attorney)."""

    NONE = "none"
    WELFARE_GUARDIAN = "welfare_guardian"
    WELFARE_ATTORNEY = "welfare_attorney"
    INTERVENTION_ORDER = "intervention_order"
    COURT_DEPUTY = "court_deputy"


class DeclineReason(StrEnum):
    CRITERIA_NOT_MET = "criteria_not_met"
    NOT_THIS_AREAS_RESPONSIBILITY = "not_this_areas_responsibility"
    OTHER = "other"


class WardType(StrEnum):
    MENTAL_HEALTH = "mental_health"
    LEARNING_DISABILITY = "learning_disability"
    SECURE = "secure"


class SecurityLevel(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class LegalStatus(StrEnum):
    INFORMAL = "informal"
    DETAINED = "detained"


class DischargeDestination(StrEnum):
    """Destinations of the national inpatient collection (Assuring Transformation)."""

    INDEPENDENT_LIVING = "independent_living"
    SUPPORTED_HOUSING = "supported_housing"
    FAMILY_HOME = "family_home"
    CARE_HOME_WITH_NURSING = "care_home_with_nursing"
    CARE_HOME_WITHOUT_NURSING = "care_home_without_nursing"
    RESIDENTIAL_SCHOOL_OR_COLLEGE = "residential_school_or_college"
    ACUTE_PHYSICAL_BED = "acute_physical_bed"
    ANOTHER_MH_LD_BED = "another_mh_ld_bed"
    PRISON = "prison"
    FOSTER_CARE = "foster_care"
    HOSPICE = "hospice"
    TEMPORARY_RESIDENCE = "temporary_residence"
    NO_LONGER_IN_SCOPE = "no_longer_in_scope"
    DIED = "died"
    OTHER = "other"


class DelayReason(StrEnum):
    """Reasons a clinically ready person is still in hospital (domain.md, "Delayed discharge")."""

    AWAITING_CARE_COORDINATOR = "awaiting_care_coordinator"
    AWAITING_PSYCHIATRIST = "awaiting_psychiatrist"
    AWAITING_SOCIAL_WORKER = "awaiting_social_worker"
    NO_AGREED_HEALTH_FUNDING = "no_agreed_health_funding"
    NO_AGREED_SOCIAL_CARE_FUNDING = "no_agreed_social_care_funding"
    AWAITING_HOUSING = "awaiting_housing"
    AWAITING_CARE_PROVIDER = "awaiting_care_provider"
    AWAITING_COMMUNITY_SERVICE = "awaiting_community_service"
    LEGAL = "legal"
    OTHER = "other"


class PlacementType(StrEnum):
    FAMILY_HOME = "family_home"
    INDEPENDENT_LIVING = "independent_living"
    SUPPORTED_LIVING = "supported_living"
    RESIDENTIAL_CARE = "residential_care"
    NURSING_CARE = "nursing_care"
    RESIDENTIAL_SCHOOL_OR_COLLEGE = "residential_school_or_college"
    SHARED_LIVES = "shared_lives"
    OTHER = "other"


class RiskFactor(StrEnum):
    """Risk factors, including the broader identification signals of seed 004."""

    MENTAL_HEALTH_DETERIORATION = "mental_health_deterioration"
    BEHAVIOUR_THAT_CHALLENGES = "behaviour_that_challenges"
    PLACEMENT_BREAKDOWN = "placement_breakdown"
    FAMILY_BREAKDOWN = "family_breakdown"
    CARER_HEALTH = "carer_health"
    AWAITING_DIAGNOSIS = "awaiting_diagnosis"
    SELF_HARM = "self_harm"
    FORENSIC = "forensic"
    PHYSICAL_HEALTH = "physical_health"
    HOUSING = "housing"
    SAFEGUARDING = "safeguarding"
    TRANSITION_TO_ADULT_SERVICES = "transition_to_adult_services"
    SUBSTANCE_MISUSE = "substance_misuse"
    OTHER = "other"


class ProfessionalRole(StrEnum):
    LEAD_PROFESSIONAL = "lead_professional"
    CARE_COORDINATOR = "care_coordinator"
    SOCIAL_WORKER = "social_worker"
    KEYWORKER = "keyworker"
    PSYCHIATRIST = "psychiatrist"
    NURSE = "nurse"
    COMMISSIONER = "commissioner"
    OTHER = "other"


class ReviewKind(StrEnum):
    CETR = "cetr"
    COMMUNITY_CETR = "community_cetr"
    LAEP = "laep"
    MDT = "mdt"
    COMMISSIONER_OVERSIGHT_VISIT = "commissioner_oversight_visit"
    ACTION_PLAN_REVIEW = "action_plan_review"
    REGISTER_REVIEW = "register_review"


class Service(StrEnum):
    """Services a person is referred to, whose waits commissioners plan from (seed 004)."""

    KEYWORKER = "keyworker"
    INTENSIVE_SUPPORT = "intensive_support"
    FORENSIC_OUTREACH = "forensic_outreach"


KEYWORKER_MAX_AGE = 25
"""Children and young people up to 25 who are Red, Amber or Blue (England: NHS-1)."""


class RemovalReason(StrEnum):
    STABLE = "stable"
    CONSENT_WITHDRAWN = "consent_withdrawn"
    MOVED_TO_ANOTHER_AREA = "moved_to_another_area"
    DIED = "died"
    NO_LONGER_MEETS_CRITERIA = "no_longer_meets_criteria"


class Role(StrEnum):
    PRACTITIONER = "practitioner"
    LEAD = "lead"
    AUDITOR = "auditor"
    ANALYST = "analyst"
    COMMISSIONER = "commissioner"
    ADMIN = "admin"
    SYSTEM = "system"


class Actor(ValueObject):
    """Who did something: kept on every event for the audit trail."""

    user_id: ShortText
    role: Role
    area: AreaCode | None = None


class PersonDetails(ValueObject):
    """The identifying details held about a person: the minimum of seed 002."""

    given_name: ShortText
    family_name: ShortText
    date_of_birth: BirthDate
    sex: Sex
    diagnosis_group: DiagnosisGroup
    nhs_number: NhsNumber | None = None
    chi_number: ChiNumber | None = None
    residence: ShortText | None = None

    @model_validator(mode="after")
    def _chi_starts_with_date_of_birth(self) -> Self:
        if self.chi_number and not chi_matches_date_of_birth(self.chi_number, self.date_of_birth):
            raise ValueError("chi_number does not start with the date of birth (DDMMYY)")
        return self

    def age_on(self, day: date) -> int:
        dob = self.date_of_birth
        return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


class Consent(ValueObject):
    """The lawful basis on which a person is on the register."""

    basis: LawfulBasis
    decided_on: Day
    decided_by: ShortText
    note: LongText | None = None


class HospitalStay(ValueObject):
    """An open hospital episode: what the national inpatient collection asks about an admission."""

    admitted_on: Day
    hospital: ShortText
    hospital_area: AreaCode | None = None
    ward_type: WardType
    security_level: SecurityLevel | None = None
    in_area: Flag
    legal_status: LegalStatus
    detained_under: ShortText | None = None
    ready_for_discharge_on: Day | None = None
    delay_reason: DelayReason | None = None


class PlacementNeeds(ValueObject):
    """What is needed for the person to move home (seed 001)."""

    housing: LongText | None = None
    support: LongText | None = None
    funding_now: LongText | None = None
    funding_future: LongText | None = None


class Placement(ValueObject):
    placement_type: PlacementType
    provider: ShortText | None = None
    local_authority: ShortText | None = None
    placement_area: AreaCode
    started_on: Day
    out_of_area: Flag
    chosen_by_person: Flag
    needs: PlacementNeeds = PlacementNeeds()


class Involvement(ValueObject):
    """How the person and the people supporting them were involved and informed: what
    Scotland's register records instead of consent (seed 001; domain rules)."""

    person_involved: Flag
    supporters_involved: Flag
    advocacy: Advocacy
    representative: Representative = Representative.NONE
    note: LongText | None = None


class Views(ValueObject):
    """The person's own views and those of the people who support them (seed 001)."""

    person: LongText | None = None
    family: LongText | None = None


class Professional(ValueObject):
    role: ProfessionalRole
    name: ShortText
    organisation: ShortText | None = None
    contact: ShortText | None = None


class ReviewAction(ValueObject):
    action_id: str
    description: LongText
    owner: ShortText
    due_on: Day
    completed_on: Day | None = None


class PanelRole(StrEnum):
    """The independent panel of a C(E)TR (NHS-1): the chair (the commissioner), an expert
    by experience and a clinical expert."""

    CHAIR = "chair"
    EXPERT_BY_EXPERIENCE = "expert_by_experience"
    CLINICAL_EXPERT = "clinical_expert"


class ReviewRecord(ValueObject):
    review_id: str
    kind: ReviewKind
    held_on: Day
    outcome: LongText
    attendees: tuple[ShortText, ...] = ()
    panel: tuple[PanelRole, ...] = ()
    """Panel roles present (C(E)TRs); reviews stored before this field read back with none."""
