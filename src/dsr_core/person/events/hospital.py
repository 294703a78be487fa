"""Events of a hospital stay and where the person lives: admission, readiness, delays,
discharge, placement.

Each `apply` only changes state, so stored events replay after a rule changes; the
rules live in the commands (../hospital.py) and domain/rules. Topics are explicit and
carry no module path.
"""

from __future__ import annotations

from datetime import date

from dsr_core.domain.codes import AdmissionType, DischargeDestination, LegalStatus, Scheme
from dsr_core.domain.discharge import admission_type
from dsr_core.domain.values import (
    Actor,
    DelayMark,
    HospitalStay,
    PersonDetails,
    Placement,
    Rating,
)
from dsr_core.person.state import (
    _TOPIC,
    PersonCreated,
    PersonEvent,
    PersonState,
    note_admission,
    set_rating,
    start_record,
)


class Admitted(PersonEvent):
    TOPIC = f"{_TOPIC}.Admitted"
    stay: HospitalStay
    rating: Rating | None

    def apply(self, person: PersonState) -> None:
        stay = self.stay
        if stay.admission_type is None:  # recorded before issue 13: derive as it would be now
            kind = admission_type(
                stay.admitted_on, person.last_discharged_on, person.last_discharge_destination
            )
            started = person.last_stay_started_on if kind is AdmissionType.TRANSFER else None
            stay = stay.model_copy(update={"admission_type": kind, "stay_started_on": started})
        person.admission = stay
        note_admission(person, stay)
        if self.rating is not None:
            set_rating(person, self.rating, self.effective_on)


class InpatientNotified(PersonCreated):
    """A record opened by an inpatient notification: someone the area is responsible for is
    in a mental-health or learning-disability bed, with no DSR referral (the Assuring
    Transformation scope, issue 27). The C(E)TR and visit duties are owed from the stay's
    start; a referral may follow (ReReferred), or never be made."""

    TOPIC = f"{_TOPIC}.InpatientNotified"
    actor: Actor
    effective_on: date
    area: str
    scheme: Scheme
    details: PersonDetails
    stay: HospitalStay
    notified_by: str

    def apply(self, person: PersonState) -> None:
        start_record(person, self.area, self.scheme, self.details)
        person.admission = self.stay
        note_admission(person, self.stay)


class ReadyForDischarge(PersonEvent):
    TOPIC = f"{_TOPIC}.ReadyForDischarge"

    def apply(self, person: PersonState) -> None:
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

    def apply(self, person: PersonState) -> None:
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

    def apply(self, person: PersonState) -> None:
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

    def apply(self, person: PersonState) -> None:
        if person.admission is not None:
            person.admission = person.admission.model_copy(
                update={"barriers": tuple(self.barriers)}
            )


class PlannedDischargeDateSet(PersonEvent):
    """A planned discharge date set, moved (with why), or withdrawn (None)."""

    TOPIC = f"{_TOPIC}.PlannedDischargeDateSet"
    planned_on: date | None
    reason: str | None

    def apply(self, person: PersonState) -> None:
        if person.admission is not None:
            person.admission = person.admission.model_copy(
                update={"planned_discharge_on": self.planned_on}
            )


class DischargePlanScored(PersonEvent):
    """The discharge plan scored item by item (0 not started, 1 in progress, 2 in place)."""

    TOPIC = f"{_TOPIC}.DischargePlanScored"
    scores: dict[str, int]
    note: str | None

    def apply(self, person: PersonState) -> None:
        if person.admission is not None:
            merged = {**person.admission.plan_scores, **self.scores}
            person.admission = person.admission.model_copy(update={"plan_scores": merged})


class LegalStatusChanged(PersonEvent):
    """Detention starts, ends or changes section during a stay."""

    TOPIC = f"{_TOPIC}.LegalStatusChanged"
    legal_status: LegalStatus
    detained_under: str | None

    def apply(self, person: PersonState) -> None:
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

    def apply(self, person: PersonState) -> None:
        if person.admission is not None:
            person.last_stay_started_on = person.admission.total_stay_started_on
        person.admission = None
        person.last_discharged_on = self.effective_on
        person.last_discharge_destination = DischargeDestination(self.destination)
        if self.rating is not None:
            set_rating(person, self.rating, self.effective_on)


class PlacementChanged(PersonEvent):
    TOPIC = f"{_TOPIC}.PlacementChanged"
    placement: Placement

    def apply(self, person: PersonState) -> None:
        person.placement = self.placement
