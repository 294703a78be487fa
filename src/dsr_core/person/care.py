"""The Person's care-record commands: consent refusals and involvement, C(E)TR offers and
declines, service referrals, reviews and their actions.

A mixin of `Person` (domainmodel.py), kept apart so each module holds one concern; it
uses the aggregate's state, its event classes and its `_check_effective`/`_trigger`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING
from uuid import NAMESPACE_URL, uuid5

from dsr_core.domain import rules
from dsr_core.domain.values import (
    HospitalStay,
    Involvement,
    PanelRole,
    PersonDetails,
    ReviewAction,
    ReviewKind,
    ReviewRecord,
    Scheme,
    Service,
    Status,
)
from dsr_core.person import events as events
from dsr_core.person.state import PersonCommandsBase, raised_on

if TYPE_CHECKING:
    from uuid import UUID

    from dsr_core.person.aggregate import Stamp


class CareCommands(PersonCommandsBase):
    if TYPE_CHECKING:  # provided by Person
        id: UUID
        version: int
        status: Status
        scheme: Scheme
        details: PersonDetails
        referred_on: date
        admission: HospitalStay | None
        reviews: list[ReviewRecord]
        actions: dict[str, ReviewAction]
        cetr_offered_on: date | None
        cetr_declined: tuple[date, ...]
        services: dict[str, tuple[date, date | None]]
        ConsentRefused: type[events.ConsentRefused]
        InvolvementRecorded: type[events.InvolvementRecorded]
        CetrOffered: type[events.CetrOffered]
        CetrDeclined: type[events.CetrDeclined]
        ServiceReferred: type[events.ServiceReferred]
        ServiceStarted: type[events.ServiceStarted]
        EhcPlanRecorded: type[events.EhcPlanRecorded]
        ReviewHeld: type[events.ReviewHeld]
        ActionCompleted: type[events.ActionCompleted]

    def refuse_consent(
        self, *, decided_on: date, decided_by: str, note: str | None, by: Stamp
    ) -> None:
        """A refusal is an outcome to record (seed 002); the referral stays for the lead's
        decision, and support does not depend on it."""
        rules.check_status(self.status, (Status.REFERRED,), "record a refusal of consent")
        rules.check_scheme_takes_consent(self.scheme)
        self._check_effective(decided_on, by, "decided_on", after=self.referred_on, what="referral")
        self._trigger(self.ConsentRefused, by, decided_on, decided_by=decided_by, note=note)

    def record_involvement(self, *, involvement: Involvement, recorded_on: date, by: Stamp) -> None:
        rules.check_is_active(self.status)
        self._check_effective(recorded_on, by, "recorded_on")
        self._trigger(self.InvolvementRecorded, by, recorded_on, involvement=involvement)

    def offer_cetr(self, *, offered_on: date, kind: ReviewKind, by: Stamp) -> None:
        rules.check_active_or_in_hospital(self.status, self.admission)
        self._check_effective(offered_on, by, "offered_on")
        self._trigger(self.CetrOffered, by, offered_on, kind=kind)

    def decline_cetr(self, *, declined_on: date, note: str | None, by: Stamp) -> None:
        """A declined C(E)TR meets that cycle's duty; the next cycle is due as usual."""
        rules.check_active_or_in_hospital(self.status, self.admission)
        settled = max((*self.cetr_declined, *self._cetrs_held()), default=None)
        offered = rules.check_offer_to_decline(self.cetr_offered_on, settled)
        self._check_effective(declined_on, by, "declined_on", after=offered, what="offer")
        self._trigger(self.CetrDeclined, by, declined_on, note=note)

    def refer_to_service(self, *, service: Service, requested_on: date, by: Stamp) -> None:
        rules.check_is_active(self.status)
        self._check_effective(requested_on, by, "requested_on")
        rules.check_service_eligibility(service, self.scheme, self.details, requested_on)
        self._trigger(self.ServiceReferred, by, requested_on, service=service)

    def start_service(self, *, service: Service, started_on: date, by: Stamp) -> None:
        rules.check_is_active(self.status)
        requested = self.services.get(str(service), (None, None))[0]
        self._check_effective(started_on, by, "started_on", after=requested, what="referral")
        self._trigger(self.ServiceStarted, by, started_on, service=service)

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
    ) -> str:
        """Record a review and its action plan; returns the review id.

        Actions are (description, owner, due date).
        """
        rules.check_active_or_in_hospital(self.status, self.admission)
        self._check_effective(held_on, by, "held_on")
        rules.check_review_within_stay(kind, held_on, self.admission)
        review_id = str(uuid5(NAMESPACE_URL, f"dsr:{self.id}:{self.version + 1}"))
        review = ReviewRecord(
            review_id=review_id,
            kind=kind,
            held_on=held_on,
            outcome=outcome,
            attendees=tuple(attendees),
            panel=tuple(panel),
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
        self._trigger(self.ReviewHeld, by, held_on, review=review, actions=tuple(review_actions))
        return review_id

    def complete_action(
        self, *, action_id: str, completed_on: date, note: str | None, by: Stamp
    ) -> None:
        rules.check_active_or_in_hospital(self.status, self.admission)
        action = rules.check_open_action(self.actions.get(action_id))
        raised = raised_on(action_id, action, self.reviews)
        self._check_effective(completed_on, by, "completed_on", after=raised, what="action")
        self._trigger(self.ActionCompleted, by, completed_on, action_id=action_id, note=note)

    def record_ehc_plan(self, *, has_plan: bool, recorded_on: date, by: Stamp) -> None:
        """An EHC plan makes a young person's C(E)TR a CETR up to 25 (NHS-1)."""
        rules.check_is_active(self.status)
        rules.check_scheme_has_ehc_plans(self.scheme)
        self._check_effective(recorded_on, by, "recorded_on")
        self._trigger(self.EhcPlanRecorded, by, recorded_on, has_plan=has_plan)
