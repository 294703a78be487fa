"""What can happen to a person on a register: the Person aggregate's events.

Each event's `apply` only changes state, so stored events replay even after a rule
changes; the rules live in the command methods (domainmodel.py) and rules.py. Topics
are explicit and carry no module path: classes can move without orphaning stored events.
Shapes change through `class_version` and `upcast_vN_vM`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any

from eventsourcing.domain import Aggregate

from dsr_core.values import (
    Actor,
    Consent,
    DeclineReason,
    DelayReason,
    DischargeDestination,
    HospitalStay,
    Involvement,
    PersonDetails,
    Placement,
    Professional,
    Rating,
    ReferralCriterion,
    RemovalReason,
    ReviewAction,
    ReviewKind,
    ReviewRecord,
    RiskFactor,
    Scheme,
    Service,
    Status,
    Views,
)

if TYPE_CHECKING:
    from dsr_core.domainmodel import Person

_TOPIC = "dsr.person"


class PersonEvent(Aggregate.Event):
    """Every Person event: who recorded it, and the day it happened (its effective date)."""

    actor: Actor
    effective_on: date


class PersonCreated(Aggregate.Created, PersonEvent):
    TOPIC = f"{_TOPIC}.Created"


class Referred(PersonCreated):
    TOPIC = f"{_TOPIC}.Referred"
    actor: Actor
    effective_on: date
    area: str
    scheme: Scheme
    details: PersonDetails
    criteria: tuple[ReferralCriterion, ...]
    referred_by: str
    reason: str

    def apply(self, person: Person) -> None:
        person.area = self.area
        person.scheme = Scheme(self.scheme)
        person.details = self.details
        person.period = 1
        person.objects_to_national_sharing = False
        person.professionals = {}
        person.reviews = []
        person.actions = {}
        person.admission = None
        person.last_discharged_on = None
        person.placement = None
        person.views = None
        person.risk_factors = ()
        person.involvement = None
        person.cetr_offered_on = None
        person.cetr_declined = ()
        person.services = {}
        person.ehc_plan = False
        person.risk_recorded_on = None
        person.first_referred_on = self.effective_on
        _open_period(person, self.effective_on, self.criteria)


class ReferralDeclined(PersonEvent):
    TOPIC = f"{_TOPIC}.ReferralDeclined"
    reason_code: DeclineReason
    reason: str

    def apply(self, person: Person) -> None:
        _close_period(person, Status.DECLINED, self.effective_on, str(self.reason_code))


class ConsentRecorded(PersonEvent):
    TOPIC = f"{_TOPIC}.ConsentRecorded"
    consent: Consent

    def apply(self, person: Person) -> None:
        person.consent = self.consent


class ConsentRefused(PersonEvent):
    """The person (or whoever decides for them) said no: an outcome, recorded (seed 002)."""

    TOPIC = f"{_TOPIC}.ConsentRefused"
    decided_by: str
    note: str | None

    def apply(self, person: Person) -> None:
        person.consent = None


class InvolvementRecorded(PersonEvent):
    TOPIC = f"{_TOPIC}.InvolvementRecorded"
    involvement: Involvement

    def apply(self, person: Person) -> None:
        person.involvement = self.involvement


class CetrOffered(PersonEvent):
    TOPIC = f"{_TOPIC}.CetrOffered"
    kind: ReviewKind

    def apply(self, person: Person) -> None:
        person.cetr_offered_on = self.effective_on


class CetrDeclined(PersonEvent):
    """The person declined the offered C(E)TR: that cycle's duty is met (NHS-1)."""

    TOPIC = f"{_TOPIC}.CetrDeclined"
    note: str | None

    def apply(self, person: Person) -> None:
        person.cetr_declined = (*person.cetr_declined, self.effective_on)


class ServiceReferred(PersonEvent):
    TOPIC = f"{_TOPIC}.ServiceReferred"
    service: Service

    def apply(self, person: Person) -> None:
        person.services = {**person.services, str(self.service): (self.effective_on, None)}


