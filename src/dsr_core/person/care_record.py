"""The Person's care-record commands of seed 002: what has been tried and what could help,
the standing action plan and its recommendations, the team over time, and the coded
needs to move home.

A mixin of `Person` (domainmodel.py), like person_care.py and person_hospital.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from dsr_core.domain import rules
from dsr_core.domain.values import (
    ActionStatus,
    HospitalStay,
    Mitigation,
    MitigationKind,
    Need,
    Recommendation,
    ReviewAction,
    ReviewRecord,
    ServiceHorizon,
    Status,
    TeamMember,
)
from dsr_core.person import events as events
from dsr_core.person.state import PersonCommandsBase, raised_on

if TYPE_CHECKING:
    from dsr_core.person.aggregate import Stamp


class RecordCommands(PersonCommandsBase):
    if TYPE_CHECKING:  # provided by Person
        status: Status
        admission: HospitalStay | None
        reviews: list[ReviewRecord]
        actions: dict[str, ReviewAction]
        team: dict[str, TeamMember]
        MitigationRecorded: type[events.MitigationRecorded]
        ActionAdded: type[events.ActionAdded]
        ActionStatusChanged: type[events.ActionStatusChanged]
        RecommendationRecorded: type[events.RecommendationRecorded]
        ProfessionalInvolvementEnded: type[events.ProfessionalInvolvementEnded]
        NeedsRecorded: type[events.NeedsRecorded]

    def record_mitigation(
        self,
        *,
        kind: MitigationKind,
        category: str,
        description: str,
        recorded_on: date,
        by: Stamp,
    ) -> str:
        """Returns the new entry's id."""
        rules.check_active_or_in_hospital(self.status, self.admission)
        self._check_effective(recorded_on, by, "recorded_on")
        mitigation = Mitigation(
            mitigation_id=self._new_id(),
            kind=kind,
            category=category,
            description=description,
            recorded_on=recorded_on,
        )
        self._trigger(self.MitigationRecorded, by, recorded_on, mitigation=mitigation)
        return mitigation.mitigation_id

    def add_action(
        self, *, description: str, owner: str, due_on: date, raised_on: date, by: Stamp
    ) -> str:
        """An action of the standing plan, owned and due like a review's (seed 002)."""
        rules.check_active_or_in_hospital(self.status, self.admission)
        self._check_effective(raised_on, by, "raised_on")
        rules.check_not_before(due_on, raised_on, "due_on", "day it was raised")
        action = ReviewAction(
            action_id=self._new_id(),
            description=description,
            owner=owner,
            due_on=due_on,
            raised_on=raised_on,
            status=ActionStatus.OPEN,
        )
        self._trigger(self.ActionAdded, by, raised_on, action=action)
        return action.action_id

    def change_action_status(
        self, *, action_id: str, status: ActionStatus, changed_on: date, note: str | None, by: Stamp
    ) -> None:
        """In progress, done or dropped; a done or dropped action is closed."""
        rules.check_active_or_in_hospital(self.status, self.admission)
        action = rules.check_open_action(self.actions.get(action_id))
        raised = raised_on(action_id, action, self.reviews)
        self._check_effective(changed_on, by, "changed_on", after=raised, what="action")
        self._trigger(
            self.ActionStatusChanged, by, changed_on, action_id=action_id, status=status, note=note
        )

    def record_recommendation(
        self, *, horizon: ServiceHorizon, service: str, text: str, recorded_on: date, by: Stamp
    ) -> str:
        rules.check_active_or_in_hospital(self.status, self.admission)
        self._check_effective(recorded_on, by, "recorded_on")
        recommendation = Recommendation(
            recommendation_id=self._new_id(),
            horizon=horizon,
            service=service,
            text=text,
            recorded_on=recorded_on,
        )
        self._trigger(self.RecommendationRecorded, by, recorded_on, recommendation=recommendation)
        return recommendation.recommendation_id

    def end_involvement(
        self, *, involvement_id: str, ended_on: date, reason: str | None, by: Stamp
    ) -> None:
        rules.check_active_or_in_hospital(self.status, self.admission)
        self._check_effective(ended_on, by, "ended_on")
        rules.check_current_involvement(self.team.get(involvement_id), ended_on)
        self._trigger(
            self.ProfessionalInvolvementEnded,
            by,
            ended_on,
            involvement_id=involvement_id,
            reason=reason,
        )

    def record_needs(
        self, *, needs: Sequence[Need], recorded_on: date, note: str | None, by: Stamp
    ) -> None:
        """The whole current set of needs: an empty set says none remain."""
        rules.check_active_or_in_hospital(self.status, self.admission)
        self._check_effective(recorded_on, by, "recorded_on")
        self._trigger(self.NeedsRecorded, by, recorded_on, needs=tuple(needs), note=note)
