"""Statistical disclosure control for the national dataset: named profiles, pure functions.

Profiles (domain.md, "National reporting"; publications use release.py, which audits the
whole release):
- `nhs_england_lda`: the learning-disability publication's rule: every count under 5,
  zero included, is "*"; every other count is rounded to the nearest 5, at every level.
- `nhs_england`: below national level, counts 1-7 are shown as "*" and other counts are
  rounded to the nearest 5; means and medians based on 1-7 people are not shown.
- `phs_scotland`: counts 1-4 are suppressed ("*"), then secondary suppression so that no
  suppressed cell can be worked out from the totals shown (see `protect`).
Zero is shown as 0 in both: a structural zero discloses nothing about a person.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict, Field

SUPPRESSED = "*"
Cell = int | str


@dataclass(frozen=True)
class Table:
    """Counts by row and column; row and column totals are published beside them."""

    name: str
    cells: Mapping[str, Mapping[str, int]]
    row_totals: bool = True
    column_totals: bool = True


@dataclass
class Published:
    name: str
    cells: dict[str, dict[str, Cell]]
    primary: int = 0
    secondary: int = 0
    suppressed_positions: list[tuple[str, str]] = field(default_factory=list)


TOTAL = "total"


def _with_totals(table: Table) -> dict[str, dict[str, int]]:
    rows = {r: dict(cols) for r, cols in table.cells.items()}
    columns = sorted({c for cols in rows.values() for c in cols})
    for cols in rows.values():
        for column in columns:
            cols.setdefault(column, 0)
    if table.row_totals:
        for cols in rows.values():
            cols[TOTAL] = sum(v for c, v in cols.items() if c != TOTAL)
    if table.column_totals:
        keys = columns + ([TOTAL] if table.row_totals else [])
        rows[TOTAL] = {c: sum(rows[r][c] for r in table.cells) for c in keys}
    return rows


class DisclosureProfile(BaseModel):
    """A disclosure rule as data: change a threshold by changing a value, not the code."""

    model_config = ConfigDict(frozen=True)

    name: str
    smallest_shown: int = Field(ge=1, description="Counts from 1 to this minus 1 show as '*'")
    round_to: int | None = Field(default=None, ge=2, description="Other counts rounded to this")
    secondary_suppression: bool = Field(
        description="Suppress further cells until no hidden cell follows from the totals"
    )
    statistic_min_people: int = Field(ge=1, description="Means/medians need this many people")
    zero_suppressed: bool = Field(
        default=False, description="Zero counts are shown as '*' too (NHS England's LDA rule)"
    )
    protection_level: int = Field(
        default=3,
        ge=1,
        description="A suppressed cell must stay uncertain over at least this width, given "
        "every table and total of the release (release.audit)",
    )


PROFILES: dict[str, DisclosureProfile] = {
    profile.name: profile
    for profile in (
        DisclosureProfile(
            name="nhs_england",
            smallest_shown=8,
            round_to=5,
            secondary_suppression=False,
            statistic_min_people=8,
        ),
        DisclosureProfile(
            name="phs_scotland",
            smallest_shown=5,
            secondary_suppression=True,
            statistic_min_people=5,
        ),
        DisclosureProfile(
            name="nhs_england_lda",
            smallest_shown=5,
            zero_suppressed=True,
            round_to=5,
            secondary_suppression=False,
            statistic_min_people=5,
        ),
    )
}


def profile_named(name: str) -> DisclosureProfile:
    try:
        return PROFILES[name]
    except KeyError:
        raise ValueError(f"unknown disclosure profile {name!r}") from None


def publish(table: Table, profile: str) -> Published:
    """The table with its totals, under the profile: small counts hidden, the rest
    rounded where the profile rounds, and secondary suppression where it protects."""
    rule = profile_named(profile)
    raw = _with_totals(table)
    suppressed = {(r, c) for r, cols in raw.items() for c, v in cols.items() if _small(v, rule)}
    primary = len(suppressed)
    if rule.secondary_suppression:
        protect(
            raw,
            suppressed,
            rows_have_totals=table.row_totals,
            columns_have_totals=table.column_totals,
        )
    published = Published(table.name, {}, primary=primary, secondary=len(suppressed) - primary)
    for row, cols in raw.items():
        published.cells[row] = {
            c: SUPPRESSED if (row, c) in suppressed else _rounded(v, rule) for c, v in cols.items()
        }
    published.suppressed_positions = sorted(suppressed)
    return published


def publish_statistic(value: float | None, based_on: int, profile: str) -> float | str | None:
    """A mean or median: hidden when it describes too few people."""
    if value is None:
        return None
    return SUPPRESSED if 0 < based_on < profile_named(profile).statistic_min_people else value


def publish_count(value: int, profile: str) -> Cell:
    """One count standing alone (no total beside it), under the profile's small-count rule."""
    rule = profile_named(profile)
    return SUPPRESSED if _small(value, rule) else _rounded(value, rule)


def _small(value: int, rule: DisclosureProfile) -> bool:
    """Shown as "*": counts under the threshold, and zero where the profile hides it too."""
    return (value == 0 and rule.zero_suppressed) or 0 < value < rule.smallest_shown


def _rounded(value: int, rule: DisclosureProfile) -> int:
    return rule.round_to * round(value / rule.round_to) if rule.round_to else value


def lines(
    raw: Mapping[str, Mapping[str, int]], rows_have_totals: bool, columns_have_totals: bool
) -> list[tuple[list[tuple[str, str]], tuple[str, str]]]:
    """Every (cells, total cell) relation the published table reveals."""
    found = []
    if rows_have_totals:
        for row, cols in raw.items():
            found.append(([(row, c) for c in cols if c != TOTAL], (row, TOTAL)))
    if columns_have_totals and TOTAL in raw:
        for column in raw[TOTAL]:
            found.append(([(r, column) for r in raw if r != TOTAL], (TOTAL, column)))
    return found


def recoverable(values: list[int], total: int) -> bool:
    """Whether a suppressed cell in a line can be pinned down from the line's total.

    Each suppressed cell is known only to be at least 1. With k suppressed cells summing
    to S, each lies in [1, S - (k - 1)]: a single value exactly when k == 1 or S == k.
    """
    del total
    return len(values) == 1 or (len(values) > 1 and sum(values) == len(values))


def protect(
    raw: dict[str, dict[str, int]],
    suppressed: set[tuple[str, str]],
    *,
    rows_have_totals: bool,
    columns_have_totals: bool,
) -> None:
    """Secondary suppression: widen each line's suppression until no cell is recoverable."""
    changed = True
    while changed:
        changed = False
        for cells, total in lines(raw, rows_have_totals, columns_have_totals):
            if total in suppressed:
                continue  # a hidden total reveals nothing about its line
            hidden = [raw[r][c] for r, c in cells if (r, c) in suppressed]
            if not hidden or not recoverable(hidden, raw[total[0]][total[1]]):
                continue
            candidates = sorted(
                (raw[r][c], (r, c)) for r, c in cells if (r, c) not in suppressed and raw[r][c] > 0
            )
            suppressed.add(candidates[0][1] if candidates else total)
            changed = True
