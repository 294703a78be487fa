"""The current register: one row per person referred or on a register, as case workers see it.

People who are declined, removed or who withdraw consent leave the register (their
history stays in the audit trail). "Overdue" and "days in setting" depend on today, so
they are computed when queried, not stored.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any, ClassVar, Literal
from uuid import UUID

from dsr_core.domain.codes import Setting, Status
from dsr_core.domain.values import ADULT_AGE
from dsr_core.person.aggregate import Person
from dsr_core.person.cadences import inpatient_duties, next_review
from dsr_projections.engine.projection import (
    STATE_COLUMNS,
    Context,
    Event,
    PersonStates,
    Projection,
)
from dsr_projections.register import service_gaps
from dsr_projections.register.name_order import NameOrder, name_key
from dsr_projections.storage.database import Cursor, Row, ViewDatabase
from dsr_projections.storage.sealed import REGISTER_COLUMNS as REGISTER_PERSONAL

COLUMNS = (
    "person_id",
    "area",
    "scheme",
    "status",
    "given_name",
    "family_name",
    "date_of_birth",
    "nhs_number",
    "chi_number",
    "setting",
    "setting_since",
    "rating",
    "urgent_reason",
    "rating_since",
    "out_of_area",
    "hospital",
    "admitted_on",
    "ready_for_discharge_on",
    "delay_reason",
    "lead_professional",
    "last_review_on",
    "last_review_kind",
    "next_review_kind",
    "next_review_due",
    "referred_on",
    "accepted_on",
    "admission_type",
    "stay_started_on",
    "ward_type",
    "security_level",
    "detained_under",
    "planned_discharge_on",
    "placement_location",
    "placement_appropriate",
    "waiting_services",
    "waiting_since",
    "needs",
    "version",
)


SortKey = Literal["name", "next_review_due", "rating_since", "admitted_on"]
SORTS = {
    "name": "name_order",  # the names' order, not the names (name_order.py)
    "next_review_due": "COALESCE(next_review_due, '9999-12-31')",
    "rating_since": "COALESCE(rating_since, '9999-12-31')",
    "admitted_on": "COALESCE(admitted_on, '9999-12-31')",
}


class RegisterProjection(Projection):
    name = "register"
    tables: ClassVar[dict[str, str]] = {
        "register_entries": (
            "person_id TEXT PRIMARY KEY, area TEXT NOT NULL, scheme TEXT NOT NULL, "
            "status TEXT NOT NULL, given_name TEXT, family_name TEXT, date_of_birth TEXT, "
            "nhs_number TEXT, chi_number TEXT, setting TEXT NOT NULL, setting_since TEXT, "
            "rating TEXT, urgent_reason TEXT, rating_since TEXT, out_of_area BOOLEAN NOT NULL, "
            "hospital TEXT, admitted_on TEXT, ready_for_discharge_on TEXT, delay_reason TEXT, "
            "lead_professional TEXT, last_review_on TEXT, last_review_kind TEXT, "
            "next_review_kind TEXT, next_review_due TEXT, referred_on TEXT, accepted_on TEXT, "
            "admission_type TEXT, stay_started_on TEXT, ward_type TEXT, security_level TEXT, "
            "detained_under TEXT, planned_discharge_on TEXT, placement_location TEXT, "
            "placement_appropriate BOOLEAN, waiting_services TEXT, waiting_since TEXT, "
            "needs TEXT, version BIGINT NOT NULL, name_order BIGINT NOT NULL"
        ),
        # The generation of each area's name order this batch stored (name_order.py).
        "register_order_state": "area TEXT PRIMARY KEY, generation BIGINT NOT NULL",
        # Inpatients who are not on the register (referred, or removed after consent was
        # withdrawn): their C(E)TRs and visits are still owed, so commissioners see them
        # here, with just what those duties need: no name, number or date of birth.
        "inpatient_oversight": (
            "person_id TEXT PRIMARY KEY, area TEXT NOT NULL, status TEXT NOT NULL, "
            "admitted_on TEXT NOT NULL, hospital_area TEXT, in_area BOOLEAN NOT NULL, "
            "ward_type TEXT NOT NULL, security_level TEXT, child_at_admission BOOLEAN NOT NULL, "
            "next_duty_kind TEXT, next_duty_due TEXT, admission_type TEXT, stay_started_on TEXT, "
            "planned_discharge_on TEXT, ready_for_discharge_on TEXT, delay_reason TEXT, "
            "version BIGINT NOT NULL"
        ),
        **service_gaps.TABLES,
        "register_state": STATE_COLUMNS,
    }
    indexes: ClassVar[dict[str, str]] = {
        "register_by_area": "register_entries (area, person_id)",
        "register_by_due": "register_entries (area, next_review_due)",
        # One per ordering of the register, so a page reads an index range, not the area;
        # and by rating first for the RAG views ("Red and overdue"), the filter leads use most.
        "register_by_name": "register_entries (area, name_order, person_id)",
        "register_by_rating_name": "register_entries (area, rating, name_order, person_id)",
        "register_by_rating_due": (
            f"register_entries (area, rating, ({SORTS['next_review_due']}), person_id)"
        ),
        **{
            f"register_by_{key}": f"register_entries (area, ({column}), person_id)"
            for key, column in SORTS.items()
            if key != "name"
        },
        "inpatients_by_area": "inpatient_oversight (area, next_duty_due)",
        **service_gaps.INDEXES,
    }

    def __init__(self, context: Context, suffix: str = "") -> None:
        super().__init__(context, suffix)
        self.names = NameOrder()

    def process(self, cursor: Cursor, batch: Sequence[tuple[Event, int]]) -> None:
        states, events = PersonStates.for_batch(
            cursor, self.t("register_state"), self.context, batch
        )
        touched = {}
        for event, _ in events:
            person = states.apply(event)
            touched[person.id] = person
        states.flush()
        table = self.t("register_entries")
        gone = [(str(pid),) for pid, p in touched.items() if not _on_register_list(p)]
        cursor.executemany(f"DELETE FROM {table} WHERE person_id = ?", gone)
        try:
            labels = self.name_labels(cursor, touched)
        except BaseException:
            self.names = NameOrder()  # half-placed: start again from the stored rows
            raise
        rows = [
            (*self.sealed(self.row(p)), labels[str(p.id)])
            for p in touched.values()
            if _on_register_list(p)
        ]
        _upsert(cursor, table, (*COLUMNS, "name_order"), rows)
        inpatients = self.t("inpatient_oversight")
        cursor.executemany(
            f"DELETE FROM {inpatients} WHERE person_id = ?",
            [(str(pid),) for pid, p in touched.items() if not _overseen_apart(p)],
        )
        _upsert(
            cursor,
            inpatients,
            INPATIENT_COLUMNS,
            [self.inpatient_row(p) for p in touched.values() if _overseen_apart(p)],
        )
        people = list(touched.values())
        service_gaps.write(
            cursor,
            self.t("service_referrals"),
            self.t("person_needs"),
            people,
            [_on_register_list(p) or _overseen_apart(p) for p in people],
        )

    def name_labels(self, cursor: Cursor, touched: dict[UUID, Person]) -> dict[str, int]:
        """Each listed person's place in their area's name order (name_order.py); rows of
        others the placing relabelled are updated here."""
        listed = {str(pid): p for pid, p in touched.items() if _on_register_list(p)}
        areas = {p.area for p in listed.values()}
        areas |= {a for pid in touched if (a := self.names.cached_area_of(str(pid)))}
        generations = self.t("register_order_state")
        stored: dict[str, int] = {}
        if areas:
            cursor.execute(
                f"SELECT area, generation FROM {generations} "
                f"WHERE area IN ({', '.join('?' for _ in areas)})",
                sorted(areas),
            )
            stored = {row["area"]: row["generation"] for row in cursor.fetchall()}
        changed: dict[str, int] = {}
        for area in sorted(areas):
            self.names.load(area, stored.get(area), partial(self._stored_names, cursor), changed)
        for pid in touched:
            if str(pid) not in listed:
                self.names.remove(str(pid))
        labels = {
            pid: self.names.place(
                pid, p.area, name_key(p.details.family_name, p.details.given_name), changed
            )
            for pid, p in listed.items()
        }
        others = [(label, pid) for pid, label in changed.items() if pid not in listed]
        cursor.executemany(
            f"UPDATE {self.t('register_entries')} SET name_order = ? WHERE person_id = ?", others
        )
        cursor.executemany(
            f"INSERT INTO {generations} (area, generation) VALUES (?, ?) "
            "ON CONFLICT (area) DO UPDATE SET generation = excluded.generation",
            sorted(self.names.stored(areas).items()),
        )
        return labels

    def _stored_names(self, cursor: Cursor, area: str) -> list[tuple[str, str, int | None]]:
        cursor.execute(
            f"SELECT person_id, family_name, given_name, name_order "
            f"FROM {self.t('register_entries')} WHERE area = ?",
            (area,),
        )
        rows = cursor.fetchall()
        self.context.columns.open_rows(rows, ("family_name", "given_name"))
        return [
            (
                str(row["person_id"]),
                name_key(_text(row["family_name"]), _text(row["given_name"])),
                row["name_order"],
            )
            for row in rows
        ]

    def comparable(self, table: str, rows: list[Row]) -> list[Row]:
        """Labels depend on the order people joined; who comes before whom does not."""
        if table != "register_entries":
            return rows
        ranked = sorted(rows, key=lambda r: (r["area"], r["name_order"], r["person_id"]))
        places: dict[str, int] = {}
        for row in ranked:
            row["name_order"] = places[row["area"]] = places.get(row["area"], 0) + 1
        return ranked

    def sealed(self, row: tuple[Any, ...]) -> tuple[Any, ...]:
        """The row with its personal columns sealed under the person's key."""
        columns = self.context.columns
        person_id = row[0]
        return tuple(
            columns.seal(person_id, name, value) if name in REGISTER_PERSONAL else value
            for name, value in zip(COLUMNS, row, strict=True)
        )

    def inpatient_row(self, person: Person) -> tuple[Any, ...]:
        stay = person.admission
        assert stay is not None
        policy = self.context.areas.policy(person.area).cadences
        duties = inpatient_duties(person, policy)
        first = min(duties) if duties else None
        return (
            str(person.id),
            person.area,
            str(person.status),
            _d(stay.admitted_on),
            stay.hospital_area,
            stay.in_area,
            str(stay.ward_type),
            str(stay.security_level) if stay.security_level else None,
            not person.details.erased and person.details.age_on(stay.admitted_on) < ADULT_AGE,
            str(first.kind) if first else None,
            _d(first.due_on) if first else None,
            str(stay.admission_type) if stay.admission_type else None,
            _d(stay.total_stay_started_on),
            _d(stay.planned_discharge_on),
            _d(stay.ready_for_discharge_on),
            stay.delay_reason,
            person.version,
        )

    def row(self, person: Person) -> tuple[Any, ...]:
        policy = self.context.areas.policy(person.area)
        due = next_review(person, policy.cadences)
        stay = person.admission
        last = max(person.reviews, key=lambda r: r.held_on) if person.reviews else None
        lead = person.lead_professional
        rating = person.rating
        placement = person.placement
        waiting = waiting_services(person)
        details = person.details
        return (
            str(person.id),
            person.area,
            str(person.scheme),
            str(person.status),
            details.given_name,
            details.family_name,
            _d(details.date_of_birth),
            details.nhs_number,
            details.chi_number,
            str(person.setting),
            _d(setting_since(person)),
            str(rating.level) if rating else None,
            str(rating.urgent_reason) if rating and rating.urgent_reason else None,
            _d(person.rating_since),
            person.setting is Setting.OUT_OF_AREA_PLACEMENT,
            stay.hospital if stay else None,
            _d(stay.admitted_on) if stay else None,
            _d(stay.ready_for_discharge_on) if stay else None,
            str(stay.delay_reason) if stay and stay.delay_reason else None,
            lead.name if lead else None,
            _d(last.held_on) if last else None,
            str(last.kind) if last else None,
            str(due.kind) if due else None,
            _d(due.due_on) if due else None,
            _d(person.referred_on),
            _d(person.accepted_on),
            str(stay.admission_type) if stay and stay.admission_type else None,
            _d(stay.total_stay_started_on) if stay else None,
            str(stay.ward_type) if stay else None,
            str(stay.security_level) if stay and stay.security_level else None,
            stay.detained_under if stay else None,
            _d(stay.planned_discharge_on) if stay else None,
            str(placement.location) if placement and placement.location else None,
            placement.appropriate if placement else None,
            ",".join(sorted(waiting)) or None,
            _d(min(waiting.values())) if waiting else None,
            ",".join(sorted({n.code for n in person.needs})) or None,
            person.version,
        )


