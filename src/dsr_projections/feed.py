"""The integration feed (issue 16, item 2): what happens on the register, for other
systems, in log order, as CloudEvents.

One row per Person event, keyed by its log position (the feed's cursor), holding only
codes and dates: the event's type, the day it took effect, the area, and a few coded
facts (a rating level, a removal reason, a discharge destination). Who may see what is
decided when the feed is read (`scoped`): care systems get the person id and their NHS or
CHI number; commissioning the person id only; analytics no identifier at all. An erasure
is itself in the feed, so subscribers can forget the person too.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any, ClassVar

from cloudevents.core.formats.json import JSONFormat
from cloudevents.core.v1.event import CloudEvent

from dsr_core.domain.codes import Role
from dsr_core.person.events import PersonEvent, Referred, Transferred
from dsr_projections.engine.projection import Event, Projection, effective_on, person_events
from dsr_projections.storage.database import Cursor, Row, ViewDatabase
from dsr_projections.storage.tables import rows_of_people

TYPE_PREFIX = "uk.nhs.dsr.person."
JSON = JSONFormat()
CARE_ROLES = frozenset({Role.PRACTITIONER, Role.LEAD})
"""Subscribers acting for care (care records, housing): person id and national number."""
ID_ONLY_ROLES = frozenset({Role.COMMISSIONER})
"""Commissioning: the person id, as in the inpatient view, never a name or number. Every
other role (analytics) reads the feed without identifiers."""


def facts(event: PersonEvent) -> dict[str, Any]:
    """The coded facts an event carries: never free text, names or numbers."""
    state = vars(event)
    found: dict[str, Any] = {}
    rating = state.get("rating")
    if rating is not None:
        found["rating"] = str(rating.level)
    for name in ("reason_code", "destination", "to_area", "from_area", "legal_status"):
        if state.get(name) is not None:
            found[name] = str(state[name])
    stay = state.get("stay")
    if stay is not None:
        found["ward_type"] = str(stay.ward_type)
    review = state.get("review")
    if review is not None:
        found["review_kind"] = str(review.kind)
    return found


class FeedProjection(Projection):
    name = "feed"
    tables: ClassVar[dict[str, str]] = {
        "feed_events": (
            "position BIGINT PRIMARY KEY, person_id TEXT NOT NULL, area TEXT NOT NULL, "
            "event_type TEXT NOT NULL, effective_on TEXT, recorded_at TEXT NOT NULL, "
            "facts TEXT NOT NULL"
        ),
        "feed_people": "person_id TEXT PRIMARY KEY, area TEXT NOT NULL",
    }
    indexes: ClassVar[dict[str, str]] = {"feed_by_area": "feed_events (area, position)"}

    def process(self, cursor: Cursor, batch: Sequence[tuple[Event, int]]) -> None:
        events = person_events(batch)
        # Everyone's area in one query a batch, not a round trip per person (issue 32)
        areas: dict[str, str] = {
            row["person_id"]: row["area"]
            for row in rows_of_people(
                cursor,
                self.t("feed_people"),
                {str(e.originator_id) for e, _ in events},
                columns="person_id, area",
            )
        }
        rows = []
        for event, position in events:
            person_id = str(event.originator_id)
            if isinstance(event, (Referred, Transferred)):
                area = event.area if isinstance(event, Referred) else event.to_area
                areas[person_id] = area
                cursor.execute(
                    f"INSERT INTO {self.t('feed_people')} (person_id, area) VALUES (?, ?) "
                    "ON CONFLICT (person_id) DO UPDATE SET area = excluded.area",
                    (person_id, area),
                )
            day = effective_on(event)
            rows.append(
                (
                    position,
                    person_id,
                    areas.get(person_id, ""),
                    type(event).__name__,
                    day.isoformat() if day else None,
                    event.timestamp.isoformat(),
                    json.dumps(facts(event), sort_keys=True),
                )
            )
        cursor.executemany(
            f"INSERT INTO {self.t('feed_events')} (position, person_id, area, event_type, "
            "effective_on, recorded_at, facts) VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )


def read_feed(db: ViewDatabase, areas: Sequence[str], after: int, limit: int) -> list[Row]:
    """Rows after a position, in log order, in these areas only (filtered in SQL, so a
    page is never cut short by rows the caller cannot see)."""
    if not areas:
        return []
    with db.read() as cursor:
        cursor.execute(
            f"SELECT * FROM feed_events WHERE position > ? AND area IN "
            f"({', '.join('?' for _ in areas)}) ORDER BY position LIMIT ?",
            (after, *areas, limit),
        )
        return cursor.fetchall()


def scoped(db: ViewDatabase, rows: Sequence[Row], role: Role) -> list[dict[str, Any]]:
    """The rows as CloudEvents (structured JSON), with what this role may see."""
    care = role in CARE_ROLES
    identified = care or role in ID_ONLY_ROLES
    numbers = _national_numbers(db, {r["person_id"] for r in rows}) if care else {}
    found = []
    for row in rows:
        data: dict[str, Any] = {
            "effective_on": row["effective_on"],
            **json.loads(row["facts"]),
        }
        attributes: dict[str, Any] = {
            "specversion": "1.0",
            "id": f"dsr-{row['position']}",
            "source": f"/dsr/areas/{row['area']}",
            "type": TYPE_PREFIX + row["event_type"],
            "time": datetime.fromisoformat(row["recorded_at"]),
            "datacontenttype": "application/json",
            "dsrposition": str(row["position"]),
        }
        if identified:
            attributes["subject"] = row["person_id"]
        data.update(numbers.get(row["person_id"], {}))
        found.append(json.loads(JSON.write(CloudEvent(attributes, data))))
    return found


def _national_numbers(db: ViewDatabase, person_ids: set[str]) -> dict[str, dict[str, str]]:
    """NHS or CHI numbers of people on a register list (opened); none once they left it."""
    if not person_ids:
        return {}
    ids = sorted(person_ids)
    with db.read() as cursor:
        cursor.execute(
            "SELECT person_id, nhs_number, chi_number FROM register_entries "
            f"WHERE person_id IN ({', '.join('?' for _ in ids)})",
            ids,
        )
        rows = cursor.fetchall()
    return {r["person_id"]: {k: r[k] for k in ("nhs_number", "chi_number") if r[k]} for r in rows}
