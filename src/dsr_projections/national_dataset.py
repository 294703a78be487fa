"""The anonymised national dataset, per area and reporting period.

The projection keeps, per person, spells of the attributes national collections count
(area, status, rating, setting, hospital stay, sex, diagnosis, objection), so a census
can be taken on any date, not only today. `build_dataset` takes the census on the last
day of the period, pseudonymises, generalises to k-anonymity and applies the area's
disclosure profile. Nothing it returns names a person, a number, a date of birth or
any free text, and it logs what it suppressed.

Backdated events are folded into the spell open at the time they are recorded when
they predate it: a census before a late correction shows the record as it stood.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, ClassVar

import structlog

from dsr_core.domainmodel import Person
from dsr_core.values import RatingLevel, Setting, Status, UrgentReason, WardType
from dsr_projections.anonymity import age_band, k_anonymise, pseudonym
from dsr_projections.database import Cursor, Row, ViewDatabase
from dsr_projections.disclosure import Published, Table, publish, publish_statistic
from dsr_projections.projection import (
    STATE_COLUMNS,
    Event,
    PersonStates,
    Projection,
    effective_on,
    person_events,
)
from dsr_projections.stays import los_band

log = structlog.get_logger(__name__)

SPELL_FIELDS = (
    "area",
    "status",
    "rating",
    "urgent_reason",
    "setting",
    "out_of_area",
    "chosen",
    "admitted_on",
    "ready_on",
    "delay_reason",
    "secure",
    "sex",
    "date_of_birth",
    "diagnosis_group",
    "objects",
)
QUASI_IDENTIFIERS = ("age_band", "sex", "diagnosis_group")


def spell_attributes(person: Person) -> tuple[Any, ...]:
    stay, placement, rating = person.admission, person.placement, person.rating
    return (
        person.area,
        str(person.status),
        str(rating.level) if rating else None,
        str(rating.urgent_reason) if rating and rating.urgent_reason else None,
        str(person.setting),
        person.setting is Setting.OUT_OF_AREA_PLACEMENT,
        bool(placement and placement.chosen_by_person),
        stay.admitted_on.isoformat() if stay else None,
        stay.ready_for_discharge_on.isoformat() if stay and stay.ready_for_discharge_on else None,
        str(stay.delay_reason) if stay and stay.delay_reason else None,
        bool(stay and stay.ward_type is WardType.SECURE),
        str(person.details.sex),
        person.details.date_of_birth.isoformat(),
        str(person.details.diagnosis_group),
        person.objects_to_national_sharing,
    )


class NationalDatasetProjection(Projection):
    name = "national_dataset"
    tables: ClassVar[dict[str, str]] = {
        "national_spells": (
            "spell_id BIGINT PRIMARY KEY, person_id TEXT NOT NULL, valid_from TEXT NOT NULL, "
            "valid_to TEXT, area TEXT NOT NULL, status TEXT NOT NULL, rating TEXT, "
            "urgent_reason TEXT, setting TEXT NOT NULL, out_of_area BOOLEAN NOT NULL, "
            "chosen BOOLEAN NOT NULL, admitted_on TEXT, ready_on TEXT, delay_reason TEXT, "
            "secure BOOLEAN NOT NULL, sex TEXT NOT NULL, date_of_birth TEXT NOT NULL, "
            "diagnosis_group TEXT NOT NULL, objects BOOLEAN NOT NULL"
        ),
        "national_state": STATE_COLUMNS,
    }
    indexes: ClassVar[dict[str, str]] = {
        "national_spells_by_area": "national_spells (area, valid_from)",
        "national_spells_open": "national_spells (person_id, valid_to)",
    }

    def process(self, cursor: Cursor, batch: Sequence[tuple[Event, int]]) -> None:
        """Spells are read once per batch and written once at its end."""
        events = person_events(batch)
        states = PersonStates(cursor, self.t("national_state"), self.context.registers)
        states.preload(e.originator_id for e, _ in events)
        spells = _SpellChanges(
            cursor, self.t("national_spells"), {str(e.originator_id) for e, _ in events}
        )
        for event, position in events:
            person = states.apply(event)
            on = effective_on(event).isoformat()
            spells.record(str(person.id), on, position, spell_attributes(person))
        spells.flush()
        states.flush()


class _SpellChanges:
    """The open spell of each person in a batch, and the writes the batch needs."""

    def __init__(self, cursor: Cursor, table: str, person_ids: set[str]) -> None:
        self.cursor, self.table = cursor, table
        self.open: dict[str, dict[str, Any]] = {}
        ids = sorted(person_ids)
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            cursor.execute(
                f"SELECT * FROM {table} WHERE valid_to IS NULL "
                f"AND person_id IN ({', '.join('?' for _ in chunk)})",
                chunk,
            )
            self.open.update({row["person_id"]: dict(row) for row in cursor.fetchall()})
        self.inserts: dict[int, dict[str, Any]] = {}
        self.updates: dict[int, dict[str, Any]] = {}

    def record(self, person_id: str, on: str, position: int, attributes: tuple[Any, ...]) -> None:
        current = self.open.get(person_id)
        values = dict(zip(SPELL_FIELDS, _normalise(attributes), strict=True))
        if current is not None and all(current[f] == values[f] for f in SPELL_FIELDS):
            return
        if current is not None and on <= current["valid_from"]:
            current.update(values)  # a same-day or back-dated change: the open spell changes
            self._changed(current)
            return
        if current is not None:
            current["valid_to"] = on
            self._changed(current)
        spell = {
            "spell_id": position,
            "person_id": person_id,
            "valid_from": on,
            "valid_to": None,
            **values,
        }
        self.inserts[position] = spell
        self.open[person_id] = spell

    def _changed(self, spell: dict[str, Any]) -> None:
        if spell["spell_id"] not in self.inserts:
            self.updates[spell["spell_id"]] = spell

    def flush(self) -> None:
        columns = ("spell_id", "person_id", "valid_from", "valid_to", *SPELL_FIELDS)
        self.cursor.executemany(
            f"INSERT INTO {self.table} ({', '.join(columns)}) "
            f"VALUES ({', '.join('?' for _ in columns)})",
            [tuple(_stored(c, s[c]) for c in columns) for s in self.inserts.values()],
        )
        assignments = ", ".join(f"{c} = ?" for c in columns[3:])
        self.cursor.executemany(
            f"UPDATE {self.table} SET {assignments} WHERE spell_id = ?",
            [
                (*(_stored(c, s[c]) for c in columns[3:]), s["spell_id"])
                for s in self.updates.values()
            ],
        )


BOOLEAN_FIELDS = frozenset({"out_of_area", "chosen", "secure", "objects"})


def _stored(column: str, value: Any) -> Any:
    """PostgreSQL will not take 0/1 for a BOOLEAN column."""
    return bool(value) if column in BOOLEAN_FIELDS else value


def _normalise(values: tuple[Any, ...]) -> tuple[Any, ...]:
    """Booleans come back from SQLite as 0/1; compare and store them as such on both."""
    return tuple(int(v) if isinstance(v, bool) else v for v in values)


# ---------------------------------------------------------------- the dataset


@dataclass(frozen=True)
class Period:
    label: str
    start: date
    end: date

    @classmethod
    def parse(cls, label: str) -> Period:
        """'2025-Q3' (a quarter, the default cadence) or '2025-09' (a month)."""
        try:
            if "-Q" in label:
                year, quarter = label.split("-Q")
                first_month = 3 * (int(quarter) - 1) + 1
                if not 1 <= int(quarter) <= 4:
                    raise ValueError
                start = date(int(year), first_month, 1)
                months = 3
            else:
                year, month = label.split("-")
                start = date(int(year), int(month), 1)
                months = 1
        except ValueError:
            raise ValueError("period must look like 2025-Q3 or 2025-09") from None
        next_start = date(
            start.year + (start.month + months - 1) // 12, (start.month + months - 1) % 12 + 1, 1
        )
        return cls(label, start, next_start - timedelta(days=1))


@dataclass
class Dataset:
    area: str
    period: Period
    profile: str
    k: int
    records: list[dict[str, Any]]
    tables: list[Published]
    statistics: dict[str, Any]
    controls: dict[str, Any]

    def to_json(self) -> str:
        return json.dumps(
            {
                "area": self.area,
                "period": self.period.label,
                "census_date": self.period.end.isoformat(),
                "disclosure_profile": self.profile,
                "k": self.k,
                "controls": self.controls,
                "records": self.records,
                "tables": {t.name: t.cells for t in self.tables},
                "statistics": self.statistics,
            },
            sort_keys=True,
            indent=1,
        )

    def records_csv(self) -> str:
        out = io.StringIO()
        columns = [
            "pseudonym",
            *QUASI_IDENTIFIERS,
            "setting",
            "out_of_area",
            "rating",
            "los_band",
            "delayed",
            "delay_reason",
        ]
        writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(self.records)
        return out.getvalue()

    def tables_csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["table", "row", "column", "value"])
        for table in self.tables:
            for row, cols in table.cells.items():
                for column, value in cols.items():
                    writer.writerow([table.name, row, column, value])
        return out.getvalue()


def census(db: ViewDatabase, area: str, on: date) -> list[Row]:
    with db.read() as cursor:
        cursor.execute(
            "SELECT * FROM national_spells WHERE area = ? AND status = ? AND valid_from <= ? "
            "AND (valid_to IS NULL OR valid_to > ?) ORDER BY spell_id",
            (area, str(Status.ON_REGISTER), on.isoformat(), on.isoformat()),
        )
        return cursor.fetchall()


def _category(row: Row) -> str:
    return str(row["rating"]) + (f":{row['urgent_reason']}" if row["urgent_reason"] else "")


def _record(row: Row, on: date, secret: bytes) -> dict[str, Any]:
    in_hospital = row["setting"] == str(Setting.IN_HOSPITAL)
    admitted = (
        date.fromisoformat(row["admitted_on"]) if in_hospital and row["admitted_on"] else None
    )
    delayed = bool(in_hospital and row["ready_on"] and row["ready_on"] <= on.isoformat())
    return {
        "pseudonym": pseudonym(secret, row["person_id"]),
        "age_band": age_band(date.fromisoformat(row["date_of_birth"]), on),
        "sex": row["sex"],
        "diagnosis_group": row["diagnosis_group"],
        "setting": row["setting"],
        "out_of_area": bool(row["out_of_area"]),
        "rating": _category(row),
        "los_band": los_band((on - admitted).days) if admitted else "",
        "delayed": delayed,
        "delay_reason": (row["delay_reason"] or "not_recorded") if delayed else "",
    }


def _count_table(
    name: str, records: Sequence[dict[str, Any]], row_key: str, column_key: str
) -> Table:
    counts: dict[str, Counter[str]] = {}
    for record in records:
        counts.setdefault(str(record[row_key]), Counter())[str(record[column_key])] += 1
    return Table(name, {r: dict(c) for r, c in sorted(counts.items())})


def _by_sex(name: str, records: Sequence[dict[str, Any]]) -> Table:
    """One count split by sex, with its total: the shape of the census tables."""
    return Table(name, {"all": dict(Counter(str(r["sex"]) for r in records))}, column_totals=False)


def _census_measures(records: Sequence[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Scotland's quarterly census categories (domain.md), with England's inpatient measures."""
    urgent = str(RatingLevel.URGENT)
    return {
        "on_register": list(records),
        "urgent": [r for r in records if r["rating"].startswith(urgent)],
        "in_hospital": [r for r in records if r["setting"] == str(Setting.IN_HOSPITAL)],
        "in_hospital_delayed": [r for r in records if r["delayed"]],
        "inappropriate_out_of_area": [
            r
            for r in records
            if r["rating"] == f"{urgent}:{UrgentReason.INAPPROPRIATE_OUT_OF_AREA}"
        ],
        "at_risk_of_breakdown": [
            r for r in records if r["rating"] == f"{urgent}:{UrgentReason.SUPPORT_AT_RISK}"
        ],
        "in_hospital_over_2_years": [
            r for r in records if r["los_band"] in ("2-5 years", "5-10 years", "10 years and over")
        ],
        "in_hospital_over_10_years": [r for r in records if r["los_band"] == "10 years and over"],
    }


