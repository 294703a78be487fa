"""Domain errors: each names the rule broken, in words a case worker understands.

`slug` is the problem type the HTTP layer publishes (docs/api.md); `field` names the
input that broke the rule, when one did. Messages never contain personal data.
"""

from __future__ import annotations

from uuid import UUID


class DsrError(Exception):
    """Base of every error dsr raises on purpose."""

    slug = "dsr-error"
    title = "Request refused"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidInputError(DsrError):
    """Input that is well-formed but not acceptable, found outside the request models."""

    slug = "validation"
    title = "The request is not valid"


class DomainRuleError(DsrError):
    """A command broke a rule of the register; nothing was recorded."""

    slug = "domain-rule"
    title = "Refused by a register rule"


class FutureDateError(DomainRuleError):
    slug = "date-in-future"
    title = "Date is in the future"


class BeforeBirthError(DomainRuleError):
    slug = "date-before-birth"
    title = "Date is before the date of birth"


class DateOrderError(DomainRuleError):
    slug = "date-out-of-order"
    title = "Dates are out of order"


class PersonNotActiveError(DomainRuleError):
    slug = "person-not-active"
    title = "Person is not on the register"


class WrongStatusError(DomainRuleError):
    slug = "wrong-status"
    title = "Not possible at this stage"


class ConsentRequiredError(DomainRuleError):
    slug = "consent-required"
    title = "No lawful basis recorded"


class LawfulBasisError(DomainRuleError):
    slug = "lawful-basis-invalid"
    title = "Lawful basis does not apply"


class ConsentNotInSchemeError(DomainRuleError):
    slug = "consent-not-in-scheme"
    title = "This area's register is not consent-based"


class NoOpenOfferError(DomainRuleError):
    slug = "no-open-offer"
    title = "No C(E)TR offer to decline"


class ServiceEligibilityError(DomainRuleError):
    slug = "service-not-available"
    title = "The service is not for this person"


class RatingSchemeError(DomainRuleError):
    slug = "rating-not-in-scheme"
    title = "Rating is not in this area's scheme"


class InpatientRatingError(DomainRuleError):
    slug = "inpatient-rating-mismatch"
    title = "Rating does not match the hospital episode"


class AlreadyAdmittedError(DomainRuleError):
    slug = "already-admitted"
    title = "Person is already in hospital"


class NotAdmittedError(DomainRuleError):
    slug = "not-admitted"
    title = "Person is not in hospital"


class AgeRuleError(DomainRuleError):
    slug = "age-rule"
    title = "Not available at this age"


class PlacementRuleError(DomainRuleError):
    slug = "placement-rule"
    title = "Placement does not fit the rating"


class NotReadyForDischargeError(DomainRuleError):
    slug = "not-ready-for-discharge"
    title = "Person has not been recorded as ready for discharge"


class BirthAfterRecordError(DomainRuleError):
    slug = "date-of-birth-after-record"
    title = "Date of birth is after the record began"


class NationalNumberRemovedError(DomainRuleError):
    slug = "national-number-removed"
    title = "A national number cannot be removed by a correction"


class UnknownActionError(DomainRuleError):
    slug = "unknown-action"
    title = "No such action"


class UnknownInvolvementError(DomainRuleError):
    slug = "unknown-involvement"
    title = "No such involvement"


class TransferError(DomainRuleError):
    slug = "transfer-invalid"
    title = "Transfer not possible"


class UnknownAreaError(DomainRuleError):
    slug = "unknown-area"
    title = "Area is not configured"


class AreaNotAllowedError(DsrError):
    """The caller may act on this person, but not in the area the command names."""

    slug = "forbidden"
    title = "Not allowed for your role or area"


class PersonNotFoundError(DsrError):
    slug = "person-not-found"
    title = "Person not found"

    def __init__(self, person_id: UUID | str) -> None:
        super().__init__("No person with this id is visible to you.")
        self.person_id = str(person_id)


class DuplicateReferralError(DsrError):
    """The number is already held on this area's register: point at the existing record."""

    slug = "duplicate-referral"
    title = "Already referred in this area"

    def __init__(self, existing_person_id: UUID, *, on_register: bool) -> None:
        hint = "" if on_register else " Use re-referral to start a new period."
        super().__init__(
            f"This number is already held for person {existing_person_id}.{hint}",
            field="details",
        )
        self.existing_person_id = existing_person_id
        self.on_register = on_register


class VersionMismatchError(DsrError):
    """The caller acted on a version that is no longer current (If-Match)."""

    slug = "version-mismatch"
    title = "Record has changed"

    def __init__(self, expected: int, current: int) -> None:
        super().__init__(
            f"You edited version {expected} but the record is now at version {current}."
        )
        self.expected = expected
        self.current = current


class ConcurrentWriteError(DsrError):
    """Another command on the same person was saved first."""

    slug = "concurrent-write"
    title = "Someone else changed this record at the same time"

    def __init__(self) -> None:
        super().__init__("Another change was saved first; reload the record and try again.")


class PersonErasedError(DsrError):
    """The person's record was erased (issue 15): nothing more can be recorded about them."""

    slug = "person-erased"
    title = "This person's record was erased"

    def __init__(self, person_id: UUID | str) -> None:
        super().__init__(
            "This record was erased: its identifying details and free text are destroyed, "
            "and nothing more can be recorded about this person. Refer them as a new person "
            "if they need the register again."
        )
        self.person_id = str(person_id)


class RecordIntegrityError(DsrError):
    """The person's stored history fails an integrity check (an event altered, missing or
    added outside the service): nothing more is recorded on it until an administrator has
    restored it from a backup and `dsr audit verify` passes (docs/operations.md)."""

    slug = "record-integrity"
    title = "This record fails an integrity check"

    def __init__(self, person_id: UUID | str, version: int | None = None, kind: str = "") -> None:
        super().__init__(
            "This record's stored history fails an integrity check, so nothing more can be "
            "recorded on it. Tell your DSR lead: an administrator restores it from a backup "
            "and checks the store again (dsr audit verify)."
        )
        self.person_id = str(person_id)
        self.version = version
        self.kind = kind


class ErasureBlockedError(DomainRuleError):
    """An erasure refused, with every reason that stands in its way."""

    slug = "erasure-blocked"
    title = "The record may not be erased now"

    def __init__(self, reasons: list[str]) -> None:
        super().__init__(f"Not erased: {', '.join(reasons)}.")
        self.reasons = reasons


class LegalHoldError(DomainRuleError):
    slug = "legal-hold"
    title = "Legal hold already in this state"
