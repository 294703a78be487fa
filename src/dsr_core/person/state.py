"""The Person's state, declared once, and what every command and event relies on.

The command modules (referral, hospital, care_record, reviews, retention) are classes over
`PersonState`, composed into `Person` (aggregate.py); the events (events/) change this
state. Nothing here imports them, so the package has no import circle.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar
from uuid import NAMESPACE_URL, uuid5

from eventsourcing.domain import Aggregate

from dsr_core.domain import rules
from dsr_core.domain.care_record import (
    Mitigation,
    Need,
    Recommendation,
    ReviewAction,
    ReviewRecord,
    RiskManagement,
    SafeguardingNote,
    TeamMember,
    ViewEntry,
    Views,
)
from dsr_core.domain.codes import (
    DischargeDestination,
    ProfessionalRole,
    RatingLevel,
    ReferralCriterion,
    RiskFactor,
    Scheme,
    Setting,
    Status,
    UrgentReason,
)
from dsr_core.domain.values import (
    Actor,
    Consent,
    HospitalStay,
    Involvement,
    PersonDetails,
    Placement,
    Rating,
)
from dsr_core.person.stamp import Stamp

_TOPIC = "dsr.person"


class PersonEvent(Aggregate.Event):
    """Every Person event: who recorded it, and the day it happened (its effective date)."""

    TOPIC: ClassVar[str]
    """Set on each concrete event: its stored name, which never changes."""

    actor: Actor
    effective_on: date


class PersonCreated(Aggregate.Created, PersonEvent):
    TOPIC = f"{_TOPIC}.Created"


class PersonState(Aggregate):
    """One person's record on one area's register, across all their periods on it."""

    # Set by the events (annotations hidden from the library's metaclass, which would
    # otherwise make them constructor arguments).
    if TYPE_CHECKING:
        area: str
        scheme: Scheme
        details: PersonDetails
        status: Status
        period: int
        referred_on: date | None
        """None while the person is known only as an inpatient (Status.NOT_REFERRED)."""
        first_referred_on: date | None
        first_admitted_on: date | None
        """The earliest admission on record: a stay may begin years before any referral."""
        removal_kept_on: date | None
        """The last decision to keep a Green person on the register after considering removal."""
        keyworker_levels_since: date | None
        """When the current run of Red, Amber or Blue began: the keyworker duty, owed at each
        of them, keeps its date across a change between them."""
        rating_decided_on: date | None
        """The last rating decision (a change or a re-confirmation)."""
        consent_refused_on: date | None
        """The person (or whoever decides for them) refused consent to this referral: the
        inpatient list shows it, and DSR-only content stays hidden."""
        referral_source: tuple[str | None, str | None]
        """England: the current period's referral reason and who referred (issue 27)."""
        referrer_told_on: date | None
        """When the referrer was told this period's decision (domain.md: even when declined)."""
        criteria: tuple[ReferralCriterion, ...]
        accepted_on: date | None
        consent: Consent | None
        involvement: Involvement | None
        cetr_offered_on: date | None
        cetr_declined: tuple[date, ...]
        services: dict[str, tuple[date, date | None]]
        ehc_plan: bool
        objects_to_national_sharing: bool
        rating: Rating | None
        rating_since: date | None
        admission: HospitalStay | None
        last_discharged_on: date | None
        placement: Placement | None
        views: Views | None
        risk_factors: tuple[RiskFactor, ...]
        risk_factors_since: dict[str, date]
        """When each current risk factor was first recorded in its present run."""
        safeguarding_notes: tuple[SafeguardingNote, ...]
        emergency_grants: tuple[tuple[str, str], ...]
        """Emergency ("break glass") grants: the user and when it lapses (ISO time)."""
        risk_management: dict[str, RiskManagement]
        """Who manages each current risk factor (issue 27); absent: nobody recorded yet."""
        team: dict[str, TeamMember]
        view_history: tuple[ViewEntry, ...]
        mitigations: tuple[Mitigation, ...]
        recommendations: tuple[Recommendation, ...]
        needs: tuple[Need, ...]
        needs_note: str | None
        last_discharge_destination: DischargeDestination | None
        last_stay_started_on: date | None
        reviews: list[ReviewRecord]
        actions: dict[str, ReviewAction]
        closed_on: date | None
        closure_reason: str | None
        legal_hold: bool
        last_closed_on: date | None
        """When a period last closed, kept while a later one is open (retention)."""
        erased_on: date | None
        erasure_rule: str | None

    @property
    def setting(self) -> Setting:
        if self.admission is not None:
            return Setting.IN_HOSPITAL
        if self.placement is not None and self.placement.out_of_area:
            return Setting.OUT_OF_AREA_PLACEMENT
        return Setting.COMMUNITY_AT_RISK

    def current_team(self) -> list[TeamMember]:
        return [m for m in self.team.values() if m.ended_on is None]

    @property
    def lead_professional(self) -> TeamMember | None:
        """The lead professional whose involvement started last and has not ended."""
        leads = [m for m in self.current_team() if m.role is ProfessionalRole.LEAD_PROFESSIONAL]
        return max(leads, key=lambda m: m.started_on or date.min, default=None)

    def inpatient_rating(self) -> Rating:
        if self.scheme is Scheme.ENGLAND_RAG:
            return Rating(level=RatingLevel.BLUE)
        return Rating(level=RatingLevel.URGENT, urgent_reason=UrgentReason.IN_HOSPITAL)

    def _check_rating(self, rating: Rating) -> None:
        rules.check_rating_in_scheme(rating, self.scheme)
        rules.check_rating_matches_episode(rating, in_hospital=self.admission is not None)
        rules.check_rating_fits_placement(rating, self.placement)

    def _check_effective(
        self,
        day: date,
        by: Stamp,
        field: str,
        *,
        after: date | None = None,
        what: str = "",
    ) -> None:
        check_effective(day, self.details, by, field)
        rules.check_not_before(day, after, field, what)

    def _new_id(self) -> str:
        """An id for something recorded on this person, stable under replay."""
        return str(uuid5(NAMESPACE_URL, f"dsr:{self.id}:{self.version + 1}"))

    def _trigger(
        self, event_class: type[PersonEvent], by: Stamp, effective_on: date, **kwargs: Any
    ) -> None:
        self.trigger_event(
            event_class,
            timestamp=by.recorded_at,
            actor=by.actor,
            effective_on=effective_on,
            **kwargs,
        )


