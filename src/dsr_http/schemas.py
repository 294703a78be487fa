"""Response shapes: what the API shows, built from domain objects, never stored events."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from dsr_core.application import CommandResult
from dsr_core.cadences import due_reviews, keyworker_eligible, review_name
from dsr_core.domainmodel import Person
from dsr_core.history import HistoryEntry
from dsr_core.values import (
    Consent,
    HospitalStay,
    Involvement,
    PersonDetails,
    Placement,
    Professional,
    Rating,
    ReviewAction,
    ReviewRecord,
    Role,
    Status,
    Views,
)


class CommandResponse(BaseModel):
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
    review_id: str | None = None

    @classmethod
    def of(cls, result: CommandResult) -> CommandResponse:
        return cls(
            person_id=result.person_id,
            version=result.version,
            position=result.position,
            events=list(result.events),
            review_id=result.extra.get("review_id"),
        )


class DueReviewPublic(BaseModel):
    kind: str
    due_on: date
    overdue: bool
    name: str | None = Field(default=None, description="CETR or CTR, for a C(E)TR due")
    ref: str | None = Field(default=None, description="The action's id, for an action due")


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
    referred_on: date
    accepted_on: date | None
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
    risk_factors: list[str]
    professionals: list[Professional]
    reviews: list[ReviewRecord]
    actions: list[ReviewAction]
    closed_on: date | None
    closure_reason: str | None
    due_reviews: list[DueReviewPublic]
    as_of: date | None = None
    as_recorded_by: datetime | None = None

    @classmethod
    def of(cls, person: Person, **as_at: Any) -> PersonPublic:
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
            risk_factors=[str(r) for r in person.risk_factors],
            professionals=list(person.professionals.values()),
            reviews=list(person.reviews),
            actions=list(person.actions.values()),
            closed_on=person.closed_on,
            closure_reason=person.closure_reason,
            due_reviews=[],
            **as_at,
        )


def with_due_reviews(
    public: PersonPublic, person: Person, policy: Any, today: date
) -> PersonPublic:
    public.due_reviews = [
        DueReviewPublic(
            kind=str(d.kind),
            due_on=d.due_on,
            overdue=d.due_on < today,
            name=review_name(person, d.kind, d.due_on),
            ref=d.ref or None,
        )
        for d in due_reviews(person, policy)
    ]
    public.keyworker_eligible = keyworker_eligible(person, today)
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
