"""The Person aggregate: one person's record on one area's register.

Its command methods take primitive values, check the named rules (rules.py) and trigger
events (person_events.py), whose `apply` only changes state: stored events replay even
after a rule changes. `Person.Referred` and the like name those event classes here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from uuid import NAMESPACE_URL, uuid4, uuid5

from eventsourcing.domain import Aggregate
from eventsourcing.domain import Snapshot as LibrarySnapshot
from eventsourcing.utils import register_topic

from dsr_core.domain import rules
from dsr_core.domain.values import (
    Actor,
    Consent,
    DeclineReason,
    DischargeDestination,
    HospitalStay,
    Involvement,
    Mitigation,
    Need,
    PersonDetails,
    Placement,
    Professional,
    ProfessionalRole,
    Rating,
    RatingLevel,
    Recommendation,
    ReferralCriterion,
    RemovalReason,
    ReviewAction,
    ReviewRecord,
    RiskFactor,
    Scheme,
    Setting,
    Status,
    SupporterView,
    TeamMember,
    UrgentReason,
    ViewEntry,
    Views,
)
from dsr_core.person import events as events
from dsr_core.person.care import CareCommands
from dsr_core.person.care_record import RecordCommands
from dsr_core.person.hospital import HospitalCommands
from dsr_core.person.retention import RetentionCommands

_TOPIC = "dsr.person"


@dataclass(frozen=True)
class Stamp:
    """Who acts, when it is recorded, and what "today" is where they work."""

    actor: Actor
    recorded_at: datetime
    today: date


class Person(RecordCommands, CareCommands, HospitalCommands, RetentionCommands, Aggregate):
    """One person's record on one area's register, across all their periods on it."""

    TOPIC = f"{_TOPIC}.Person"

    # State, set by the events below (annotations hidden from the metaclass, which
    # would otherwise turn them into constructor arguments).
    if TYPE_CHECKING:
        area: str
        scheme: Scheme
        details: PersonDetails
        status: Status
        period: int
        referred_on: date
        first_referred_on: date
        criteria: tuple[ReferralCriterion, ...]
        accepted_on: date | None
        consent: Consent | None
        involvement: Involvement | None
        cetr_offered_on: date | None
        cetr_declined: tuple[date, ...]
        services: dict[str, tuple[date, date | None]]
        ehc_plan: bool
        risk_recorded_on: date | None
        objects_to_national_sharing: bool
        rating: Rating | None
        rating_since: date | None
        admission: HospitalStay | None
        last_discharged_on: date | None
        placement: Placement | None
        views: Views | None
        risk_factors: tuple[RiskFactor, ...]
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

    Event = events.PersonEvent
    Created = events.PersonCreated

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
                ("risk_recorded_on", None),
            ):
                if not hasattr(person, name):  # snapshots taken before it was kept
                    setattr(person, name, empty)
            person.cetr_declined = tuple(person.cetr_declined)
            person.services = {k: (v[0], v[1]) for k, v in person.services.items()}
            _restore_care_record(person)
            return person

    # ----------------------------------------------------------------- events
    # (person_events.py; here so that Person.Referred and the like read naturally)

    Referred = events.Referred
    ReferralDeclined = events.ReferralDeclined
    ConsentRecorded = events.ConsentRecorded
    ConsentWithdrawn = events.ConsentWithdrawn
    ConsentRefused = events.ConsentRefused
    InvolvementRecorded = events.InvolvementRecorded
    CetrOffered = events.CetrOffered
    CetrDeclined = events.CetrDeclined
    ServiceReferred = events.ServiceReferred
    ServiceStarted = events.ServiceStarted
    EhcPlanRecorded = events.EhcPlanRecorded
    NationalDataObjectionRecorded = events.NationalDataObjectionRecorded
    Accepted = events.Accepted
    RatingChanged = events.RatingChanged
    Admitted = events.Admitted
    ReadyForDischarge = events.ReadyForDischarge
    DischargeDelayed = events.DischargeDelayed
    Discharged = events.Discharged
    PlacementChanged = events.PlacementChanged
    ViewsRecorded = events.ViewsRecorded
    RiskFactorsRecorded = events.RiskFactorsRecorded
    ProfessionalAssigned = events.ProfessionalAssigned
    ReviewHeld = events.ReviewHeld
    ActionCompleted = events.ActionCompleted
    NoLongerReadyForDischarge = events.NoLongerReadyForDischarge
    DischargeBarriersRecorded = events.DischargeBarriersRecorded
    PlannedDischargeDateSet = events.PlannedDischargeDateSet
    DischargePlanScored = events.DischargePlanScored
    LegalStatusChanged = events.LegalStatusChanged
    ProfessionalInvolvementEnded = events.ProfessionalInvolvementEnded
    MitigationRecorded = events.MitigationRecorded
    ActionAdded = events.ActionAdded
    ActionStatusChanged = events.ActionStatusChanged
    RecommendationRecorded = events.RecommendationRecorded
    NeedsRecorded = events.NeedsRecorded
    DetailsCorrected = events.DetailsCorrected
    Transferred = events.Transferred
    Removed = events.Removed
    ReReferred = events.ReReferred
    LegalHoldPlaced = events.LegalHoldPlaced
    LegalHoldLifted = events.LegalHoldLifted
    Erased = events.Erased

    # --------------------------------------------------------------- commands

    @classmethod
    def refer(
        cls,
        *,
        area: str,
        scheme: Scheme,
        details: PersonDetails,
        referred_on: date,
        criteria: Sequence[ReferralCriterion],
        referred_by: str,
        reason: str,
        by: Stamp,
    ) -> Person:
        rules.check_date_not_in_future(details.born_on, by.today, "details.date_of_birth")
        _check_effective(referred_on, details, by, "referred_on")
        rules.check_scheme_accepts_age(details, referred_on, scheme)
        return cls._create(
            cls.Referred,
            id=uuid4(),
            timestamp=by.recorded_at,
            actor=by.actor,
            effective_on=referred_on,
            area=area,
            scheme=scheme,
            details=details,
            criteria=tuple(criteria),
            referred_by=referred_by,
            reason=reason,
        )

    def decline(
        self, *, declined_on: date, reason_code: DeclineReason, reason: str, by: Stamp
    ) -> None:
        rules.check_status(self.status, (Status.REFERRED,), "decline a referral")
        self._check_effective(
            declined_on, by, "declined_on", after=self.referred_on, what="referral"
        )
        self._trigger(
            self.ReferralDeclined, by, declined_on, reason_code=reason_code, reason=reason
        )

    def record_consent(self, *, consent: Consent, by: Stamp) -> None:
        rules.check_status(self.status, (Status.REFERRED, Status.ON_REGISTER), "record consent")
        self._check_effective(consent.decided_on, by, "decided_on")
        rules.check_lawful_basis_applies(consent, self.details, self.scheme)
        self._trigger(self.ConsentRecorded, by, consent.decided_on, consent=consent)

    def withdraw_consent(self, *, withdrawn_on: date, reason: str | None, by: Stamp) -> None:
        """Consent can be withdrawn at any time, in hospital too; the person leaves (seed 002)."""
        rules.check_status(self.status, (Status.REFERRED, Status.ON_REGISTER), "withdraw consent")
        rules.check_scheme_takes_consent(self.scheme)
        self._check_effective(
            withdrawn_on, by, "withdrawn_on", after=self.referred_on, what="referral"
        )
        rules.check_not_before(withdrawn_on, self.accepted_on, "withdrawn_on", "acceptance")
        self._trigger(self.ConsentWithdrawn, by, withdrawn_on, reason=reason)
        self._trigger(
            self.Removed, by, withdrawn_on, reason_code=RemovalReason.CONSENT_WITHDRAWN, reason=None
        )

    def record_national_data_objection(
        self, *, objects: bool, recorded_on: date, reason: str | None, by: Stamp
    ) -> None:
        """An objection to national sharing is honoured whatever the register status (domain.md)."""
        self._check_effective(recorded_on, by, "recorded_on")
        self._trigger(
            self.NationalDataObjectionRecorded, by, recorded_on, objects=objects, reason=reason
        )

    def accept(self, *, accepted_on: date, rating: Rating, reason: str | None, by: Stamp) -> None:
        rules.check_status(self.status, (Status.REFERRED,), "accept")
        self._check_effective(
            accepted_on, by, "accepted_on", after=self.referred_on, what="referral"
        )
        if self.scheme is Scheme.ENGLAND_RAG:  # Scotland records everyone in scope
            consent = rules.check_has_lawful_basis(self.consent)
            rules.check_not_before(
                accepted_on, consent.decided_on, "accepted_on", "consent it relies on"
            )
        self._check_rating(rating)
        self._trigger(self.Accepted, by, accepted_on, rating=rating, reason=reason)

    def change_rating(
        self,
        *,
        changed_on: date,
        rating: Rating,
        reason: str,
        risk_factors: Sequence[RiskFactor],
        by: Stamp,
    ) -> None:
        rules.check_status(self.status, (Status.ON_REGISTER,), "change the rating")
        self._check_effective(
            changed_on, by, "changed_on", after=self.rating_since, what="current rating"
        )
        self._check_rating(rating)
        self._trigger(
            self.RatingChanged,
            by,
            changed_on,
            rating=rating,
            reason=reason,
            # Naming none keeps those recorded (domain.md, "Status and rating").
            risk_factors=tuple(risk_factors) or self.risk_factors,
        )

    def change_placement(self, *, placement: Placement, by: Stamp) -> None:
        rules.check_is_active(self.status)
        self._check_effective(placement.started_on, by, "started_on")
        self._trigger(self.PlacementChanged, by, placement.started_on, placement=placement)

    def record_views(
        self,
        *,
        views: Views,
        recorded_on: date,
        by: Stamp,
        supporters: Sequence[SupporterView] = (),
    ) -> None:
        """Views join a history: a later view never overwrites an earlier one (seed 001)."""
        rules.check_is_active(self.status)
        self._check_effective(recorded_on, by, "recorded_on")
        rules.check_some_view(views, supporters)
        self._trigger(
            self.ViewsRecorded, by, recorded_on, views=views, supporters=tuple(supporters)
        )

    def record_risk_factors(
        self,
        *,
        risk_factors: Sequence[RiskFactor],
        recorded_on: date,
        note: str | None,
        by: Stamp,
    ) -> None:
        rules.check_is_active(self.status)
        self._check_effective(recorded_on, by, "recorded_on")
        self._trigger(
            self.RiskFactorsRecorded, by, recorded_on, risk_factors=tuple(risk_factors), note=note
        )

    def assign_professional(
        self, *, professional: Professional, assigned_on: date, by: Stamp
    ) -> str:
        """Adds an involvement; others in the same role go on until ended. Returns its id."""
        rules.check_active_or_in_hospital(self.status, self.admission)
        self._check_effective(assigned_on, by, "assigned_on")
        involvement_id = self._new_id()
        self._trigger(
            self.ProfessionalAssigned,
            by,
            assigned_on,
            professional=professional,
            involvement_id=involvement_id,
        )
        return involvement_id

    def correct_details(
        self, *, details: PersonDetails, corrected_on: date, reason: str, by: Stamp
    ) -> None:
        """Corrections are new events: the earlier details stay in the history."""
        rules.check_is_active(self.status)
        rules.check_date_not_in_future(details.born_on, by.today, "details.date_of_birth")
        rules.check_birth_before_record(details, self.first_referred_on)
        rules.check_national_numbers_kept(self.details, details)
        self._check_effective(corrected_on, by, "corrected_on")
        self._trigger(self.DetailsCorrected, by, corrected_on, details=details, reason=reason)

    def transfer(
        self, *, to_area: str, to_scheme: Scheme, transferred_on: date, reason: str, by: Stamp
    ) -> None:
        """Funding responsibility moves to another area of the same nation."""
        rules.check_status(self.status, (Status.ON_REGISTER,), "transfer")
        self._check_effective(transferred_on, by, "transferred_on")
        rules.check_transfer(self.area, to_area, self.scheme, to_scheme)
        self._trigger(
            self.Transferred,
            by,
            transferred_on,
            from_area=self.area,
            to_area=to_area,
            reason=reason,
        )

    def remove(
        self, *, removed_on: date, reason_code: RemovalReason, reason: str | None, by: Stamp
    ) -> None:
        rules.check_status(self.status, (Status.REFERRED, Status.ON_REGISTER), "remove")
        rules.check_discharged_before_removal(self.admission, reason_code)
        self._check_effective(removed_on, by, "removed_on", after=self.referred_on, what="referral")
        rules.check_not_before(removed_on, self.accepted_on, "removed_on", "acceptance")
        self._trigger(self.Removed, by, removed_on, reason_code=reason_code, reason=reason)

    def re_refer(
        self,
        *,
        referred_on: date,
        criteria: Sequence[ReferralCriterion],
        referred_by: str,
        reason: str,
        by: Stamp,
    ) -> None:
        """Re-referral starts a new period on the same person (domain.md, "Leaving")."""
        rules.check_can_re_refer(self.status)
        self._check_effective(referred_on, by, "referred_on", after=self.closed_on, what="closure")
        rules.check_scheme_accepts_age(self.details, referred_on, self.scheme)
        self._trigger(
            self.ReReferred,
            by,
            referred_on,
            criteria=tuple(criteria),
            referred_by=referred_by,
            reason=reason,
        )

    # ---------------------------------------------------------------- queries

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

    # ---------------------------------------------------------------- helpers

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
        _check_effective(day, self.details, by, field)
        rules.check_not_before(day, after, field, what)

    def _new_id(self) -> str:
        """An id for something recorded on this person, stable under replay."""
        return str(uuid5(NAMESPACE_URL, f"dsr:{self.id}:{self.version + 1}"))

    def _trigger(
        self, event_class: type[events.PersonEvent], by: Stamp, effective_on: date, **kwargs: Any
    ) -> None:
        self.trigger_event(
            event_class,
            timestamp=by.recorded_at,
            actor=by.actor,
            effective_on=effective_on,
            **kwargs,
        )


def _restore_care_record(person: Person) -> None:
    """Snapshots taken before issue 13 hold `professionals` by role and none of the care
    record: read them back as the same state a replay builds."""
    legacy = person.__dict__.pop("professionals", None)
    for name, empty in events.CARE_RECORD_DEFAULTS:
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


def _check_effective(day: date, details: PersonDetails, by: Stamp, field: str) -> None:
    rules.check_date_not_in_future(day, by.today, field)
    rules.check_date_not_before_birth(day, details, field)


# The library registers explicit topics of event classes when an aggregate class is
# defined, but a snapshot class only when a snapshot is first taken. Register ours now,
# so a process that has never taken a snapshot can read one another process wrote.
register_topic(Person.Snapshot.TOPIC, Person.Snapshot)
