"""The rules of a hospital stay: admission, legal status, readiness, delays, discharge.

Named checks that raise a RuleViolation naming the field (errors.py); the Person's
hospital commands (person/hospital.py) call them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from dsr_core.domain import rules
from dsr_core.domain.code_lists import (
    LEGAL_STATUSES,
    check_code,
    code_list,
    delay_reason_list,
    delay_reason_lists,
)
from dsr_core.domain.codes import (
    AdmissionType,
    LegalStatus,
    RemovalReason,
    ReviewKind,
    Scheme,
    Status,
)
from dsr_core.domain.errors import (
    AlreadyAdmittedError,
    InpatientRatingError,
    InvalidInputError,
    NotAdmittedError,
    NotReadyForDischargeError,
    WrongStatusError,
)
from dsr_core.domain.values import (
    HospitalStay,
    Placement,
    Rating,
)


def check_not_admitted(admission: HospitalStay | None) -> None:
    """No admission while an admission is open. Raises AlreadyAdmittedError."""
    if admission is not None:
        raise AlreadyAdmittedError("The person already has an open hospital admission.")


def check_admitted(admission: HospitalStay | None) -> HospitalStay:
    """Discharge and delays need an open admission. Raises NotAdmittedError."""
    if admission is None:
        raise NotAdmittedError("The person has no open hospital admission.")
    return admission


def check_ready_for_discharge(stay: HospitalStay, *, field: str = "recorded_on") -> date:
    """A delay is a stay beyond the clinically-ready date, so that date comes first.

    Raises NotReadyForDischargeError.
    """
    if stay.ready_for_discharge_on is None:
        raise NotReadyForDischargeError(
            "Record the date the person was clinically ready for discharge first.",
            field=field,
        )
    return stay.ready_for_discharge_on


def check_discharge_rating(
    rating: Rating | None,
    status: Status,
    died: bool,
    scheme: Scheme,
    placement: Placement | None,
    *,
    transfer: bool = False,
) -> None:
    """Discharge must set a non-inpatient rating for people on the register (seed 003);
    a rating is given only to people on the register who are discharged alive. A transfer
    to another MH/LD bed keeps the inpatient rating: the stay goes on (domain.md).

    Raises InpatientRatingError or WrongStatusError.
    """
    if transfer:
        if rating is not None:
            raise InpatientRatingError(
                "A transfer to another MH/LD bed keeps the inpatient rating; record the "
                "admission to the new bed next.",
                field="rating",
            )
        return
    if status is Status.ON_REGISTER and not died:
        if rating is None:
            raise InpatientRatingError(
                "A discharge must set the person's new rating.", field="rating"
            )
        rules.check_rating_in_scheme(rating, scheme)
        rules.check_rating_matches_episode(rating, in_hospital=False)
        rules.check_rating_fits_placement(rating, placement)
    elif rating is not None:
        raise WrongStatusError(
            "A rating is only set for people on the register who are discharged alive.",
            field="rating",
        )


def check_discharged_before_removal(admission: HospitalStay | None, reason: RemovalReason) -> None:
    """A person in hospital is discharged before being removed; consent withdrawal is
    the exception (seed 002: at any time). Raises AlreadyAdmittedError."""
    if admission is not None and reason is not RemovalReason.CONSENT_WITHDRAWN:
        raise AlreadyAdmittedError(
            "Record the discharge before removing the person from the register."
        )


def check_review_within_stay(
    kind: ReviewKind, held_on: date, admission: HospitalStay | None
) -> None:
    """An inpatient C(E)TR or a commissioner's visit closes a duty of the current stay, so
    it cannot be dated before the spell it belongs to (a transfer continues the spell, so
    one held in the earlier hospital counts). Raises DateOrderError."""
    inpatient_kinds = (ReviewKind.CETR, ReviewKind.COMMISSIONER_OVERSIGHT_VISIT)
    if admission is not None and kind in inpatient_kinds:
        rules.check_not_before(
            held_on, admission.total_stay_started_on, "held_on", "admission it belongs to"
        )


def check_detention(legal_status: LegalStatus, detained_under: str | None, scheme: Scheme) -> None:
    """Detention is coded with the nation's act (MHA 1983 in England, MHCTA 2003 and the
    Criminal Procedure (Scotland) Act 1995 in Scotland); informal has no section (domain.md).

    Raises InvalidInputError.
    """
    if legal_status is LegalStatus.DETAINED:
        if not detained_under:
            raise InvalidInputError(
                "detained_under (the section or order) is required when detained.",
                field="detained_under",
            )
        check_code(LEGAL_STATUSES[scheme], detained_under, "detained_under")
    elif detained_under:
        raise InvalidInputError(
            "detained_under is only given when detained.", field="detained_under"
        )


def check_delay_code(code: str, scheme: Scheme, field: str, on: date) -> str:
    """England codes delays with MHSDS's list in force on the day (v5 before April 2024,
    v6 from then), Scotland with PHS's (domain.md).

    Raises InvalidInputError.
    """
    list_name = delay_reason_list(scheme, on)
    if code not in code_list(list_name).codes:
        for other in delay_reason_lists(scheme):
            if other != list_name and code in code_list(other).codes:
                raise InvalidInputError(
                    f"{field} {code!r} is a code of the {code_list(other).title!r} list, "
                    f"not in use on {on.isoformat()}; that day's delays are coded with "
                    f"{code_list(list_name).version} (GET /v1/code-lists/{list_name}).",
                    field=field,
                )
    return check_code(list_name, code, field)


def check_plan_items(scores: Mapping[str, int], items: Mapping[str, str]) -> None:
    """Scores are for the area's discharge plan items only. Raises InvalidInputError."""
    for item in scores:
        if item not in items:
            raise InvalidInputError(
                f"{item!r} is not an item of this area's discharge plan ({', '.join(items)}).",
                field=f"scores.{item}",
            )


def check_admission_type(
    given: AdmissionType | None,
    derived: AdmissionType,
    stay_started_on: date | None,
    admitted_on: date,
) -> AdmissionType:
    """What the record shows wins: a transfer or readmission it can see cannot be entered
    as something else; with no earlier stay on record the user may say it was a transfer or
    a readmission (from a bed or a discharge elsewhere). A transfer's earlier start is not
    after this admission. Raises InvalidInputError."""
    kind = given or derived
    if derived is not AdmissionType.FIRST and given not in (None, derived):
        raise InvalidInputError(
            f"The record shows this admission is a {derived.value.replace('_', ' ')}.",
            field="admission_type",
        )
    if stay_started_on is not None:
        if kind is not AdmissionType.TRANSFER:
            raise InvalidInputError(
                "stay_started_on is only given for a transfer from another MH/LD bed.",
                field="stay_started_on",
            )
        rules.check_not_before(admitted_on, stay_started_on, "admitted_on", "stay_started_on")
    return kind


def check_reason_to_move(planned_on: date | None, reason: str | None) -> None:
    """A planned discharge date is moved or withdrawn with a reason, so the slippage can be
    read later (domain.md, "Discharge planning"). Raises InvalidInputError."""
    if planned_on is not None and not reason:
        raise InvalidInputError(
            "Moving or withdrawing a planned discharge date needs a reason.", field="reason"
        )
