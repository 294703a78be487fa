"""The spreadsheet side of `dsr import`: mappings, reading a file's rows under the
mapping's column names, a blank template, and the report as a CSV a lead can open.

Real registers' headers vary (`NHS Number`, `nhs_number`, `NHS No.`): a header matches a
mapping's column whatever its case, spacing and punctuation, or through the mapping's
synonyms. A column the mapping does not know is reported and left out, not fatal; one
that two headers fill is refused (which would win is a guess); a file none of whose
headers match is refused with the columns it should have. A file that is empty, not
UTF-8, not a workbook, too large (packed or unpacked) or holds an overlong cell is
refused, in words, before any row is imported.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from dsr_http import spreadsheets

DETAILS = (
    "given_name",
    "family_name",
    "date_of_birth",
    "sex",
    "diagnosis_group",
    "nhs_number",
    "chi_number",
)
"""The fields that make a person's details (the rest are the referral, consent, rating
and stay)."""
TARGETS = frozenset(
    {
        *DETAILS,
        "referred_on",
        "referred_by",
        "reason",
        "criteria",
        "consent_basis",
        "consent_on",
        "consent_by",
        "accepted_on",
        "rating",
        "urgent_reason",
        "admitted_on",
        "hospital",
        "ward_type",
        "in_area",
        "legal_status",
    }
)
"""What a mapping's columns may fill."""
PROGRESS_EVERY = 1000


class ImportFileError(Exception):
    """The file as a whole cannot be imported (unreadable, a column filled twice, nothing
    recognised); `expected` lists the mapping's columns."""

    def __init__(self, problems: list[dict[str, Any]], expected: list[str] | None = None) -> None:
        super().__init__("; ".join(p["problem"] for p in problems))
        self.problems = problems
        self.expected = expected or []


def problem(row: int | None, column: str | None, message: str) -> dict[str, Any]:
    return {"row": row, "column": column, "problem": message}


def normalised(header: str) -> str:
    """`NHS Number`, ` nhs_number ` and `NHS-number` alike; `No.` as `number`."""
    text = re.sub(r"\bno\b\.?", "number", header.casefold())
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text).split())


@dataclass(frozen=True)
class Mapping:
    name: str
    columns: dict[str, str]
    """Column heading (as the template writes it) → the field it fills."""
    values: dict[str, dict[str, str]]
    synonyms: dict[str, list[str]]
    """Column heading → other headings registers use for it."""

    @classmethod
    def named(cls, name: str) -> Mapping:
        """A shipped mapping by name (generic, scottish), or a JSON file's path."""
        path = Path(name)
        if path.suffix == ".json" and path.exists():
            data = json.loads(path.read_text())
        else:
            shipped = resources.files("dsr_http") / "data" / "import_mappings" / f"{name}.json"
            if not shipped.is_file():
                raise ImportFileError([problem(None, None, f"no mapping named {name!r}")])
            data = json.loads(shipped.read_text())
        unknown = set(data["columns"].values()) - TARGETS
        if unknown:
            raise ImportFileError(
                [problem(None, None, f"the mapping fills unknown fields {sorted(unknown)}")]
            )
        return cls(data["name"], data["columns"], data.get("values", {}), data.get("synonyms", {}))

    def column_of(self, target: str) -> str | None:
        return next((c for c, t in self.columns.items() if t == target), None)

    def headings(self) -> dict[str, str]:
        """Every normalised heading that names a column: the column's own, its field's name
        and its synonyms."""
        found: dict[str, str] = {}
        for column, target in self.columns.items():
            for name in (column, target, *self.synonyms.get(column, [])):
                found.setdefault(normalised(name), column)
        return found

    def read_header(self, header: list[str]) -> tuple[list[str | None], list[str]]:
        """Each header cell's column (None: not the mapping's), and the unknown headings;
        a column filled by two headers refuses the file."""
        known = self.headings()
        columns = [known.get(normalised(cell)) if cell.strip() else None for cell in header]
        seen: dict[str, str] = {}
        for cell, column in zip(header, columns, strict=True):
            if column is None:
                continue
            if column in seen:
                raise ImportFileError(
                    [problem(1, cell, f"fills {column!r} as {seen[column]!r} does: keep one")],
                    list(self.columns),
                )
            seen[column] = cell
        if not seen:
            raise ImportFileError(
                [problem(1, None, f"no column of the {self.name!r} mapping was found")],
                list(self.columns),
            )
        unknown = [cell for cell, column in zip(header, columns, strict=True)
                   if column is None and cell.strip()]  # fmt: skip
        return columns, unknown


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


