"""Value types of the register: codes from the national collections and small records.

Codes are lower-case strings so that stored events stay readable and stable; the
meaning of each code, with its source, is in docs/domain.md.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import ClassVar, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from dsr_core.domain.code_lists import (
    EthnicCategory,
    GenderIdentity,
    MitigationCategory,
    MoveHomeNeed,
)
from dsr_core.domain.identifiers import chi_matches_date_of_birth
from dsr_core.domain.inputs import (
    AreaCode,
    BirthDate,
    ChiNumber,
    Day,
    Flag,
    LongText,
    NhsNumber,
    PlaceCode,
    PostcodeDistrict,
    ShortText,
    from_store,
)

ADULT_AGE = 18
"""Adult services, Scotland's register and adult review cadences start at 18."""


class ValueObject(BaseModel):
    """Immutable, strictly shaped: unknown fields are refused rather than dropped."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    PERSONAL: ClassVar[frozenset[str]] = frozenset()
    """Fields that identify the person or hold free text: stored sealed under the person's
    own key, and gone when that key is destroyed (sealing.py, issue 15)."""

    @classmethod
    def from_stored(cls, **fields: object) -> Self:
        """Built from what an event already holds: input rules that came later do not apply
        (inputs.from_store), so replaying an old event never fails."""
        return cls.model_validate(fields, context={"stored": True})


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
        return scheme_of(self.level)

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


READMISSION_MONTHS = 12
"""An admission within 12 calendar months of a discharge is a readmission."""


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


KEYWORKER_MAX_AGE = 25
"""Children and young people up to 25 who are Red, Amber or Blue (England: NHS-1)."""


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
    SYSTEM = "system"


class Actor(ValueObject):
    """Who did something: kept on every event for the audit trail."""

    user_id: ShortText
    role: Role
    area: AreaCode | None = None


class Location(ValueObject):
    """Where a home or hospital is: precise enough for distance bands, never shown to
    analysts (only the band is). A postcode district, coordinates, or both."""

    postcode_district: PostcodeDistrict | None = None
    latitude: float | None = Field(default=None, ge=49.0, le=61.0)
    longitude: float | None = Field(default=None, ge=-9.0, le=2.5)

    @model_validator(mode="after")
    def _something_given(self) -> Self:
        if (self.latitude is None) != (self.longitude is None):
            raise ValueError("latitude and longitude are given together")
        if self.postcode_district is None and self.latitude is None:
            raise ValueError("give a postcode_district or latitude and longitude")
        return self


class PersonDetails(ValueObject):
    """The identifying details held about a person: the minimum of seed 002, with the
    coded items the national tables break down by (issue 13)."""

    PERSONAL: ClassVar[frozenset[str]] = frozenset(
        {
            "given_name",
            "family_name",
            "date_of_birth",
            "nhs_number",
            "chi_number",
            "residence",
            "home_location",
        }
    )

    given_name: ShortText
    family_name: ShortText
    date_of_birth: BirthDate | None
    """Always given; None only in a record read back after its person's key was destroyed."""
    sex: Sex
    diagnosis_group: DiagnosisGroup
    nhs_number: NhsNumber | None = None
    chi_number: ChiNumber | None = None
    residence: ShortText | None = None
    ethnic_category: EthnicCategory | None = None
    gender_identity: GenderIdentity | None = None
    diagnosed_on: Day | None = None
    home_location: Location | None = None

    @field_validator("date_of_birth")
    @classmethod
    def _birth_date_given(cls, value: date | None, info: ValidationInfo) -> date | None:
        if value is None and not from_store(info):
            raise ValueError("must be given")
        return value

    @model_validator(mode="after")
    def _chi_starts_with_date_of_birth(self) -> Self:
        dob = self.date_of_birth
        if self.chi_number and dob and not chi_matches_date_of_birth(self.chi_number, dob):
            raise ValueError("chi_number does not start with the date of birth (DDMMYY)")
        return self

    @property
    def erased(self) -> bool:
        return self.date_of_birth is None

    @property
    def born_on(self) -> date:
        """The date of birth of a record that still has one (every record not erased)."""
        if self.date_of_birth is None:
            raise ValueError("this record was erased: it has no date of birth")
        return self.date_of_birth

    def age_on(self, day: date) -> int:
        dob = self.born_on
        return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


class Consent(ValueObject):
    """The lawful basis on which a person is on the register."""

    PERSONAL: ClassVar[frozenset[str]] = frozenset({"decided_by", "note"})

    basis: LawfulBasis
    decided_on: Day
    decided_by: ShortText
    note: LongText | None = None


class DelayMark(ValueObject):
    """One change in a stay's readiness: ready from a day, no longer ready from a day, or
    a delay reason in force from a day. Delayed days are counted from these (dates.py)."""

    on: Day
    ready: bool | None = None
    reason: str | None = None


class HospitalStay(ValueObject):
    """An open hospital episode: what the national inpatient collection asks about an
    admission, and its discharge planning. Fields after `delay_reason` came with issue 13;
    admissions stored before read back with their defaults."""

    PERSONAL: ClassVar[frozenset[str]] = frozenset({"hospital"})

    admitted_on: Day
    hospital: ShortText
    hospital_area: AreaCode | None = None
    ward_type: WardType
    security_level: SecurityLevel | None = None
    in_area: Flag
    legal_status: LegalStatus
    detained_under: ShortText | None = None
    ready_for_discharge_on: Day | None = None
    delay_reason: str | None = None
    admission_type: AdmissionType | None = None
    stay_started_on: Day | None = None
    hospital_location: Location | None = None
    planned_discharge_on: Day | None = None
    delay_marks: tuple[DelayMark, ...] = ()
    barriers: tuple[str, ...] = ()
    plan_scores: dict[str, int] = Field(default_factory=dict)

    @property
    def secure(self) -> bool:
        """Low, medium or high security (or a legacy `secure` ward)."""
        if self.ward_type is WardType.SECURE:
            return True
        return self.security_level not in (None, SecurityLevel.GENERAL)

    @property
    def total_stay_started_on(self) -> date:
        """Where length of stay starts: a transfer does not restart it (domain.md)."""
        return self.stay_started_on or self.admitted_on