INPATIENT_COLUMNS = (
    "person_id",
    "area",
    "status",
    "admitted_on",
    "hospital_area",
    "in_area",
    "ward_type",
    "security_level",
    "child_at_admission",
    "next_duty_kind",
    "next_duty_due",
    "admission_type",
    "stay_started_on",
    "planned_discharge_on",
    "ready_for_discharge_on",
    "delay_reason",
    "version",
)


def _on_register_list(person: Person) -> bool:
    """On the register, or a referral awaiting its decision while at home. An inpatient not
    on the register is shown in the inpatient view instead, never on the register list or
    its exports (issue 12)."""
    if person.status is Status.ON_REGISTER:
        return True
    return person.status is Status.REFERRED and person.admission is None


def waiting_services(person: Person) -> dict[str, date]:
    """Services requested and not yet started, with the day each was requested (seed 004)."""
    return {
        service: requested
        for service, (requested, started) in person.services.items()
        if started is None
    }


def _overseen_apart(person: Person) -> bool:
    """In hospital but not on the register: the inpatient view, not the register, shows them."""
    return person.admission is not None and person.status is not Status.ON_REGISTER


def _upsert(
    cursor: Cursor, table: str, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> None:
    placeholders = ", ".join("?" for _ in columns)
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns[1:])
    cursor.executemany(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders}) "
        f"ON CONFLICT (person_id) DO UPDATE SET {updates}",
        rows,
    )


