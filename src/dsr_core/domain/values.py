"""Value objects of the register: small immutable records (codes are in codes.py)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, ClassVar, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from dsr_core.domain.code_lists import (
    EthnicCategory,
    GenderIdentity,
)
from dsr_core.domain.codes import (
    AdmissionType,
    Advocacy,
    CommissionerType,
    DiagnosisGroup,
    LawfulBasis,
    LegalStatus,
    PlacementLocation,
    PlacementType,
    RatingLevel,
    Representative,
    Role,
    Scheme,
    SecurityLevel,
    Sex,
    UrgentReason,
    WardType,
    scheme_of,
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
    OdsCode,
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


READMISSION_MONTHS = 12
"""An admission within 12 calendar months of a discharge is a readmission."""


KEYWORKER_MAX_AGE = 25
"""Children and young people up to 25 who are Red, Amber or Blue (England: NHS-1)."""


class Actor(ValueObject):
    """Who did something: kept on every event for the audit trail."""

    user_id: ShortText
    role: Role
    area: AreaCode | None = None


class Location(ValueObject):
    """Where a home or hospital is: precise enough for distance bands, never shown to
    analysts (only the band is). A postcode district, coordinates, or both."""

    postcode_district: PostcodeDistrict | None = None
    latitude: float | None = Field(default=None, ge=49.0, le=61.0, strict=True)
    longitude: float | None = Field(default=None, ge=-9.0, le=2.5, strict=True)
    """Strict: a JSON `true` is not a coordinate (lax parsing read it as 1.0)."""

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
    date_of_birth: Annotated[
        BirthDate | None, WithJsonSchema({"type": "string", "format": "date"}, mode="validation")
    ]
    """Always given (the input's schema says so); None only in a record read back after its
    person's key was destroyed."""
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
    provider_code: OdsCode | None = None
    """The hospital's provider (issue 27): AT and MHSDS break down by provider."""
    provider_name: ShortText | None = None
    commissioner_type: CommissionerType | None = None
    """The responsible commissioner: who funds the bed and owes the oversight visits."""
    commissioner_code: OdsCode | None = None
    host_commissioner_code: OdsCode | None = None
    """The commissioner where the hospital is, for host oversight."""

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
