"""Commands of a hospital stay and where the person lives."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from dsr_core.domain.codes import (
    AdmissionType,
    CommissionerType,
    DischargeDestination,
    LegalStatus,
    PlacementType,
    SecurityLevel,
    WardType,
)
from dsr_core.domain.inputs import AreaCode, Day, Flag, LongText, OdsCode, PlaceCode, ShortText
from dsr_core.domain.values import Location, PersonDetails, PlacementNeeds, Rating
from dsr_core.service.commands.base import DETAILS_EXAMPLE, Command, example

STAY_EXAMPLE = {
    "admitted_on": "2025-02-10",
    "hospital": "Example Hospital",
    "ward_type": "learning_disability",
    "security_level": "general",
    "in_area": True,
    "legal_status": "detained",
    "detained_under": "03",
    "provider_code": "RX4",
    "commissioner_type": "icb",
    "commissioner_code": "QHM",
}


class StayFacts(Command):
    """What practice records of a hospital stay (domain.md, "Hospital episodes")."""

    admitted_on: Day
    hospital: ShortText
    hospital_area: AreaCode | None = None
    hospital_location: Location | None = None
    ward_type: Literal[WardType.MENTAL_HEALTH, WardType.LEARNING_DISABILITY]
    security_level: SecurityLevel = SecurityLevel.GENERAL
    in_area: Flag
    legal_status: LegalStatus
    detained_under: ShortText | None = Field(
        default=None,
        description="Detained: the section (England, MHA 1983 code, e.g. '03') or order "
        "(Scotland, e.g. 'mhcta-s64'); GET /v1/code-lists",
    )
    admission_type: AdmissionType | None = Field(
        default=None,
        description="Worked out from the record; give it only for a transfer or readmission "
        "from a stay the record does not hold",
    )
    stay_started_on: Day | None = Field(
        default=None,
        description="A transfer from a bed not on this record: when the continuous stay began",
    )
    provider_code: OdsCode | None = Field(default=None, description="The provider's ODS code")
    provider_name: ShortText | None = None
    commissioner_type: CommissionerType | None = Field(
        default=None,
        description="The responsible commissioner: who funds the bed and owes the oversight visits",
    )
    commissioner_code: OdsCode | None = Field(
        default=None, description="The responsible commissioner's ODS code"
    )
    host_commissioner_code: OdsCode | None = Field(
        default=None, description="The commissioner where the hospital is (host oversight)"
    )


class Admit(StayFacts):
    """Record a hospital admission, dated as it happened (before any referral if so)."""

    model_config = example(STAY_EXAMPLE)


class NotifyInpatient(StayFacts):
    """Record an inpatient the area is responsible for, without a DSR referral: creates
    their record, with the C(E)TR and visit duties owed from the stay's start."""

    model_config = example(
        {
            "area": "E54000048",
            "details": {**DETAILS_EXAMPLE, "nhs_number": "9434765919", "chi_number": None},
            "notified_by": "Provider's inpatient notification",
            **STAY_EXAMPLE,
            "admitted_on": "2019-03-04",
        }
    )
    area: AreaCode
    details: PersonDetails
    notified_by: ShortText = Field(description="Who told the area: a provider, a commissioner")


class ChangeLegalStatus(Command):
    """Record a change of legal status during a stay (coded section or order)."""

    model_config = example(
        {"changed_on": "2025-03-01", "legal_status": "detained", "detained_under": "03"}
    )
    changed_on: Day
    legal_status: LegalStatus
    detained_under: ShortText | None = None


class SetPlannedDischargeDate(Command):
    """Set, move (with a reason) or withdraw the planned discharge date."""

    model_config = example(
        {"recorded_on": "2025-03-01", "planned_on": "2025-06-30", "reason": "Housing ready"}
    )
    recorded_on: Day
    planned_on: Day | None = Field(description="null withdraws the planned date")
    reason: LongText | None = Field(default=None, description="Required to move or withdraw")


class ScoreDischargePlan(Command):
    """Score the discharge plan item by item (the area's item list)."""

    model_config = example(
        {"recorded_on": "2025-03-01", "scores": {"housing_identified": 2, "funding_agreed": 1}}
    )
    recorded_on: Day
    scores: dict[str, Annotated[int, Field(ge=0, le=2)]] = Field(
        min_length=1,
        description="Item code to score: 0 not started, 1 in progress, 2 in place; items are "
        "the area's (GET /v1/areas/{area}/discharge-plan-items)",
    )
    note: LongText | None = None


class RecordDischargeBarriers(Command):
    """Record the coded barriers to discharge (the nation's delay codes)."""

    model_config = example({"recorded_on": "2025-03-01", "barriers": ["18", "04"]})
    recorded_on: Day
    barriers: list[ShortText] = Field(
        max_length=20, description="Codes of the nation's delay list; [] when none remain"
    )
    note: LongText | None = None


class MarkNoLongerReady(Command):
    """Record that the person is no longer clinically ready: the delay stops."""

    model_config = example({"no_longer_ready_on": "2025-04-20", "reason": "Relapse"})
    no_longer_ready_on: Day
    reason: LongText


class MarkReadyForDischarge(Command):
    """Record the date the person was clinically ready."""

    model_config = example({"ready_on": "2025-04-01"})
    ready_on: Day


class RecordDischargeDelay(Command):
    """Record why a ready person is still in hospital."""

    model_config = example({"recorded_on": "2025-04-15", "delay_reason": "18"})
    recorded_on: Day
    delay_reason: ShortText = Field(
        description="England: MHSDS v6 code for delays from April 2024 (e.g. '18'), v5 "
        "before (e.g. 'J2'); Scotland: PHS code (e.g. '25F', '9/51X'); GET /v1/code-lists"
    )
    note: LongText | None = None


class Discharge(Command):
    """Record a discharge and the new rating."""

    model_config = example(
        {
            "discharged_on": "2025-05-20",
            "destination": "supported_housing",
            "rating": {"level": "red"},
        }
    )
    discharged_on: Day
    destination: DischargeDestination
    rating: Rating | None = Field(
        default=None,
        description="The new rating; required unless the area sets a post-discharge rating.",
    )


class ChangePlacement(Command):
    """Record where the person now lives and what they need to move home."""

    model_config = example(
        {
            "placement_type": "supported_living",
            "provider": "Example Care Ltd",
            "placement_area": "S12000018",
            "started_on": "2025-05-20",
            "chosen_by_person": True,
        }
    )
    placement_type: PlacementType
    provider: ShortText | None = None
    local_authority: ShortText | None = None
    placement_area: PlaceCode = Field(
        description="Local authority (S12, E06-E10, W06, N09) or register area (S37, E54) of "
        "the placement; out of area is decided at the register area's level"
    )
    started_on: Day
    chosen_by_person: Flag
    concerns: LongText | None = Field(
        default=None, description="Concerns about the placement: with any, it is not appropriate"
    )
    needs: PlacementNeeds = PlacementNeeds()