class ServiceStarted(PersonEvent):
    """The referral was taken up: a keyworker allocated, the service started."""

    TOPIC = f"{_TOPIC}.ServiceStarted"
    service: Service

    def apply(self, person: Person) -> None:
        requested, _ = person.services.get(str(self.service), (self.effective_on, None))
        person.services = {**person.services, str(self.service): (requested, self.effective_on)}


class EhcPlanRecorded(PersonEvent):
    """Whether the young person has an Education, Health and Care plan (England)."""

    TOPIC = f"{_TOPIC}.EhcPlanRecorded"
    has_plan: bool

    def apply(self, person: Person) -> None:
        person.ehc_plan = self.has_plan


class ConsentWithdrawn(PersonEvent):
    TOPIC = f"{_TOPIC}.ConsentWithdrawn"
    reason: str | None

    def apply(self, person: Person) -> None:
        person.consent = None


class NationalDataObjectionRecorded(PersonEvent):
    TOPIC = f"{_TOPIC}.NationalDataObjectionRecorded"
    objects: bool
    reason: str | None

    def apply(self, person: Person) -> None:
        person.objects_to_national_sharing = self.objects


class Accepted(PersonEvent):
    TOPIC = f"{_TOPIC}.Accepted"
    rating: Rating
    reason: str | None

    def apply(self, person: Person) -> None:
        person.status = Status.ON_REGISTER
        person.accepted_on = self.effective_on
        _set_rating(person, self.rating, self.effective_on)


class RatingChanged(PersonEvent):
    TOPIC = f"{_TOPIC}.RatingChanged"
    rating: Rating
    reason: str
    risk_factors: tuple[RiskFactor, ...]

    def apply(self, person: Person) -> None:
        _set_rating(person, self.rating, self.effective_on)
        person.risk_factors = tuple(RiskFactor(f) for f in self.risk_factors)


class Admitted(PersonEvent):
    TOPIC = f"{_TOPIC}.Admitted"
    stay: HospitalStay
    rating: Rating | None

    def apply(self, person: Person) -> None:
        person.admission = self.stay
        if self.rating is not None:
            _set_rating(person, self.rating, self.effective_on)


class ReadyForDischarge(PersonEvent):
    TOPIC = f"{_TOPIC}.ReadyForDischarge"

    def apply(self, person: Person) -> None:
        if person.admission is not None:
            person.admission = person.admission.model_copy(
                update={"ready_for_discharge_on": self.effective_on}
            )


class DischargeDelayed(PersonEvent):
    TOPIC = f"{_TOPIC}.DischargeDelayed"
    delay_reason: DelayReason
    note: str | None

    def apply(self, person: Person) -> None:
        if person.admission is not None:
            person.admission = person.admission.model_copy(
                update={"delay_reason": DelayReason(self.delay_reason)}
            )


class Discharged(PersonEvent):
    TOPIC = f"{_TOPIC}.Discharged"
    destination: DischargeDestination
    rating: Rating | None

    def apply(self, person: Person) -> None:
        person.admission = None
        person.last_discharged_on = self.effective_on
        if self.rating is not None:
            _set_rating(person, self.rating, self.effective_on)


class PlacementChanged(PersonEvent):
    TOPIC = f"{_TOPIC}.PlacementChanged"
    placement: Placement

    def apply(self, person: Person) -> None:
        person.placement = self.placement


class ViewsRecorded(PersonEvent):
    TOPIC = f"{_TOPIC}.ViewsRecorded"
    views: Views

    def apply(self, person: Person) -> None:
        person.views = self.views


