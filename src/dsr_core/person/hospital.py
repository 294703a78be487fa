"""The Person's hospital-stay commands: admission, readiness, delays, discharge, and the
placement they live in.

Recorded for any inpatient, on the register or not: C(E)TRs and visits are owed from
admission to discharge whatever the register status (NHS-1; rules.check_active_or_in_hospital).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Self
from uuid import uuid4

from dsr_core.domain import hospital_rules, rules
from dsr_core.domain.codes import (
    AdmissionType,
    DischargeDestination,
    LegalStatus,
    RemovalReason,
    Scheme,
    Status,
)
from dsr_core.domain.discharge import admission_type
from dsr_core.domain.values import HospitalStay, PersonDetails, Placement, Rating
from dsr_core.person import events
from dsr_core.person.stamp import Stamp
from dsr_core.person.state import PersonState, check_effective


class HospitalCommands(PersonState):
    def admit(self, *, stay: HospitalStay, by: Stamp) -> None:
        """Admission sets the inpatient rating for people on the register (seed 003).

        The stay is dated as it happened, before any referral if so: a spell is checked
        against birth, the future and the record's other stays, never the referral
        (domain.md, "Hospital episodes"); the admission type comes from `_typed`.
        """
        rules.check_status(
            self.status,
            (Status.REFERRED, Status.ON_REGISTER, Status.NOT_REFERRED),
            "record an admission",
        )
        hospital_rules.check_not_admitted(self.admission)
        self._check_effective(
            stay.admitted_on,
            by,
            "admitted_on",
            after=self.last_discharged_on,
            what="last discharge",
        )
        if self.status is Status.ON_REGISTER:  # the rating in force was set outside hospital
            rules.check_not_before(
                stay.admitted_on, self.rating_since, "admitted_on", "current rating"
            )
        hospital_rules.check_detention(stay.legal_status, stay.detained_under, self.scheme)
        stay = self._typed(stay)
        rating = None
        if self.status is Status.ON_REGISTER and self.rating != self.inpatient_rating():
            rating = self.inpatient_rating()  # unchanged across a transfer, and its date too
        self._trigger(events.Admitted, by, stay.admitted_on, stay=stay, rating=rating)

    @classmethod
    def notify_inpatient(
        cls,
        *,
        area: str,
        scheme: Scheme,
        details: PersonDetails,
        stay: HospitalStay,
        notified_by: str,
        by: Stamp,
    ) -> Self:
        """Open a record for an inpatient the area is responsible for, with no referral: the
        stay is dated as it happened, however long ago (domain.md, "Hospital episodes")."""
        rules.check_date_not_in_future(details.born_on, by.today, "details.date_of_birth")
        check_effective(stay.admitted_on, details, by, "admitted_on")
        if stay.stay_started_on is not None:
            check_effective(stay.stay_started_on, details, by, "stay_started_on")
        hospital_rules.check_detention(stay.legal_status, stay.detained_under, scheme)
        kind = hospital_rules.check_admission_type(
            stay.admission_type, AdmissionType.FIRST, stay.stay_started_on, stay.admitted_on
        )
        return cls._create(
            events.InpatientNotified,
            id=uuid4(),
            timestamp=by.recorded_at,
            actor=by.actor,
            effective_on=stay.admitted_on,
            area=area,
            scheme=scheme,
            details=details,
            stay=stay.model_copy(update={"admission_type": kind}),
            notified_by=notified_by,
        )

    def _typed(self, stay: HospitalStay) -> HospitalStay:
        """The stay with its admission type worked out from the record; a transfer keeps
        the stay's start, so length of stay runs across transfers;  `stay.admission_type`
        and `stay.stay_started_on` may add what the record cannot know
        (hospital_rules.check_admission_type)."""
        derived = admission_type(
            stay.admitted_on, self.last_discharged_on, self.last_discharge_destination
        )
        kind = hospital_rules.check_admission_type(
            stay.admission_type, derived, stay.stay_started_on, stay.admitted_on
        )
        started = stay.stay_started_on
        if kind is AdmissionType.TRANSFER and derived is AdmissionType.TRANSFER:
            started = self.last_stay_started_on or self.last_discharged_on
        return stay.model_copy(update={"admission_type": kind, "stay_started_on": started})

    def change_legal_status(
        self, *, changed_on: date, legal_status: LegalStatus, detained_under: str | None, by: Stamp
    ) -> None:
        rules.check_active_or_in_hospital(self.status, self.admission)
        admission = hospital_rules.check_admitted(self.admission)
        self._check_effective(
            changed_on, by, "changed_on", after=admission.admitted_on, what="admission"
        )
        hospital_rules.check_detention(legal_status, detained_under, self.scheme)
        self._trigger(
            events.LegalStatusChanged,
            by,
            changed_on,
            legal_status=legal_status,
            detained_under=detained_under,
        )

    def set_planned_discharge_date(
        self, *, planned_on: date | None, recorded_on: date, reason: str | None, by: Stamp
    ) -> None:
        """Set, move (with a reason) or withdraw the planned date; it may lie in the future,
        never before the admission (domain.md, "Discharge planning")."""
        rules.check_active_or_in_hospital(self.status, self.admission)
        admission = hospital_rules.check_admitted(self.admission)
        self._check_effective(
            recorded_on, by, "recorded_on", after=admission.admitted_on, what="admission"
        )
        if planned_on is not None:
            rules.check_not_before(planned_on, admission.admitted_on, "planned_on", "admission")
        hospital_rules.check_reason_to_move(admission.planned_discharge_on, reason)
        self._trigger(
            events.PlannedDischargeDateSet, by, recorded_on, planned_on=planned_on, reason=reason
        )

    def score_discharge_plan(
        self,
        *,
        scores: Mapping[str, int],
        items: Mapping[str, str],
        recorded_on: date,
        note: str | None,
        by: Stamp,
    ) -> None:
        rules.check_active_or_in_hospital(self.status, self.admission)
        admission = hospital_rules.check_admitted(self.admission)
        self._check_effective(
            recorded_on, by, "recorded_on", after=admission.admitted_on, what="admission"
        )
        hospital_rules.check_plan_items(scores, items)
        self._trigger(events.DischargePlanScored, by, recorded_on, scores=dict(scores), note=note)

    def record_discharge_barriers(
        self, *, barriers: Sequence[str], recorded_on: date, note: str | None, by: Stamp
    ) -> None:
        rules.check_active_or_in_hospital(self.status, self.admission)
        admission = hospital_rules.check_admitted(self.admission)
        self._check_effective(
            recorded_on, by, "recorded_on", after=admission.admitted_on, what="admission"
        )
        for index, code in enumerate(barriers):
            hospital_rules.check_delay_code(code, self.scheme, f"barriers[{index}]", recorded_on)
        self._trigger(
            events.DischargeBarriersRecorded, by, recorded_on, barriers=tuple(barriers), note=note
        )

    def mark_no_longer_ready(self, *, on: date, reason: str, by: Stamp) -> None:
        """The delay stops: the person needs hospital care again (domain.md)."""
        rules.check_active_or_in_hospital(self.status, self.admission)
        admission = hospital_rules.check_admitted(self.admission)
        ready_on = hospital_rules.check_ready_for_discharge(admission, field="no_longer_ready_on")
        self._check_effective(
            on, by, "no_longer_ready_on", after=ready_on, what="ready-for-discharge date"
        )
        self._trigger(events.NoLongerReadyForDischarge, by, on, reason=reason)

    def mark_ready_for_discharge(self, *, ready_on: date, by: Stamp) -> None:
        rules.check_active_or_in_hospital(self.status, self.admission)
        admission = hospital_rules.check_admitted(self.admission)
        self._check_effective(
            ready_on, by, "ready_on", after=admission.admitted_on, what="admission"
        )
        self._trigger(events.ReadyForDischarge, by, ready_on)

    def record_discharge_delay(
        self, *, recorded_on: date, delay_reason: str, note: str | None, by: Stamp
    ) -> None:
        """A delay is a stay beyond the clinically-ready date, so that date comes first. The
        reason, coded with the nation's list, is in force from `recorded_on` until the next."""
        rules.check_active_or_in_hospital(self.status, self.admission)
        admission = hospital_rules.check_admitted(self.admission)
        ready_on = hospital_rules.check_ready_for_discharge(admission)
        self._check_effective(
            recorded_on, by, "recorded_on", after=ready_on, what="ready-for-discharge date"
        )
        hospital_rules.check_delay_code(delay_reason, self.scheme, "delay_reason", recorded_on)
        self._trigger(
            events.DischargeDelayed, by, recorded_on, delay_reason=delay_reason, note=note
        )

    def discharge(
        self,
        *,
        discharged_on: date,
        destination: DischargeDestination,
        rating: Rating | None,
        by: Stamp,
    ) -> None:
        """Discharge must set a non-inpatient rating for people on the register (seed 003).

        A death in hospital also closes the register period.
        """
        rules.check_active_or_in_hospital(self.status, self.admission)
        admission = hospital_rules.check_admitted(self.admission)
        self._check_effective(
            discharged_on, by, "discharged_on", after=admission.admitted_on, what="admission"
        )
        if self.status is Status.ON_REGISTER:  # the inpatient rating began at acceptance
            rules.check_not_before(
                discharged_on, self.rating_since, "discharged_on", "current rating"
            )
        died = destination is DischargeDestination.DIED
        transfer = destination is DischargeDestination.ANOTHER_MH_LD_BED
        hospital_rules.check_discharge_rating(
            rating, self.status, died, self.scheme, self.placement, transfer=transfer
        )
        self._trigger(events.Discharged, by, discharged_on, destination=destination, rating=rating)
        if died and self.status in (Status.REFERRED, Status.ON_REGISTER):
            self._trigger(
                events.Removed, by, discharged_on, reason_code=RemovalReason.DIED, reason=None
            )

    def change_placement(self, *, placement: Placement, by: Stamp) -> None:
        rules.check_is_active(self.status)
        self._check_effective(placement.started_on, by, "started_on")
        self._trigger(events.PlacementChanged, by, placement.started_on, placement=placement)