def build_dataset(
    db: ViewDatabase, area: str, period: Period, profile: str, secret: bytes, k: int = 5
) -> Dataset:
    rows = census(db, area, period.end)
    everyone = [_record(r, period.end, secret) for r in rows]
    shareable = [rec for rec, row in zip(everyone, rows, strict=True) if not row["objects"]]
    anonymised = k_anonymise(shareable, QUASI_IDENTIFIERS, k)

    measures = _census_measures(everyone)
    tables = [
        publish(_by_sex(f"{name}_by_sex", group), profile) for name, group in measures.items()
    ]
    tables.append(
        publish(_count_table("register_by_age_band_and_sex", everyone, "age_band", "sex"), profile)
    )
    tables.append(
        publish(
            _count_table("register_by_setting_and_rating", everyone, "setting", "rating"), profile
        )
    )
    tables.append(
        publish(
            _count_table(
                "delayed_by_reason", measures["in_hospital_delayed"], "delay_reason", "sex"
            ),
            profile,
        )
    )
    stays = [
        (period.end - date.fromisoformat(r["admitted_on"])).days
        for r in rows
        if r["setting"] == str(Setting.IN_HOSPITAL) and r["admitted_on"]
    ]
    median = sorted(stays)[len(stays) // 2] if stays else None
    statistics = {
        "inpatient_median_length_of_stay_days": publish_statistic(median, len(stays), profile)
    }
    controls = {
        "records_objected": len(everyone) - len(shareable),
        "records_generalised": anonymised.generalised,
        "records_suppressed": anonymised.suppressed,
        "cells_suppressed_primary": sum(t.primary for t in tables),
        "cells_suppressed_secondary": sum(t.secondary for t in tables),
        "suppressed_cells": {
            t.name: [list(p) for p in t.suppressed_positions]
            for t in tables
            if t.suppressed_positions
        },
    }
    log.info(
        "national_dataset_built",
        area=area,
        period=period.label,
        profile=profile,
        k=k,
        **{key: value for key, value in controls.items() if key != "suppressed_cells"},
    )
    return Dataset(area, period, profile, k, anonymised.records, tables, statistics, controls)
