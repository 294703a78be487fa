"""Events of reviews and the standing action plan: C(E)TR offers and declines, reviews
held, actions.

Each `apply` only changes state, so stored events replay after a rule changes; the
rules live in the commands (../reviews.py) and domain/rules. Topics are explicit and
carry no module path.
"""

from __future__ import annotations

from dsr_core.domain.care_record import ReviewAction, ReviewRecord
from dsr_core.domain.codes import ActionStatus, ReviewKind
from dsr_core.person.state import (
    _TOPIC,
    PersonEvent,
    PersonState,
)


class CetrOffered(PersonEvent):
    TOPIC = f"{_TOPIC}.CetrOffered"
    kind: ReviewKind

    def apply(self, person: PersonState) -> None:
        person.cetr_offered_on = self.effective_on


class CetrDeclined(PersonEvent):
    """The person declined the offered C(E)TR: that cycle's duty is met (NHS-1)."""

    TOPIC = f"{_TOPIC}.CetrDeclined"
    note: str | None

    def apply(self, person: PersonState) -> None:
        person.cetr_declined = (*person.cetr_declined, self.effective_on)


class ReviewHeld(PersonEvent):
    TOPIC = f"{_TOPIC}.ReviewHeld"
    review: ReviewRecord
    actions: tuple[ReviewAction, ...]

    def apply(self, person: PersonState) -> None:
        person.reviews = [*person.reviews, self.review]
        person.actions = {
            **person.actions,
            **{action.action_id: action for action in self.actions},
        }


class ActionCompleted(PersonEvent):
    TOPIC = f"{_TOPIC}.ActionCompleted"
    action_id: str
    note: str | None

    def apply(self, person: PersonState) -> None:
        action = person.actions.get(self.action_id)
        if action is not None:
            person.actions = {
                **person.actions,
                self.action_id: action.model_copy(update={"completed_on": self.effective_on}),
            }


class ActionAdded(PersonEvent):
    """An action on the standing action plan, apart from any review (seed 002)."""

    TOPIC = f"{_TOPIC}.ActionAdded"
    action: ReviewAction

    def apply(self, person: PersonState) -> None:
        person.actions = {**person.actions, self.action.action_id: self.action}


class ActionStatusChanged(PersonEvent):
    TOPIC = f"{_TOPIC}.ActionStatusChanged"
    action_id: str
    status: ActionStatus
    note: str | None

    def apply(self, person: PersonState) -> None:
        action = person.actions.get(self.action_id)
        if action is not None:
            status = ActionStatus(self.status)
            completed = self.effective_on if status is ActionStatus.DONE else None
            person.actions = {
                **person.actions,
                self.action_id: action.model_copy(
                    update={"status": status, "completed_on": completed}
                ),
            }
