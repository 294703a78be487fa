"""The API's lists as CSV or XLSX, for the spreadsheets DSR meetings and commissioners
work from; cells are written as the console's downloads write them (`spreadsheets`)."""

from collections.abc import Mapping, Sequence
from typing import Any, Literal

from fastapi import Response
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse

from dsr_http import spreadsheets

ListFormat = Literal["json", "csv", "xlsx"]


def _cells(rows: Sequence[Mapping[str, Any]], fields: Sequence[str]) -> list[list[Any]]:
    return [[row.get(field) for field in fields] for row in rows]


def _fields(rows: Sequence[Mapping[str, Any]], columns: Sequence[str] | None) -> list[str]:
    """The columns named, else the first row's keys (none for no rows)."""
    return list(columns) if columns is not None else list(rows[0]) if rows else []


def csv_response(
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """Every row, with a header even when there are none (when `columns` are named)."""
    fields = _fields(rows, columns)
    body = spreadsheets.csv_text(fields, _cells(rows, fields), newline="\n") if fields else ""
    return Response(body, media_type="text/csv", headers=dict(headers or {}))


def xlsx_response(
    title: str,
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """Every row as one sheet: dates as date cells, yes/no as booleans."""
    fields = _fields(rows, columns)
    body = spreadsheets.as_xlsx(title, fields, _cells(rows, fields))
    disposition = {"Content-Disposition": f'attachment; filename="{title.lower()}.xlsx"'}
    return Response(
        body, media_type=spreadsheets.XLSX_MEDIA_TYPE, headers=dict(headers or {}) | disposition
    )


def list_response(
    title: str,
    rows: Sequence[Mapping[str, Any]],
    format: ListFormat,
    columns: Sequence[str],
    caught_up: bool,
) -> Response:
    """A working list as JSON, CSV or XLSX, saying when the read model was still behind."""
    headers = {} if caught_up else {"X-Projection-Behind": "true"}
    if format == "csv":
        return csv_response(rows, columns, headers)
    if format == "xlsx":
        return xlsx_response(title, rows, columns, headers)
    return JSONResponse(jsonable_encoder(rows), headers=headers)
