"""An area's return for a collection's period, and the store of returns and publications.

A return is unsuppressed (domain.md, "National reporting", step 1): the area's atoms (see
collections.py), so that a nation's returns add up to its national table exactly,
and pseudonymised records (a national pseudonym and banded attributes; no identifiers, no
free text, objectors left out; k-anonymous). Returns and publications are stored per
period and revision; building a period again after back-dated corrections stores a new
revision beside the earlier ones with the cells that changed (cells, never people).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from dsr_core.domain.codes import Setting
from dsr_core.domain.periods import Period
from dsr_projections.national.anonymity import age, k_anonymise, pseudonym
from dsr_projections.national.atoms import AtomCounts
from dsr_projections.national.classify import (
    commissioner_type,
    delay_column,
    destination_group,
    ehc_plan,
    gender_identity,
    last_cetr,
    legal_status,
    oversight_visit,
    phs_category,
    planned,
    security_level,
    sex,
    time_to_planned,
    ward_type,
)
from dsr_projections.national.collections import (
    ENGLAND,
    ETHNIC_GROUP_OF,
    PHS,
    Collection,
    age_band,
    los_band,
)
from dsr_projections.storage.database import SCHEMA_LOCK, Cursor, Row, ViewDatabase

TABLES = (
    "CREATE TABLE IF NOT EXISTS national_returns (collection TEXT NOT NULL, area TEXT NOT NULL, "
    "period TEXT NOT NULL, revision INTEGER NOT NULL, built_at TEXT NOT NULL, "
    "digest TEXT NOT NULL, content TEXT NOT NULL, changes TEXT NOT NULL, "
    "PRIMARY KEY (collection, area, period, revision))",
    "CREATE TABLE IF NOT EXISTS national_publications (collection TEXT NOT NULL, "
    "period TEXT NOT NULL, revision INTEGER NOT NULL, built_at TEXT NOT NULL, "
    "digest TEXT NOT NULL, content TEXT NOT NULL, changes TEXT NOT NULL, "
    "PRIMARY KEY (collection, period, revision))",
)
RECORD_QUASI_IDENTIFIERS = ("age_band", "sex", "diagnosis_group", "setting", "category", "los_band")
"""Every banded attribute a return's records carry: k-anonymity holds over all of them."""


def ensure_tables(db: ViewDatabase) -> None:
    with db.transaction(lock=SCHEMA_LOCK) as cursor:
        for statement in TABLES:
            cursor.execute(statement)


def _valid_on(
    db: ViewDatabase,
    cursor: Cursor,
    area: str,
    on: date,
    extra: str,
    params: tuple[Any, ...],
) -> list[Row]:
    cursor.execute(
        "SELECT * FROM national_spells WHERE area = ? AND valid_from <= ? "
        f"AND (valid_to IS NULL OR valid_to > ?) {extra} ORDER BY spell_id",
        (area, on.isoformat(), on.isoformat(), *params),
    )
    rows = cursor.fetchall()
    return rows


@dataclass
class AreaReturn:
    collection: str
    area: str
    period: str
    census_date: date
    atoms: AtomCounts
    records: list[dict[str, Any]]
    controls: dict[str, int]

    def content(self) -> dict[str, Any]:
        return {
            "collection": self.collection,
            "area": self.area,
            "period": self.period,
            "census_date": self.census_date.isoformat(),
            "atoms": {
                family: [[*combo, count] for combo, count in sorted(counts.items())]
                for family, counts in sorted(self.atoms.items())
            },
            "records": self.records,
            "controls": self.controls,
        }


_RETIRED_VALUES = {("discharges", "other"): "not_known"}
"""Values stored returns may hold that a later version of their collection renamed: before
issue 27 England's discharges had four destination groups, "other" holding what MHSDS now
splits; a stored return cannot be split again, so its "other" counts as not known until
the period is regenerated (a revision)."""


def atoms_from_content(content: Mapping[str, Any]) -> AtomCounts:
    atoms: AtomCounts = {}
    for family, entries in content["atoms"].items():
        counts = atoms.setdefault(family, {})
        for entry in entries:
            combo = tuple(_RETIRED_VALUES.get((family, value), value) for value in entry[:-1])
            counts[combo] = counts.get(combo, 0) + int(entry[-1])
    return atoms


