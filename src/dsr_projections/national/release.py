"""A publication's tables from all areas' returns, with disclosure control that holds over
the whole release (domain.md, "National reporting"; docs/national.md).

Every published cell is a sum of atoms (collections.py). After the profile's
small-count rule, an audit solves, for every suppressed cell, the least and greatest value
consistent with *every* published cell of the release, totals and national rows included
(linear programming, HiGHS through its own binding `highspy`: one model serves every cell,
only its objective changes). While a suppressed cell is pinned to an interval narrower than
the profile's protection level, suppression is extended to the smallest shown cell that
counts any of the same people, and the release is audited again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import highspy
import numpy as np
import structlog

from dsr_projections.national.atoms import (
    TOTAL,
    AtomCounts,
    Atoms,
    CellKey,
    atom_values,
    cells_of,
    folded,
    is_folded,
    open_counts,
    opened,
    same_people,
)
from dsr_projections.national.collections import Collection
from dsr_projections.national.disclosure import SUPPRESSED, DisclosureProfile, profile_named
from dsr_projections.national.revisions import Bounds, Earlier, Joint, joint
from dsr_projections.national.solver import SOLVER_LOCK, bounds_solver, solve

log = structlog.get_logger(__name__)


@dataclass
class Release:
    """The computed tables before and after control, and what the audit found."""

    collection: str
    areas: list[str]
    cells: dict[CellKey, int]
    shown: dict[CellKey, int | str]
    suppressed_primary: set[CellKey] = field(default_factory=set)
    suppressed_secondary: set[CellKey] = field(default_factory=set)
    intervals: dict[CellKey, tuple[float, float]] = field(default_factory=dict)
    rounds: int = 0
    revisions_read_with: list[int] = field(default_factory=list)
    """The period's published revisions the audit solved together with this one."""
    known_before: int = 0
    """Hidden cells whose value the earlier revisions had already published or pinned."""

    def tables(self) -> dict[str, dict[str, dict[str, int | str]]]:
        out: dict[str, dict[str, dict[str, int | str]]] = {}
        for key, value in self.shown.items():
            out.setdefault(key.table, {}).setdefault(key.row, {})[key.column] = value
        return out

    def raw_tables(self) -> dict[str, dict[str, dict[str, int]]]:
        out: dict[str, dict[str, dict[str, int]]] = {}
        for key, value in self.cells.items():
            out.setdefault(key.table, {}).setdefault(key.row, {})[key.column] = value
        return out

    @property
    def narrowest(self) -> float | None:
        """The narrowest suppressed cell's interval; None when none is bounded."""
        widths = [high - low for low, high in self.intervals.values()]
        finite = [w for w in widths if np.isfinite(w)]
        return round(min(finite), 6) if finite else None


def build(
    collection: Collection,
    returns: Mapping[str, AtomCounts],
    earlier: Sequence[Earlier] = (),
) -> Release:
    """The release for these areas' returns under the collection's profile, audited, with
    the period's revisions already published (`earlier`) read together with it."""
    areas = sorted(returns)
    profile = profile_named(collection.profile)
    collection = opened(collection, [returns, *(e.returns for e in earlier)])
    counts = open_counts(collection, returns)
    collection = folded(collection, lambda _, value: counts[value] >= profile.smallest_shown)
    atoms = Atoms(collection, areas)
    cells = cells_of(collection, areas, atoms)
    truth = atom_values(collection, returns, atoms)
    values = {key: int(truth[members].sum()) for key, members in cells.items()}
    before = joint(collection, atoms, truth, earlier, profile)
    every_cell = {**cells, **before.cells}
    linked = same_people(collection, returns, atoms) + before.links
    neighbours = _Neighbours(every_cell)
    primary = {key for key, v in values.items() if _primary(v, profile)}
    release = Release(collection.name, areas, values, {}, suppressed_primary=primary)
    secondary: set[CellKey] = set()
    intervals: dict[CellKey, tuple[float, float]] = {}
    known = _published_unchanged(cells, before)
    known |= {key for key, members in cells.items() if not members}  # 0 by construction
    checked: set[CellKey] = set()  # pinned cells already asked of the earlier revisions
    recheck: set[CellKey] | None = None  # the first round audits every hidden cell
    while True:
        release.rounds += 1
        hidden = primary | secondary | before.hidden
        # Hiding more only widens intervals, so a cell found safe stays safe: later rounds
        # audit the cells still pinned and those newly hidden.
        intervals.update(
            audit(
                every_cell,
                values,
                hidden,
                profile,
                before.variables,
                any_secondary=bool(secondary),
                only=recheck,
                same_people=linked,
                published=before.bounds,
            )
        )
        pinned = [
            k
            for k, (low, high) in intervals.items()
            if high - low < profile.protection_level and k not in known
        ]
        if before.cells and set(pinned) - checked:
            known |= _known_before(cells, before, set(pinned) - checked, profile)
            checked |= set(pinned)
            pinned = [k for k in pinned if k not in known]
        release.intervals = {k: v for k, v in intervals.items() if k not in known}
        if not pinned:
            break
        # a cell whose value a reader already has protects nothing: never a candidate
        added = _extend(
            pinned, values, hidden | known, profile, neighbours, collection.national_code
        )
        if not added:
            break  # nothing left to hide: the release is refused by `check`
        secondary |= added
        recheck = set(pinned) | added
    release.revisions_read_with = sorted(e.revision for e in earlier)
    release.known_before = len(known & (primary | secondary | before.hidden))
    release.suppressed_secondary = secondary
    release.shown = {
        key: SUPPRESSED if key in primary | secondary else _rounded(v, profile)
        for key, v in values.items()
        if not is_folded(collection, key)  # in "other providers" (under 5 each) instead
    }
    log.info(
        "release_built",
        collection=collection.name,
        areas=len(areas),
        cells=len(values),
        suppressed_primary=len(primary),
        suppressed_secondary=len(secondary),
        audit_rounds=release.rounds,
    )
    return release