def setting_since(person: Person) -> date:
    """When the person entered their current setting."""
    if person.admission is not None:
        return person.admission.admitted_on
    starts = [person.referred_on]
    if person.last_discharged_on:
        starts.append(person.last_discharged_on)
    if person.placement is not None:
        starts.append(person.placement.started_on)
    return max(starts)


def _d(value: date | None) -> str | None:
    return value.isoformat() if value else None


@dataclass(frozen=True)
class RegisterQuery:
    areas: Sequence[str]
    today: date
    rating: str | None = None
    setting: str | None = None
    status: str | None = None
    overdue: bool | None = None
    out_of_area: bool | None = None
    planned_discharge_overdue: bool | None = None
    delayed: bool | None = None
    waiting_for: str | None = None
    sort: SortKey = "name"
    limit: int = 50
    cursor: str | None = None
    opened: Sequence[str] = REGISTER_PERSONAL
    """The personal columns to open: all of them, unless a caller filters on one first."""


@dataclass(frozen=True)
class RegisterPage:
    items: list[Row]
    next_cursor: str | None


def query_register(db: ViewDatabase, query: RegisterQuery) -> RegisterPage:
    """Filter, sort (with person id as tie-break) and page by keyset cursor."""
    if not query.areas:
        return RegisterPage([], None)
    sort = SORTS[query.sort]
    where = [f"area IN ({', '.join('?' for _ in query.areas)})"]
    params: list[Any] = list(query.areas)
    for column in ("rating", "setting", "status"):
        value = getattr(query, column)
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    if query.out_of_area is not None:
        where.append("out_of_area = ?")
        params.append(query.out_of_area)
    if query.overdue is not None:
        where.append(
            "next_review_due < ?"
            if query.overdue
            else "(next_review_due IS NULL OR next_review_due >= ?)"
        )
        params.append(query.today.isoformat())
    today = query.today.isoformat()
    for column, wanted in (
        ("planned_discharge_on", query.planned_discharge_overdue),
        ("ready_for_discharge_on", query.delayed),
    ):
        if wanted is not None:  # a day before today: overdue, or clinically ready (delayed)
            where.append(
                f"({column} IS NOT NULL AND {column} < ?)"
                if wanted
                else f"({column} IS NULL OR {column} >= ?)"
            )
            params.append(today)
    if query.waiting_for == "any":
        where.append("waiting_services IS NOT NULL")
    elif query.waiting_for is not None:
        where.append("(',' || waiting_services || ',') LIKE ?")
        params.append(f"%,{query.waiting_for},%")
    if query.cursor:
        after_key, after_id = _decode_cursor(query.cursor)
        if isinstance(after_key, int) != (query.sort == "name"):
            raise ValueError("cursor was issued for another sort order")
        where.append(f"({sort} > ? OR ({sort} = ? AND person_id > ?))")
        params += [after_key, after_key, after_id]
    sql = (
        f"SELECT *, {sort} AS sort_key FROM register_entries WHERE {' AND '.join(where)} "
        f"ORDER BY {sort}, person_id LIMIT ?"
    )
    with db.read() as cursor:
        cursor.execute(sql, [*params, query.limit + 1])
        rows = cursor.fetchall()
    more = len(rows) > query.limit
    rows = rows[: query.limit]
    db.columns.open_rows(rows, query.opened)
    items = [present(row, query.today) for row in rows]
    next_cursor = (
        _encode_cursor(rows[-1]["sort_key"], rows[-1]["person_id"]) if more and rows else None
    )
    return RegisterPage(items, next_cursor)


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def present(row: Row, today: date) -> Row:
    """Add what depends on today; drop internal columns."""
    item = {k: v for k, v in row.items() if k not in ("sort_key", "name_order")}
    item["out_of_area"] = bool(item["out_of_area"])
    if item.get("placement_appropriate") is not None:
        item["placement_appropriate"] = bool(item["placement_appropriate"])
    item.update(discharge_timing(item, today))
    waiting_since = item.get("waiting_since")
    item["days_waiting"] = (
        (today - date.fromisoformat(waiting_since)).days if waiting_since else None
    )
    due = item.get("next_review_due")
    item["overdue"] = bool(due and due < today.isoformat())
    since = item.get("setting_since")
    item["days_in_setting"] = (today - date.fromisoformat(since)).days if since else None
    return item


