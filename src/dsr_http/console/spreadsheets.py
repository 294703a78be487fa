"""CSV and XLSX downloads of a list exactly as the page shows it, every row.

A cell that begins with `=`, `+`, `-`, `@` (or a tab or carriage return) is one a
spreadsheet would run as a formula; such cells get a leading apostrophe, the OWASP
advice, so a name like `=HYPERLINK(...)` reads as text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralised(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def as_csv(headings: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headings)
    for row in rows:
        writer.writerow(["" if v is None else neutralised(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode()  # the byte-order mark Excel needs for UTF-8


def as_xlsx(title: str, headings: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    sheet.append(list(headings))
    for row in rows:
        # openpyxl writes a string starting with "=" as a formula: neutralised, it is text
        sheet.append([neutralised(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
