"""Reading the register list: one filtered, sorted page by keyset cursor, and what depends
on today (overdue, days in setting, discharge timing) added when read."""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from dsr_projections.register.entries import SORTS, SortKey
from dsr_projections.storage.database import Row, ViewDatabase


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


@dataclass(frozen=True)
class RegisterPage:
    items: list[Row]
    next_cursor: str | None


def query_register(db: ViewDatabase, query: RegisterQuery) -> RegisterPage:
    """Filter, sort (with person id as tie-break) and page by keyset cursor."""
    if not query.areas:
        return RegisterPage([], None)
    sort = SORTS[query.sort]
    where, params = register_filter(query)
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
    items = [present(row, query.today) for row in rows]
    next_cursor = (
        _encode_cursor(rows[-1]["sort_key"], rows[-1]["person_id"]) if more and rows else None
    )
    return RegisterPage(items, next_cursor)


def register_filter(query: RegisterQuery) -> tuple[list[str], list[Any]]:
    """The SQL conditions (and their parameters) of a query's filters, for every reader
    of the register list."""
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
    return where, params


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


def people_projected(db: ViewDatabase) -> list[UUID]:
    """Everyone the register read model holds a state for, on a register or not, in id
    order: whom retention looks at."""
    with db.read() as cursor:
        cursor.execute("SELECT person_id FROM register_state ORDER BY person_id")
        return [UUID(row["person_id"]) for row in cursor.fetchall()]
