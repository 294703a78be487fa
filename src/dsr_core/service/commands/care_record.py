"""Commands of the care record (seed 002): views, risks, the team, what was tried, needs,
services."""

from __future__ import annotations

from pydantic import Field

from dsr_core.domain.care_record import Need, SafeguardingKind, SupporterView
from dsr_core.domain.code_lists import MitigationCategory
from dsr_core.domain.codes import (
    MitigationKind,
    ProfessionalRole,
    RiskFactor,
    Service,
    ServiceHorizon,
)
from dsr_core.domain.inputs import Day, Flag, LongText, ShortText
from dsr_core.service.commands.base import Command, example


class ReferToService(Command):
    """Refer to a service: keyworker (England, up to 25), intensive support, forensic outreach,
    housing, a care provider."""

    model_config = example({"service": "keyworker", "requested_on": "2025-02-01"})
    service: Service
    requested_on: Day


class StartService(Command):
    """Record that a referred service started (a keyworker allocated)."""

    model_config = example({"service": "keyworker", "started_on": "2025-03-01"})
    service: Service
    started_on: Day


class RecordEhcPlan(Command):
    """Record whether the young person has an EHC plan (England)."""

    model_config = example({"has_plan": True, "recorded_on": "2025-01-20"})
    has_plan: Flag
    recorded_on: Day


class RecordMitigation(Command):
    """Record what has been tried to mitigate risk, or what could help further."""

    model_config = example(
        {
            "recorded_on": "2025-01-20",
            "kind": "tried",
            "category": "positive_behaviour_support",
            "description": "PBS plan since 2024; fewer incidents at home.",
        }
    )
    recorded_on: Day
    kind: MitigationKind
    category: MitigationCategory
    description: LongText


class RecordRecommendation(Command):
    """Record a recommendation for current or future services."""

    model_config = example(
        {
            "recorded_on": "2025-01-20",
            "horizon": "future",
            "service": "Supported living provider",
            "text": "Staff trained in autism and PBS before the move.",
        }
    )
    recorded_on: Day
    horizon: ServiceHorizon
    service: ShortText
    text: LongText


class EndInvolvement(Command):
    """End a professional's involvement (others in the same role go on)."""

    model_config = example({"involvement_id": "…", "ended_on": "2025-06-01", "reason": "Moved"})
    involvement_id: ShortText
    ended_on: Day
    reason: LongText | None = None


class RecordNeeds(Command):
    """Record the coded needs to move home: housing, support, funding, now or in future."""

    model_config = example(
        {
            "recorded_on": "2025-01-20",
            "needs": [
                {"code": "housing:bespoke", "horizon": "now"},
                {"code": "funding:joint", "horizon": "future"},
            ],
        }
    )
    recorded_on: Day
    needs: list[Need] = Field(max_length=50, description="The whole current set; [] for none")
    note: LongText | None = None


class RecordViews(Command):
    """Record the views of the person, their family and named supporters (a history)."""

    model_config = example(
        {"recorded_on": "2025-01-20", "person": "I want to live near my sister."}
    )
    recorded_on: Day
    person: LongText | None = None
    family: LongText | None = None
    supporters: list[SupporterView] = Field(default_factory=list, max_length=20)


class RecordRiskFactors(Command):
    """Record current risk factors."""

    model_config = example({"recorded_on": "2025-01-20", "risk_factors": ["carer_health"]})
    recorded_on: Day
    risk_factors: list[RiskFactor]
    note: LongText | None = None


class RecordRiskManagement(Command):
    """Record who manages a current risk factor (an involvement or an open action), or
    that nobody does; on Green an unmanaged risk prompts a rating review."""

    model_config = example(
        {"recorded_on": "2025-02-01", "risk_factor": "carer_health", "involvement_id": "…"}
    )
    recorded_on: Day
    risk_factor: RiskFactor
    involvement_id: ShortText | None = Field(
        default=None, description="The current involvement (professional) managing it"
    )
    action_id: ShortText | None = Field(
        default=None, description="The open action of the plan managing it"
    )
    note: LongText | None = None


class RecordSafeguardingNote(Command):
    """Record a safeguarding or forensic note (its own section: partners do not read it
    unless their organisation's policy says so)."""

    model_config = example(
        {
            "recorded_on": "2025-02-01",
            "kind": "safeguarding",
            "note": "Referral to adult safeguarding.",
        }
    )
    recorded_on: Day
    kind: SafeguardingKind
    note: LongText


class AssignProfessional(Command):
    """Add a key professional's involvement (several per role; returns involvement_id)."""

    model_config = example(
        {"assigned_on": "2025-01-14", "role": "lead_professional", "name": "Sam Worker"}
    )
    assigned_on: Day
    role: ProfessionalRole
    name: ShortText
    organisation: ShortText | None = None
    contact: ShortText | None = None
