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

from dsr_core.domain.discharge import admission_type
from dsr_core.domain.personal import ERASED, PERSONAL_STATE, erased
from dsr_core.domain.values import (
    ActionStatus,
    Actor,
    AdmissionType,
    Consent,
    DeclineReason,
    DelayMark,
    DischargeDestination,
    ErasureBasis,
    ErasureRule,
    HospitalStay,
    Involvement,
    LegalStatus,
    Mitigation,
    Need,
    PersonDetails,
    Placement,
    Professional,
    Rating,
    Recommendation,
    ReferralCriterion,
    RemovalReason,
    ReviewAction,
    ReviewKind,
    ReviewRecord,
    RiskFactor,
    Scheme,
    Service,
    Status,
    SupporterView,
    TeamMember,
    ViewEntry,
    ViewHolder,
    Views,
)

if TYPE_CHECKING:
    from dsr_core.person.aggregate import Person

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
        _care_record_defaults(person)
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
        stay = self.stay
        if stay.admission_type is None:  # recorded before issue 13: derive as it would be now
            kind = admission_type(
                stay.admitted_on, person.last_discharged_on, person.last_discharge_destination
            )
            started = person.last_stay_started_on if kind is AdmissionType.TRANSFER else None
            stay = stay.model_copy(update={"admission_type": kind, "stay_started_on": started})
        person.admission = stay
        if self.rating is not None:
            _set_rating(person, self.rating, self.effective_on)


class ReadyForDischarge(PersonEvent):
    TOPIC = f"{_TOPIC}.ReadyForDischarge"

    def apply(self, person: Person) -> None:
        stay = person.admission
        if stay is not None:
            person.admission = stay.model_copy(
                update={
                    "ready_for_discharge_on": self.effective_on,
                    "delay_marks": (*stay.delay_marks, DelayMark(on=self.effective_on, ready=True)),
                }
            )


class NoLongerReadyForDischarge(PersonEvent):
    """Clinically ready no more: the delay stops, and its reason with it."""

    TOPIC = f"{_TOPIC}.NoLongerReadyForDischarge"
    reason: str

    def apply(self, person: Person) -> None:
        stay = person.admission
        if stay is not None:
            person.admission = stay.model_copy(
                update={
                    "ready_for_discharge_on": None,
                    "delay_reason": None,
                    "delay_marks": (
                        *stay.delay_marks,
                        DelayMark(on=self.effective_on, ready=False),
                    ),
                }
            )


class DischargeDelayed(PersonEvent):
    """The reason a ready person is still in hospital, in force from `effective_on`: a code
    of the nation's list (issue 13), or one of dsr's earlier reasons in older events."""

    TOPIC = f"{_TOPIC}.DischargeDelayed"
    delay_reason: str
    note: str | None

    def apply(self, person: Person) -> None:
        stay = person.admission
        if stay is not None:
            mark = DelayMark(on=self.effective_on, reason=str(self.delay_reason))
            person.admission = stay.model_copy(
                update={
                    "delay_reason": str(self.delay_reason),
                    "delay_marks": (*stay.delay_marks, mark),
                }
            )


class DischargeBarriersRecorded(PersonEvent):
    """What stands in the way of discharge, coded with the nation's delay list; may be
    recorded before the person is ready, and replaces the earlier set."""

    TOPIC = f"{_TOPIC}.DischargeBarriersRecorded"
    barriers: tuple[str, ...]
    note: str | None

    def apply(self, person: Person) -> None:
        if person.admission is not None:
            person.admission = person.admission.model_copy(
                update={"barriers": tuple(self.barriers)}
            )


class PlannedDischargeDateSet(PersonEvent):
    """A planned discharge date set, moved (with why), or withdrawn (None)."""

    TOPIC = f"{_TOPIC}.PlannedDischargeDateSet"
    planned_on: date | None
    reason: str | None

    def apply(self, person: Person) -> None:
        if person.admission is not None:
            person.admission = person.admission.model_copy(
                update={"planned_discharge_on": self.planned_on}
            )


class DischargePlanScored(PersonEvent):
    """The discharge plan scored item by item (0 not started, 1 in progress, 2 in place)."""

    TOPIC = f"{_TOPIC}.DischargePlanScored"
    scores: dict[str, int]
    note: str | None

    def apply(self, person: Person) -> None:
        if person.admission is not None:
            merged = {**person.admission.plan_scores, **self.scores}
            person.admission = person.admission.model_copy(update={"plan_scores": merged})


class LegalStatusChanged(PersonEvent):
    """Detention starts, ends or changes section during a stay."""

    TOPIC = f"{_TOPIC}.LegalStatusChanged"
    legal_status: LegalStatus
    detained_under: str | None

    def apply(self, person: Person) -> None:
        if person.admission is not None:
            person.admission = person.admission.model_copy(
                update={
                    "legal_status": LegalStatus(self.legal_status),
                    "detained_under": self.detained_under,
                }
            )


class Discharged(PersonEvent):
    TOPIC = f"{_TOPIC}.Discharged"
    destination: DischargeDestination
    rating: Rating | None

    def apply(self, person: Person) -> None:
        if person.admission is not None:
            person.last_stay_started_on = person.admission.total_stay_started_on
        person.admission = None
        person.last_discharged_on = self.effective_on
        person.last_discharge_destination = DischargeDestination(self.destination)
        if self.rating is not None:
            _set_rating(person, self.rating, self.effective_on)


