"""The referral queue: every referral awaiting the DSR's decision, at home or in hospital,
oldest first, with its age and deadline, for the DSR team (issue 27)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from dsr_projections.storage.database import Row, ViewDatabase

SHOWN = (
    "person_id", "area", "given_name", "family_name", "date_of_birth", "nhs_number",
    "chi_number", "referred_on", "decision_due", "register_status", "consent_basis",
    "referral_reason", "referrer_type",
    "setting", "hospital", "admitted_on", "provider_name",
)  # fmt: skip
"""The columns of the queue, in order (the CSV's header)."""


def referral_queue(db: ViewDatabase, areas: Sequence[str], today: date) -> list[Row]:
    """The areas' pending referrals, oldest first."""
    if not areas:
        return []
    with db.read() as cursor:
        cursor.execute(
            f"SELECT {', '.join(SHOWN)} FROM register_entries "
            f"WHERE area IN ({', '.join('?' for _ in areas)}) AND status = 'referred' "
            "ORDER BY referred_on, person_id",
            list(areas),
        )
        rows = cursor.fetchall()
    iso = today.isoformat()
    for row in rows:
        referred = row["referred_on"]
        row["days_waiting"] = (today - date.fromisoformat(referred)).days if referred else None
        row["decision_overdue"] = bool(row["decision_due"] and row["decision_due"] < iso)
        row["in_hospital"] = row["setting"] == "in_hospital"
    return rows
