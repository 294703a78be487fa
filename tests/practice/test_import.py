"""Moving a spreadsheet DSR into dsr (issue 16, item 3): every good row becomes a person
whose register row equals it, every bad row is reported by row and column and leaves
nothing behind, and importing again writes nothing."""

from __future__ import annotations

import csv
import random
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from dsr_http.import_sheets import ImportFileError, Mapping, write_template
from dsr_http.importer import import_file
from dsr_http.runtime import Runtime, opened
from dsr_projections.register.queries import RegisterQuery, query_register
from tests.conftest import SettingsFactory
from tests.support import factories as f

AREA = f.ENGLISH_AREA
TODAY = date(2025, 9, 1)
GENERIC = Mapping.named("generic")
HEADER = list(GENERIC.columns)


def good_row(index: int, rng: random.Random) -> dict[str, str]:
    referred = TODAY - timedelta(days=rng.randint(30, 600))
    born = date(rng.randint(1950, 2004), rng.randint(1, 12), rng.randint(1, 28))
    inpatient = index % 4 == 0
    accepted = referred + timedelta(days=rng.randint(1, 20))
    row = {
        "NHS number": f.nhs_number(100_000 + index),
        "Given name": f"Imported{index}",
        "Family name": f"Sheetrow-{index}",
        "Date of birth": born.strftime("%d/%m/%Y"),
        "Sex": rng.choice(["F", "M"]),
        "Diagnosis": rng.choice(["LD", "Autism", "LD and autism"]),
        "Referred on": referred.strftime("%d/%m/%Y"),
        "Referred by": "Community team",
        "Reason for referral": "From the spreadsheet register",
        "Criteria": "In hospital" if inpatient else "At risk",
        "Consent basis": "informed_consent",
        "Consent date": referred.strftime("%d/%m/%Y"),
        "Consent given by": "the person",
        "Accepted on": accepted.strftime("%d/%m/%Y"),
        "Rating": "Blue" if inpatient else rng.choice(["Red", "Amber", "Green"]),
    }
    if inpatient:
        row.update(
            {
                "Admitted on": accepted.strftime("%d/%m/%Y"),
                "Hospital": "Spreadsheet General",
                "Ward type": "LD",
                "In area": "Yes",
                "Legal status": "informal",
            }
        )
    return row


Breakage = tuple[str, Callable[[dict[str, str]], None]]
BREAKAGES: tuple[Breakage, ...] = (
    ("NHS number", lambda row: row.update({"NHS number": "1234567890"})),
    ("Referred on", lambda row: row.update({"Referred on": "01/01/2031"})),
    ("Rating", lambda row: row.update({"Rating": "Blue", "Criteria": "At risk"})),
    ("Sex", lambda row: row.update({"Sex": "Q"})),
    ("Date of birth", lambda row: row.update({"Date of birth": "31/02/1990"})),
)


def spreadsheet(rows: int, bad_every: int) -> tuple[list[dict[str, str]], dict[int, str]]:
    """Rows, and for each bad one (by spreadsheet row number) the column that is wrong."""
    rng = random.Random(500)
    found: list[dict[str, str]] = []
    bad: dict[int, str] = {}
    for index in range(rows):
        row = good_row(index, rng)
        if index % bad_every == bad_every - 1:
            column, breaks = BREAKAGES[len(bad) % len(BREAKAGES)]
            if column == "Rating":
                row.pop("Admitted on", None)  # Blue without a hospital stay
            breaks(row)
            bad[index + 2] = column
        found.append(row)
    return found, bad


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=HEADER)
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[dict[str, str]]) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER)
    for row in rows:
        sheet.append([row.get(c, "") for c in HEADER])
    book.save(path)
    return path


@pytest.fixture
def runtime(make_settings: SettingsFactory) -> Iterator[Runtime]:
    clock = f.FakeClock(datetime(TODAY.year, TODAY.month, TODAY.day, 12, tzinfo=UTC))
    with opened(make_settings(), clock=clock) as runtime:
        yield runtime


def register_rows(runtime: Runtime) -> dict[str, dict[str, Any]]:
    runtime.runner.catch_up()
    page = query_register(
        runtime.db, RegisterQuery(areas=[AREA], today=TODAY, limit=1000, sort="admitted_on")
    )
    return {str(r["nhs_number"]): r for r in page.items}


def test_500_rows_with_20_bad_give_480_people_equal_to_their_rows_and_again_nothing(
    runtime: Runtime, tmp_path: Path
) -> None:
    rows, bad = spreadsheet(500, 25)
    assert len(bad) == 20
    path = write_csv(tmp_path / "register.csv", rows)
    registers = runtime.registers

    dry = import_file(registers, path, AREA, GENERIC, dry_run=True)
    assert {p["row"] for p in dry.refused} == set(bad)
    assert registers.recorder.max_notification_id() in (None, 0)

    report = import_file(registers, path, AREA, GENERIC, dry_run=False)
    assert len(report.imported) == 480
    assert {p["row"]: p["column"] for p in report.refused} == bad
    assert all("Sheetrow" not in str(p) for p in report.refused)  # no value echoed
    on_register = register_rows(runtime)
    assert len(on_register) == 480
    for number, row in enumerate(rows, start=2):
        if number in bad:
            assert row["NHS number"] not in on_register
            continue
        entry = on_register[row["NHS number"]]
        day, month, year = row["Date of birth"].split("/")
        assert (entry["family_name"], entry["given_name"]) == (
            row["Family name"],
            row["Given name"],
        )
        assert entry["date_of_birth"] == f"{year}-{month}-{day}"
        assert entry["rating"] == row["Rating"].lower()
        assert entry["status"] == "on_register"
        referred = datetime.strptime(row["Referred on"], "%d/%m/%Y").date().isoformat()
        assert entry["referred_on"] == referred
        admitted = row.get("Admitted on")
        expected_admission = (
            datetime.strptime(admitted, "%d/%m/%Y").date().isoformat() if admitted else None
        )
        assert entry["admitted_on"] == expected_admission

    head = registers.recorder.max_notification_id()
    again = import_file(registers, path, AREA, GENERIC, dry_run=False)
    assert again.imported == [] and len(again.unchanged) == 480
    assert registers.recorder.max_notification_id() == head


