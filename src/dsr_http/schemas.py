"""Response shapes: what the API shows, built from domain objects, never stored events."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Self
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from dsr_core.domain.care_record import (
    Mitigation,
    Need,
    Recommendation,
    ReviewAction,
    ReviewRecord,
    SafeguardingNote,
    TeamMember,
    ViewEntry,
    Views,
)
from dsr_core.domain.codes import Role, Status
from dsr_core.domain.discharge import delayed_days_by_reason
from dsr_core.domain.values import (
    Consent,
    HospitalStay,
    Involvement,
    PersonDetails,
    Placement,
    Rating,
)
from dsr_core.person.aggregate import Person
from dsr_core.person.cadences import (
    deadline_basis,
    due_reviews,
    keyworker_eligible,
    review_name,
)
from dsr_core.person.cetr_types import CetrType, cetr_types
from dsr_core.person.risks import risk_states
from dsr_core.service.areas import AreaPolicy
from dsr_core.service.history import HistoryEntry
from dsr_core.service.registers import CommandResult


class CommandResponse(BaseModel):
    """Where a command landed: the person's new version (the next If-Match) and the log
    position to `wait_for` on a read of a list."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"person_id": "8c1f…", "version": 4, "position": 1234, "events": ["Admitted"]}
            ]
        }
    )
    person_id: UUID
    version: int
    position: int
    events: list[str]

    @classmethod
    def of(cls, result: CommandResult) -> Self:
        made = {name: result.extra[name] for name in cls.model_fields if name in result.extra}
        return cls(
            person_id=result.person_id,
            version=result.version,
            position=result.position,
            events=list(result.events),
            **made,
        )


class ActionAdded(CommandResponse):
    action_id: str
    """The new action's id: its status changes and completion name it."""


class ReviewRecorded(CommandResponse):
    review_id: str


class ProfessionalAssigned(CommandResponse):
    involvement_id: str
    """The involvement's id: its end, and a risk it manages, name it."""


class MitigationRecorded(CommandResponse):
    mitigation_id: str


class RecommendationRecorded(CommandResponse):
    recommendation_id: str


class NoteRecorded(CommandResponse):
    note_id: str


ANSWERS: dict[str, type[CommandResponse]] = {
    "addAction": ActionAdded,
    "recordReview": ReviewRecorded,
    "assignProfessional": ProfessionalAssigned,
    "recordMitigation": MitigationRecorded,
    "recordRecommendation": RecommendationRecorded,
    "recordSafeguardingNote": NoteRecorded,
}
"""The commands that make something with an id of its own, by operation, and their answer:
every other command answers `CommandResponse`, with no id that is always null (issue 29)."""


class DueReviewPublic(BaseModel):
    kind: str
    due_on: date
    overdue: bool
    name: str | None = Field(default=None, description="CETR or CTR, for a C(E)TR due")
    ref: str | None = Field(default=None, description="The action's id, for an action due")
    deadline_basis: str = Field(
        default="national_policy",
        description="`local_default` where no national document times the duty (a per-area "
        "setting), else `national_policy`",
    )


class DischargePlanning(BaseModel):
    """The open stay's discharge planning as of today (domain.md, "Discharge planning")."""

    admission_type: str | None
    stay_started_on: date
    total_stay_days: int = Field(description="Across transfers: a transfer does not restart it")
    planned_discharge_on: date | None
    days_to_planned_discharge: int | None = Field(description="Negative when overdue")
    planned_discharge_overdue: bool
    ready_for_discharge_on: date | None
    delayed: bool = Field(description="Clinically ready before today and still in hospital")
    delayed_days_by_reason: dict[str, int]
    barriers: list[str]
    plan_items_in_place: int
    plan_items_total: int
    plan_scores: dict[str, int]

    @classmethod
    def of(cls, stay: HospitalStay, today: date, items: dict[str, str]) -> DischargePlanning:
        planned = stay.planned_discharge_on
        ready = stay.ready_for_discharge_on
        return cls(
            admission_type=str(stay.admission_type) if stay.admission_type else None,
            stay_started_on=stay.total_stay_started_on,
            total_stay_days=(today - stay.total_stay_started_on).days,
            planned_discharge_on=planned,
            days_to_planned_discharge=(planned - today).days if planned else None,
            planned_discharge_overdue=bool(planned and planned < today),
            ready_for_discharge_on=ready,
            delayed=bool(ready and ready < today),
            delayed_days_by_reason=delayed_days_by_reason(stay.delay_marks, today),
            barriers=list(stay.barriers),
            plan_items_in_place=sum(1 for i in items if stay.plan_scores.get(i) == 2),
            plan_items_total=len(items),
            plan_scores=dict(stay.plan_scores),
        )


