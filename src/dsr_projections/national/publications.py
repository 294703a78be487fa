"""A nation's publications: built from its areas' latest returns, audited together with
every revision of the period already published (revisions.py), stored as revisions.

Each publication names the return revision of each area it was built from, so a later
revision can be audited against exactly what earlier ones counted.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from dsr_core.domain.periods import Period
from dsr_projections.national.atoms import AtomCounts, CellKey
from dsr_projections.national.collections import Collection
from dsr_projections.national.completeness import (
    CarriedForward,
    coverage,
    expected_areas,
    flags,
)
from dsr_projections.national.disclosure import DisclosureProfile, profile_named
from dsr_projections.national.release import Release, build, check
from dsr_projections.national.returns import atoms_from_content, store
from dsr_projections.national.revisions import Earlier
from dsr_projections.storage.database import ViewDatabase


class ReleaseRefusedError(Exception):
    """The audit still pins a suppressed cell, or there is nothing to publish."""


def publish(db: ViewDatabase, collection: Collection, period: Period) -> dict[str, Any]:
    """The publication from every area's latest return, with an estimate for each expected
    area that has not returned (completeness.py), audited together with the period's
    revisions already published; stored as a revision (a new one only when what it counts
    changed since the latest)."""
    key = {"collection": collection.name, "period": period.label}
    latest = _latest_returns(db, collection.name, period.label)
    if not latest:
        raise ReleaseRefusedError(
            f"No area has made a {collection.name} return for {period.label}."
        )
    carried = _carried_forward(db, collection, period, set(latest))
    counted = _Counted(
        {area: revision for area, (revision, _) in latest.items()},
        {area: estimate for area, (estimate, _) in carried.items()},
    )
    earlier = _published(db, collection.name, period.label)
    if earlier and earlier[-1][1] == counted:
        return {"revision": earlier[-1][0].revision, "new": False}
    atoms = {area: counts for area, (_, counts) in {**latest, **carried}.items()}
    release = build(collection, atoms, [release for release, _ in earlier])
    profile = profile_named(collection.profile)
    pinned = check(release, profile)
    if pinned:
        named = ", ".join(_name(cell) for cell in sorted(pinned, key=str)[:10])
        raise ReleaseRefusedError(
            f"{len(pinned)} suppressed cells could still be worked out from this release "
            f"read with the period's earlier revisions: {named}."
        )
    tables = release.tables()
    previous = earlier[-1][0].tables if earlier else None
    content = {
        "collection": collection.name,
        "period": period.label,
        "census_date": collection.census_date(period).isoformat(),
        "disclosure_profile": profile.name,
        "areas": release.areas,
        "returns": counted.returns,
        "coverage": coverage(collection, period.label, sorted(latest), counted.estimates),
        "tables": tables,
        "flags": flags(collection, tables, set(carried), previous),
        "notes": _notes(profile, release),
        "controls": {
            "cells": len(release.cells),
            "suppressed_primary": len(release.suppressed_primary),
            "suppressed_secondary": len(release.suppressed_secondary),
            "audit_rounds": release.rounds,
            "protection_level": profile.protection_level,
            "narrowest_suppressed_interval": release.narrowest,
            "audited_with_revisions": release.revisions_read_with,
            "known_from_earlier_revisions": release.known_before,
        },
    }
    revision, new = store(db, "national_publications", key, content, lambda c: c["tables"])
    return {"revision": revision, "new": new}


def _notes(profile: DisclosureProfile, release: Release) -> list[str]:
    """What a reader must be told of the control beyond the profile's own rule."""
    notes = []
    if release.suppressed_secondary and not profile.secondary_suppression:
        notes.append(
            f"{len(release.suppressed_secondary)} cells are shown as * beyond the "
            f"{profile.name} rule (which rounds and adds no secondary suppression): the "
            "audit found a suppressed count could otherwise be worked out exactly."
        )
    if release.revisions_read_with:
        notes.append(
            "Audited together with the earlier revisions of this period "
            f"({', '.join(str(r) for r in release.revisions_read_with)})."
        )
    return notes


@dataclass(frozen=True)
class _Counted:
    """Which stored returns a publication counted: the period's own, and estimates."""

    returns: dict[str, int]
    estimates: dict[str, CarriedForward]


