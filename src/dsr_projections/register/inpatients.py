"""The inpatient list: every inpatient the areas are responsible for, whatever their standing
with the DSR, for commissioners and C(E)TR coordinators (issue 27).

People on the register or referred come from the register's rows, everyone else in
hospital (never referred, consent refused or withdrawn, declined, removed) from the
oversight table; both give the same columns: identity, the spell and its organisations,
the next C(E)TR and visit, the delay. Nothing of the DSR's own record (risks, views,
plans) is on the list, so nothing is shown for people who refused or withdrew consent
that their duties do not need.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from uuid import UUID

from dsr_projections.register.queries import discharge_timing
from dsr_projections.storage.database import Row, ViewDatabase

SHOWN = (
    "person_id", "area", "register_status", "given_name", "family_name", "date_of_birth",
    "nhs_number", "chi_number", "hospital", "provider_code", "provider_name",
    "commissioner_type", "commissioner_code", "host_commissioner_code", "admitted_on",
    "admission_type", "stay_started_on", "first_admitted_on", "ward_type", "security_level",
    "next_cetr_kind", "next_cetr_due", "next_visit_due", "ready_for_discharge_on",
    "delay_reason", "planned_discharge_on", "on_dsr_before_admission",
)  # fmt: skip
"""The columns of the list, in order (the CSV's header)."""

REGISTER_STATUSES = (
    "on_register", "referred", "consent_refused", "consent_withdrawn", "declined",
    "removed", "not_referred",
)  # fmt: skip


def inpatient_list(
    db: ViewDatabase,
    areas: Sequence[str],
    today: date,
    start: int = 0,
    limit: int | None = None,
    register_status: str | None = None,
) -> tuple[list[Row], int]:
    """The areas' inpatients, soonest C(E)TR or visit first (`limit` of them from `start`),
    and how many there are."""
    if not areas:
        return [], 0
    columns = ", ".join(SHOWN)
    where = f"area IN ({', '.join('?' for _ in areas)})"
    params: list[object] = list(areas)
    if register_status is not None:
        where += " AND register_status = ?"
        params.append(register_status)
    with db.read() as cursor:
        cursor.execute(
            f"SELECT {columns}, rating FROM register_entries "
            f"WHERE {where} AND setting = 'in_hospital'",
            params,
        )
        rows = cursor.fetchall()
        cursor.execute(
            f"SELECT {columns}, NULL AS rating FROM inpatient_oversight WHERE {where}", params
        )
        rows += cursor.fetchall()
    listed = sorted((_present(row, today) for row in rows), key=_soonest)
    end = None if limit is None else start + limit
    return listed[start:end], len(listed)


def inpatient_ids(db: ViewDatabase) -> list[UUID]:
    """Inpatients apart from the DSR, whose inpatient duties are still owed."""
    with db.read() as cursor:
        cursor.execute("SELECT person_id FROM inpatient_oversight ORDER BY person_id")
        return [UUID(row["person_id"]) for row in cursor.fetchall()]


def _present(row: Row, today: date) -> Row:
    """Add the next duty, whether it is overdue, the length of stay and the delay."""
    duties = [
        (due, kind)
        for due, kind in (
            (row["next_cetr_due"], row["next_cetr_kind"]),
            (row["next_visit_due"], "commissioner_oversight_visit"),
        )
        if due
    ]
    due, kind = min(duties) if duties else (None, None)
    item = dict(row)
    item["on_register"] = row["register_status"] == "on_register"
    item["on_dsr_before_admission"] = (
        None if row["on_dsr_before_admission"] is None else bool(row["on_dsr_before_admission"])
    )
    item["next_duty"] = kind
    item["next_duty_due"] = due
    item["overdue"] = bool(due and due < today.isoformat())
    started = row["stay_started_on"] or row["admitted_on"]
    item["days_in_hospital"] = (today - date.fromisoformat(started)).days if started else None
    ready = row["ready_for_discharge_on"]
    item["days_delayed"] = (
        (today - date.fromisoformat(ready)).days if ready and ready < today.isoformat() else None
    )
    item.update(discharge_timing(row, today))
    return item


def _soonest(row: Row) -> tuple[str, str]:
    return (row["next_duty_due"] or "9999-12-31", row["person_id"])
