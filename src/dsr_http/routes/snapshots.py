"""Reporting snapshots: list them, download one (with its SHA-256), per area.

Both kinds are the area lead's (issue 31): the monthly register names people, and the
quarterly national snapshot is the area's unsuppressed dataset, whose tables and records
read together can give a hidden count away. Analysts read publications
(routes/national.py), which are audited as a whole."""

import csv
import io
from typing import Any

from fastapi import APIRouter, HTTPException, Response

from dsr_http.deps import Leads, ReadsDep, ViewsDep
from dsr_http.problems import RESPONSES
from dsr_scheduler import snapshots

router = APIRouter(prefix="/v1/snapshots", tags=["snapshots"], responses=RESPONSES)


@router.get("", operation_id="listSnapshots")
def list_snapshots(principal: Leads, views: ViewsDep) -> list[dict[str, Any]]:
    """Snapshots for your areas: register (monthly) and national (quarterly, unsuppressed)."""
    return snapshots.listing(views, sorted(principal.areas))


@router.get(
    "/{snapshot_id}",
    operation_id="getSnapshot",
    responses={
        200: {"description": "The artefact", "content": {"text/csv": {}, "application/json": {}}}
    },
)
def get_snapshot(snapshot_id: str, principal: Leads, views: ViewsDep, reads: ReadsDep) -> Response:
    """Download an artefact; the Digest header carries its SHA-256."""
    row = snapshots.get(views, snapshot_id)
    if row is None or row["area"] not in principal.areas:
        raise HTTPException(404, "No such snapshot in your areas")
    if row["kind"] == "register":
        people = [r["person_id"] for r in csv.DictReader(io.StringIO(str(row["content"])))]
        reads.record("register-snapshot", people, row["area"])
    return Response(
        str(row["content"]),
        media_type=row["media_type"],
        headers={"Digest": f"sha-256={row['sha256']}", "ETag": f'"{row["sha256"]}"'},
    )
