"""The Person's hospital-episode commands: admission, readiness, delays and discharge.

A mixin of `Person` (domainmodel.py). These are recorded for any inpatient, on the
register or not: C(E)TRs and visits are owed from admission to discharge whatever the
register status (NHS-1; rules.check_active_or_in_hospital).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from dsr_core import person_events as events
from dsr_core import rules
from dsr_core.person_base import PersonCommandsBase
from dsr_core.values import (
    DelayReason,
    DischargeDestination,
    HospitalStay,
    Placement,
    Rating,
    RemovalReason,
    Scheme,
    Status,
)

if TYPE_CHECKING:
    from dsr_core.domainmodel import Stamp


class HospitalCommands(PersonCommandsBase):
    if TYPE_CHECKING:  # provided by Person
        status: Status
        scheme: Scheme
        referred_on: date
        admission: HospitalStay | None
        last_discharged_on: date | None
        placement: Placement | None
        Admitted: type[events.Admitted]
        ReadyForDischarge: type[events.ReadyForDischarge]
        DischargeDelayed: type[events.DischargeDelayed]
        Discharged: type[events.Discharged]
        Removed: type[events.Removed]

        def inpatient_rating(self) -> Rating: ...

    def admit(self, *, stay: HospitalStay, by: Stamp) -> None:
        """Admission sets the inpatient rating for people on the register (seed 003)."""
        rules.check_status(
            self.status, (Status.REFERRED, Status.ON_REGISTER), "record an admission"
        )
        rules.check_not_admitted(self.admission)
        self._check_effective(
            stay.admitted_on,
            by,
            "admitted_on",
            after=self.last_discharged_on,
            what="last discharge",
        )
        rules.check_not_before(stay.admitted_on, self.referred_on, "admitted_on", "referral")
        rating = self.inpatient_rating() if self.status is Status.ON_REGISTER else None
        self._trigger(self.Admitted, by, stay.admitted_on, stay=stay, rating=rating)

    def mark_ready_for_discharge(self, *, ready_on: date, by: Stamp) -> None:
        rules.check_active_or_in_hospital(self.status, self.admission)
        admission = rules.check_admitted(self.admission)
        self._check_effective(
            ready_on, by, "ready_on", after=admission.admitted_on, what="admission"
        )
        self._trigger(self.ReadyForDischarge, by, ready_on)

    def record_discharge_delay(
        self, *, recorded_on: date, delay_reason: DelayReason, note: str | None, by: Stamp
    ) -> None:
        """A delay is a stay beyond the clinically-ready date, so that date comes first."""
        rules.check_active_or_in_hospital(self.status, self.admission)
        admission = rules.check_admitted(self.admission)
        ready_on = rules.check_ready_for_discharge(admission)
        self._check_effective(
            recorded_on, by, "recorded_on", after=ready_on, what="ready-for-discharge date"
        )
        self._trigger(self.DischargeDelayed, by, recorded_on, delay_reason=delay_reason, note=note)

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
        admission = rules.check_admitted(self.admission)
        self._check_effective(
            discharged_on, by, "discharged_on", after=admission.admitted_on, what="admission"
        )
        rules.check_not_before(discharged_on, self.referred_on, "discharged_on", "referral")
        died = destination is DischargeDestination.DIED
        rules.check_discharge_rating(rating, self.status, died, self.scheme, self.placement)
        self._trigger(self.Discharged, by, discharged_on, destination=destination, rating=rating)
        if died and self.status in (Status.REFERRED, Status.ON_REGISTER):
            self._trigger(
                self.Removed, by, discharged_on, reason_code=RemovalReason.DIED, reason=None
            )