def check_effective(day: date, details: PersonDetails, by: Stamp, field: str) -> None:
    """An effective date is never in the future, nor before the person was born."""
    rules.check_date_not_in_future(day, by.today, field)
    rules.check_date_not_before_birth(day, details, field)


def raised_on(action_id: str, action: ReviewAction, reviews: list[ReviewRecord]) -> date | None:
    """When an action was raised: on the standing plan, or at the review it came from."""
    return action.raised_on or next(
        (r.held_on for r in reviews if action_id.startswith(r.review_id)), None
    )


def care_record_defaults(person: PersonState) -> None:
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
    ("first_admitted_on", None),
    ("removal_kept_on", None),
    ("keyworker_levels_since", None),
    ("rating_decided_on", None),
    ("consent_refused_on", None),
    ("referral_source", (None, None)),
    ("referrer_told_on", None),
    ("risk_factors_since", dict),
    ("risk_management", dict),
    ("safeguarding_notes", ()),
    ("emergency_grants", ()),
    ("legal_hold", False),
    ("last_closed_on", None),
    ("erased_on", None),
    ("erasure_rule", None),
)


def set_rating(person: PersonState, rating: Rating, since: date) -> None:
    """A rating that re-confirms the current level keeps the day that level began: the
    Green clock and the Red and Amber deadlines run from it (domain.md, "Status and rating")."""
    current = person.rating
    if current != rating or person.rating_since is None:
        person.rating_since = since
    if rating.level not in KEYWORKER_LEVELS:
        person.keyworker_levels_since = None
    elif current is None or current.level not in KEYWORKER_LEVELS:
        person.keyworker_levels_since = since
    person.rating = rating
    person.rating_decided_on = since


KEYWORKER_LEVELS = frozenset({RatingLevel.RED, RatingLevel.AMBER, RatingLevel.BLUE})


def start_record(person: PersonState, area: str, scheme: Scheme, details: PersonDetails) -> None:
    """A new record's empty state, whichever event opened it (a referral or an inpatient
    notification)."""
    person.area = area
    person.scheme = Scheme(scheme)
    person.details = details
    person.period = 0
    person.referred_on = None
    person.first_referred_on = None
    care_record_defaults(person)
    _clear_period(person, Status.NOT_REFERRED, ())
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


def note_admission(person: PersonState, stay: HospitalStay) -> None:
    started = stay.total_stay_started_on
    if person.first_admitted_on is None or started < person.first_admitted_on:
        person.first_admitted_on = started


def note_risk_factors(person: PersonState, factors: Iterable[str], on: date) -> None:
    """The current risk factors: one still recorded keeps the day it began and whoever
    manages it; one dropped loses both, so if it returns it starts again unmanaged."""
    current = tuple(RiskFactor(f) for f in factors)
    since = person.risk_factors_since
    person.risk_factors_since = {str(f): since.get(str(f), on) for f in current}
    person.risk_management = {
        k: v for k, v in person.risk_management.items() if k in person.risk_factors_since
    }
    person.risk_factors = current


def referral_decision(person: PersonState) -> tuple[str, date] | None:
    """This period's decision on the referral and its day: accepted, declined or consent
    refused; None while it waits (or for an inpatient never referred)."""
    if person.accepted_on is not None:
        return "accepted", person.accepted_on
    if person.status is Status.DECLINED and person.closed_on is not None:
        return "declined", person.closed_on
    if person.consent_refused_on is not None:
        return "consent_refused", person.consent_refused_on
    return None


def record_began(person: PersonState) -> date | None:
    """The earliest day the record speaks of: its first referral or its first admission."""
    days = [d for d in (person.first_referred_on, person.first_admitted_on) if d is not None]
    return min(days, default=None)


def open_period(person: PersonState, referred_on: date, criteria: Iterable[str]) -> None:
    person.referred_on = referred_on
    if person.first_referred_on is None:
        person.first_referred_on = referred_on
    _clear_period(person, Status.REFERRED, criteria)


def _clear_period(person: PersonState, status: Status, criteria: Iterable[str]) -> None:
    """A register period's state as it starts: nothing decided yet."""
    person.status = status
    person.criteria = tuple(ReferralCriterion(c) for c in criteria)
    person.accepted_on = None
    person.consent = None
    person.consent_refused_on = None
    person.referrer_told_on = None
    person.rating = None
    person.rating_since = None
    person.keyworker_levels_since = None
    person.closed_on = None
    person.closure_reason = None


def close_period(person: PersonState, status: Status, on: date, reason: str) -> None:
    person.status = status
    person.rating = None
    person.rating_since = None
    person.keyworker_levels_since = None
    person.closed_on = on
    person.closure_reason = reason
    person.last_closed_on = on
