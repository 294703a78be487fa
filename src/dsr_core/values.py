"""Value types of the register: codes from the national collections and small records.

Codes are lower-case strings so that stored events stay readable and stable; the
meaning of each code, with its source, is in docs/domain.md.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    ValidationInfo,
    model_validator,
)

from dsr_core.identifiers import (
    chi_matches_date_of_birth,
    is_valid_chi_number,
    is_valid_nhs_number,
    normalise,
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
    ADMIN = "admin"
    SYSTEM = "system"


_AREA_CODE = re.compile(r"^(S37|E54|E06|E07|E08|E09|E10)[0-9]{6}$")


def _check_area_code(code: str) -> str:
    if not _AREA_CODE.match(code):
        raise ValueError(
            "must be an ONS GSS code of a Scottish Integration Authority (S37…) "
            "or an English ICB or local area (E54…, E06… to E10…)"
        )
    return code


AreaCode = Annotated[
    str,
    Field(examples=["S37000017", "E54000048"], pattern=_AREA_CODE.pattern),
    AfterValidator(_check_area_code),
]
"""An area that keeps a register, as the ONS GSS code people already use."""


def _check_nhs_number(number: str) -> str:
    digits = normalise(number)
    if not is_valid_nhs_number(digits):
        raise ValueError("is not a valid NHS number (10 digits with a modulus-11 check digit)")
    return digits


def _check_chi_number(number: str) -> str:
    digits = normalise(number)
    if not is_valid_chi_number(digits):
        raise ValueError("is not a valid CHI number (10 digits, DDMMYY prefix, check digit)")
    return digits


NhsNumber = Annotated[
    str,
    AfterValidator(_check_nhs_number),
    Field(examples=["9434765919"], pattern=r"^[0-9 -]{10,12}$"),
]
ChiNumber = Annotated[
    str,
    AfterValidator(_check_chi_number),
    Field(examples=["0101901003"], pattern=r"^[0-9 -]{10,12}$"),
]


def from_store(info: ValidationInfo) -> bool:
    """True while decoding what is already stored: input rules that came later do not apply,
    so every stored event and snapshot still reads back (issue 10)."""
    return bool(info.context and info.context.get("stored"))


_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_FREE_TEXT_CONTROLS = frozenset("\t\n\r")


def text_problem(text: str, *, free_text: bool) -> str | None:
    """What makes `text` unfit to store, or None.

    NUL and other control characters break databases, terminals and CSV files; bidi
    overrides make a name display as something else; a lone surrogate cannot be encoded.
    Free text may hold tabs and line breaks.
    """
    if not text.strip():
        return "must not be blank"
    if text.isprintable() and text.isascii():
        return None
    for char in text:
        if free_text and char in _FREE_TEXT_CONTROLS:
            continue
        category = unicodedata.category(char)
        if category == "Cc":
            return "must not contain control characters"
        if category == "Cs":
            return "must not contain unpaired surrogates"
        if char in _BIDI_CONTROLS:
            return "must not contain bidirectional override characters"
    return None


def _short_text(value: str, info: ValidationInfo) -> str:
    if not from_store(info) and (problem := text_problem(value, free_text=False)):
        raise ValueError(problem)
    return value


def _long_text(value: str, info: ValidationInfo) -> str:
    if not from_store(info) and (problem := text_problem(value, free_text=True)):
        raise ValueError(problem)
    return value


ShortText = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_short_text)]
"""One line of text: a name, an organisation. No control characters."""
LongText = Annotated[str, Field(min_length=1, max_length=4000), AfterValidator(_long_text)]
"""Free text: tabs and line breaks allowed, other control characters not."""

_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def _iso_date_only(value: Any) -> Any:
    """A day is written YYYY-MM-DD: never a Unix timestamp, never a date-time."""
    if isinstance(value, datetime) or not isinstance(value, (str, date)):
        raise ValueError("must be a date written YYYY-MM-DD")
    if isinstance(value, str) and not _ISO_DATE.match(value):
        raise ValueError("must be a date written YYYY-MM-DD")
    return value


Day = Annotated[date, BeforeValidator(_iso_date_only)]
"""A calendar day as people enter it (ISO 8601), strictly."""
Flag = StrictBool
"""true or false, nothing that merely looks like one ("yes", 1)."""

EARLIEST_BIRTH = date(1900, 1, 1)


def _plausible_birth(value: date, info: ValidationInfo) -> date:
    if not from_store(info) and value < EARLIEST_BIRTH:
        raise ValueError(f"must not be before {EARLIEST_BIRTH.isoformat()}")
    return value


BirthDate = Annotated[Day, AfterValidator(_plausible_birth)]


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


class ReviewRecord(ValueObject):
    review_id: str
    kind: ReviewKind
    held_on: Day
    outcome: LongText
    attendees: tuple[ShortText, ...] = ()
