"""Decisions the referrer has not been told yet: accepted, declined or consent refused
(domain.md: the outcome is told to the referrer even when the person is not eligible).

Rows are written by the register projection for everyone whose tell-referrer item is due,
whatever their status, so the referral queue can show the DSR team what is left to tell
and the scheduler can remind them of a decline as well as an acceptance.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from uuid import UUID

from dsr_core.person.aggregate import Person
from dsr_core.person.cadence_policy import CadencePolicy
from dsr_core.person.cadences import tell_referrer_due
from dsr_core.person.state import referral_decision
from dsr_projections.storage.database import Cursor, Row, ViewDatabase
from dsr_projections.storage.tables import upsert

TABLE = "referrals_untold"
TABLES = {
    TABLE: (
        "person_id TEXT PRIMARY KEY, area TEXT NOT NULL, given_name TEXT, family_name TEXT, "
        "referred_on TEXT, outcome TEXT NOT NULL, decided_on TEXT NOT NULL, "
        "tell_due TEXT NOT NULL, version BIGINT NOT NULL"
    )
}
INDEXES = {"referrals_untold_by_area": f"{TABLE} (area, tell_due)"}
PERSONAL = ("given_name", "family_name")


def _row(person: Person, policy: CadencePolicy) -> Row | None:
    due = tell_referrer_due(person, policy)
    decision = referral_decision(person)
    if due is None or decision is None or person.erased_on is not None:
        return None
    return {
        "person_id": str(person.id),
        "area": person.area,
        "given_name": person.details.given_name,
        "family_name": person.details.family_name,
        "referred_on": person.referred_on.isoformat() if person.referred_on else None,
        "outcome": decision[0],
        "decided_on": decision[1].isoformat(),
        "tell_due": due.due_on.isoformat(),
        "version": person.version,
    }


def write(
    cursor: Cursor, table: str, people: Sequence[Person], policies: Mapping[str, CadencePolicy]
) -> None:
    """Replace these people's rows: one while the referrer is still to be told."""
    rows = {p.id: _row(p, policies[p.area]) for p in people}
    cursor.executemany(
        f"DELETE FROM {table} WHERE person_id = ?",
        [(str(pid),) for pid, row in rows.items() if row is None],
    )
    upsert(cursor, table, [row for row in rows.values() if row], personal=PERSONAL)


def untold(db: ViewDatabase, areas: Sequence[str], today: date) -> list[Row]:
    """The areas' decisions still to tell, the earliest due first."""
    if not areas:
        return []
    with db.read() as cursor:
        cursor.execute(
            "SELECT person_id, area, given_name, family_name, referred_on, outcome, "
            f"decided_on, tell_due FROM {TABLE} "
            f"WHERE area IN ({', '.join('?' for _ in areas)}) ORDER BY tell_due, person_id",
            list(areas),
        )
        rows = cursor.fetchall()
    for row in rows:
        row["tell_overdue"] = row["tell_due"] < today.isoformat()
    return rows


def untold_ids(db: ViewDatabase) -> list[UUID]:
    """Everyone whose referrer is still to be told (the scheduler reminds them all)."""
    with db.read() as cursor:
        cursor.execute(f"SELECT person_id FROM {TABLE} ORDER BY person_id")
        return [UUID(str(row["person_id"])) for row in cursor.fetchall()]
