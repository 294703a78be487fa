"""The Person aggregate: one person's record on one area's register.

Composed of its command modules, cut along docs/domain.md's headings; each checks the
named rules (domain/rules) and triggers events (events/), whose `apply` only changes
state (state.py), so stored events replay even after a rule changes.
"""

from __future__ import annotations

from eventsourcing.domain import Snapshot as LibrarySnapshot
from eventsourcing.utils import register_topic

from dsr_core.domain.care_record import TeamMember
from dsr_core.domain.codes import (
    DischargeDestination,
    ReferralCriterion,
    RiskFactor,
    Scheme,
    Status,
)
from dsr_core.person.care_record import CareRecordCommands
from dsr_core.person.hospital import HospitalCommands
from dsr_core.person.referral import ReferralCommands
from dsr_core.person.retention import RetentionCommands
from dsr_core.person.reviews import ReviewCommands
from dsr_core.person.stamp import Stamp
from dsr_core.person.state import (
    _TOPIC,
    CARE_RECORD_DEFAULTS,
    KEYWORKER_LEVELS,
    PersonCreated,
    PersonEvent,
)

__all__ = ["Person", "Stamp"]


class Person(
    ReferralCommands, HospitalCommands, CareRecordCommands, ReviewCommands, RetentionCommands
):
    """One person's record on one area's register, across all their periods on it."""

    TOPIC = f"{_TOPIC}.Person"
    # Named on this class, not its bases: the library derives event classes of its own
    # for any aggregate class that does not name them itself.
    Event = PersonEvent
    Created = PersonCreated

    class Snapshot(LibrarySnapshot):
        """JSON has no enums or tuples: restore them, so a snapshot reads back equal to a replay."""

        TOPIC = f"{_TOPIC}.Snapshot"

        def mutate(self, _: None) -> Person:
            person = super().mutate(None)
            assert isinstance(person, Person)
            person.scheme = Scheme(person.scheme)
            person.status = Status(person.status)
            person.criteria = tuple(ReferralCriterion(c) for c in person.criteria)
            person.risk_factors = tuple(RiskFactor(r) for r in person.risk_factors)
            person.reviews = list(person.reviews)
            if not hasattr(person, "first_referred_on"):  # snapshots taken before it was kept
                person.first_referred_on = person.referred_on
            for name, empty in (
                ("involvement", None),
                ("cetr_offered_on", None),
                ("cetr_declined", ()),
                ("services", {}),
                ("ehc_plan", False),
            ):
                if not hasattr(person, name):  # snapshots taken before it was kept
                    setattr(person, name, empty)
            person.cetr_declined = tuple(person.cetr_declined)
            person.safeguarding_notes = tuple(getattr(person, "safeguarding_notes", ()))
            person.emergency_grants = tuple(
                (str(user), str(until)) for user, until in getattr(person, "emergency_grants", ())
            )
            person.services = {k: (v[0], v[1]) for k, v in person.services.items()}
            if not hasattr(person, "keyworker_levels_since"):  # likewise
                rating = person.rating
                person.keyworker_levels_since = (
                    person.rating_since
                    if rating is not None and rating.level in KEYWORKER_LEVELS
                    else None
                )
            if not hasattr(person, "first_admitted_on"):  # snapshots taken before issue 27
                stay = person.admission
                person.first_admitted_on = (
                    stay.total_stay_started_on if stay else person.last_stay_started_on
                )
            person.__dict__.pop("risk_recorded_on", None)  # kept until issue 27, no longer read
            _restore_care_record(person)
            reason, referrer = person.referral_source  # JSON gives back a list
            person.referral_source = (reason, referrer)
            return person


def _restore_care_record(person: Person) -> None:
    """Snapshots taken before issue 13 hold `professionals` by role and none of the care
    record: read them back as the same state a replay builds."""
    legacy = person.__dict__.pop("professionals", None)
    for name, empty in CARE_RECORD_DEFAULTS:
        if not hasattr(person, name):
            setattr(person, name, empty() if callable(empty) else empty)
    if legacy and not person.team:
        person.team = {
            f"legacy-{role}": TeamMember.from_stored(
                involvement_id=f"legacy-{role}", **p.model_dump()
            )
            for role, p in legacy.items()
        }
    for name in ("view_history", "mitigations", "recommendations", "needs"):
        setattr(person, name, tuple(getattr(person, name)))
    if person.last_discharge_destination is not None:
        person.last_discharge_destination = DischargeDestination(person.last_discharge_destination)


# The library registers explicit topics of event classes when an aggregate class is
# defined, but a snapshot class only when a snapshot is first taken. Register ours now,
# so a process that has never taken a snapshot can read one another process wrote.
register_topic(Person.Snapshot.TOPIC, Person.Snapshot)
