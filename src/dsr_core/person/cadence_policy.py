"""The cadence table's numbers as a per-area setting: every deadline of domain.md's table,
with the default it names (NHS England policy, seed 003, local practice)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import Field

from dsr_core.domain.values import ValueObject


class VisitScope(StrEnum):
    OUT_OF_AREA = "out_of_area"
    ALL_INPATIENTS = "all_inpatients"


class CadencePolicy(ValueObject):
    """Deadlines: months are calendar months, weeks and days exact. Defaults follow the
    domain rules' table (NHS England policy, seed 003); every one is a per-area setting."""

    referral_decision_days: int = Field(default=7, ge=1)
    tell_referrer_from: date | None = Field(
        default=None,
        description="Decisions from this day on are chased until the referrer is told; an "
        "area that starts recording it on a register with years of decisions sets the day "
        "it starts, so earlier decisions are not all overdue at once",
    )
    post_admission_cetr_adult_days: int = Field(default=28, ge=1)  # 4 weeks
    post_admission_cetr_child_days: int = Field(default=14, ge=1)
    repeat_cetr_adult_months: int = Field(default=6, ge=1)
    repeat_cetr_secure_months: int = Field(default=12, ge=1)
    repeat_cetr_child_months: int = Field(default=3, ge=1)
    oversight_visit_adult_days: int = Field(default=56, ge=1)  # 8 weeks
    oversight_visit_child_days: int = Field(default=42, ge=1)  # 6 weeks
    oversight_visits_for: VisitScope = Field(
        default=VisitScope.OUT_OF_AREA,
        description="Commissioner visits for out-of-area inpatients (NHS England's oversight "
        "guidance) or for all inpatients",
    )
    action_plan_review_days: int = Field(default=84, ge=1)  # 12 weeks
    red_community_cetr_days: int = Field(default=2, ge=0)  # Devon: 48 hours (local default)
    amber_response_days: int = Field(default=14, ge=0)  # Devon: two weeks (local default)
    keyworker_referral_days: int = Field(default=7, ge=0)  # "on entering the level"
    post_discharge_red_days: int | None = Field(
        default=None,
        ge=1,
        description="An area that rates people Red for a period after discharge: its length "
        "in days; a step-down review is due on its last day",
    )
    green_before_removal_months: int = Field(default=3, ge=1)
    unmanaged_risk_review_days: int = Field(
        default=7,
        ge=0,
        description="Green with a risk nobody manages: a rating review within this many days "
        "(a local default; no national timescale)",
    )
    register_review_months: int = Field(default=1, ge=1)  # "e.g. monthly"
    register_review_days: int | None = Field(
        default=None, ge=1, description="An area that reviews every N days rather than monthly"
    )
    mdt_discussion_days: int = Field(default=14, ge=1)  # Scotland, 2 weeks
    consent_reconfirmation_months: int = Field(default=12, ge=1)  # yearly
