"""Reporting snapshots: list them, download one (with its SHA-256), per area."""

import csv
import io
from typing import Any

from fastapi import APIRouter, HTTPException, Response

from dsr_core.domain.codes import Role
from dsr_http.deps import NationalReaders, ReadsDep, ViewsDep
from dsr_http.problems import RESPONSES, ForbiddenError
from dsr_scheduler import snapshots

router = APIRouter(prefix="/v1/snapshots", tags=["snapshots"], responses=RESPONSES)


@router.get("", operation_id="listSnapshots")
def list_snapshots(principal: NationalReaders, views: ViewsDep) -> list[dict[str, Any]]:
    """Snapshots for your areas: register (monthly) for leads, national (quarterly) for both."""
    rows = snapshots.listing(views, sorted(principal.areas))
    return [r for r in rows if r["kind"] == "national" or principal.role is Role.LEAD]


@router.get(
    "/{snapshot_id}",
    operation_id="getSnapshot",
    responses={
        200: {"description": "The artefact", "content": {"text/csv": {}, "application/json": {}}}
    },
)
def get_snapshot(
    snapshot_id: str, principal: NationalReaders, views: ViewsDep, reads: ReadsDep
) -> Response:
    """Download an artefact; the Digest header carries its SHA-256."""
    row = snapshots.get(views, snapshot_id)
    if row is None or row["area"] not in principal.areas:
        raise HTTPException(404, "No such snapshot in your areas")
    if row["kind"] == "register" and principal.role is not Role.LEAD:
        raise ForbiddenError("Register snapshots are for the area's lead.")
    if row["kind"] == "register":
        people = [r["person_id"] for r in csv.DictReader(io.StringIO(str(row["content"])))]
        reads.record("register-snapshot", people, row["area"])
    return Response(
        str(row["content"]),
        media_type=row["media_type"],
        headers={"Digest": f"sha-256={row['sha256']}", "ETag": f'"{row["sha256"]}"'},
    )
