"""The Person's referral and lawful-basis commands: referral, consent (or Scotland's involvement),
acceptance, rating, correction, transfer, removal and re-referral.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Self
from uuid import uuid4

from dsr_core.domain import hospital_rules, rules
from dsr_core.domain.codes import (
    DeclineReason,
    EmergencyReason,
    ReferralCriterion,
    ReferralReason,
    ReferrerType,
    RemovalReason,
    RiskFactor,
    Scheme,
    Status,
)
from dsr_core.domain.values import Consent, Involvement, PersonDetails, Rating
from dsr_core.person import events
from dsr_core.person.stamp import Stamp
from dsr_core.person.state import (
    PersonState,
    check_effective,
    record_began,
    referral_decision,
)


class ReferralCommands(PersonState):
    @classmethod
    def refer(
        cls,
        *,
        area: str,
        scheme: Scheme,
        details: PersonDetails,
        referred_on: date,
        criteria: Sequence[ReferralCriterion],
        referred_by: str,
        reason: str,
        by: Stamp,
        referral_reason: ReferralReason | None = None,
        referrer_type: ReferrerType | None = None,
    ) -> Self:
        rules.check_date_not_in_future(details.born_on, by.today, "details.date_of_birth")
        check_effective(referred_on, details, by, "referred_on")
        rules.check_scheme_accepts_age(details, referred_on, scheme)
        rules.check_english_referral_facts(scheme, referral_reason, referrer_type)
        return cls._create(
            events.Referred,
            id=uuid4(),
            timestamp=by.recorded_at,
            actor=by.actor,
            effective_on=referred_on,
            area=area,
            scheme=scheme,
            details=details,
            criteria=tuple(criteria),
            referred_by=referred_by,
            reason=reason,
            referral_reason=referral_reason,
            referrer_type=referrer_type,
        )

    def decline(
        self, *, declined_on: date, reason_code: DeclineReason, reason: str, by: Stamp
    ) -> None:
        rules.check_status(self.status, (Status.REFERRED,), "decline a referral")
        self._check_effective(
            declined_on, by, "declined_on", after=self.referred_on, what="referral"
        )
        self._trigger(
            events.ReferralDeclined, by, declined_on, reason_code=reason_code, reason=reason
        )

    def record_consent(self, *, consent: Consent, by: Stamp) -> None:
        rules.check_status(self.status, (Status.REFERRED, Status.ON_REGISTER), "record consent")
        self._check_effective(consent.decided_on, by, "decided_on")
        rules.check_lawful_basis_applies(consent, self.details, self.scheme)
        self._trigger(events.ConsentRecorded, by, consent.decided_on, consent=consent)

    def refuse_consent(
        self, *, decided_on: date, decided_by: str, note: str | None, by: Stamp
    ) -> None:
        """A refusal is an outcome to record (seed 002); the referral stays for the lead's
        decision, and support does not depend on it."""
        rules.check_status(self.status, (Status.REFERRED,), "record a refusal of consent")
        rules.check_scheme_takes_consent(self.scheme)
        self._check_effective(decided_on, by, "decided_on", after=self.referred_on, what="referral")
        self._trigger(events.ConsentRefused, by, decided_on, decided_by=decided_by, note=note)

    def withdraw_consent(self, *, withdrawn_on: date, reason: str | None, by: Stamp) -> None:
        """Consent can be withdrawn at any time, in hospital too; the person leaves (seed 002)."""
        rules.check_status(self.status, (Status.REFERRED, Status.ON_REGISTER), "withdraw consent")
        rules.check_scheme_takes_consent(self.scheme)
        self._check_effective(
            withdrawn_on, by, "withdrawn_on", after=self.referred_on, what="referral"
        )
        rules.check_not_before(withdrawn_on, self.accepted_on, "withdrawn_on", "acceptance")
        self._trigger(events.ConsentWithdrawn, by, withdrawn_on, reason=reason)
        self._trigger(
            events.Removed,
            by,
            withdrawn_on,
            reason_code=RemovalReason.CONSENT_WITHDRAWN,
            reason=None,
        )

    def record_involvement(self, *, involvement: Involvement, recorded_on: date, by: Stamp) -> None:
        rules.check_is_active(self.status)
        self._check_effective(recorded_on, by, "recorded_on")
        self._trigger(events.InvolvementRecorded, by, recorded_on, involvement=involvement)

    def record_national_data_objection(
        self, *, objects: bool, recorded_on: date, reason: str | None, by: Stamp
    ) -> None:
        """An objection to national sharing is honoured whatever the register status (domain.md)."""
        self._check_effective(recorded_on, by, "recorded_on")
        self._trigger(
            events.NationalDataObjectionRecorded, by, recorded_on, objects=objects, reason=reason
        )

    def accept(self, *, accepted_on: date, rating: Rating, reason: str | None, by: Stamp) -> None:
        rules.check_status(self.status, (Status.REFERRED,), "accept")
        self._check_effective(
            accepted_on, by, "accepted_on", after=self.referred_on, what="referral"
        )
        if self.scheme is Scheme.ENGLAND_RAG:  # Scotland records everyone in scope
            consent = rules.check_has_lawful_basis(self.consent)
            rules.check_not_before(
                accepted_on, consent.decided_on, "accepted_on", "consent it relies on"
            )
        self._check_rating(rating)
        self._trigger(events.Accepted, by, accepted_on, rating=rating, reason=reason)

    def change_rating(
        self,
        *,
        changed_on: date,
        rating: Rating,
        reason: str,
        risk_factors: Sequence[RiskFactor],
        by: Stamp,
    ) -> None:
        rules.check_status(self.status, (Status.ON_REGISTER,), "change the rating")
        self._check_effective(
            changed_on,
            by,
            "changed_on",
            after=self.rating_decided_on or self.rating_since,
            what="last rating decision",
        )
        self._check_rating(rating)
        self._trigger(
            events.RatingChanged,
            by,
            changed_on,
            rating=rating,
            reason=reason,
            # Naming none keeps those recorded (domain.md, "Status and rating").
            risk_factors=tuple(risk_factors) or self.risk_factors,
        )

    def correct_details(
        self, *, details: PersonDetails, corrected_on: date, reason: str, by: Stamp
    ) -> None:
        """Corrections are new events: the earlier details stay in the history."""
        rules.check_active_or_in_hospital(self.status, self.admission)
        rules.check_date_not_in_future(details.born_on, by.today, "details.date_of_birth")
        rules.check_birth_before_record(details, record_began(self) or corrected_on)
        rules.check_national_numbers_kept(self.details, details)
        self._check_effective(corrected_on, by, "corrected_on")
        self._trigger(events.DetailsCorrected, by, corrected_on, details=details, reason=reason)

    def transfer(
        self, *, to_area: str, to_scheme: Scheme, transferred_on: date, reason: str, by: Stamp
    ) -> None:
        """Funding responsibility moves to another area of the same nation."""
        rules.check_status(self.status, (Status.ON_REGISTER,), "transfer")
        self._check_effective(transferred_on, by, "transferred_on")
        rules.check_transfer(self.area, to_area, self.scheme, to_scheme)
        self._trigger(
            events.Transferred,
            by,
            transferred_on,
            from_area=self.area,
            to_area=to_area,
            reason=reason,
        )

    def keep_on_register(
        self, *, decided_on: date, reason: str, unmanaged_risk: bool, by: Stamp
    ) -> None:
        """Removal considered and the person kept on: closes the consider-removal item, whose
        three months start again from this decision (domain.md, cadence table)."""
        rules.check_status(self.status, (Status.ON_REGISTER,), "record a decision to keep on")
        self._check_effective(
            decided_on, by, "decided_on", after=self.rating_since, what="current rating"
        )
        self._trigger(
            events.KeptOnRegister, by, decided_on, reason=reason, unmanaged_risk=unmanaged_risk
        )

    def tell_referrer(self, *, told_on: date, note: str | None, by: Stamp) -> None:
        """The referrer told the decision, whatever it was: allowed after a decline or a
        refusal too, since that is when it matters most (seed 004)."""
        decision = rules.check_referral_decided(referral_decision(self), self.referrer_told_on)
        self._check_effective(told_on, by, "told_on", after=decision[1], what="decision")
        self._trigger(events.ReferrerTold, by, told_on, outcome=decision[0], note=note)

    def grant_emergency_access(
        self, *, reason_code: EmergencyReason, reason: str, minutes: int, by: Stamp
    ) -> str:
        """Open the record to a user of another area for `minutes`, with their reason;
        returns when it lapses. Any status: the record may be needed after it closed."""
        expires = (by.recorded_at + timedelta(minutes=minutes)).isoformat()
        self._trigger(
            events.EmergencyAccessGranted,
            by,
            by.today,
            area=self.area,
            reason_code=reason_code,
            reason=reason,
            expires_at=expires,
        )
        return expires

    def emergency_access_for(self, user_id: str, now: datetime) -> bool:
        """A grant to this user that has not lapsed."""
        return any(
            user == user_id and now < datetime.fromisoformat(until)
            for user, until in self.emergency_grants
        )

    def remove(
        self, *, removed_on: date, reason_code: RemovalReason, reason: str | None, by: Stamp
    ) -> None:
        rules.check_status(self.status, (Status.REFERRED, Status.ON_REGISTER), "remove")
        hospital_rules.check_discharged_before_removal(self.admission, reason_code)
        self._check_effective(removed_on, by, "removed_on", after=self.referred_on, what="referral")
        rules.check_not_before(removed_on, self.accepted_on, "removed_on", "acceptance")
        self._trigger(events.Removed, by, removed_on, reason_code=reason_code, reason=reason)

    def re_refer(
        self,
        *,
        referred_on: date,
        criteria: Sequence[ReferralCriterion],
        referred_by: str,
        reason: str,
        by: Stamp,
        referral_reason: ReferralReason | None = None,
        referrer_type: ReferrerType | None = None,
    ) -> None:
        """A referral of someone on record starts a new period: after removal or a decline
        (domain.md, "Leaving"), or the first for someone known only as an inpatient."""
        rules.check_can_re_refer(self.status)
        rules.check_english_referral_facts(self.scheme, referral_reason, referrer_type)
        self._check_effective(referred_on, by, "referred_on", after=self.closed_on, what="closure")
        rules.check_scheme_accepts_age(self.details, referred_on, self.scheme)
        self._trigger(
            events.ReReferred,
            by,
            referred_on,
            criteria=tuple(criteria),
            referred_by=referred_by,
            reason=reason,
            referral_reason=referral_reason,
            referrer_type=referrer_type,
        )