def _published_unchanged(cells: Mapping[CellKey, list[int]], before: Joint) -> set[CellKey]:
    """This release's cells an earlier revision showed over the very same counts (a cell
    no correction touched): a reader has their value, so hiding them protects nothing."""
    shown = {
        tuple(sorted(members))
        for key, members in before.cells.items()
        if key not in before.hidden and members
    }
    return {key for key, members in cells.items() if members and tuple(sorted(members)) in shown}


def _known_before(
    cells: Mapping[CellKey, list[int]],
    before: Joint,
    hidden: set[CellKey],
    profile: DisclosureProfile,
) -> set[CellKey]:
    """Of the pinned cells `hidden`, those the earlier revisions already pin by themselves:
    a value published before, or one exposed by revisions published before issue 31.
    Hiding more now cannot protect them, so they are not audited; the rest must hold over
    everything read together. Asked only of cells found pinned, so it costs little."""
    if not before.cells:
        return set()
    unknown: dict[CellKey, Bounds] = {key: (0.0, None) for key in cells}
    alone = audit(
        {**cells, **before.cells},
        {},
        hidden,
        profile,
        before.variables,
        same_people=before.links,
        published={**unknown, **before.bounds},
    )
    return {k for k, (low, high) in alone.items() if high - low < profile.protection_level}


def check(release: Release, profile: DisclosureProfile) -> list[CellKey]:
    """Suppressed cells still pinned narrower than the protection level: must be none."""
    return [
        key
        for key, (low, high) in release.intervals.items()
        if high - low < profile.protection_level
    ]


def _primary(value: int, profile: DisclosureProfile) -> bool:
    if value == 0:
        return profile.zero_suppressed
    return value < profile.smallest_shown


def _rounded(value: int, profile: DisclosureProfile) -> int:
    base = profile.round_to
    return base * round(value / base) if base else value


def _bounds(
    shown_value: int, hidden: bool, profile: DisclosureProfile, any_secondary: bool
) -> tuple[float, float | None]:  # (least, greatest or None when unbounded)
    """What a reader of the release knows of a cell's true value."""
    if hidden:
        low = 0.0 if profile.zero_suppressed else 1.0
        high = (
            None if any_secondary or profile.secondary_suppression else profile.smallest_shown - 1
        )
        return low, high
    if profile.round_to:
        shown = _rounded(shown_value, profile)
        half = profile.round_to // 2
        return float(max(profile.smallest_shown, shown - half)), float(shown + half)
    return float(shown_value), float(shown_value)