def _full_tables(row: Row, census: date) -> dict[str, str]:
    """England's further breakdowns of an inpatient (issue 31; collections.FULL_TABLES)."""
    years = age(date.fromisoformat(row["date_of_birth"]), census)
    return {
        "inpatients_by_delay": delay_column(row, census),
        "inpatients_by_ward": ward_type(row),
        "inpatients_by_security_level": security_level(row),
        "inpatients_by_legal_status": legal_status(row),
        "inpatients_by_gender_identity": gender_identity(row),
        "inpatients_by_ehc_plan": ehc_plan(row, years),
        "inpatients_by_oversight_visit": oversight_visit(row, census, years),
        "inpatients_by_time_to_planned": time_to_planned(row, census),
        "inpatients_by_commissioner": commissioner_type(row),
        "inpatients_by_provider": row["provider_code"] or "not_known",
    }


def build_return(
    db: ViewDatabase, collection: Collection, area: str, period: Period, secret: bytes, k: int
) -> AreaReturn:
    """The area's unsuppressed counts and pseudonymised records at the collection's census."""
    census = collection.census_date(period)
    people: list[tuple[Row, dict[str, str]]] = []
    atoms: dict[str, Counter[tuple[str, ...]]] = {f.name: Counter() for f in collection.families}
    with db.read() as cursor:
        if collection.name == PHS.name:
            for row in _valid_on(db, cursor, area, census, "AND status = ?", ("on_register",)):
                years = age(date.fromisoformat(row["date_of_birth"]), census)
                category = phs_category(row, census)
                if category is None or (collection.min_age and years < collection.min_age):
                    continue
                attributes = {"category": category, "sex": sex(row["sex"])}
                atoms["register"][(category, attributes["sex"])] += 1
                people.append((row, attributes))
        elif collection.name == ENGLAND.name:
            for row in _valid_on(
                db, cursor, area, census, "AND setting = ?", (Setting.IN_HOSPITAL,)
            ):
                started = date.fromisoformat(row["stay_started_on"] or row["admitted_on"])
                attributes = {
                    "inpatients": sex(row["sex"]),
                    "inpatients_by_age": age_band(
                        age(date.fromisoformat(row["date_of_birth"]), census)
                    ),
                    "inpatients_by_stay": los_band((census - started).days),
                    "inpatients_by_security": "secure" if row["secure"] else "not_secure",
                    "inpatients_by_planned_discharge": planned(row, census),
                    "inpatients_by_last_cetr": last_cetr(row, census),
                    "inpatients_by_distance": (row["distance_band"] or "not known").replace(
                        " ", "_"
                    ),
                    "inpatients_by_dsr_before_admission": "yes"
                    if row["dsr_before_admission"]
                    else "no",
                    "inpatients_by_ethnicity": ETHNIC_GROUP_OF.get(
                        row["ethnic_category"] or "", "not_known"
                    ),
                    **_full_tables(row, census),
                }
                for family, value in attributes.items():
                    atoms[family][(value,)] += 1
                people.append((row, {"los_band": attributes["inpatients_by_stay"], "category": ""}))
            cursor.execute(
                "SELECT admission_type FROM los_episodes WHERE area = ? AND admitted_on BETWEEN ? "
                "AND ?",
                (area, period.start.isoformat(), period.end.isoformat()),
            )
            for row in cursor.fetchall():
                atoms["admissions"][(row["admission_type"] or "first",)] += 1
            cursor.execute(
                "SELECT destination FROM los_episodes WHERE area = ? AND discharged_on BETWEEN ? "
                "AND ?",
                (area, period.start.isoformat(), period.end.isoformat()),
            )
            for row in cursor.fetchall():
                atoms["discharges"][(destination_group(row["destination"]),)] += 1
    records = [
        {
            "pseudonym": pseudonym(secret, row["person_id"]),
            "age_band": age_band(age(date.fromisoformat(row["date_of_birth"]), census)),
            "sex": sex(row["sex"]),
            "diagnosis_group": row["diagnosis_group"],
            "setting": row["setting"],
            "category": attributes.get("category", ""),
            "los_band": attributes.get("los_band", ""),
        }
        for row, attributes in people
        if not row["objects"]
    ]
    anonymised = k_anonymise(records, RECORD_QUASI_IDENTIFIERS, k)
    return AreaReturn(
        collection.name,
        area,
        period.label,
        census,
        {family: dict(counts) for family, counts in atoms.items()},
        anonymised.records,
        {
            "records_objected": len(people) - len(records),
            "records_generalised": anonymised.generalised,
            "records_suppressed": anonymised.suppressed,
        },
    )


