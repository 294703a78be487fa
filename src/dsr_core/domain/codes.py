"""Codes of the register: the national collections' code lists as enums.

Codes are lower-case strings so that stored events stay readable and stable; the
meaning of each code, with its source, is in docs/domain.md.
"""

from __future__ import annotations

from enum import StrEnum


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


def scheme_of(level: RatingLevel) -> Scheme:
    """The rating scheme a level belongs to (England's RAG or Scotland's Coming Home)."""
    return _SCHEME_OF_LEVEL[level]


class UrgentReason(StrEnum):
    """Why a Coming Home entry is Urgent: the three situations Scotland counts."""

    IN_HOSPITAL = "in_hospital"
    INAPPROPRIATE_OUT_OF_AREA = "inappropriate_out_of_area"
    SUPPORT_AT_RISK = "support_at_risk"


class Setting(StrEnum):
    IN_HOSPITAL = "in_hospital"
    OUT_OF_AREA_PLACEMENT = "out_of_area_placement"
    COMMUNITY_AT_RISK = "community_at_risk"


class Status(StrEnum):
    REFERRED = "referred"
    ON_REGISTER = "on_register"
    DECLINED = "declined"
    REMOVED = "removed"
    NOT_REFERRED = "not_referred"
    """Known only as an inpatient the area is responsible for (an inpatient notification):
    the C(E)TR and visit duties are owed, and a referral may follow (domain.md, "Hospital
    episodes")."""


class ReferralCriterion(StrEnum):
    IN_HOSPITAL = "in_hospital"
    OUT_OF_AREA_PLACEMENT = "out_of_area_placement"
    SUPPORT_AT_RISK = "support_at_risk"


class ReferralReason(StrEnum):
    """Why an English referral is made now (002, 003; domain.md, "Who")."""

    CRISIS = "crisis"
    RECENT_DISCHARGE = "recent_discharge"
    PLACEMENT_AT_RISK = "placement_at_risk"
    POLICE_OR_AE_CONTACT = "police_or_ae_contact"
    TRANSITION = "transition"
    OTHER = "other"


class ReferrerType(StrEnum):
    """Who made the referral: people and families may refer themselves (002)."""

    THE_PERSON = "the_person"
    FAMILY = "family"
    PROFESSIONAL = "professional"


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


class EmergencyReason(StrEnum):
    """Why someone outside the area opens a record at once ("break glass", issue 28)."""

    UNPLANNED_ADMISSION = "unplanned_admission"
    """The person was admitted to this hospital, out of their area."""
    CRISIS = "crisis"
    SAFEGUARDING_CONCERN = "safeguarding_concern"
    CLINICAL_EMERGENCY = "clinical_emergency"
    OTHER = "other"


class WardType(StrEnum):
    """Mental-health or learning-disability ward (Assuring Transformation). `secure` is only
    read back from admissions recorded before security level was kept apart (issue 13)."""

    MENTAL_HEALTH = "mental_health"
    LEARNING_DISABILITY = "learning_disability"
    SECURE = "secure"


class SecurityLevel(StrEnum):
    """The ward's security, apart from its type: low, medium and high are secure settings."""

    GENERAL = "general"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class AdmissionType(StrEnum):
    """How Assuring Transformation counts an admission (domain.md, "Hospital episodes")."""

    FIRST = "first"
    READMISSION_WITHIN_12_MONTHS = "readmission_within_12_months"
    TRANSFER = "transfer"


class CommissionerType(StrEnum):
    """Who funds the bed and owes the oversight visits (Assuring Transformation, MHSDS)."""

    ICB = "icb"
    NHS_ENGLAND_SPECIALISED = "nhs_england_specialised"
    PROVIDER_COLLABORATIVE = "provider_collaborative"
    HEALTH_BOARD = "health_board"  # Scotland: the NHS board or its HSCP


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
    HOUSING = "housing"
    CARE_PROVIDER = "care_provider"


class PlacementLocation(StrEnum):
    """Where a placement is, decided at one geography (domain.md, "Placements")."""

    IN_AREA = "in_area"
    OUT_OF_AREA = "out_of_area"
    OUTSIDE_NATION = "outside_nation"


class MitigationKind(StrEnum):
    TRIED = "tried"
    COULD_HELP = "could_help"


class ActionStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DROPPED = "dropped"


class ServiceHorizon(StrEnum):
    """Recommendations are for the services the person has now or will need (seed 002)."""

    CURRENT = "current"
    FUTURE = "future"


class NeedHorizon(StrEnum):
    NOW = "now"
    FUTURE = "future"


class ViewHolder(StrEnum):
    PERSON = "person"
    SUPPORTER = "supporter"


class RemovalReason(StrEnum):
    STABLE = "stable"
    CONSENT_WITHDRAWN = "consent_withdrawn"
    MOVED_TO_ANOTHER_AREA = "moved_to_another_area"
    DIED = "died"
    NO_LONGER_MEETS_CRITERIA = "no_longer_meets_criteria"


class ErasureRule(StrEnum):
    """Why a record was erased (issue 15)."""

    RETENTION = "retention"
    """The area's retention period after the person's last period ended has passed."""
    REQUEST = "request"
    """A lead erased it on request, where erasure is lawful."""
    REAPPLIED = "reapplied"
    """An erasure found in the erasure ledger but not in the database (a restored backup)."""


class ErasureBasis(StrEnum):
    """The lawful ground a lead records for erasing on request (UK GDPR Article 17(1))."""

    NO_LONGER_NECESSARY = "no_longer_necessary"
    """17(1)(a): no longer needed for the purpose it was collected for."""
    OBJECTION_UPHELD = "objection_upheld"
    """17(1)(c): the person objected and no overriding legitimate grounds remain."""
    UNLAWFULLY_PROCESSED = "unlawfully_processed"
    """17(1)(d): it should never have been held (e.g. referred to the wrong area)."""
    LEGAL_OBLIGATION = "legal_obligation"
    """17(1)(e): a court or the law requires it."""


class Role(StrEnum):
    PRACTITIONER = "practitioner"
    LEAD = "lead"
    AUDITOR = "auditor"
    ANALYST = "analyst"
    COMMISSIONER = "commissioner"
    NATIONAL = "national"
    """A national body (PHS, NHS England): its token names its nation's code, S92000003
    or E92000001; it reads its nation's returns and builds publications (issue 14)."""
    ADMIN = "admin"
    PARTNER = "partner"
    """A partner organisation's member (education, housing, a provider): reads only the
    sections its organisation type's policy grants (issue 28)."""
    SYSTEM = "system"


class PanelRole(StrEnum):
    """The independent panel of a C(E)TR (NHS-1): the chair (the commissioner), an expert
    by experience and a clinical expert."""

    CHAIR = "chair"
    EXPERT_BY_EXPERIENCE = "expert_by_experience"
    CLINICAL_EXPERT = "clinical_expert"