def test_an_xlsx_file_imports_like_its_csv(runtime: Runtime, tmp_path: Path) -> None:
    rows, bad = spreadsheet(30, 10)
    path = write_xlsx(tmp_path / "register.xlsx", rows)
    report = import_file(runtime.registers, path, AREA, GENERIC, dry_run=False)
    assert len(report.imported) == 27
    assert {p["row"]: p["column"] for p in report.refused} == bad


def test_real_headers_match_whatever_their_case_and_unknown_columns_are_left_out(
    runtime: Runtime, tmp_path: Path
) -> None:
    """Issue 29: `NHS Number`, `nhs_number`, `  given  NAME ` all fill their column; a
    column the mapping does not know is reported and left out, not fatal."""
    rows, _ = spreadsheet(5, 100)
    renamed = {
        "NHS number": "NHS Number",
        "Given name": "given_name",
        "Family name": " FAMILY  name",
    }
    path = tmp_path / "register.csv"
    with path.open("w", newline="") as handle:
        header = [renamed.get(h, h) for h in HEADER] + ["Favourite colour"]
        writer = csv.writer(handle)
        writer.writerow(header)
        for row in rows:
            writer.writerow([row.get(h, "") for h in HEADER] + ["blue"])
    report = import_file(runtime.registers, path, AREA, GENERIC, dry_run=False)
    assert report.ignored_columns == ["Favourite colour"]
    assert len(report.imported) == 5 and not report.refused


def test_a_column_filled_twice_or_a_file_of_no_known_column_is_refused_with_the_columns(
    runtime: Runtime, tmp_path: Path
) -> None:
    twice = tmp_path / "twice.csv"
    twice.write_text("NHS number,nhs_number,Given name\n9434765919,9434765919,A\n")
    with pytest.raises(ImportFileError) as refused:
        import_file(runtime.registers, twice, AREA, GENERIC, dry_run=False)
    assert refused.value.problems[0]["column"] == "nhs_number"
    assert "NHS number" in refused.value.expected
    strange = tmp_path / "strange.csv"
    strange.write_text("Colour,Shape\nblue,round\n")
    with pytest.raises(ImportFileError) as nothing:
        import_file(runtime.registers, strange, AREA, GENERIC, dry_run=False)
    assert nothing.value.expected == HEADER
    assert runtime.registers.recorder.max_notification_id() in (None, 0)


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_template_has_the_mapping_s_columns_and_imports_once_filled(
    runtime: Runtime, tmp_path: Path, kind: str
) -> None:
    from openpyxl import load_workbook

    template = tmp_path / f"template.{kind}"
    write_template(GENERIC, template)
    if kind == "csv":
        header = next(csv.reader(template.read_text(encoding="utf-8-sig").splitlines()))
    else:
        sheet = load_workbook(template).active
        assert sheet is not None
        header = [str(c.value) for c in next(sheet.iter_rows())]
    assert header == HEADER
    rows, _ = spreadsheet(3, 100)
    filled = write_csv(tmp_path / "filled.csv", rows)
    assert len(import_file(runtime.registers, filled, AREA, GENERIC, dry_run=False).imported) == 3


def _zip_of(member: str, content: bytes) -> bytes:
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(member, content)
    return out.getvalue()


JUNK = {
    "empty.csv": (b"", "empty"),
    "latin1.csv": ("NHS number,Given name\n9434765919,Zo\u00eb\n".encode("latin-1"), "UTF-8"),
    "binary.csv": (bytes(range(256)) * 4, "UTF-8"),
    "long-cell.csv": (b"NHS number,Given name\n9434765919," + b"x" * 140_000 + b"\n", "longer"),
    "not-a-zip.xlsx": (b"NHS number,Given name\n", "not an .xlsx"),
    "zip-not-workbook.xlsx": (_zip_of("hello.txt", b"hi"), "not a readable .xlsx"),
    "bomb.xlsx": (_zip_of("xl/sharedStrings.xml", b"a" * 210 * 1024 * 1024), "unpacked"),
}


@pytest.mark.parametrize("name", sorted(JUNK))
def test_a_file_that_cannot_be_read_is_refused_in_words_and_imports_nothing(
    runtime: Runtime, tmp_path: Path, name: str
) -> None:
    """Issue 30: these ended in tracebacks, or exited 0 having read nothing."""
    content, said = JUNK[name]
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ImportFileError) as refused:
        import_file(runtime.registers, path, AREA, GENERIC, dry_run=False)
    assert said in str(refused.value)
    assert runtime.registers.recorder.max_notification_id() in (None, 0)