def discharge_timing(row: Row, today: date) -> Row:
    """What depends on today for a stay: days to the planned date (negative once passed),
    and whether the person is delayed (clinically ready before today)."""
    planned, ready = row.get("planned_discharge_on"), row.get("ready_for_discharge_on")
    return {
        "days_to_planned_discharge": (date.fromisoformat(planned) - today).days
        if planned
        else None,
        "planned_discharge_overdue": bool(planned and planned < today.isoformat()),
        "delayed": bool(ready and ready < today.isoformat()),
    }


def _encode_cursor(key: str | int, person_id: str) -> str:
    return base64.urlsafe_b64encode(json.dumps([key, person_id]).encode()).decode()


def _decode_cursor(cursor: str) -> tuple[str | int, str]:
    """The last row's sort key (a date, or a name-order label: never a name) and id."""
    try:
        key, person_id = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, TypeError) as error:
        raise ValueError("cursor is not one this API issued") from error
    if isinstance(key, bool) or not isinstance(key, str | int):
        raise ValueError("cursor is not one this API issued")
    return key, str(person_id)


def register_person_ids(db: ViewDatabase) -> list[UUID]:
    """Everyone referred or on a register, in id order."""
    with db.read() as cursor:
        cursor.execute("SELECT person_id FROM register_entries ORDER BY person_id")
        return [UUID(row["person_id"]) for row in cursor.fetchall()]


def inpatient_ids(db: ViewDatabase) -> list[UUID]:
    """Inpatients not on the register, whose inpatient duties are still owed."""
    with db.read() as cursor:
        cursor.execute("SELECT person_id FROM inpatient_oversight ORDER BY person_id")
        return [UUID(row["person_id"]) for row in cursor.fetchall()]


def inpatients_not_on_register(db: ViewDatabase, areas: Sequence[str], today: date) -> list[Row]:
    """The inpatient oversight view of these areas, soonest duty first."""
    if not areas:
        return []
    with db.read() as cursor:
        cursor.execute(
            f"SELECT * FROM inpatient_oversight WHERE area IN ({', '.join('?' for _ in areas)}) "
            "ORDER BY COALESCE(next_duty_due, '9999-12-31'), person_id",
            list(areas),
        )
        rows = cursor.fetchall()
    for row in rows:
        row["in_area"] = bool(row["in_area"])
        row["child_at_admission"] = bool(row["child_at_admission"])
        due = row["next_duty_due"]
        row["overdue"] = bool(due and due < today.isoformat())
        row.update(discharge_timing(row, today))
    return rows