def audit(
    cells: Mapping[CellKey, list[int]],
    values: Mapping[CellKey, int],
    hidden: set[CellKey],
    profile: DisclosureProfile,
    atom_count: int,
    *,
    any_secondary: bool = False,
    only: set[CellKey] | None = None,
    same_people: Sequence[tuple[list[int], list[int]]] = (),
    published: Mapping[CellKey, Bounds] | None = None,
) -> dict[CellKey, tuple[float, float]]:
    """For each hidden cell (or those in `only`), the least and greatest value that every
    published cell of the release allows: two linear programmes over the atoms, one model
    with its objective changed cell by cell (HiGHS, warm-started). `same_people` pairs
    atom sets that count the same people (linked families): a reader knows their sums
    are equal. `published`: cells of earlier revisions, with what a reader knows of each."""
    keys = list(cells)
    lows, highs = [], []
    for key in keys:
        if published is not None and key in published:
            low, high = published[key]
        else:
            low, high = _bounds(values[key], key in hidden, profile, any_secondary)
        lows.append(low)
        highs.append(highspy.kHighsInf if high is None else high)
    columns: list[list[tuple[int, float]]] = [[] for _ in range(atom_count)]
    for row, key in enumerate(keys):
        for atom in cells[key]:
            columns[atom].append((row, 1.0))
    for offset, (plus, minus) in enumerate(same_people):
        row = len(keys) + offset
        for atom in plus:
            columns[atom].append((row, 1.0))
        for atom in minus:
            columns[atom].append((row, -1.0))
        lows.append(0.0)
        highs.append(0.0)
    entries = [entry for column in columns for entry in column]
    starts = np.cumsum([0] + [len(c) for c in columns[:-1]]) if columns else np.array([0])
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = atom_count, len(lows)
    lp.col_cost_ = np.zeros(atom_count)
    lp.col_lower_ = np.zeros(atom_count)
    lp.col_upper_ = np.full(atom_count, highspy.kHighsInf)
    lp.row_lower_, lp.row_upper_ = np.array(lows), np.array(highs)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = np.append(starts, len(entries)).astype(np.int32)
    lp.a_matrix_.index_ = np.array([row for row, _ in entries], dtype=np.int32)
    lp.a_matrix_.value_ = np.array([value for _, value in entries], dtype=float)
    with SOLVER_LOCK:
        solver = bounds_solver()
        solver.passModel(lp)
        return _intervals(solver, cells, hidden if only is None else only & hidden, atom_count)


def _intervals(
    solver: highspy.Highs, cells: Mapping[CellKey, list[int]], keys: set[CellKey], atom_count: int
) -> dict[CellKey, tuple[float, float]]:
    found: dict[CellKey, tuple[float, float]] = {}
    solved: dict[tuple[int, ...], tuple[float, float]] = {}
    previous: list[int] = []
    for key in sorted(keys, key=str):
        members = cells[key]
        if not members:
            found[key] = (0.0, 0.0)
            continue
        same = tuple(sorted(members))  # the same sum in another table or revision: once
        if same in solved:
            found[key] = solved[same]
            continue
        if previous:
            solver.changeColsCost(len(previous), np.array(previous), np.zeros(len(previous)))
        solver.changeColsCost(len(members), np.array(members), np.ones(len(members)))
        previous = list(members)
        solver.changeObjectiveSense(highspy.ObjSense.kMinimize)
        least = solve(solver)
        solver.changeObjectiveSense(highspy.ObjSense.kMaximize)
        most = solve(solver)
        found[key] = (0.0 if least is None else least, np.inf if most is None else most)
        solved[same] = found[key]
    return found


class _Neighbours:
    """Which cells a pinned cell's value can be worked out through: those counting any of
    its people (in any table), and those sharing its table row or column (another area's
    cell, so that the nation minus the others no longer gives it). Built once a release."""

    def __init__(self, cells: Mapping[CellKey, list[int]]) -> None:
        self.cells = cells
        self.by_atom: dict[int, list[CellKey]] = {}
        self.lines: dict[tuple[str, str], set[CellKey]] = {}
        for key, members in cells.items():
            for atom in members:
                self.by_atom.setdefault(atom, []).append(key)
            self.lines.setdefault((key.table, key.row), set()).add(key)
            self.lines.setdefault((key.table, key.column), set()).add(key)

    def of(self, key: CellKey) -> set[CellKey]:
        related = {k for atom in self.cells[key] for k in self.by_atom[atom]}
        related |= self.lines[(key.table, key.row)] | self.lines[(key.table, key.column)]
        related.discard(key)
        return related


def _extend(
    pinned: Sequence[CellKey],
    values: Mapping[CellKey, int],
    hidden: set[CellKey],
    profile: DisclosureProfile,
    neighbours: _Neighbours,
    national: str,
) -> set[CellKey]:
    """For each pinned cell, hide the smallest shown neighbour (`_Neighbours`), or, when
    none is left, the smallest shown cell anywhere; totals and the nation's row last."""

    def hideable(k: CellKey) -> bool:  # only this release's cells: the rest are published
        if k.revision or k in hidden or k in added:
            return False
        return values[k] > 0 or profile.zero_suppressed

    added: set[CellKey] = set()  # a shown 0 stays a known 0 where zeros are shown
    for key in pinned:
        related = neighbours.of(key)
        if added & related:
            continue  # already widened this round
        candidates = [k for k in related if hideable(k)] or [k for k in values if hideable(k)]
        if candidates:
            added.add(min(candidates, key=lambda k: _cost(k, key, values, national)))
    return added


def _cost(
    candidate: CellKey, pinned: CellKey, values: Mapping[CellKey, int], national: str
) -> tuple[int | bool | str, ...]:
    """Which cell to hide next: one of the pinned cell's own row first, never the nation's
    row or a total if another will do, and the smallest count."""
    return (
        candidate.row == national,
        candidate.column == TOTAL,
        candidate.row != pinned.row,
        values[candidate],
        candidate.table,
        candidate.row,
        candidate.column,
    )
