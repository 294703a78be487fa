"""CSV and XLSX for the spreadsheets DSR meetings and commissioners work from: the API's
lists and the console's downloads write through here, so both read alike.

A cell that begins with `=`, `+`, `-`, `@` (or a tab or carriage return) is one a
spreadsheet would run as a formula; such cells get a leading apostrophe, the OWASP
advice, so a name like `=HYPERLINK(...)` reads as text. In XLSX a date is a date cell and
a yes/no a boolean, so a sheet sorts and filters them as a spreadsheet user expects.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from datetime import date, datetime, time
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def neutralised(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _text(value: Any) -> Any:
    """A list or mapping as one readable cell; anything else as it is."""
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {v}" for k, v in value.items())
    return value


def csv_text(headings: Sequence[str], rows: Sequence[Sequence[Any]], newline: str = "\r\n") -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=newline)
    writer.writerow(headings)
    for row in rows:
        writer.writerow(["" if v is None else neutralised(_text(v)) for v in row])
    return out.getvalue()


def as_csv(headings: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    """A file for a spreadsheet app: with the byte-order mark Excel needs for UTF-8."""
    return ("\ufeff" + csv_text(headings, rows)).encode()


def _cell(sheet: Worksheet, value: Any) -> Any:
    value = _text(value)
    if isinstance(value, str) and _ISO_DAY.fullmatch(value):
        value = date.fromisoformat(value)
    if isinstance(value, date) and not isinstance(value, datetime):
        cell = WriteOnlyCell(sheet, value=datetime.combine(value, time()))
        cell.number_format = "yyyy-mm-dd"  # a day: midnight, shown without its time
        return cell
    if isinstance(value, datetime):
        # spreadsheets hold no time zone: the instant in UTC, said so by its heading
        cell = WriteOnlyCell(sheet, value=value.replace(tzinfo=None))
        cell.number_format = "yyyy-mm-dd hh:mm:ss"
        return cell
    # openpyxl writes a string starting with "=" as a formula: neutralised, it is text
    return neutralised(value)


def as_xlsx(title: str, headings: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    sheet.append(list(headings))
    for row in rows:
        sheet.append([_cell(sheet, v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