class RiskStatePublic(BaseModel):
    risk_factor: str
    since: date | None
    managed: bool
    managed_by_involvement: str | None
    managed_by_action: str | None
    unmanaged_since: date | None


class ReviewPublic(ReviewRecord):
    cetr_type: CetrType | None = Field(
        default=None,
        description="C(E)TRs only: community (pre-admission), post_admission (the first in "
        "a hospital spell) or inpatient_repeat, as MHSDS counts them",
    )


class PersonPublic(BaseModel):
    person_id: UUID
    version: int
    area: str
    scheme: str
    status: str
    period: int
    details: PersonDetails | None = Field(
        description="Withheld (null) from practitioners once the person has left the register"
    )
    details_withheld: bool = False
    integrity_failing: bool = Field(
        default=False,
        description="The stored history failed an integrity check: the record is shown as "
        "far as it replays soundly, and commands on it are refused (/problems/record-integrity)",
    )
    referred_on: date | None = Field(
        description="The current period's referral; none for an inpatient never referred"
    )
    accepted_on: date | None
    referral_reason: str | None = Field(
        default=None, description="England: why the current period's referral was made"
    )
    referrer_type: str | None = Field(
        default=None, description="England: the person, their family, or a professional"
    )
    consent: Consent | None
    involvement: Involvement | None = None
    keyworker_eligible: bool = False
    services: dict[str, dict[str, date | None]] = Field(default_factory=dict)
    objects_to_national_sharing: bool
    rating: Rating | None
    rating_since: date | None
    setting: str
    admission: HospitalStay | None
    last_discharged_on: date | None
    placement: Placement | None
    views: Views | None
    view_history: list[ViewEntry] = Field(default_factory=list)
    risk_factors: list[str]
    risk_management: list[RiskStatePublic] = Field(
        default_factory=list,
        description="Each current risk factor: who manages it (an involvement or an open "
        "action), or since when nobody does (issue 27)",
    )
    safeguarding_notes: list[SafeguardingNote] = Field(
        default_factory=list, description="Safeguarding and forensic notes (issue 28)"
    )
    professionals: list[TeamMember] = Field(description="Current involvements")
    team_history: list[TeamMember] = Field(default_factory=list, description="Every involvement")
    mitigations: list[Mitigation] = Field(default_factory=list)
    recommendations: list[Recommendation] = Field(default_factory=list)
    needs: list[Need] = Field(default_factory=list)
    needs_note: str | None = None
    discharge_planning: DischargePlanning | None = None
    diagnosed_after_admission: bool | None = Field(
        default=None,
        description="Diagnosed after the current stay began (across transfers); null when "
        "not in hospital or no diagnosis date is recorded",
    )
    reviews: list[ReviewPublic]
    actions: list[ReviewAction]
    closed_on: date | None
    closure_reason: str | None
    due_reviews: list[DueReviewPublic]
    as_of: date | None = None
    as_recorded_by: datetime | None = None

    @classmethod
    def of(cls, person: Person, **as_at: Any) -> PersonPublic:
        types = cetr_types(person)
        return cls(
            person_id=person.id,
            version=person.version,
            area=person.area,
            scheme=str(person.scheme),
            status=str(person.status),
            period=person.period,
            details=person.details,
            referred_on=person.referred_on,
            accepted_on=person.accepted_on,
            referral_reason=person.referral_source[0],
            referrer_type=person.referral_source[1],
            consent=person.consent,
            involvement=person.involvement,
            services={
                name: {"requested_on": requested, "started_on": started}
                for name, (requested, started) in person.services.items()
            },
            objects_to_national_sharing=person.objects_to_national_sharing,
            rating=person.rating,
            rating_since=person.rating_since,
            setting=str(person.setting),
            admission=person.admission,
            last_discharged_on=person.last_discharged_on,
            placement=person.placement,
            views=person.views,
            view_history=list(person.view_history),
            risk_factors=[str(r) for r in person.risk_factors],
            risk_management=[RiskStatePublic(**vars(r)) for r in risk_states(person)],
            safeguarding_notes=list(person.safeguarding_notes),
            professionals=person.current_team(),
            team_history=list(person.team.values()),
            mitigations=list(person.mitigations),
            recommendations=list(person.recommendations),
            needs=list(person.needs),
            needs_note=person.needs_note,
            diagnosed_after_admission=diagnosed_after_admission(person),
            reviews=[
                ReviewPublic(**r.model_dump(), cetr_type=types.get(r.review_id))
                for r in person.reviews
            ],
            actions=list(person.actions.values()),
            closed_on=person.closed_on,
            closure_reason=person.closure_reason,
            due_reviews=[],
            **as_at,
        )