def _name(cell: CellKey) -> str:
    where = f" of revision {cell.revision}" if cell.revision else ""
    return f"{cell.table} {cell.row} {cell.column}{where}"


def _latest_returns(
    db: ViewDatabase, collection: str, period: str
) -> dict[str, tuple[int, AtomCounts]]:
    """Each area's latest return for the period: its revision and atoms."""
    with db.read() as cursor:
        cursor.execute(
            "SELECT area, content, revision FROM national_returns r WHERE collection = ? AND "
            "period = ? AND revision = (SELECT MAX(revision) FROM national_returns x WHERE "
            "x.collection = r.collection AND x.area = r.area AND x.period = r.period)",
            (collection, period),
        )
        return {
            row["area"]: (int(row["revision"]), atoms_from_content(json.loads(row["content"])))
            for row in cursor.fetchall()
        }


def _carried_forward(
    db: ViewDatabase, collection: Collection, period: Period, returned: set[str]
) -> dict[str, tuple[CarriedForward, AtomCounts]]:
    """Each expected area without a return for the period: its latest return of an earlier
    period (periods of one collection sort as text: 2024-Q4 < 2025-Q1, 2025-02 < 2025-03)."""
    found = {}
    with db.read() as cursor:
        for area in expected_areas(collection, period.label) or ():
            if area in returned:
                continue
            cursor.execute(
                "SELECT period, revision, content FROM national_returns WHERE collection = ? "
                "AND area = ? AND period < ? ORDER BY period DESC, revision DESC LIMIT 1",
                (collection.name, area, period.label),
            )
            row = cursor.fetchone()
            if row is not None:
                estimate = CarriedForward(area, row["period"], int(row["revision"]))
                found[area] = (estimate, atoms_from_content(json.loads(row["content"])))
    return found


def _return_atoms(
    db: ViewDatabase, collection: str, area: str, period: str, revision: int
) -> AtomCounts:
    with db.read() as cursor:
        cursor.execute(
            "SELECT content FROM national_returns WHERE collection = ? AND area = ? AND "
            "period = ? AND revision = ?",
            (collection, area, period, revision),
        )
        row = cursor.fetchone()
    assert row is not None, "a publication counted a return that is not stored"
    return atoms_from_content(json.loads(row["content"]))


def _published(db: ViewDatabase, collection: str, period: str) -> list[tuple[Earlier, _Counted]]:
    """The period's published revisions, oldest first, each with the returns it counted.
    One published before issue 31 does not name them: the latest of each of its areas'
    returns stored before it was built is the one it counted."""
    with db.read() as cursor:
        cursor.execute(
            "SELECT revision, built_at, content FROM national_publications "
            "WHERE collection = ? AND period = ? ORDER BY revision",
            (collection, period),
        )
        publications = cursor.fetchall()
        cursor.execute(
            "SELECT area, revision, built_at FROM national_returns "
            "WHERE collection = ? AND period = ?",
            (collection, period),
        )
        stored = cursor.fetchall()
    found = []
    for publication in publications:
        content = json.loads(publication["content"])
        returns: dict[str, int] = content.get("returns") or {
            area: max(
                int(row["revision"])
                for row in stored
                if row["area"] == area and row["built_at"] <= publication["built_at"]
            )
            for area in content["areas"]
        }
        estimates = {
            area: CarriedForward(area, e["carried_forward_from"], int(e["revision"]))
            for area, e in content.get("coverage", {}).get("estimated", {}).items()
        }
        atoms = {
            area: _return_atoms(db, collection, area, period, revision)
            for area, revision in returns.items()
        } | {
            area: _return_atoms(db, collection, area, e.period, e.revision)
            for area, e in estimates.items()
        }
        secondary = int(content["controls"]["suppressed_secondary"]) > 0
        earlier = Earlier(int(publication["revision"]), atoms, content["tables"], secondary)
        found.append((earlier, _Counted(returns, estimates)))
    return found


def published_periods(db: ViewDatabase, collection: str) -> list[dict[str, Any]]:
    with db.read() as cursor:
        cursor.execute(
            "SELECT period, MAX(revision) AS revisions FROM national_publications "
            "WHERE collection = ? GROUP BY period ORDER BY period",
            (collection,),
        )
        return [
            {"period": row["period"], "revisions": int(row["revisions"])}
            for row in cursor.fetchall()
        ]