class PlacementChanged(PersonEvent):
    TOPIC = f"{_TOPIC}.PlacementChanged"
    placement: Placement

    def apply(self, person: Person) -> None:
        person.placement = self.placement


class ViewsRecorded(PersonEvent):
    """Version 2 added each supporter's view by name; every view joins the history."""

    TOPIC = f"{_TOPIC}.ViewsRecorded"
    class_version = 2
    views: Views
    supporters: tuple[SupporterView, ...]

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        state["supporters"] = ()

    def apply(self, person: Person) -> None:
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

    def apply(self, person: Person) -> None:
        person.risk_factors = tuple(RiskFactor(f) for f in self.risk_factors)
        if self.risk_factors:  # a risk named outside a rating review: not yet judged managed
            person.risk_recorded_on = self.effective_on


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

    def apply(self, person: Person) -> None:
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

    def apply(self, person: Person) -> None:
        member = person.team.get(self.involvement_id)
        if member is not None:
            ended = member.model_copy(update={"ended_on": self.effective_on})
            person.team = {**person.team, self.involvement_id: ended}


class MitigationRecorded(PersonEvent):
    """Something tried to mitigate risk, or something that could help further (seed 002)."""

    TOPIC = f"{_TOPIC}.MitigationRecorded"
    mitigation: Mitigation

    def apply(self, person: Person) -> None:
        person.mitigations = (*person.mitigations, self.mitigation)


class ActionAdded(PersonEvent):
    """An action on the standing action plan, apart from any review (seed 002)."""

    TOPIC = f"{_TOPIC}.ActionAdded"
    action: ReviewAction

    def apply(self, person: Person) -> None:
        person.actions = {**person.actions, self.action.action_id: self.action}


class ActionStatusChanged(PersonEvent):
    TOPIC = f"{_TOPIC}.ActionStatusChanged"
    action_id: str
    status: ActionStatus
    note: str | None

    def apply(self, person: Person) -> None:
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


class RecommendationRecorded(PersonEvent):
    TOPIC = f"{_TOPIC}.RecommendationRecorded"
    recommendation: Recommendation

    def apply(self, person: Person) -> None:
        person.recommendations = (*person.recommendations, self.recommendation)


class NeedsRecorded(PersonEvent):
    """What the person needs to move home, coded; replaces the earlier set (seeds 001, 004)."""

    TOPIC = f"{_TOPIC}.NeedsRecorded"
    needs: tuple[Need, ...]
    note: str | None

    def apply(self, person: Person) -> None:
        person.needs = tuple(self.needs)
        person.needs_note = self.note


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


class LegalHoldPlaced(PersonEvent):
    """The record must be kept whatever its retention: a claim, an inquiry, a court
    order. Neither the retention job nor a request can erase it while held (issue 15)."""

    TOPIC = f"{_TOPIC}.LegalHoldPlaced"
    reference: str | None
    reason: str

    def apply(self, person: Person) -> None:
        person.legal_hold = True


class LegalHoldLifted(PersonEvent):
    TOPIC = f"{_TOPIC}.LegalHoldLifted"
    reason: str

    def apply(self, person: Person) -> None:
        person.legal_hold = False


class Erased(PersonEvent):
    """The person's key is destroyed once every read model has seen this event: their
    identifying details and free text are then gone from every copy, while the rest of
    the history replays (issue 15). The rule, basis and reference stay in the clear."""

    TOPIC = f"{_TOPIC}.Erased"
    rule: ErasureRule
    basis: ErasureBasis | None
    reference: str | None
    retention_years: int | None
    eligible_on: date | None

    def apply(self, person: Person) -> None:
        for name, value in list(vars(person).items()):
            if name.startswith("_"):
                continue
            if name in PERSONAL_STATE:
                setattr(person, name, ERASED if value is not None else None)
            else:
                setattr(person, name, erased(value))
        person.erased_on = self.effective_on
        person.erasure_rule = str(self.rule)


def _care_record_defaults(person: Person) -> None:
    """State added by issue 13; the Snapshot restores the same defaults for old snapshots."""
    for name, empty in CARE_RECORD_DEFAULTS:
        setattr(person, name, empty() if callable(empty) else empty)


CARE_RECORD_DEFAULTS: tuple[tuple[str, Any], ...] = (
    ("team", dict),
    ("view_history", ()),
    ("mitigations", ()),
    ("recommendations", ()),
    ("needs", ()),
    ("needs_note", None),
    ("last_discharge_destination", None),
    ("last_stay_started_on", None),
    ("legal_hold", False),
    ("last_closed_on", None),
    ("erased_on", None),
    ("erasure_rule", None),
)


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
    person.last_closed_on = on


EVENTS: tuple[type[PersonEvent], ...] = (
    NoLongerReadyForDischarge,
    DischargeBarriersRecorded,
    PlannedDischargeDateSet,
    DischargePlanScored,
    LegalStatusChanged,
    ProfessionalInvolvementEnded,
    MitigationRecorded,
    ActionAdded,
    ActionStatusChanged,
    RecommendationRecorded,
    NeedsRecorded,
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
    LegalHoldPlaced,
    LegalHoldLifted,
    Erased,
)
