"""Discharge planning arithmetic: admission types, total stay and delayed days by reason.

Pure functions over values, used by the aggregate when it records an admission and by
the projections and reports. domain.md, "Hospital episodes and placements".
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from dsr_core.domain.codes import AdmissionType, DischargeDestination
from dsr_core.domain.dates import add_months
from dsr_core.domain.values import READMISSION_MONTHS, DelayMark

NOT_RECORDED = "not_recorded"
"""Delayed days before any reason was recorded for them."""

TRANSFER_GAP = timedelta(days=1)
"""A bed-to-bed transfer is dated the day of the discharge, or the next day."""


def admission_type(
    admitted_on: date,
    last_discharged_on: date | None,
    last_destination: DischargeDestination | None,
) -> AdmissionType:
    """First, readmission within 12 calendar months of a discharge, or a transfer from
    another MH/LD bed (Assuring Transformation), from what the record holds."""
    if last_discharged_on is None:
        return AdmissionType.FIRST
    if (
        last_destination is DischargeDestination.ANOTHER_MH_LD_BED
        and admitted_on - last_discharged_on <= TRANSFER_GAP
    ):
        return AdmissionType.TRANSFER
    if admitted_on <= add_months(last_discharged_on, READMISSION_MONTHS):
        return AdmissionType.READMISSION_WITHIN_12_MONTHS
    return AdmissionType.FIRST


def delayed_days_by_reason(marks: Sequence[DelayMark], until: date) -> dict[str, int]:
    """Days delayed before `until` (the discharge day, or a census day), each given to the
    reason in force that day.

    A day counts when the person was clinically ready on it and still in hospital at its
    midnight: from the ready date to the day before discharge, which is Scotland's count
    of delayed bed days (discharge date minus ready date). "No longer ready" stops the
    count and clears the reason; a new ready date starts it again.
    """
    days: dict[str, int] = {}
    ready = False
    reason: str | None = None
    ordered = sorted(enumerate(marks), key=lambda item: (item[1].on, item[0]))
    points = [mark for _, mark in ordered if mark.on < until]
    for index, mark in enumerate(points):
        if mark.ready is True and not ready:
            ready, reason = True, None
        elif mark.ready is False:
            ready, reason = False, None
        if mark.reason is not None:
            reason = mark.reason
        end = points[index + 1].on if index + 1 < len(points) else until
        if ready and end > mark.on:
            key = reason or NOT_RECORDED
            days[key] = days.get(key, 0) + (end - mark.on).days
    return days