class RiskFactorsRecorded(PersonEvent):
    """Version 2 added `note`; version 1 events (pre-release builds) read back with none."""

    TOPIC = f"{_TOPIC}.RiskFactorsRecorded"
    class_version = 2
    risk_factors: tuple[RiskFactor, ...]
    note: str | None

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        state["note"] = None

    def apply(self, person: Person) -> None:
        person.risk_factors = tuple(RiskFactor(f) for f in self.risk_factors)
        if self.risk_factors:  # a risk named outside a rating review: not yet judged managed
            person.risk_recorded_on = self.effective_on


class ProfessionalAssigned(PersonEvent):
    TOPIC = f"{_TOPIC}.ProfessionalAssigned"
    professional: Professional

    def apply(self, person: Person) -> None:
        person.professionals = {
            **person.professionals,
            str(self.professional.role): self.professional,
        }


class ReviewHeld(PersonEvent):
    TOPIC = f"{_TOPIC}.ReviewHeld"
    review: ReviewRecord
    actions: tuple[ReviewAction, ...]

    def apply(self, person: Person) -> None:
        person.reviews = [*person.reviews, self.review]
        person.actions = {
            **person.actions,
            **{action.action_id: action for action in self.actions},
        }


class ActionCompleted(PersonEvent):
    TOPIC = f"{_TOPIC}.ActionCompleted"
    action_id: str
    note: str | None

    def apply(self, person: Person) -> None:
        action = person.actions.get(self.action_id)
        if action is not None:
            person.actions = {
                **person.actions,
                self.action_id: action.model_copy(update={"completed_on": self.effective_on}),
            }


class DetailsCorrected(PersonEvent):
    TOPIC = f"{_TOPIC}.DetailsCorrected"
    details: PersonDetails
    reason: str

    def apply(self, person: Person) -> None:
        person.details = self.details


class Transferred(PersonEvent):
    TOPIC = f"{_TOPIC}.Transferred"
    from_area: str
    to_area: str
    reason: str

    def apply(self, person: Person) -> None:
        person.area = self.to_area


class Removed(PersonEvent):
    TOPIC = f"{_TOPIC}.Removed"
    reason_code: RemovalReason
    reason: str | None

    def apply(self, person: Person) -> None:
        _close_period(person, Status.REMOVED, self.effective_on, str(self.reason_code))


class ReReferred(PersonEvent):
    TOPIC = f"{_TOPIC}.ReReferred"
    criteria: tuple[ReferralCriterion, ...]
    referred_by: str
    reason: str

    def apply(self, person: Person) -> None:
        person.period += 1
        _open_period(person, self.effective_on, self.criteria)


def _set_rating(person: Person, rating: Rating, since: date) -> None:
    person.rating = rating
    person.rating_since = since


def _open_period(person: Person, referred_on: date, criteria: Iterable[str]) -> None:
    person.status = Status.REFERRED
    person.referred_on = referred_on
    person.criteria = tuple(ReferralCriterion(c) for c in criteria)
    person.accepted_on = None
    person.consent = None
    person.rating = None
    person.rating_since = None
    person.closed_on = None
    person.closure_reason = None


def _close_period(person: Person, status: Status, on: date, reason: str) -> None:
    person.status = status
    person.rating = None
    person.rating_since = None
    person.closed_on = on
    person.closure_reason = reason


EVENTS: tuple[type[PersonEvent], ...] = (
    EhcPlanRecorded,
    CetrOffered,
    CetrDeclined,
    ServiceReferred,
    ServiceStarted,
    ConsentRefused,
    InvolvementRecorded,
    Referred,
    ReferralDeclined,
    ConsentRecorded,
    ConsentWithdrawn,
    NationalDataObjectionRecorded,
    Accepted,
    RatingChanged,
    Admitted,
    ReadyForDischarge,
    DischargeDelayed,
    Discharged,
    PlacementChanged,
    ViewsRecorded,
    RiskFactorsRecorded,
    ProfessionalAssigned,
    ReviewHeld,
    ActionCompleted,
    DetailsCorrected,
    Transferred,
    Removed,
    ReReferred,
)
