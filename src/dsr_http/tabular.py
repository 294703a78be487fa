"""Lists as CSV, for the spreadsheets DSR meetings and commissioners work from."""

import csv
import io
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import Response
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse


def csv_response(
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """Every row, with a header even when there are none (when `columns` are named)."""
    out = io.StringIO()
    fields = list(columns) if columns is not None else list(rows[0]) if rows else []
    if fields:
        writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n", extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return Response(out.getvalue(), media_type="text/csv", headers=dict(headers or {}))


def list_response(
    rows: Sequence[Mapping[str, Any]], format: str, columns: Sequence[str], caught_up: bool
) -> Response:
    """A working list as JSON or CSV, saying when the read model was still behind."""
    headers = {} if caught_up else {"X-Projection-Behind": "true"}
    if format == "csv":
        return csv_response(rows, columns, headers)
    return JSONResponse(jsonable_encoder(rows), headers=headers)
