"""Hospital episodes, delays, placement spells, rating spells and referrals, per person.

Feeds the length-of-stay and proactivity measures of domain.md ("What the register
should make visible"): was the person on the register before admission, how long were
they Amber or Red beforehand, how long from referral to acceptance.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import singledispatchmethod
from typing import ClassVar

from dsr_core.domain.codes import Status
from dsr_core.person import events as pe
from dsr_core.person.aggregate import Person
from dsr_projections.engine.projection import (
    STATE_COLUMNS,
    Event,
    PersonStates,
    Projection,
    effective_on,
)
from dsr_projections.stays.ratings_before import RatingsBefore
from dsr_projections.storage.database import Cursor
from dsr_projections.storage.tables import insert


@dataclass(frozen=True)
class _Change:
    """What an event's handler needs besides the event: where to write, the person after
    the event, their status before it, the day it took effect, and the rating spells of
    the people the batch admits."""

    cursor: Cursor
    position: int
    person: Person
    status_before: Status | None
    on: str
    ratings: RatingsBefore

    @property
    def pid(self) -> str:
        return str(self.person.id)


class LengthOfStayProjection(Projection):
    name = "length_of_stay"
    tables: ClassVar[dict[str, str]] = {
        "los_episodes": (
            "episode_id BIGINT PRIMARY KEY, person_id TEXT NOT NULL, area TEXT NOT NULL, "
            "admitted_on TEXT NOT NULL, discharged_on TEXT, secure BOOLEAN NOT NULL, "
            "ready_on TEXT, delay_reason TEXT, destination TEXT, "
            "on_register_before BOOLEAN NOT NULL, days_amber_red_before INTEGER NOT NULL, "
            "admission_type TEXT, stay_started_on TEXT, delay_marks TEXT"
        ),
        "los_placements": (
            "spell_id BIGINT PRIMARY KEY, person_id TEXT NOT NULL, area TEXT NOT NULL, "
            "started_on TEXT NOT NULL, ended_on TEXT, out_of_area BOOLEAN NOT NULL"
        ),
        "los_ratings": (
            "spell_id BIGINT PRIMARY KEY, person_id TEXT NOT NULL, level TEXT NOT NULL, "
            "started_on TEXT NOT NULL, ended_on TEXT"
        ),
        "los_referrals": (
            "person_id TEXT NOT NULL, period INTEGER NOT NULL, area TEXT NOT NULL, "
            "referred_on TEXT NOT NULL, accepted_on TEXT, PRIMARY KEY (person_id, period)"
        ),
        # Referral outcomes other than acceptance, for the area's metrics (issue 27):
        # consent refused or withdrawn, and declines by reason.
        "los_outcomes": (
            "outcome_id BIGINT PRIMARY KEY, person_id TEXT NOT NULL, area TEXT NOT NULL, "
            "kind TEXT NOT NULL, reason TEXT, decided_on TEXT NOT NULL"
        ),
        "los_state": STATE_COLUMNS,
    }
    indexes: ClassVar[dict[str, str]] = {
        "los_episodes_by_area": "los_episodes (area, admitted_on)",
        "los_ratings_by_person": "los_ratings (person_id, started_on)",
        "los_placements_by_area": "los_placements (area, started_on)",
        "los_episodes_by_person": "los_episodes (person_id)",
        "los_placements_by_person": "los_placements (person_id)",
        "los_outcomes_by_area": "los_outcomes (area, decided_on)",
    }

    def process(self, cursor: Cursor, batch: Sequence[tuple[Event, int]]) -> None:
        states, events = PersonStates.for_batch(cursor, self.t("los_state"), self.context, batch)
        admitted = {
            str(e.originator_id)
            for e, _ in events
            if isinstance(e, pe.Admitted | pe.InpatientNotified)
        }
        ratings = RatingsBefore(cursor, self.t("los_ratings"), admitted)
        for event, position in events:
            before = states.get(event.originator_id)
            status_before = before.status if before is not None else None
            rating_before = before.rating if before is not None else None
            person = states.apply(event)
            change = _Change(cursor, position, person, status_before, _effective(event), ratings)
            self._record(event, change)
            if person.rating != rating_before:
                self._rating_spell(change)
        states.flush()

    @singledispatchmethod
    def _record(self, event: Event, change: _Change) -> None:
        """One method per event type that changes a length-of-stay table; others pass."""

    @_record.register(pe.Referred)
    @_record.register(pe.ReReferred)
    def _referred(self, _: Event, change: _Change) -> None:
        person = change.person
        change.cursor.execute(
            f"INSERT INTO {self.t('los_referrals')} (person_id, period, area, referred_on) "
            "VALUES (?, ?, ?, ?)",
            (change.pid, person.period, person.area, change.on),
        )

    @_record.register(pe.ConsentRefused)
    @_record.register(pe.ConsentWithdrawn)
    @_record.register(pe.ReferralDeclined)
    def _outcome(
        self, event: pe.ConsentRefused | pe.ConsentWithdrawn | pe.ReferralDeclined, change: _Change
    ) -> None:
        kinds = {
            pe.ConsentRefused: "consent_refused",
            pe.ConsentWithdrawn: "consent_withdrawn",
            pe.ReferralDeclined: "declined",
        }
        reason = str(event.reason_code) if isinstance(event, pe.ReferralDeclined) else None
        kind = kinds[type(event)]
        change.cursor.execute(
            f"INSERT INTO {self.t('los_outcomes')} (outcome_id, person_id, area, kind, reason, "
            "decided_on) VALUES (?, ?, ?, ?, ?, ?)",
            (change.position, change.pid, change.person.area, kind, reason, change.on),
        )

    @_record.register
    def _accepted(self, _: pe.Accepted, change: _Change) -> None:
        change.cursor.execute(
            f"UPDATE {self.t('los_referrals')} SET accepted_on = ? "
            "WHERE person_id = ? AND period = ?",
            (change.on, change.pid, change.person.period),
        )

    @_record.register(pe.Admitted)
    @_record.register(pe.InpatientNotified)
    def _admitted(self, event: pe.Admitted | pe.InpatientNotified, change: _Change) -> None:
        stay, person = event.stay, change.person
        admitted = person.admission  # with the admission type the aggregate worked out
        change.cursor.execute(
            f"INSERT INTO {self.t('los_episodes')} (episode_id, person_id, area, admitted_on, "
            "secure, on_register_before, days_amber_red_before, admission_type, "
            "stay_started_on) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                change.position,
                change.pid,
                person.area,
                change.on,
                stay.secure,
                change.status_before is Status.ON_REGISTER
                and person.accepted_on is not None
                and person.accepted_on < stay.admitted_on,
                change.ratings.amber_red_days(change.pid, stay.admitted_on),
                str(admitted.admission_type) if admitted and admitted.admission_type else None,
                (admitted or stay).total_stay_started_on.isoformat(),
            ),
        )

    @_record.register(pe.ReadyForDischarge)
    @_record.register(pe.NoLongerReadyForDischarge)
    @_record.register(pe.DischargeDelayed)
    def _readiness(self, _: Event, change: _Change) -> None:
        """The stay's readiness marks, so delayed days fall to the reason of each day."""
        stay = change.person.admission
        if stay is None:
            return
        ready = stay.ready_for_discharge_on
        self._update_open_episode(
            change.cursor,
            change.pid,
            "ready_on = ?, delay_reason = ?, delay_marks = ?",
            (
                ready.isoformat() if ready else None,
                stay.delay_reason,
                json.dumps([m.model_dump(mode="json") for m in stay.delay_marks]),
            ),
        )

    @_record.register
    def _discharged(self, event: pe.Discharged, change: _Change) -> None:
        self._update_open_episode(
            change.cursor,
            change.pid,
            "discharged_on = ?, destination = ?",
            (change.on, str(event.destination)),
        )

    @_record.register
    def _placement(self, event: pe.PlacementChanged, change: _Change) -> None:
        change.cursor.execute(
            f"UPDATE {self.t('los_placements')} SET ended_on = ? "
            "WHERE person_id = ? AND ended_on IS NULL",
            (change.on, change.pid),
        )
        placement = {
            "spell_id": change.position,
            "person_id": change.pid,
            "area": change.person.area,
            "started_on": change.on,
            "out_of_area": event.placement.out_of_area,
        }
        insert(change.cursor, self.t("los_placements"), [placement])

    def _update_open_episode(
        self, cursor: Cursor, person_id: str, assignments: str, values: tuple[str | None, ...]
    ) -> None:
        cursor.execute(
            f"UPDATE {self.t('los_episodes')} SET {assignments} "
            "WHERE person_id = ? AND discharged_on IS NULL",
            (*values, person_id),
        )

    def _rating_spell(self, change: _Change) -> None:
        cursor, person, on = change.cursor, change.person, change.on
        table = self.t("los_ratings")
        cursor.execute(
            f"UPDATE {table} SET ended_on = ? WHERE person_id = ? AND ended_on IS NULL",
            (on, change.pid),
        )
        level = str(person.rating.level) if person.rating is not None else None
        change.ratings.changed(change.pid, on, level)
        if level is not None:
            rating = {
                "spell_id": change.position,
                "person_id": change.pid,
                "level": level,
                "started_on": on,
            }
            insert(cursor, table, [rating])


def _effective(event: Event) -> str:
    return effective_on(event).isoformat()
