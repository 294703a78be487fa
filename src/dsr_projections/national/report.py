"""The unsuppressed national dataset of one area for one reporting period, built from the
national-spells read model: the area's own figures, for its lead and for its return.

`build_dataset` takes the census on the last day of the period, pseudonymises,
generalises to k-anonymity and applies the area's disclosure profile table by table.
Nothing it returns names a person, a number, a date of birth or any free text, and it logs
what it suppressed (counts, never values). It is **not** anonymised output: its tables are
controlled one at a time, so read together (a row outside hospital and the grand total)
or with the records they can give a hidden count away (issue 31). It is labelled so
(`CLASSIFICATION`) and served to the area's lead only; what leaves the area for readers is
the nation's publication, audited as a whole (release.py).
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import structlog

from dsr_core.domain.code_lists import RETIRED_MHSDS_DELAY_LIST, current_code
from dsr_core.domain.codes import RatingLevel, Setting, UrgentReason
from dsr_core.domain.periods import Period
from dsr_projections.national.anonymity import age_band, k_anonymise, pseudonym
from dsr_projections.national.dataset import QUASI_IDENTIFIERS, census
from dsr_projections.national.disclosure import Published, Table, publish, publish_statistic
from dsr_projections.stays.spells import los_band
from dsr_projections.storage.database import Row, ViewDatabase

log = structlog.get_logger(__name__)


CLASSIFICATION = (
    "unsuppressed: the area's own dataset for its lead and its return; tables are controlled "
    "one at a time, not together, so it is not anonymised and must not be published"
)


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
                "classification": CLASSIFICATION,
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
        columns = ["pseudonym", *QUASI_IDENTIFIERS]
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
        "delay_reason": _reported_reason(row["delay_reason"]) if delayed else "",
    }


def _reported_reason(code: str | None) -> str:
    """A reason recorded on MHSDS v5 is counted under the v6 code that says the same, where
    one does, so that a census after April 2024 reads on one list (domain.md)."""
    return current_code(RETIRED_MHSDS_DELAY_LIST, code) if code else "not_recorded"


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