MAX_FILE_BYTES = 50 * 1024 * 1024
"""A register of thousands of people is a few megabytes; more is a mistake or an attack."""
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
"""An .xlsx is a zip: its unpacked size is checked before it is opened (a 200 KB file can
hold a 200 MB string)."""


def _refused(message: str, row: int | None = None) -> ImportFileError:
    return ImportFileError([problem(row, None, message)])


def _lines(path: Path) -> Iterator[list[str]]:
    """Every row's cells; a file that cannot be read whole is refused before any row is
    imported (`_checked`)."""
    if path.suffix.lower() == ".xlsx":
        sheet = load_workbook(path, read_only=True, data_only=True).active
        assert sheet is not None
        for cells in sheet.iter_rows(values_only=True):
            yield [_text(v) for v in cells]
        return
    text = path.read_bytes().decode("utf-8-sig")
    for line in csv.reader(io.StringIO(text, newline="")):
        yield [cell.strip() for cell in line]


def _checked(path: Path) -> list[list[str]]:
    """The file's rows, or ImportFileError saying in words what is wrong with it."""
    try:
        size = path.stat().st_size
    except OSError as error:
        raise _refused(f"cannot be read ({error.strerror})") from None
    if size == 0:
        raise _refused("the file is empty: row 1 must name the columns")
    if size > MAX_FILE_BYTES:
        raise _refused(f"larger than {MAX_FILE_BYTES // 2**20} MB: split it")
    if path.suffix.lower() == ".xlsx":
        if not zipfile.is_zipfile(path):
            raise _refused("not an .xlsx workbook (save it from the spreadsheet as .xlsx)")
        with zipfile.ZipFile(path) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
                raise _refused("too large once unpacked: is it the register?")
    rows: list[list[str]] = []
    try:
        for line in _lines(path):
            if any(len(cell) > MAX_CELL for cell in line):
                raise _refused(f"a cell longer than {MAX_CELL} characters", len(rows) + 1)
            rows.append(line)
    except UnicodeDecodeError:
        raise _refused("not UTF-8 text: save it as 'CSV UTF-8' (or as .xlsx)") from None
    except csv.Error as error:
        if "field larger" in str(error):
            raise _refused(f"a cell longer than {MAX_CELL} characters", len(rows) + 1) from None
        raise _refused(f"not a readable CSV file ({error})", len(rows) + 1) from None
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError) as error:
        raise _refused(f"not a readable .xlsx workbook ({type(error).__name__})") from None
    if not rows or not any(rows[0]):
        raise _refused("row 1 is empty: it must name the columns")
    return rows


MAX_CELL = 10_000
"""Longer than any field dsr keeps (free text is at most 4,000 characters)."""


@dataclass
class Sheet:
    """A file read under a mapping: its unknown headings, then its rows."""

    path: Path
    mapping: Mapping
    progress: Callable[[int], None] | None = None

    def __post_init__(self) -> None:
        checked = _checked(self.path)
        self._lines = iter(checked[1:])
        self.columns, self.unknown = self.mapping.read_header(checked[0])

    def rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        """(spreadsheet row number, column → text) for each data row; row 1 is the header."""
        for number, values in enumerate(self._lines, start=2):
            if self.progress and number % PROGRESS_EVERY == 0:
                self.progress(number - 1)
            if any(values):
                yield (
                    number,
                    {
                        column: value
                        for column, value in zip(self.columns, values, strict=False)
                        if column is not None
                    },
                )


def write_template(mapping: Mapping, path: Path) -> None:
    """A blank spreadsheet with the mapping's columns, as CSV or XLSX by the file's name."""
    headings = list(mapping.columns)
    if path.suffix.lower() == ".xlsx":
        path.write_bytes(spreadsheets.as_xlsx(f"dsr import ({mapping.name})", headings, []))
    else:
        path.write_bytes(spreadsheets.as_csv(headings, []))


REPORT_HEADINGS = ("Row", "Column", "Outcome", "Detail")


def report_rows(report: dict[str, Any]) -> list[list[Any]]:
    """The report as rows a lead can sort: every refusal, every import, unknown columns."""
    rows: list[list[Any]] = [
        [1, column, "column ignored", "not a column of this mapping"]
        for column in report.get("ignored_columns", [])
    ]
    rows += [[p["row"], p["column"], "refused", p["problem"]] for p in report["refused"]]
    outcome = "would import" if report["dry_run"] else "imported"
    rows += [[i["row"], None, outcome, i["person_id"]] for i in report["imported"]]
    rows += [[row, None, "unchanged", "imported before"] for row in report["unchanged"]]
    return sorted(rows, key=lambda r: (r[0] or 0, r[2]))


def write_report(report: dict[str, Any], path: Path) -> None:
    path.write_bytes(spreadsheets.as_csv(REPORT_HEADINGS, report_rows(report)))