class PlacementNeeds(ValueObject):
    """What is needed for the person to move home (seed 001)."""

    PERSONAL: ClassVar[frozenset[str]] = frozenset(
        {"housing", "support", "funding_now", "funding_future"}
    )

    housing: LongText | None = None
    support: LongText | None = None
    funding_now: LongText | None = None
    funding_future: LongText | None = None


class Placement(ValueObject):
    """Where the person lives. `location` (issue 13) is decided by the geography table;
    placements stored before it read back with `out_of_area` alone."""

    PERSONAL: ClassVar[frozenset[str]] = frozenset(
        {"provider", "local_authority", "needs", "concerns"}
    )

    placement_type: PlacementType
    provider: ShortText | None = None
    local_authority: ShortText | None = None
    placement_area: PlaceCode
    started_on: Day
    out_of_area: Flag
    chosen_by_person: Flag
    needs: PlacementNeeds = PlacementNeeds()
    concerns: LongText | None = None
    location: PlacementLocation | None = None

    @property
    def appropriate(self) -> bool:
        """Chosen by the person and family, with no concerns recorded (domain.md)."""
        return self.chosen_by_person and self.concerns is None


class Involvement(ValueObject):
    """How the person and the people supporting them were involved and informed: what
    Scotland's register records instead of consent (seed 001; domain rules)."""

    PERSONAL: ClassVar[frozenset[str]] = frozenset({"note"})

    person_involved: Flag
    supporters_involved: Flag
    advocacy: Advocacy
    representative: Representative = Representative.NONE
    note: LongText | None = None


class Views(ValueObject):
    """The person's own views and those of the people who support them (seed 001)."""

    PERSONAL: ClassVar[frozenset[str]] = frozenset({"person", "family"})

    person: LongText | None = None
    family: LongText | None = None


class ViewEntry(ValueObject):
    """One view recorded: the person's, or one supporter's. Kept as a history (seed 001)."""

    PERSONAL: ClassVar[frozenset[str]] = frozenset({"view", "name", "relationship"})

    recorded_on: Day
    holder: ViewHolder
    view: LongText
    name: ShortText | None = None
    relationship: ShortText | None = None


class SupporterView(ValueObject):
    PERSONAL: ClassVar[frozenset[str]] = frozenset({"name", "relationship", "view"})

    name: ShortText
    relationship: ShortText
    view: LongText


class Professional(ValueObject):
    PERSONAL: ClassVar[frozenset[str]] = frozenset({"name", "organisation", "contact"})

    role: ProfessionalRole
    name: ShortText
    organisation: ShortText | None = None
    contact: ShortText | None = None


class TeamMember(ValueObject):
    """A professional's involvement: several per role, each with its start and end (002)."""

    PERSONAL: ClassVar[frozenset[str]] = frozenset({"name", "organisation", "contact"})

    involvement_id: str
    role: ProfessionalRole
    name: ShortText
    organisation: ShortText | None = None
    contact: ShortText | None = None
    started_on: Day | None = None
    ended_on: Day | None = None


class Mitigation(ValueObject):
    """What has been tried to mitigate risk, or what could help further (seed 002)."""

    PERSONAL: ClassVar[frozenset[str]] = frozenset({"description"})

    mitigation_id: str
    kind: MitigationKind
    category: MitigationCategory
    description: LongText
    recorded_on: Day


class Recommendation(ValueObject):
    """A recommendation for current or future services, part of the action plan (002)."""

    PERSONAL: ClassVar[frozenset[str]] = frozenset({"service", "text"})

    recommendation_id: str
    horizon: ServiceHorizon
    service: ShortText
    text: LongText
    recorded_on: Day


class Need(ValueObject):
    """A coded need to move home: housing, support or funding, now or in future (001, 004)."""

    code: MoveHomeNeed
    horizon: NeedHorizon = NeedHorizon.NOW

    @property
    def kind(self) -> str:
        return self.code.split(":", 1)[0]


class ReviewAction(ValueObject):
    """An action of the plan: raised at a review, or on the standing action plan (issue 13:
    `raised_on` and `status`; review actions stored before read back without them)."""

    PERSONAL: ClassVar[frozenset[str]] = frozenset({"description", "owner"})

    action_id: str
    description: LongText
    owner: ShortText
    due_on: Day
    completed_on: Day | None = None
    raised_on: Day | None = None
    status: ActionStatus | None = None

    @property
    def current_status(self) -> ActionStatus:
        if self.completed_on is not None:
            return ActionStatus.DONE
        return self.status or ActionStatus.OPEN

    @property
    def open(self) -> bool:
        return self.current_status in (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


class PanelRole(StrEnum):
    """The independent panel of a C(E)TR (NHS-1): the chair (the commissioner), an expert
    by experience and a clinical expert."""

    CHAIR = "chair"
    EXPERT_BY_EXPERIENCE = "expert_by_experience"
    CLINICAL_EXPERT = "clinical_expert"


class ReviewRecord(ValueObject):
    PERSONAL: ClassVar[frozenset[str]] = frozenset({"outcome", "attendees"})

    review_id: str
    kind: ReviewKind
    held_on: Day
    outcome: LongText
    attendees: tuple[ShortText, ...] = ()
    panel: tuple[PanelRole, ...] = ()
    """Panel roles present (C(E)TRs); reviews stored before this field read back with none."""
