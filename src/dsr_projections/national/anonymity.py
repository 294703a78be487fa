"""Turning a person into an anonymous national record: pseudonyms, bands, k-anonymity."""

from __future__ import annotations

import hashlib
import hmac
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

AGE_BANDS = (
    (0, 17, "0-17"),
    (18, 24, "18-24"),
    (25, 34, "25-34"),
    (35, 44, "35-44"),
    (45, 54, "45-54"),
    (55, 64, "55-64"),
    (65, 200, "65+"),
)
COARSE_AGE = {
    "0-17": "0-17",
    "18-24": "18-34",
    "25-34": "18-34",
    "35-44": "35-64",
    "45-54": "35-64",
    "55-64": "35-64",
    "65+": "65+",
}
GENERALISED = "*"


def age(date_of_birth: date, on: date) -> int:
    return (
        on.year
        - date_of_birth.year
        - ((on.month, on.day) < (date_of_birth.month, date_of_birth.day))
    )


def age_band(date_of_birth: date, on: date) -> str:
    years = age(date_of_birth, on)
    for low, high, label in AGE_BANDS:
        if low <= years <= high:
            return label
    raise ValueError("age out of range")


def pseudonym(secret: bytes, person_id: UUID | str) -> str:
    """Stable across periods for one person; not reversible or linkable without the secret."""
    return hmac.new(secret, f"dsr-person:{person_id}".encode(), hashlib.sha256).hexdigest()[:20]


@dataclass
class Anonymised:
    records: list[dict[str, Any]]
    generalised: int = 0
    suppressed: int = 0
    groups_below_k: list[str] = field(default_factory=list)


def k_anonymise(
    records: Sequence[dict[str, Any]], quasi_identifiers: Sequence[str], k: int
) -> Anonymised:
    """Every combination of quasi-identifiers is shared by at least k records.

    First coarsen the age band of records in small groups; then replace all their
    quasi-identifiers with "*"; any group still smaller than k is left out.
    """
    rows = [dict(r) for r in records]
    result = Anonymised(rows)

    def key(row: dict[str, Any]) -> tuple[Any, ...]:
        return tuple(row[q] for q in quasi_identifiers)

    def small(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        counts = Counter(key(r) for r in rows)
        return [r for r in rows if counts[key(r)] < k]

    for row in small(rows):
        if "age_band" in row and row["age_band"] in COARSE_AGE:
            coarse = COARSE_AGE[row["age_band"]]
            if coarse != row["age_band"]:
                row["age_band"] = coarse
                result.generalised += 1
    for row in small(rows):
        for q in quasi_identifiers:
            row[q] = GENERALISED
        result.generalised += 1
    remaining = {id(r) for r in small(rows)}
    result.suppressed = len(remaining)
    result.records = [r for r in rows if id(r) not in remaining]
    return result
