"""The rules of retention (issue 15): when a closed record may be erased, and what stands
in the way."""

from __future__ import annotations

from datetime import date

from dsr_core.domain.codes import (
    ErasureRule,
    Status,
)
from dsr_core.domain.dates import add_months
from dsr_core.domain.errors import (
    ErasureBlockedError,
)

OPEN_PERIOD = "open_period"


OPEN_INPATIENT_DUTY = "open_inpatient_duty"


LEGAL_HOLD = "legal_hold"


ALREADY_ERASED = "already_erased"


NO_RETENTION_PERIOD = "no_retention_period"


RETENTION_NOT_REACHED = "retention_not_reached"


def retention_ends(closed_on: date | None, years: int | None) -> date | None:
    """The day retention ends: `years` calendar years after the last period closed."""
    if closed_on is None or years is None:
        return None
    return add_months(closed_on, 12 * years)


def erasure_blockers(
    *,
    status: Status,
    in_hospital: bool,
    legal_hold: bool,
    erased: bool,
    closed_on: date | None,
    rule: ErasureRule,
    retention_years: int | None,
    today: date,
) -> list[str]:
    """Why a record may not be erased (domain.md, "Retention and erasure"): an open
    period, an inpatient stay (whose duties are owed whatever the register status), a
    legal hold; for the retention rule, also retention not yet over."""
    if erased:
        return [ALREADY_ERASED]
    reasons = []
    if status in (Status.REFERRED, Status.ON_REGISTER):
        reasons.append(OPEN_PERIOD)
    if in_hospital:
        reasons.append(OPEN_INPATIENT_DUTY)
    if legal_hold:
        reasons.append(LEGAL_HOLD)
    if rule is ErasureRule.RETENTION:
        ends = retention_ends(closed_on, retention_years)
        if retention_years is None:
            reasons.append(NO_RETENTION_PERIOD)
        elif ends is not None and today < ends:
            reasons.append(RETENTION_NOT_REACHED)
    return reasons


def check_erasable(reasons: list[str]) -> None:
    if reasons:
        raise ErasureBlockedError(reasons)
