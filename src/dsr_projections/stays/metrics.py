"""Length-of-stay metrics of an area, read from the stays read model, with disclosure control
for what is shown beyond the area's own team."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import Any

from dsr_core.domain.values import DelayMark
from dsr_projections.national.disclosure import Table, publish, publish_count, publish_statistic
from dsr_projections.stays.spells import Episode, Referral, Spell, metrics, overlap_days
from dsr_projections.storage.database import ViewDatabase


def area_metrics(
    db: ViewDatabase,
    area: str,
    period_start: date,
    period_end: date,
    disclosure_profile: str | None = None,
) -> dict[str, object]:
    """The length-of-stay and proactivity measures for one area and period.

    With a disclosure profile (for analysts, who may not see people) every count, sum and
    average passes the profile's small-number rules, so no figure describes one person.
    """
    return area_metrics_over(db, area, [(period_start, period_end)], disclosure_profile)[0]


def area_metrics_over(
    db: ViewDatabase,
    area: str,
    periods: Sequence[tuple[date, date]],
    disclosure_profile: str | None = None,
) -> list[dict[str, object]]:
    """`area_metrics` for several periods (a dashboard's months), from one read of the
    episodes, spells and referrals that any of them needs."""
    first = min(start for start, _ in periods)
    last = max(end for _, end in periods)
    with db.read() as cursor:
        cursor.execute(
            "SELECT * FROM los_episodes WHERE area = ? AND admitted_on <= ? "
            "AND (discharged_on IS NULL OR discharged_on >= ?)",
            (area, last.isoformat(), first.isoformat()),
        )
        episodes = [
            Episode(
                person_id=r["person_id"],
                area=r["area"],
                admitted_on=date.fromisoformat(r["admitted_on"]),
                discharged_on=_date(r["discharged_on"]),
                secure=bool(r["secure"]),
                ready_on=_date(r["ready_on"]),
                delay_reason=r["delay_reason"],
                destination=r["destination"],
                on_register_before=bool(r["on_register_before"]),
                days_amber_red_before=int(r["days_amber_red_before"]),
                admission_type=r["admission_type"],
                stay_started_on=_date(r["stay_started_on"]),
                delay_marks=tuple(
                    DelayMark.model_validate(m) for m in json.loads(r["delay_marks"] or "[]")
                ),
            )
            for r in cursor.fetchall()
        ]
        cursor.execute(
            "SELECT * FROM los_placements WHERE area = ? AND started_on <= ? "
            "AND (ended_on IS NULL OR ended_on > ?)",
            (area, last.isoformat(), min(end for _, end in periods).isoformat()),
        )
        spells = [
            Spell(
                r["person_id"],
                r["area"],
                date.fromisoformat(r["started_on"]),
                _date(r["ended_on"]),
                bool(r["out_of_area"]),
            )
            for r in cursor.fetchall()
        ]
        cursor.execute(
            "SELECT * FROM los_referrals WHERE area = ? AND accepted_on BETWEEN ? AND ?",
            (area, first.isoformat(), last.isoformat()),
        )
        referrals = [
            Referral(
                r["person_id"],
                r["area"],
                date.fromisoformat(r["referred_on"]),
                _date(r["accepted_on"]),
            )
            for r in cursor.fetchall()
        ]
        cursor.execute(
            "SELECT kind, reason, decided_on FROM los_outcomes WHERE area = ? "
            "AND decided_on BETWEEN ? AND ?",
            (area, first.isoformat(), last.isoformat()),
        )
        outcomes = cursor.fetchall()
    measured = []
    for start, end in periods:
        stays = [
            e for e in episodes if e.admitted_on <= end and not _before(e.discharged_on, start)
        ]
        result = metrics(
            stays,
            [s for s in spells if s.started_on <= end and not _before(s.ended_on, end, True)],
            [r for r in referrals if r.accepted_on is not None and start <= r.accepted_on <= end],
            start,
            end,
        )
        result["referral_outcomes"] = referral_outcomes(
            [o for o in outcomes if start.isoformat() <= o["decided_on"] <= end.isoformat()]
        )
        if disclosure_profile is not None:
            result = controlled(result, stays, start, end, disclosure_profile)
        measured.append({"area": area, **result})
    return measured


def referral_outcomes(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Referrals that did not lead to (or ended) a place on the register, in the period:
    consent refused, consent withdrawn, and declines by reason (issue 27; 004: families
    hesitate to consent, so the area needs to see how often)."""
    declined: dict[str, int] = {}
    counts = {"consent_refused": 0, "consent_withdrawn": 0}
    for row in rows:
        if row["kind"] == "declined":
            declined[row["reason"]] = declined.get(row["reason"], 0) + 1
        else:
            counts[row["kind"]] += 1
    return {**counts, "declined_by_reason": dict(sorted(declined.items()))}


def _before(ended: date | None, day: date, or_on: bool = False) -> bool:
    """Ended before `day` (or on it, with `or_on`): as the queries' `ended_on >= day`
    (and `> day`) say, with an open end never before."""
    return ended is not None and (ended <= day if or_on else ended < day)


def controlled(
    result: dict[str, Any],
    episodes: list[Episode],
    start: date,
    end: date,
    profile: str,
) -> dict[str, Any]:
    """`result` with every figure under the profile's rules (see area_metrics)."""

    def summary(values: dict[str, Any]) -> dict[str, Any]:
        count = int(values["count"])
        return {
            "count": publish_count(count, profile),
            **{k: publish_statistic(v, count, profile) for k, v in values.items() if k != "count"},
        }

    def day_sum(days: int, people: int) -> Any:
        return publish_statistic(days, people, profile) if days else 0

    inpatients = dict(result["inpatients_at_end"])
    bands = publish(
        Table("bands", {"inpatients": inpatients.pop("bands")}, column_totals=False), profile
    ).cells["inpatients"]
    in_period = [e for e in episodes if overlap_days(e.admitted_on, e.discharged_on, start, end)]
    delayed = dict(result["delayed_discharge"])
    by_reason: dict[str, Any] = {}
    for reason, days in delayed["bed_days_by_reason"].items():
        people = sum(
            1 for e in in_period if e.ready_on and (e.delay_reason or "not_recorded") == reason
        )
        by_reason[reason] = day_sum(days, people)
    proactivity = dict(result["proactivity"])
    admissions = int(result["admissions"])
    return {
        "period": result["period"],
        "admissions": publish_count(admissions, profile),
        "discharges": summary(result["discharges"]),
        "inpatients_at_end": {
            **summary(inpatients),
            "bands": bands,
            "secure": publish_count(int(inpatients["secure"]), profile),
        },
        "bed_days": day_sum(int(result["bed_days"]), len(in_period)),
        "delayed_discharge": {
            "people_delayed_at_end": publish_count(int(delayed["people_delayed_at_end"]), profile),
            "bed_days_by_reason": by_reason,
        },
        "out_of_area_placements_at_end": summary(result["out_of_area_placements_at_end"]),
        "proactivity": {
            "admissions_on_register_before": publish_count(
                int(proactivity["admissions_on_register_before"]), profile
            ),
            "admissions_added_at_or_after": publish_count(
                int(proactivity["admissions_added_at_or_after"]), profile
            ),
            "share_on_register_before": publish_statistic(
                proactivity["share_on_register_before"], admissions, profile
            ),
            "mean_days_amber_or_red_before_admission": publish_statistic(
                proactivity["mean_days_amber_or_red_before_admission"], admissions, profile
            ),
        },
        "referral_to_acceptance": summary(result["referral_to_acceptance"]),
        "referral_outcomes": {
            key: {k: publish_count(v, profile) for k, v in value.items()}
            if isinstance(value, dict)
            else publish_count(value, profile)
            for key, value in result["referral_outcomes"].items()
        },
        "disclosure_profile": profile,
    }


def _date(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None
