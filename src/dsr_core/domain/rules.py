"""The register's invariants, one named check each.

Each check raises the domain error named in its docstring, citing the source in
../shared/seeds (by number) or domain.md. Time is passed in; nothing here reads a clock.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from uuid import UUID

from dsr_core.domain.care_record import ReviewAction, SupporterView, TeamMember, Views
from dsr_core.domain.codes import (
    LawfulBasis,
    RatingLevel,
    Scheme,
    Service,
    Status,
    UrgentReason,
)
from dsr_core.domain.errors import (
    AgeRuleError,
    BeforeBirthError,
    BirthAfterRecordError,
    ConsentNotInSchemeError,
    ConsentRequiredError,
    DateOrderError,
    DuplicateReferralError,
    FutureDateError,
    InpatientRatingError,
    InvalidInputError,
    LawfulBasisError,
    NationalNumberRemovedError,
    NoOpenOfferError,
    PersonNotActiveError,
    PlacementRuleError,
    RatingSchemeError,
    ServiceEligibilityError,
    TransferError,
    UnknownActionError,
    UnknownInvolvementError,
    VersionMismatchError,
    WrongStatusError,
)
from dsr_core.domain.values import (
    ADULT_AGE,
    KEYWORKER_MAX_AGE,
    Consent,
    HospitalStay,
    PersonDetails,
    Placement,
    Rating,
)


def check_date_not_in_future(day: date, today: date, field: str) -> None:
    """Events happen in the past or today, never later. Raises FutureDateError."""
    if day > today:
        raise FutureDateError(f"{field} cannot be after today.", field=field)


def check_date_not_before_birth(day: date, details: PersonDetails, field: str) -> None:
    """Nothing happens to a person before they are born. Raises BeforeBirthError."""
    if day < details.born_on:
        raise BeforeBirthError(f"{field} cannot be before the date of birth.", field=field)


def check_not_before(day: date, earlier: date | None, field: str, what: str) -> None:
    """A later step cannot predate the step it follows. Raises DateOrderError."""
    if earlier is not None and day < earlier:
        raise DateOrderError(f"{field} cannot be before the {what}.", field=field)


def check_is_active(status: Status) -> None:
    """Removed or declined people take no commands but re-referral. Raises PersonNotActiveError."""
    if status in (Status.REMOVED, Status.DECLINED):
        raise PersonNotActiveError(
            "This person is not on the register; only a re-referral is possible."
        )
    if status is Status.NOT_REFERRED:
        raise PersonNotActiveError(
            "This person is known only as an inpatient: record their stay and its duties, "
            "or refer them to the register first."
        )


def check_active_or_in_hospital(status: Status, admission: HospitalStay | None) -> None:
    """C(E)TRs, visits, readiness, delays and the discharge are owed to every inpatient,
    whatever their register status: someone removed after withdrawing consent is still in
    hospital until discharged (NHS England C(E)TR policy; domain rules, "Inpatient duties
    do not depend on register status"). Raises PersonNotActiveError otherwise."""
    if admission is None:
        check_is_active(status)


def check_referral_decided(
    decision: tuple[str, date] | None, told_on: date | None
) -> tuple[str, date]:
    """The referrer is told a decision once it is made, once a period. Raises
    WrongStatusError."""
    if decision is None:
        raise WrongStatusError(
            "The referral has no decision yet: accept or decline it (or record a refusal of "
            "consent) first."
        )
    if told_on is not None:
        raise WrongStatusError(
            f"The referrer was already told this decision on {told_on.isoformat()}."
        )
    return decision


def check_status(status: Status, allowed: tuple[Status, ...], action: str) -> None:
    """A step only happens at the stages it belongs to. Raises WrongStatusError."""
    if status in allowed:
        return
    check_is_active(status)
    if status not in allowed:
        raise WrongStatusError(f"Cannot {action} while the person is {status.value}.")


def check_has_lawful_basis(consent: Consent | None) -> Consent:  # England
    """Acceptance needs consent or a best-interests decision (seeds 002, 003).

    Raises ConsentRequiredError.
    """
    if consent is None:
        raise ConsentRequiredError(
            "Record consent, a best-interests decision, parental responsibility or a "
            "guardian's decision before accepting the person onto the register."
        )
    return consent


MCA_AGE = 16
"""The Mental Capacity Act 2005 applies from 16: best-interests decisions start there."""


def check_scheme_takes_consent(scheme: Scheme) -> None:
    """England includes people with consent or another lawful basis; Scotland records
    every adult in scope under the area's duty, without consent (seeds 000, 001; domain
    rules, "Referral, consent and acceptance"). Raises ConsentNotInSchemeError."""
    if scheme is Scheme.SCOTLAND_COMING_HOME:
        raise ConsentNotInSchemeError(
            "Scotland's register records every adult in scope without consent: record how "
            "the person and their supporters were involved (involvement) instead.",
            field="basis",
        )


def check_lawful_basis_applies(consent: Consent, details: PersonDetails, scheme: Scheme) -> None:
    """England's lawful bases by age on the day of the decision (seed 002; NHS-1):
    a best-interests decision under the Mental Capacity Act only from 16; parental
    responsibility only for a child under 16 (from 16 the young person decides, or the
    MCA applies). Raises ConsentNotInSchemeError or LawfulBasisError."""
    check_scheme_takes_consent(scheme)
    age = details.age_on(consent.decided_on)
    if consent.basis is LawfulBasis.BEST_INTERESTS_DECISION and age < MCA_AGE:
        raise LawfulBasisError(
            "A best-interests decision under the Mental Capacity Act applies from 16; for a "
            "younger child, record parental responsibility or the child's own consent.",
            field="basis",
        )
    if consent.basis is LawfulBasis.PARENTAL_RESPONSIBILITY and age >= MCA_AGE:
        raise LawfulBasisError(
            "Parental responsibility is the basis for a child under 16; from 16, record the "
            "young person's consent or a best-interests decision.",
            field="basis",
        )


def check_rating_in_scheme(rating: Rating, scheme: Scheme) -> None:
    """Each area rates in its own scheme (domain.md, "Status and rating").

    Raises RatingSchemeError.
    """
    if rating.scheme is not scheme:
        raise RatingSchemeError(
            f"Rating {rating.level.value} is not part of this area's scheme ({scheme.value}).",
            field="rating",
        )


def check_rating_matches_episode(rating: Rating, in_hospital: bool) -> None:
    """Blue (or Urgent, in hospital) if and only if an admission is open (seeds 003, 004).

    Raises InpatientRatingError.
    """
    if rating.is_inpatient and not in_hospital:
        raise InpatientRatingError(
            "The inpatient rating needs an open hospital admission; record the admission instead.",
            field="rating",
        )
    if in_hospital and not rating.is_inpatient:
        raise InpatientRatingError(
            "While the person is in hospital the rating stays the inpatient rating; "
            "record the discharge with the new rating.",
            field="rating",
        )


def check_rating_fits_placement(rating: Rating, placement: Placement | None) -> None:
    """Coming Home's out-of-area categories need an out-of-area placement (seed 001).

    Raises PlacementRuleError.
    """
    out_of_area = placement is not None and placement.out_of_area
    appropriate = placement is not None and placement.appropriate
    if rating.level is RatingLevel.APPROPRIATE_OUT_OF_AREA and not (out_of_area and appropriate):
        raise PlacementRuleError(
            "Appropriate out-of-area needs a current out-of-area placement that the "
            "person and family chose, with no concerns recorded about it.",
            field="rating",
        )
    if rating.urgent_reason is UrgentReason.INAPPROPRIATE_OUT_OF_AREA and not out_of_area:
        raise PlacementRuleError(
            "Urgent (inappropriate out-of-area) needs a current out-of-area placement.",
            field="rating",
        )


def check_scheme_accepts_age(details: PersonDetails, on: date, scheme: Scheme) -> None:
    """Scotland's Coming Home register is for adults (18+) only (seed 000). Raises AgeRuleError."""
    if scheme is Scheme.SCOTLAND_COMING_HOME and details.age_on(on) < ADULT_AGE:
        raise AgeRuleError(
            "Scotland's register is for adults; this person is under 18 on the referral date.",
            field="details.date_of_birth",
        )


def check_birth_before_record(details: PersonDetails, record_began: date) -> None:
    """A corrected date of birth cannot fall after the record began: every later command
    would then be refused as happening before birth (issue 10). Raises BirthAfterRecordError.
    """
    if details.born_on > record_began:
        raise BirthAfterRecordError(
            "The date of birth cannot be after the person's first referral.",
            field="details.date_of_birth",
        )


def check_national_numbers_kept(before: PersonDetails, after: PersonDetails) -> None:
    """A correction may change an NHS or CHI number but not drop it: the number is what
    stops the person being referred twice (ADR 0002). Raises NationalNumberRemovedError.
    """
    for field in ("nhs_number", "chi_number"):
        if getattr(before, field) and not getattr(after, field):
            raise NationalNumberRemovedError(
                f"The record holds a {field.split('_')[0].upper()} number; a correction can "
                "change it but not remove it.",
                field=f"details.{field}",
            )


def check_open_action(action: ReviewAction | None) -> ReviewAction:
    """Only an open action of the person's own plans can be completed.

    Raises UnknownActionError.
    """
    if action is None or not action.open:
        raise UnknownActionError(
            "No open action with this id on the person's record.", field="action_id"
        )
    return action


def check_transfer(from_area: str, to_area: str, from_scheme: Scheme, to_scheme: Scheme) -> None:
    """Funding responsibility moves to another area of the same nation (domain rules,
    "Leaving the register"). Raises TransferError."""
    if to_area == from_area:
        raise TransferError("The person is already on this area's register.", field="to_area")
    if to_scheme is not from_scheme:
        raise TransferError(
            "Transfers stay within one nation's scheme; remove the person and refer them "
            "to the other nation's register instead.",
            field="to_area",
        )


def check_can_re_refer(status: Status) -> None:
    """Re-referral starts a new period, so the last one must have ended (domain rules,
    "Leaving the register"). Raises WrongStatusError."""
    if status not in (Status.REMOVED, Status.DECLINED, Status.NOT_REFERRED):
        raise WrongStatusError(
            "Only a removed or declined person, or an inpatient not yet referred, can be "
            f"referred on their record; this one is {status.value}."
        )


def check_expected_version(expected: int | None, current: int) -> None:
    """If-Match: a command on a version other than the current one saves nothing (brief:
    no lost updates). Raises VersionMismatchError."""
    if expected is not None and expected != current:
        raise VersionMismatchError(expected, current)


def check_number_free(holder: UUID | None, person_id: UUID | None, holder_active: bool) -> None:
    """A national number is held by one person per area (ADR 0002). Raises
    DuplicateReferralError, pointing at the holder."""
    if holder is not None and holder != person_id:
        raise DuplicateReferralError(holder, on_register=holder_active)


def check_offer_to_decline(offered_on: date | None, settled_on: date | None) -> date:
    """A C(E)TR is declined only once it was offered, and only while that offer is open
    (not already held or declined since). Raises NoOpenOfferError."""
    if offered_on is None or (settled_on is not None and settled_on >= offered_on):
        raise NoOpenOfferError(
            "Record the C(E)TR offer before recording that it was declined.", field="declined_on"
        )
    return offered_on


def check_service_eligibility(
    service: Service, scheme: Scheme, details: PersonDetails, on: date
) -> None:
    """The keyworker service is England's, for children and young people up to 25 (NHS-1).
    Raises ServiceEligibilityError."""
    if service is Service.KEYWORKER:
        if scheme is not Scheme.ENGLAND_RAG:
            raise ServiceEligibilityError(
                "The keyworker service is NHS England's.", field="service"
            )
        if details.age_on(on) > KEYWORKER_MAX_AGE:
            raise ServiceEligibilityError(
                "The keyworker service is for children and young people up to 25.",
                field="service",
            )


def check_scheme_has_ehc_plans(scheme: Scheme) -> None:
    """Education, Health and Care plans are England's (Children and Families Act 2014).
    Raises ServiceEligibilityError."""
    if scheme is not Scheme.ENGLAND_RAG:
        raise ServiceEligibilityError(
            "Education, Health and Care plans are England's.", field="has_plan"
        )


def check_some_view(views: Views, supporters: Sequence[SupporterView]) -> None:
    """A record of views holds at least one view. Raises InvalidInputError."""
    if not (views.person or views.family or supporters):
        raise InvalidInputError(
            "Give the person's view, the family's or a supporter's.", field="person"
        )


def check_current_involvement(member: TeamMember | None, ended_on: date) -> TeamMember:
    """Only a current involvement can end, and not before it started (seed 002).

    Raises UnknownInvolvementError or DateOrderError.
    """
    if member is None or member.ended_on is not None:
        raise UnknownInvolvementError(
            "No current involvement with this id on the person's record.",
            field="involvement_id",
        )
    check_not_before(ended_on, member.started_on, "ended_on", "start of the involvement")
    return member


# ------------------------------------------------------------------ retention (issue 15)


def check_english_referral_facts(
    scheme: Scheme, referral_reason: object | None, referrer_type: object | None
) -> None:
    """England's referral reason and referrer type (002, 003) are not Coming Home's: a
    Scottish referral giving them is refused rather than kept unread. Raises
    InvalidInputError."""
    if scheme is Scheme.SCOTLAND_COMING_HOME:
        given = (("referral_reason", referral_reason), ("referrer_type", referrer_type))
        for field, value in given:
            if value is not None:
                raise InvalidInputError(
                    f"{field} is recorded for English referrals only.", field=field
                )