def diagnosed_after_admission(person: Person) -> bool | None:
    """The national inpatient tables ask whether the diagnosis came after admission."""
    diagnosed, stay = person.details.diagnosed_on, person.admission
    if diagnosed is None or stay is None:
        return None
    return diagnosed > stay.total_stay_started_on


def with_due_reviews(
    public: PersonPublic, person: Person, policy: AreaPolicy, today: date
) -> PersonPublic:
    public.due_reviews = [
        DueReviewPublic(
            kind=str(d.kind),
            due_on=d.due_on,
            overdue=d.due_on < today,
            name=review_name(person, d.kind, d.due_on),
            ref=d.ref or None,
            deadline_basis=deadline_basis(d.kind),
        )
        for d in due_reviews(person, policy.cadences)
    ]
    public.keyworker_eligible = keyworker_eligible(person, today)
    return with_discharge_planning(public, person, policy, today)


def with_discharge_planning(
    public: PersonPublic, person: Person, policy: AreaPolicy, today: date
) -> PersonPublic:
    if person.admission is not None:
        planning = DischargePlanning.of(person.admission, today, policy.discharge_plan_items)
        public.discharge_planning = planning
    return public


def withholds_details(role: Role, person: Person) -> bool:
    """Once a person has left the register (consent withdrawn, removed, declined), their
    identifying details are shown only to the roles that need them: the area's lead and
    auditors (domain.md, "Referral, consent and acceptance"; docs/api.md)."""
    return role not in (Role.LEAD, Role.AUDITOR) and person.status in (
        Status.REMOVED,
        Status.DECLINED,
    )


class HistoryItem(BaseModel):
    version: int
    event_type: str
    effective_on: date | None
    recorded_at: datetime
    actor_id: str | None
    actor_role: str | None
    actor_area: str | None
    data: dict[str, Any]

    @classmethod
    def of(cls, entry: HistoryEntry, *, withhold_details: bool = False) -> HistoryItem:
        actor = entry.actor
        data = entry.data
        if withhold_details and "details" in data:
            data = {**data, "details": None}
        return cls(
            version=entry.version,
            event_type=entry.event_type,
            effective_on=entry.effective_on,
            recorded_at=entry.recorded_at,
            actor_id=actor.user_id if actor else None,
            actor_role=str(actor.role) if actor else None,
            actor_area=actor.area if actor else None,
            data=data,
        )


class Page(BaseModel):
    items: list[dict[str, Any]]
    next_cursor: str | None
