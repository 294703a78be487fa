"""Commands of reviews and the standing action plan."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from dsr_core.domain.codes import (
    ActionStatus,
    PanelRole,
    ReviewKind,
)
from dsr_core.domain.inputs import Day, LongText, ShortText
from dsr_core.service.commands.base import Command, example


class OfferCetr(Command):
    """Record that a C(E)TR (or community C(E)TR) was offered."""

    model_config = example({"offered_on": "2025-02-12", "kind": "cetr"})
    offered_on: Day
    kind: Literal[ReviewKind.CETR, ReviewKind.COMMUNITY_CETR]


class DeclineCetr(Command):
    """Record that the person declined the offered C(E)TR: that cycle's duty is met."""

    model_config = example({"declined_on": "2025-02-14"})
    declined_on: Day
    note: LongText | None = None


class AddAction(Command):
    """Add an action to the standing action plan, with its owner and due date."""

    model_config = example(
        {
            "raised_on": "2025-01-20",
            "description": "Find a provider able to support at home",
            "owner": "Social worker",
            "due_on": "2025-03-01",
        }
    )
    raised_on: Day
    description: LongText
    owner: ShortText
    due_on: Day


class ChangeActionStatus(Command):
    """Mark an action of any plan in progress, done or dropped."""

    model_config = example({"action_id": "…", "changed_on": "2025-02-01", "status": "in_progress"})
    action_id: ShortText
    changed_on: Day
    status: Literal[ActionStatus.IN_PROGRESS, ActionStatus.DONE, ActionStatus.DROPPED]
    note: LongText | None = None


class NewAction(Command):
    model_config = example(
        {"description": "Housing search", "owner": "Social worker", "due_on": "2025-04-01"}
    )
    description: LongText
    owner: ShortText
    due_on: Day


class RecordReview(Command):
    """Record a review (C(E)TR, LAEP, MDT, visit...) and its actions."""

    model_config = example(
        {
            "kind": "cetr",
            "held_on": "2025-03-01",
            "outcome": "Discharge planning to start; housing search.",
            "attendees": ["DSR lead", "Psychiatrist", "Family"],
            "actions": [
                {"description": "Housing search", "owner": "Social worker", "due_on": "2025-04-01"}
            ],
        }
    )
    kind: ReviewKind
    held_on: Day
    outcome: LongText
    attendees: list[ShortText] = Field(default_factory=list)
    panel: list[PanelRole] = Field(
        default_factory=list, description="C(E)TR panel roles present (chair, experts)"
    )
    findings: dict[str, LongText] = Field(
        default_factory=dict,
        description="C(E)TRs: the panel's finding under each key question, keyed by code "
        "(safe, good_care_now, plans_for_future, care_in_community; GET "
        "/v1/code-lists/cetr_key_question)",
    )
    actions: list[NewAction] = Field(default_factory=list)


class CompleteAction(Command):
    """Record that an action from a review is done."""

    model_config = example({"action_id": "…", "completed_on": "2025-03-20"})
    action_id: ShortText
    completed_on: Day
    note: LongText | None = None
