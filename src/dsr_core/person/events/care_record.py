"""Events of the care record: views, risks, the team, what was tried, needs, services.

Each `apply` only changes state, so stored events replay after a rule changes; the
rules live in the commands (../care_record.py) and domain/rules. Topics are explicit and
carry no module path.
"""

from __future__ import annotations

from typing import Any

from dsr_core.domain.care_record import (
    Mitigation,
    Need,
    Professional,
    Recommendation,
    RiskManagement,
    SafeguardingNote,
    SupporterView,
    TeamMember,
    ViewEntry,
    Views,
)
from dsr_core.domain.codes import RiskFactor, Service, ViewHolder
from dsr_core.person.state import (
    _TOPIC,
    PersonEvent,
    PersonState,
    note_risk_factors,
)


class ViewsRecorded(PersonEvent):
    """Version 2 added each supporter's view by name; every view joins the history."""

    TOPIC = f"{_TOPIC}.ViewsRecorded"
    class_version = 2
    views: Views
    supporters: tuple[SupporterView, ...]

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        state["supporters"] = ()

    def apply(self, person: PersonState) -> None:
        person.views = self.views
        on = self.effective_on
        entries = []
        if self.views.person:
            entries.append(
                ViewEntry.from_stored(
                    recorded_on=on, holder=ViewHolder.PERSON, view=self.views.person
                )
            )
        if self.views.family:
            entries.append(
                ViewEntry.from_stored(
                    recorded_on=on,
                    holder=ViewHolder.SUPPORTER,
                    view=self.views.family,
                    relationship="family",
                )
            )
        entries += [
            ViewEntry.from_stored(
                recorded_on=on,
                holder=ViewHolder.SUPPORTER,
                view=s.view,
                name=s.name,
                relationship=s.relationship,
            )
            for s in self.supporters
        ]
        person.view_history = (*person.view_history, *entries)


class RiskFactorsRecorded(PersonEvent):
    """Version 2 added `note`; version 1 events (pre-release builds) read back with none."""

    TOPIC = f"{_TOPIC}.RiskFactorsRecorded"
    class_version = 2
    risk_factors: tuple[RiskFactor, ...]
    note: str | None

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        state["note"] = None

    def apply(self, person: PersonState) -> None:
        note_risk_factors(person, self.risk_factors, self.effective_on)


class RiskManagementRecorded(PersonEvent):
    """Who manages a current risk factor, or that nobody does (issue 27)."""

    TOPIC = f"{_TOPIC}.RiskManagementRecorded"
    risk_factor: RiskFactor
    management: RiskManagement
    note: str | None

    def apply(self, person: PersonState) -> None:
        person.risk_management = {
            **person.risk_management,
            str(self.risk_factor): self.management,
        }


class SafeguardingNoteRecorded(PersonEvent):
    """A safeguarding or forensic note (issue 28): its own section of the record."""

    TOPIC = f"{_TOPIC}.SafeguardingNoteRecorded"
    entry: SafeguardingNote
    """(Not `note`: that name is a free-text attribute, sealed whole; the entry seals its
    own note.)"""

    def apply(self, person: PersonState) -> None:
        person.safeguarding_notes = (*person.safeguarding_notes, self.entry)


class ProfessionalAssigned(PersonEvent):
    """Version 2 (issue 13) gives each involvement an id, so several professionals can
    share a role. A version 1 event replaced whoever held the role, and still does."""

    TOPIC = f"{_TOPIC}.ProfessionalAssigned"
    class_version = 2
    professional: Professional
    involvement_id: str | None

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        state["involvement_id"] = None

    def apply(self, person: PersonState) -> None:
        team = dict(person.team)
        role = self.professional.role
        involvement_id = self.involvement_id
        if involvement_id is None:
            involvement_id = f"legacy-{self.originator_version}"
            for key, member in team.items():
                if member.role == role and member.ended_on is None:
                    team[key] = member.model_copy(update={"ended_on": self.effective_on})
        team[involvement_id] = TeamMember.from_stored(
            involvement_id=involvement_id,
            **self.professional.model_dump(),
            started_on=self.effective_on,
        )
        person.team = team


class ProfessionalInvolvementEnded(PersonEvent):
    TOPIC = f"{_TOPIC}.ProfessionalInvolvementEnded"
    involvement_id: str
    reason: str | None

    def apply(self, person: PersonState) -> None:
        member = person.team.get(self.involvement_id)
        if member is not None:
            ended = member.model_copy(update={"ended_on": self.effective_on})
            person.team = {**person.team, self.involvement_id: ended}


class MitigationRecorded(PersonEvent):
    """Something tried to mitigate risk, or something that could help further (seed 002)."""

    TOPIC = f"{_TOPIC}.MitigationRecorded"
    mitigation: Mitigation

    def apply(self, person: PersonState) -> None:
        person.mitigations = (*person.mitigations, self.mitigation)


class RecommendationRecorded(PersonEvent):
    TOPIC = f"{_TOPIC}.RecommendationRecorded"
    recommendation: Recommendation

    def apply(self, person: PersonState) -> None:
        person.recommendations = (*person.recommendations, self.recommendation)


class NeedsRecorded(PersonEvent):
    """What the person needs to move home, coded; replaces the earlier set (seeds 001, 004)."""

    TOPIC = f"{_TOPIC}.NeedsRecorded"
    needs: tuple[Need, ...]
    note: str | None

    def apply(self, person: PersonState) -> None:
        person.needs = tuple(self.needs)
        person.needs_note = self.note


class ServiceReferred(PersonEvent):
    TOPIC = f"{_TOPIC}.ServiceReferred"
    service: Service

    def apply(self, person: PersonState) -> None:
        person.services = {**person.services, str(self.service): (self.effective_on, None)}


class ServiceStarted(PersonEvent):
    """The referral was taken up: a keyworker allocated, the service started."""

    TOPIC = f"{_TOPIC}.ServiceStarted"
    service: Service

    def apply(self, person: PersonState) -> None:
        requested, _ = person.services.get(str(self.service), (self.effective_on, None))
        person.services = {**person.services, str(self.service): (requested, self.effective_on)}


class EhcPlanRecorded(PersonEvent):
    """Whether the young person has an Education, Health and Care plan (England)."""

    TOPIC = f"{_TOPIC}.EhcPlanRecorded"
    has_plan: bool

    def apply(self, person: PersonState) -> None:
        person.ehc_plan = self.has_plan
