"""The Person's review commands: C(E)TR offers and declines, reviews held, and the standing
action plan.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from uuid import NAMESPACE_URL, uuid5

from dsr_core.domain import hospital_rules, record_rules, rules
from dsr_core.domain.care_record import ReviewAction, ReviewRecord
from dsr_core.domain.codes import ActionStatus, PanelRole, ReviewKind
from dsr_core.person import events
from dsr_core.person.stamp import Stamp
from dsr_core.person.state import PersonState, raised_on


class ReviewCommands(PersonState):
    def offer_cetr(self, *, offered_on: date, kind: ReviewKind, by: Stamp) -> None:
        rules.check_active_or_in_hospital(self.status, self.admission)
        self._check_effective(offered_on, by, "offered_on")
        self._trigger(events.CetrOffered, by, offered_on, kind=kind)

    def decline_cetr(self, *, declined_on: date, note: str | None, by: Stamp) -> None:
        """A declined C(E)TR meets that cycle's duty; the next cycle is due as usual."""
        rules.check_active_or_in_hospital(self.status, self.admission)
        settled = max((*self.cetr_declined, *self._cetrs_held()), default=None)
        offered = rules.check_offer_to_decline(self.cetr_offered_on, settled)
        self._check_effective(declined_on, by, "declined_on", after=offered, what="offer")
        self._trigger(events.CetrDeclined, by, declined_on, note=note)

    def _cetrs_held(self) -> list[date]:
        kinds = (ReviewKind.CETR, ReviewKind.COMMUNITY_CETR)
        return [r.held_on for r in self.reviews if r.kind in kinds]

    def record_review(
        self,
        *,
        kind: ReviewKind,
        held_on: date,
        outcome: str,
        attendees: Sequence[str],
        actions: Sequence[tuple[str, str, date]],
        by: Stamp,
        panel: Sequence[PanelRole] = (),
        findings: Mapping[str, str] | None = None,
    ) -> str:
        """Record a review and its action plan; returns the review id.

        Actions are (description, owner, due date).
        """
        rules.check_active_or_in_hospital(self.status, self.admission)
        self._check_effective(held_on, by, "held_on")
        hospital_rules.check_review_within_stay(kind, held_on, self.admission)
        record_rules.check_findings(kind, findings or {})
        review_id = str(uuid5(NAMESPACE_URL, f"dsr:{self.id}:{self.version + 1}"))
        review = ReviewRecord(
            review_id=review_id,
            kind=kind,
            held_on=held_on,
            outcome=outcome,
            attendees=tuple(attendees),
            panel=tuple(panel),
            findings=dict(findings or {}),
        )
        review_actions = []
        for number, (description, owner, due_on) in enumerate(actions, start=1):
            rules.check_not_before(due_on, held_on, f"actions[{number - 1}].due_on", "review")
            review_actions.append(
                ReviewAction(
                    action_id=f"{review_id}.{number}",
                    description=description,
                    owner=owner,
                    due_on=due_on,
                )
            )
        self._trigger(events.ReviewHeld, by, held_on, review=review, actions=tuple(review_actions))
        return review_id

    def complete_action(
        self, *, action_id: str, completed_on: date, note: str | None, by: Stamp
    ) -> None:
        rules.check_active_or_in_hospital(self.status, self.admission)
        action = rules.check_open_action(self.actions.get(action_id))
        raised = raised_on(action_id, action, self.reviews)
        self._check_effective(completed_on, by, "completed_on", after=raised, what="action")
        self._trigger(events.ActionCompleted, by, completed_on, action_id=action_id, note=note)

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
        self._trigger(events.ActionAdded, by, raised_on, action=action)
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
            events.ActionStatusChanged,
            by,
            changed_on,
            action_id=action_id,
            status=status,
            note=note,
        )
