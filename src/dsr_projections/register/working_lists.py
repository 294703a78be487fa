"""Queries the console's working lists need beyond the register's own page query:
counts for the board, whole filtered lists for exports and the panel pack, finding a
person by name, and every inpatient an area oversees (on the register or not).

Names and numbers are sealed in the read model, so what SQL cannot filter (a name, an
age, a lead professional) is filtered here, reading only the columns it needs.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import date

from dsr_projections.national.anonymity import age_band
from dsr_projections.register.entries import SORTS
from dsr_projections.register.inpatients import inpatient_list
from dsr_projections.register.queries import (
    RegisterQuery,
    present,
    query_register,
    register_filter,
)
from dsr_projections.storage.database import Row, ViewDatabase

EVERY_ROW = 10**9
FOUND_AT_MOST = 50


def _in(areas: Sequence[str]) -> str:
    return ", ".join("?" for _ in areas)


def register_counts(db: ViewDatabase, areas: Sequence[str]) -> dict[str, int]:
    """People on the register by rating, and pending referrals (`referred`)."""
    if not areas:
        return {}
    with db.read() as cursor:
        cursor.execute(
            "SELECT status, rating, COUNT(*) AS n FROM register_entries "
            f"WHERE area IN ({_in(areas)}) GROUP BY status, rating",
            list(areas),
        )
        rows = cursor.fetchall()
    counts: dict[str, int] = {}
    for row in rows:
        key = "referred" if row["status"] == "referred" else str(row["rating"])
        counts[key] = counts.get(key, 0) + int(row["n"])
    return counts


def ratings_on(db: ViewDatabase, area: str, days: Sequence[date]) -> list[dict[str, int]]:
    """People on the area's register by rating at the end of each day given, from the
    national dataset's spells (the rating each held, by the day it took effect)."""
    counted = []
    with db.read() as cursor:
        for day in days:
            cursor.execute(
                "SELECT rating, COUNT(*) AS n FROM national_spells WHERE area = ? "
                "AND status = 'on_register' AND valid_from <= ? "
                "AND (valid_to IS NULL OR valid_to > ?) GROUP BY rating",
                (area, day.isoformat(), day.isoformat()),
            )
            counted.append({str(row["rating"]): int(row["n"]) for row in cursor.fetchall()})
    return counted


def every_row(db: ViewDatabase, query: RegisterQuery) -> list[Row]:
    """The whole of a filtered register, in the query's order: exports are never short."""
    return query_register(db, replace(query, limit=EVERY_ROW, cursor=None)).items


def by_rating(
    db: ViewDatabase,
    area: str,
    today: date,
    counts: Mapping[str, int],
    levels: Sequence[str],
    start: int,
    limit: int,
) -> list[Row]:
    """People on an area's register in the scheme's order of ratings, then by name (the
    panel pack's order), `limit` of them from `start`. `counts` (register_counts) says
    which ratings the page reaches, so each is read in its own index order and only the
    rows shown are opened."""
    rows: list[Row] = []
    skip = start
    with db.read() as cursor:
        for level in levels:
            if len(rows) >= limit:
                break
            if skip >= counts.get(level, 0):
                skip -= counts.get(level, 0)
                continue
            cursor.execute(
                "SELECT * FROM register_entries WHERE area = ? AND status = 'on_register' "
                "AND rating = ? ORDER BY name_order, person_id LIMIT ? OFFSET ?",
                (area, level, limit - len(rows), skip),
            )
            rows += cursor.fetchall()
            skip = 0
    return [present(row, today) for row in rows]


def in_age_band_page(
    db: ViewDatabase, query: RegisterQuery, band: str, start: int, limit: int
) -> tuple[list[Row], bool]:
    """A page of the register's people in an age band, and whether more follow: every
    date of birth is read (the band is not stored), the other columns only for the page."""
    if not query.areas:
        return [], False
    where, params = register_filter(query)
    sort = SORTS[query.sort]
    with db.read() as cursor:
        cursor.execute(
            f"SELECT person_id, date_of_birth FROM register_entries "
            f"WHERE {' AND '.join(where)} ORDER BY {sort}, person_id",
            params,
        )
        matching = [r["person_id"] for r in cursor.fetchall() if in_age_band(band, query.today)(r)]
        ids = matching[start : start + limit]
        rows: dict[str, Row] = {}
        if ids:
            cursor.execute(f"SELECT * FROM register_entries WHERE person_id IN ({_in(ids)})", ids)
            rows = {r["person_id"]: r for r in cursor.fetchall()}
    page = [present(rows[i], query.today) for i in ids if i in rows]
    return page, start + limit < len(matching)


def in_age_band(band: str, today: date) -> Callable[[Row], bool]:
    def check(row: Row) -> bool:
        born = row.get("date_of_birth")
        return bool(born) and age_band(date.fromisoformat(str(born)), today) == band

    return check


def with_lead_professional(name: str) -> Callable[[Row], bool]:
    wanted = _folded(name)

    def check(row: Row) -> bool:
        return wanted in _folded(str(row.get("lead_professional") or ""))

    return check


def _folded(text: str) -> str:
    """Case, accents and spacing folded, so "Siobhán" is found as "siobhan"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def name_matches(text: str) -> Callable[[Row], bool]:
    """Every word typed appears in the given or family name."""
    words = _folded(text).split()

    def check(row: Row) -> bool:
        name = _folded(f"{row.get('given_name') or ''} {row.get('family_name') or ''}")
        return bool(words) and all(word in name for word in words)

    return check


def find_by_name(
    db: ViewDatabase, areas: Sequence[str], text: str, today: date, limit: int = FOUND_AT_MOST
) -> list[Row]:
    """People on the register of these areas, referred to it or in hospital apart from it
    (an inpatient never referred, say), whose name matches."""
    rows = every_row(db, RegisterQuery(areas=areas, today=today))
    listed = {row["person_id"] for row in rows}
    inpatients, _ = inpatient_list(db, areas, today)
    rows += [_as_register_row(row) for row in inpatients if row["person_id"] not in listed]
    matches = name_matches(text)
    return [row for row in rows if matches(row)][:limit]


def _as_register_row(row: Row) -> Row:
    """An inpatient apart from the register, in the register's columns (no rating)."""
    return {
        **row,
        "status": row["register_status"],
        "setting": "in_hospital",
        "days_in_setting": row["days_in_hospital"],
        "next_review_kind": row["next_duty"],
        "next_review_due": row["next_duty_due"],
        "lead_professional": None,
        "rating_since": None,
    }
