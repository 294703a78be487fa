"""The record in named sections, and which sections a partner organisation may read.

A DSR is shared by the ICB or HSCP, councils, NHS trusts, education and housing
partners (issue 28). Staff roles keep what their role reaches; a partner reads only the
sections its organisation type's policy lists, and sends only its listed commands. The
policies are data (`data/section_policies.json`, or a deployment's own file), checked
here, below the HTTP layer, so the API, the console and every export ask the same place.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources
from pathlib import Path


class Section(StrEnum):
    IDENTITY = "identity"
    LAWFUL_BASIS = "lawful_basis"
    RATING_AND_RISKS = "rating_and_risks"
    SAFEGUARDING = "safeguarding"
    """Safeguarding and forensic notes."""
    CARE_RECORD = "care_record"
    VIEWS = "views"
    HOUSING_AND_SUPPORT_NEEDS = "housing_and_support_needs"
    HOSPITAL_STAY = "hospital_stay"
    """The hospital stay and the duties owed during it."""
    DISCHARGE_PLAN = "discharge_plan"
    NATIONAL = "national"
    """What national returns hold of the person, and any objection to sharing."""


FIELDS: dict[str, Section] = {
    "details": Section.IDENTITY,
    "details_withheld": Section.IDENTITY,
    "referred_on": Section.IDENTITY,
    "accepted_on": Section.IDENTITY,
    "referral_reason": Section.LAWFUL_BASIS,
    "referrer_type": Section.LAWFUL_BASIS,
    "consent": Section.LAWFUL_BASIS,
    "involvement": Section.LAWFUL_BASIS,
    "keyworker_eligible": Section.CARE_RECORD,
    "services": Section.CARE_RECORD,
    "objects_to_national_sharing": Section.NATIONAL,
    "diagnosed_after_admission": Section.NATIONAL,
    "rating": Section.RATING_AND_RISKS,
    "rating_since": Section.RATING_AND_RISKS,
    "risk_factors": Section.RATING_AND_RISKS,
    "risk_management": Section.RATING_AND_RISKS,
    "safeguarding_notes": Section.SAFEGUARDING,
    "setting": Section.HOSPITAL_STAY,
    "admission": Section.HOSPITAL_STAY,
    "last_discharged_on": Section.HOSPITAL_STAY,
    "due_reviews": Section.HOSPITAL_STAY,
    "placement": Section.HOUSING_AND_SUPPORT_NEEDS,
    "needs": Section.HOUSING_AND_SUPPORT_NEEDS,
    "needs_note": Section.HOUSING_AND_SUPPORT_NEEDS,
    "views": Section.VIEWS,
    "view_history": Section.VIEWS,
    "professionals": Section.CARE_RECORD,
    "team_history": Section.CARE_RECORD,
    "mitigations": Section.CARE_RECORD,
    "recommendations": Section.CARE_RECORD,
    "reviews": Section.CARE_RECORD,
    "actions": Section.CARE_RECORD,
    "discharge_planning": Section.DISCHARGE_PLAN,
    "closed_on": Section.IDENTITY,
    "closure_reason": Section.IDENTITY,
}
"""Every field of the record a reader may be refused, by section; the envelope (id,
version, area, scheme, status, period, as-of) is not a section and always shown."""

EVENTS: dict[str, Section] = {
    **dict.fromkeys(
        ("DetailsCorrected", "Removed", "Transferred", "LegalHoldPlaced", "LegalHoldLifted",
         "Erased", "EmergencyAccessGranted"),
        Section.IDENTITY,
    ),
    # a referral carries why it was made: the lawful basis's section, not identity's
    **dict.fromkeys(
        ("Referred", "ReReferred", "InpatientNotified", "ReferralDeclined", "ReferrerTold",
         "ConsentRecorded", "ConsentRefused", "ConsentWithdrawn", "InvolvementRecorded"),
        Section.LAWFUL_BASIS,
    ),
    # an acceptance carries the first rating; keeping on, whether a risk is unmanaged
    **dict.fromkeys(
        ("Accepted", "RatingChanged", "RiskFactorsRecorded", "RiskManagementRecorded",
         "KeptOnRegister"),
        Section.RATING_AND_RISKS,
    ),
    "SafeguardingNoteRecorded": Section.SAFEGUARDING,
    **dict.fromkeys(
        ("ActionAdded", "ActionCompleted", "ActionStatusChanged", "CetrDeclined",
         "CetrOffered", "EhcPlanRecorded", "MitigationRecorded", "ProfessionalAssigned",
         "ProfessionalInvolvementEnded", "RecommendationRecorded", "ReviewHeld",
         "ServiceReferred", "ServiceStarted"),
        Section.CARE_RECORD,
    ),
    "ViewsRecorded": Section.VIEWS,
    **dict.fromkeys(("NeedsRecorded", "PlacementChanged"), Section.HOUSING_AND_SUPPORT_NEEDS),
    **dict.fromkeys(
        ("Admitted", "Discharged", "LegalStatusChanged", "ReadyForDischarge",
         "NoLongerReadyForDischarge", "DischargeDelayed"),
        Section.HOSPITAL_STAY,
    ),
    **dict.fromkeys(
        ("DischargePlanScored", "DischargeBarriersRecorded", "PlannedDischargeDateSet"),
        Section.DISCHARGE_PLAN,
    ),
    "NationalDataObjectionRecorded": Section.NATIONAL,
}  # fmt: skip
"""Each event type's section: a history shows a partner only its sections' events."""

ENVELOPE = frozenset(
    {
        "person_id",
        "version",
        "area",
        "scheme",
        "status",
        "period",
        "as_of",
        "as_recorded_by",
        "integrity_failing",
    }
)


@dataclass(frozen=True)
class PartnerPolicy:
    organisation_type: str
    title: str
    read: frozenset[Section]
    commands: frozenset[str]

    def refused(self) -> frozenset[Section]:
        return frozenset(Section) - self.read


class SectionPolicyError(ValueError):
    """The policies cannot be used: says which partner and why."""


def load(text: str, where: str) -> dict[str, PartnerPolicy]:
    raw = json.loads(text)
    policies = {}
    for name, entry in raw.get("partners", {}).items():
        try:
            read = frozenset(Section(s) for s in entry["read"])
        except ValueError as error:
            raise SectionPolicyError(f"{where}: partners.{name}.read: {error}") from None
        except KeyError:
            raise SectionPolicyError(f"{where}: partners.{name} has no 'read' list") from None
        policies[name] = PartnerPolicy(
            organisation_type=name,
            title=str(entry.get("title", name)),
            read=read,
            commands=frozenset(entry.get("commands", [])),
        )
    return policies


@cache
def default_policies() -> dict[str, PartnerPolicy]:
    text = resources.files("dsr_core").joinpath("data/section_policies.json").read_text()
    return load(text, "section_policies.json")


def policies_from(path: Path | None) -> dict[str, PartnerPolicy]:
    """A deployment's own policies, or dsr's defaults."""
    if path is None:
        return default_policies()
    return load(path.read_text(encoding="utf-8"), str(path))


def refused_fields(refused: Iterable[Section]) -> frozenset[str]:
    """The record's fields in these sections."""
    out = set(refused)
    return frozenset(name for name, section in FIELDS.items() if section in out)


def refused_sections(policy: PartnerPolicy | None) -> frozenset[Section]:
    """What a partner may not read: all but its policy's sections; everything when its
    organisation type has no policy (fail closed)."""
    return policy.refused() if policy is not None else frozenset(Section)
