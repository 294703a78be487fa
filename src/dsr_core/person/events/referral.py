"""Events of referral and lawful basis: a period on the register opens, is decided,
rated, moved and closes.

Each `apply` only changes state, so stored events replay after a rule changes; the
rules live in the commands (../referral.py) and domain/rules. Topics are explicit and
carry no module path.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from dsr_core.domain.codes import (
    DeclineReason,
    EmergencyReason,
    ReferralCriterion,
    RemovalReason,
    RiskFactor,
    Scheme,
    Status,
)
from dsr_core.domain.values import Actor, Consent, Involvement, PersonDetails, Rating
from dsr_core.person.state import (
    _TOPIC,
    PersonCreated,
    PersonEvent,
    PersonState,
    close_period,
    note_risk_factors,
    open_period,
    set_rating,
    start_record,
)


class Referred(PersonCreated):
    """Version 2 added England's referral reason and referrer type (issue 27)."""

    TOPIC = f"{_TOPIC}.Referred"
    class_version = 2
    actor: Actor
    effective_on: date
    area: str
    scheme: Scheme
    details: PersonDetails
    criteria: tuple[ReferralCriterion, ...]
    referred_by: str
    reason: str
    referral_reason: str | None
    referrer_type: str | None

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        state["referral_reason"] = state["referrer_type"] = None

    def apply(self, person: PersonState) -> None:
        start_record(person, self.area, self.scheme, self.details)
        person.period = 1
        open_period(person, self.effective_on, self.criteria)
        person.referral_source = (self.referral_reason, self.referrer_type)


class ReferralDeclined(PersonEvent):
    TOPIC = f"{_TOPIC}.ReferralDeclined"
    reason_code: DeclineReason
    reason: str

    def apply(self, person: PersonState) -> None:
        close_period(person, Status.DECLINED, self.effective_on, str(self.reason_code))


class ConsentRecorded(PersonEvent):
    TOPIC = f"{_TOPIC}.ConsentRecorded"
    consent: Consent

    def apply(self, person: PersonState) -> None:
        person.consent = self.consent
        person.consent_refused_on = None


class ConsentRefused(PersonEvent):
    """The person (or whoever decides for them) said no: an outcome, recorded (seed 002)."""

    TOPIC = f"{_TOPIC}.ConsentRefused"
    decided_by: str
    note: str | None

    def apply(self, person: PersonState) -> None:
        person.consent = None
        person.consent_refused_on = self.effective_on


class ConsentWithdrawn(PersonEvent):
    TOPIC = f"{_TOPIC}.ConsentWithdrawn"
    reason: str | None

    def apply(self, person: PersonState) -> None:
        person.consent = None


class InvolvementRecorded(PersonEvent):
    TOPIC = f"{_TOPIC}.InvolvementRecorded"
    involvement: Involvement

    def apply(self, person: PersonState) -> None:
        person.involvement = self.involvement


class NationalDataObjectionRecorded(PersonEvent):
    TOPIC = f"{_TOPIC}.NationalDataObjectionRecorded"
    objects: bool
    reason: str | None

    def apply(self, person: PersonState) -> None:
        person.objects_to_national_sharing = self.objects


class Accepted(PersonEvent):
    TOPIC = f"{_TOPIC}.Accepted"
    rating: Rating
    reason: str | None

    def apply(self, person: PersonState) -> None:
        person.status = Status.ON_REGISTER
        person.accepted_on = self.effective_on
        set_rating(person, self.rating, self.effective_on)


class RatingChanged(PersonEvent):
    TOPIC = f"{_TOPIC}.RatingChanged"
    rating: Rating
    reason: str
    risk_factors: tuple[RiskFactor, ...]

    def apply(self, person: PersonState) -> None:
        set_rating(person, self.rating, self.effective_on)
        note_risk_factors(person, self.risk_factors, self.effective_on)


class DetailsCorrected(PersonEvent):
    TOPIC = f"{_TOPIC}.DetailsCorrected"
    details: PersonDetails
    reason: str

    def apply(self, person: PersonState) -> None:
        person.details = self.details


class Transferred(PersonEvent):
    TOPIC = f"{_TOPIC}.Transferred"
    from_area: str
    to_area: str
    reason: str

    def apply(self, person: PersonState) -> None:
        person.area = self.to_area


class KeptOnRegister(PersonEvent):
    """Removal considered after three months of Green and the person kept on, with why and
    whether an unmanaged risk was found (domain.md, "Reviews, actions and cadences")."""

    TOPIC = f"{_TOPIC}.KeptOnRegister"
    reason: str
    unmanaged_risk: bool

    def apply(self, person: PersonState) -> None:
        person.removal_kept_on = self.effective_on


class ReferrerTold(PersonEvent):
    """The referrer was told the decision on the referral (domain.md: the outcome is told
    even when the person is not eligible; seed 004)."""

    TOPIC = f"{_TOPIC}.ReferrerTold"
    outcome: str
    note: str | None

    def apply(self, person: PersonState) -> None:
        person.referrer_told_on = self.effective_on


class EmergencyAccessGranted(PersonEvent):
    """A user of another area opened the record in an emergency, with a reason; it lasts
    until `expires_at` (issue 28). On the person, so it is in their history, audited,
    and erased with them; the owning area's lead sees it the same day."""

    TOPIC = f"{_TOPIC}.EmergencyAccessGranted"
    area: str
    """The area whose record it is (whose lead is told)."""
    reason_code: EmergencyReason
    reason: str
    expires_at: str

    def apply(self, person: PersonState) -> None:
        person.emergency_grants = (
            *person.emergency_grants,
            (self.actor.user_id, self.expires_at),
        )


class Removed(PersonEvent):
    TOPIC = f"{_TOPIC}.Removed"
    reason_code: RemovalReason
    reason: str | None

    def apply(self, person: PersonState) -> None:
        close_period(person, Status.REMOVED, self.effective_on, str(self.reason_code))


class ReReferred(PersonEvent):
    """A referral of someone already on record: removed, declined, or known only as an
    inpatient (Status.NOT_REFERRED, issue 27). Opens a new period."""

    TOPIC = f"{_TOPIC}.ReReferred"
    class_version = 2
    criteria: tuple[ReferralCriterion, ...]
    referred_by: str
    reason: str
    referral_reason: str | None
    referrer_type: str | None

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        state["referral_reason"] = state["referrer_type"] = None

    def apply(self, person: PersonState) -> None:
        person.period += 1
        open_period(person, self.effective_on, self.criteria)
        person.referral_source = (self.referral_reason, self.referrer_type)
