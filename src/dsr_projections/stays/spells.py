"""Length-of-stay arithmetic: pure functions over episodes and spells, no database.

Bands are the national length-of-stay bands (issue 3, NHS England's monthly publication).
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from dsr_core.domain.discharge import delayed_days_by_reason
from dsr_core.domain.values import DelayMark

BANDS: tuple[tuple[str, int | None], ...] = (
    ("0-3 months", 91),
    ("3-6 months", 182),
    ("6-12 months", 365),
    ("1-2 years", 730),
    ("2-5 years", 1826),
    ("5-10 years", 3652),
    ("10 years and over", None),
)


TWO_YEARS = 730
TEN_YEARS = 3652
"""Total stay (across transfers) beyond which an inpatient counts as over 2 / over 10 years."""


def los_band(days: int) -> str:
    for label, upper in BANDS:
        if upper is None or days < upper:
            return label
    raise AssertionError("unreachable")


def overlap_days(start: date, end: date | None, period_start: date, period_end: date) -> int:
    """Days of [start, end) inside the inclusive period [period_start, period_end]."""
    stop = min(end or period_end + timedelta(days=1), period_end + timedelta(days=1))
    begin = max(start, period_start)
    return max(0, (stop - begin).days)


@dataclass(frozen=True)
class Episode:
    person_id: str
    area: str
    admitted_on: date
    discharged_on: date | None
    secure: bool
    ready_on: date | None
    delay_reason: str | None
    destination: str | None
    on_register_before: bool
    days_amber_red_before: int
    admission_type: str | None = None
    stay_started_on: date | None = None
    delay_marks: tuple[DelayMark, ...] = ()

    def length(self, as_at: date) -> int:
        """Total days in hospital as known on `as_at`, across transfers (a transfer does not
        restart the stay; a later discharge does not count yet)."""
        end = self.discharged_on if self.discharged_on and self.discharged_on <= as_at else as_at
        return (end - (self.stay_started_on or self.admitted_on)).days

    def delayed_days(self, start: date, end: date) -> dict[str, int]:
        """Delayed days within the inclusive period, by the reason in force each day."""
        stop = min(self.discharged_on or end + timedelta(days=1), end + timedelta(days=1))
        marks = self.delay_marks or _single_reason_marks(self)
        upto_end = delayed_days_by_reason(marks, stop)
        before = delayed_days_by_reason(marks, start) if start < stop else upto_end
        return {k: v - before.get(k, 0) for k, v in upto_end.items() if v - before.get(k, 0) > 0}

    def open_on(self, day: date) -> bool:
        return self.admitted_on <= day and (self.discharged_on is None or self.discharged_on > day)


def _single_reason_marks(episode: Episode) -> tuple[DelayMark, ...]:
    """Episodes projected before delay marks were kept: one ready date, one reason."""
    if episode.ready_on is None:
        return ()
    return (DelayMark(on=episode.ready_on, ready=True, reason=episode.delay_reason),)


@dataclass(frozen=True)
class Spell:
    person_id: str
    area: str
    started_on: date
    ended_on: date | None
    out_of_area: bool


@dataclass(frozen=True)
class Referral:
    person_id: str
    area: str
    referred_on: date
    accepted_on: date | None


def _summary(values: Sequence[int]) -> dict[str, float | int | None]:
    return {
        "count": len(values),
        "median_days": statistics.median(values) if values else None,
        "mean_days": round(statistics.fmean(values), 1) if values else None,
    }


def metrics(
    episodes: Iterable[Episode],
    spells: Iterable[Spell],
    referrals: Iterable[Referral],
    period_start: date,
    period_end: date,
) -> dict[str, object]:
    """Per-area measures for one period (the caller filters by area)."""
    episodes, spells, referrals = list(episodes), list(spells), list(referrals)
    admitted = [e for e in episodes if period_start <= e.admitted_on <= period_end]
    discharged = [
        e for e in episodes if e.discharged_on and period_start <= e.discharged_on <= period_end
    ]
    inpatients = [e for e in episodes if e.open_on(period_end)]
    bands = {label: 0 for label, _ in BANDS}
    for episode in inpatients:
        bands[los_band(episode.length(period_end))] += 1
    delayed_days: dict[str, int] = {}
    for episode in episodes:
        for reason, days in episode.delayed_days(period_start, period_end).items():
            delayed_days[reason] = delayed_days.get(reason, 0) + days
    out_of_area = [
        s
        for s in spells
        if s.out_of_area
        and s.started_on <= period_end
        and (s.ended_on is None or s.ended_on > period_end)
    ]
    accepted = [
        r for r in referrals if r.accepted_on and period_start <= r.accepted_on <= period_end
    ]
    proactive = [e for e in admitted if e.on_register_before]
    return {
        "period": {"start": period_start.isoformat(), "end": period_end.isoformat()},
        "admissions": len(admitted),
        "discharges": {**_summary([e.length(period_end) for e in discharged])},
        "inpatients_at_end": {
            **_summary([e.length(period_end) for e in inpatients]),
            "bands": bands,
            "secure": sum(1 for e in inpatients if e.secure),
            "over_2_years": sum(1 for e in inpatients if e.length(period_end) > TWO_YEARS),
            "over_10_years": sum(1 for e in inpatients if e.length(period_end) > TEN_YEARS),
        },
        "admissions_by_type": {
            kind: sum(1 for e in admitted if (e.admission_type or "first") == kind)
            for kind in ("first", "readmission_within_12_months", "transfer")
        },
        "bed_days": sum(
            overlap_days(e.admitted_on, e.discharged_on, period_start, period_end) for e in episodes
        ),
        "delayed_discharge": {
            "people_delayed_at_end": sum(
                1 for e in inpatients if e.ready_on and e.ready_on <= period_end
            ),
            "bed_days_by_reason": dict(sorted(delayed_days.items())),
        },
        "out_of_area_placements_at_end": _summary(
            [(period_end - s.started_on).days for s in out_of_area]
        ),
        "proactivity": {
            "admissions_on_register_before": len(proactive),
            "admissions_added_at_or_after": len(admitted) - len(proactive),
            "share_on_register_before": round(len(proactive) / len(admitted), 3)
            if admitted
            else None,
            "mean_days_amber_or_red_before_admission": (
                round(statistics.fmean(e.days_amber_red_before for e in admitted), 1)
                if admitted
                else None
            ),
        },
        "referral_to_acceptance": _summary(
            [(r.accepted_on - r.referred_on).days for r in accepted if r.accepted_on]
        ),
    }
