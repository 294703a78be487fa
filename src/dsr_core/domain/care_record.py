"""Value objects of the care record (seed 002): views over time, the team, what was tried,
recommendations, needs, reviews and their actions."""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar

from pydantic import Field

from dsr_core.domain.code_lists import (
    MitigationCategory,
    MoveHomeNeed,
)
from dsr_core.domain.codes import (
    ActionStatus,
    MitigationKind,
    NeedHorizon,
    PanelRole,
    ProfessionalRole,
    ReviewKind,
    ServiceHorizon,
    ViewHolder,
)
from dsr_core.domain.inputs import (
    Day,
    LongText,
    ShortText,
)
from dsr_core.domain.values import ValueObject


class Views(ValueObject):
    """The person's own views and those of the people who support them (seed 001)."""

    PERSONAL: ClassVar[frozenset[str]] = frozenset({"person", "family"})

    person: LongText | None = None
    family: LongText | None = None


class ViewEntry(ValueObject):
    """One view recorded: the person's, or one supporter's. Kept as a history (seed 001)."""

    PERSONAL: ClassVar[frozenset[str]] = frozenset({"view", "name", "relationship"})

    recorded_on: Day
    holder: ViewHolder
    view: LongText
    name: ShortText | None = None
    relationship: ShortText | None = None


class SupporterView(ValueObject):
    PERSONAL: ClassVar[frozenset[str]] = frozenset({"name", "relationship", "view"})

    name: ShortText
    relationship: ShortText
    view: LongText


class Professional(ValueObject):
    PERSONAL: ClassVar[frozenset[str]] = frozenset({"name", "organisation", "contact"})

    role: ProfessionalRole
    name: ShortText
    organisation: ShortText | None = None
    contact: ShortText | None = None


class TeamMember(ValueObject):
    """A professional's involvement: several per role, each with its start and end (002)."""

    PERSONAL: ClassVar[frozenset[str]] = frozenset({"name", "organisation", "contact"})

    involvement_id: str
    role: ProfessionalRole
    name: ShortText
    organisation: ShortText | None = None
    contact: ShortText | None = None
    started_on: Day | None = None
    ended_on: Day | None = None


class SafeguardingKind(StrEnum):
    SAFEGUARDING = "safeguarding"
    FORENSIC = "forensic"


class SafeguardingNote(ValueObject):
    """A safeguarding or forensic note: its own section, which partners do not read
    unless their policy says so (issue 28)."""

    PERSONAL: ClassVar[frozenset[str]] = frozenset({"note"})

    note_id: str
    kind: SafeguardingKind
    note: LongText
    recorded_on: Day


class RiskManagement(ValueObject):
    """Who manages a risk factor: an involvement (a professional) or an action of the plan;
    neither records it as unmanaged (domain.md, "Status and rating": Green)."""

    involvement_id: str | None = None
    action_id: str | None = None
    recorded_on: Day


class Mitigation(ValueObject):
    """What has been tried to mitigate risk, or what could help further (seed 002)."""

    PERSONAL: ClassVar[frozenset[str]] = frozenset({"description"})

    mitigation_id: str
    kind: MitigationKind
    category: MitigationCategory
    description: LongText
    recorded_on: Day


class Recommendation(ValueObject):
    """A recommendation for current or future services, part of the action plan (002)."""

    PERSONAL: ClassVar[frozenset[str]] = frozenset({"service", "text"})

    recommendation_id: str
    horizon: ServiceHorizon
    service: ShortText
    text: LongText
    recorded_on: Day


class Need(ValueObject):
    """A coded need to move home: housing, support or funding, now or in future (001, 004)."""

    code: MoveHomeNeed
    horizon: NeedHorizon = NeedHorizon.NOW

    @property
    def kind(self) -> str:
        return self.code.split(":", 1)[0]


class ReviewAction(ValueObject):
    """An action of the plan: raised at a review, or on the standing action plan (issue 13:
    `raised_on` and `status`; review actions stored before read back without them)."""

    PERSONAL: ClassVar[frozenset[str]] = frozenset({"description", "owner"})

    action_id: str
    description: LongText
    owner: ShortText
    due_on: Day
    completed_on: Day | None = None
    raised_on: Day | None = None
    status: ActionStatus | None = None

    @property
    def current_status(self) -> ActionStatus:
        if self.completed_on is not None:
            return ActionStatus.DONE
        return self.status or ActionStatus.OPEN

    @property
    def open(self) -> bool:
        return self.current_status in (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


class ReviewRecord(ValueObject):
    PERSONAL: ClassVar[frozenset[str]] = frozenset({"outcome", "attendees", "findings"})

    review_id: str
    kind: ReviewKind
    held_on: Day
    outcome: LongText
    attendees: tuple[ShortText, ...] = ()
    panel: tuple[PanelRole, ...] = ()
    """Panel roles present (C(E)TRs); reviews stored before this field read back with none."""
    findings: dict[str, LongText] = Field(default_factory=dict)
    """C(E)TRs: the panel's finding under each key question (`cetr_key_question` list;
    issue 27); reviews stored before read back with none."""