def _digest(content: Mapping[str, Any]) -> str:
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def cell_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Which cells of a table-shaped content changed between revisions (never who)."""
    changed = []
    for table in sorted(set(before) | set(after)):
        rows_before, rows_after = before.get(table, {}), after.get(table, {})
        for row in sorted(set(rows_before) | set(rows_after)):
            cols_before, cols_after = rows_before.get(row, {}), rows_after.get(row, {})
            for column in sorted(set(cols_before) | set(cols_after)):
                old, new = cols_before.get(column), cols_after.get(column)
                if old != new:
                    changed.append(
                        {"table": table, "row": row, "column": column, "was": old, "now": new}
                    )
    return changed


def store(
    db: ViewDatabase,
    table: str,
    key: Mapping[str, str],
    content: dict[str, Any],
    tables_of: Callable[[Mapping[str, Any]], Mapping[str, Any]],
) -> tuple[int, bool]:
    """Store `content` as the next revision unless it equals the latest. Returns the revision
    and whether it was new. Earlier revisions are never changed."""
    digest = _digest(content)
    where = " AND ".join(f"{column} = ?" for column in key)
    with db.transaction(lock=f"{table}:{':'.join(key.values())}") as cursor:
        cursor.execute(
            f"SELECT revision, digest, content FROM {table} WHERE {where} "
            "ORDER BY revision DESC LIMIT 1",
            tuple(key.values()),
        )
        latest = cursor.fetchone()
        if latest is not None and latest["digest"] == digest:
            return int(latest["revision"]), False
        revision = 1 if latest is None else int(latest["revision"]) + 1
        changes = (
            []
            if latest is None
            else cell_changes(tables_of(json.loads(latest["content"])), tables_of(content))
        )
        columns = [*key, "revision", "built_at", "digest", "content", "changes"]
        placeholders = ", ".join("?" for _ in columns)
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})",
            (
                *key.values(),
                revision,
                datetime.now(UTC).isoformat(),
                digest,
                json.dumps(content, sort_keys=True),
                json.dumps(changes),
            ),
        )
    return revision, True


def read(
    db: ViewDatabase, table: str, key: Mapping[str, str], revision: int | None = None
) -> dict[str, Any] | None:
    """One stored revision (the latest unless named), with its metadata; None if none."""
    where = " AND ".join(f"{column} = ?" for column in key)
    params: tuple[Any, ...] = tuple(key.values())
    if revision is not None:
        where += " AND revision = ?"
        params += (revision,)
    with db.read() as cursor:
        cursor.execute(
            f"SELECT * FROM {table} WHERE {where} ORDER BY revision DESC LIMIT 1", params
        )
        row = cursor.fetchone()
        if row is None:
            return None
        cursor.execute(
            f"SELECT COUNT(*) AS n FROM {table} WHERE "
            + " AND ".join(f"{column} = ?" for column in key),
            tuple(key.values()),
        )
        count = cursor.fetchone()
    return {
        "revision": int(row["revision"]),
        "revisions": int(count["n"]) if count else 1,
        "revised": int(row["revision"]) > 1,
        "built_at": row["built_at"],
        "digest": row["digest"],
        "changes": json.loads(row["changes"]),
        **json.loads(row["content"]),
    }


def return_tables(content: Mapping[str, Any]) -> dict[str, Any]:
    """A return's cells, for its revisions' changes: atoms by family."""
    return {
        family: {"|".join(map(str, entry[:-1])): {"count": entry[-1]} for entry in entries}
        for family, entries in content["atoms"].items()
    }


def submit_return(
    db: ViewDatabase, collection: Collection, area: str, period: Period, secret: bytes, k: int
) -> dict[str, Any]:
    """Build the area's return and store it as a revision (a new one only if it changed)."""
    built = build_return(db, collection, area, period, secret, k)
    key = {"collection": collection.name, "area": area, "period": period.label}
    revision, new = store(db, "national_returns", key, built.content(), return_tables)
    return {"revision": revision, "new": new}
