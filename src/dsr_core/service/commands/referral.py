"""Commands of referral and lawful basis: a period on the register opens, is decided,
rated, corrected, moved and closes."""

from __future__ import annotations

from pydantic import Field

from dsr_core.domain.codes import (
    Advocacy,
    DeclineReason,
    EmergencyReason,
    LawfulBasis,
    ReferralCriterion,
    ReferralReason,
    ReferrerType,
    RemovalReason,
    Representative,
    RiskFactor,
)
from dsr_core.domain.inputs import AreaCode, Day, Flag, LongText, ShortText
from dsr_core.domain.values import PersonDetails, Rating
from dsr_core.service.commands.base import DETAILS_EXAMPLE, Command, example


class Refer(Command):
    model_config = example(
        {
            "area": "S37000017",
            "details": DETAILS_EXAMPLE,
            "referred_on": "2025-01-10",
            "criteria": ["support_at_risk"],
            "referred_by": "Community LD nurse",
            "reason": "Family carer unwell; support at home at risk of breaking down.",
        }
    )
    area: AreaCode
    details: PersonDetails
    referred_on: Day
    criteria: list[ReferralCriterion] = Field(min_length=1)
    referred_by: ShortText
    reason: LongText
    referral_reason: ReferralReason | None = Field(
        default=None, description="England: why the referral is made now"
    )
    referrer_type: ReferrerType | None = Field(
        default=None, description="England: the person, their family, or a professional"
    )


class DeclineReferral(Command):
    """Decline the referral, with a reason."""

    model_config = example(
        {"declined_on": "2025-01-12", "reason_code": "criteria_not_met", "reason": "No LD/autism."}
    )
    declined_on: Day
    reason_code: DeclineReason
    reason: LongText


class RecordConsent(Command):
    """Record consent, a best-interests decision or another lawful basis."""

    model_config = example(
        {"basis": "informed_consent", "decided_on": "2025-01-11", "decided_by": "the person"}
    )
    basis: LawfulBasis
    decided_on: Day
    decided_by: ShortText = Field(
        description="Who gave consent or made the decision (e.g. 'the person', 'consultant').",
    )
    note: LongText | None = None


class RecordConsentRefusal(Command):
    """Record that consent was refused (England): an outcome, kept with the referral."""

    model_config = example({"decided_on": "2025-01-11", "decided_by": "the person"})
    decided_on: Day
    decided_by: ShortText
    note: LongText | None = None


class RecordInvolvement(Command):
    """Record how the person and their supporters were involved, advocacy and any guardian or
    attorney (what Scotland records instead of consent)."""

    model_config = example(
        {
            "recorded_on": "2025-01-12",
            "person_involved": True,
            "supporters_involved": True,
            "advocacy": "offered_taken_up",
            "representative": "welfare_guardian",
        }
    )
    recorded_on: Day
    person_involved: Flag
    supporters_involved: Flag
    advocacy: Advocacy
    representative: Representative = Representative.NONE
    note: LongText | None = None


class WithdrawConsent(Command):
    """Record that consent was withdrawn: the person leaves the register."""

    model_config = example({"withdrawn_on": "2025-06-01"})
    withdrawn_on: Day
    reason: LongText | None = None


class RecordNationalDataObjection(Command):
    """Record an objection (or its withdrawal) to record-level national sharing."""

    model_config = example({"objects": True, "recorded_on": "2025-01-11"})
    objects: Flag = Field(description="True to object to record-level national sharing.")
    recorded_on: Day
    reason: LongText | None = None


class Accept(Command):
    """Accept the person onto the register with an initial rating."""

    model_config = example({"accepted_on": "2025-01-14", "rating": {"level": "amber"}})
    accepted_on: Day
    rating: Rating
    reason: LongText | None = None


class ChangeRating(Command):
    """Change the rating, with the reason and risk factors."""

    model_config = example(
        {
            "changed_on": "2025-02-01",
            "rating": {"level": "red"},
            "reason": "Placement breaking down; crisis team involved.",
            "risk_factors": ["placement_breakdown"],
        }
    )
    changed_on: Day
    rating: Rating
    reason: LongText
    risk_factors: list[RiskFactor] = Field(default_factory=list)


class CorrectDetails(Command):
    """Correct identifying details; the earlier values stay in the history."""

    model_config = example(
        {"details": DETAILS_EXAMPLE, "corrected_on": "2025-01-15", "reason": "Typo in surname."}
    )
    details: PersonDetails
    corrected_on: Day
    reason: LongText


class Transfer(Command):
    """Transfer funding responsibility to another area."""

    model_config = example(
        {"to_area": "S37000032", "transferred_on": "2025-07-01", "reason": "Moved to family."}
    )
    to_area: AreaCode
    transferred_on: Day
    reason: LongText


class Remove(Command):
    """Remove the person from the register, with a reason."""

    model_config = example({"removed_on": "2025-09-01", "reason_code": "stable"})
    removed_on: Day
    reason_code: RemovalReason
    reason: LongText | None = None


class TellReferrer(Command):
    """Record that the referrer was told the decision on the referral (accepted, declined
    or consent refused): due after every decision, until recorded."""

    model_config = example({"told_on": "2025-01-15", "note": "Letter to the CLDT nurse."})
    told_on: Day
    note: LongText | None = None


class GrantEmergencyAccess(Command):
    """Open a person's record of another area in an emergency ("break glass"), with a
    reason: for the area's configured time, every read logged, the owning lead told."""

    model_config = example(
        {"reason_code": "unplanned_admission", "reason": "Admitted to our ward overnight."}
    )
    reason_code: EmergencyReason
    reason: LongText


class KeepOnRegister(Command):
    """Record the decision to keep a person on after considering removal (Green for three
    months), with why and whether an unmanaged risk was found."""

    model_config = example(
        {
            "decided_on": "2025-09-01",
            "reason": "Family carer's health still uncertain.",
            "unmanaged_risk": False,
        }
    )
    decided_on: Day
    reason: LongText
    unmanaged_risk: Flag


class ReRefer(Command):
    """Refer a person already on record: removed, declined, or known only as an inpatient.
    Opens a new period on the same record."""

    model_config = example(
        {
            "referred_on": "2026-01-05",
            "criteria": ["support_at_risk"],
            "referred_by": "GP",
            "reason": "Support breaking down again.",
        }
    )
    referred_on: Day
    criteria: list[ReferralCriterion] = Field(min_length=1)
    referred_by: ShortText
    reason: LongText
    referral_reason: ReferralReason | None = Field(
        default=None, description="England: why the referral is made now"
    )
    referrer_type: ReferrerType | None = Field(
        default=None, description="England: the person, their family, or a professional"
    )
