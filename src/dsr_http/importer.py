"""Moving a spreadsheet DSR into dsr (issue 16, item 3): `dsr import FILE --area A --mapping M`.

A mapping (data/import_mappings/*.json, or a file of the same shape) names, for each
spreadsheet column, the field it fills, and translates the spreadsheet's words into dsr's
codes. Each row becomes the commands a user would have sent (referral, lawful basis,
acceptance with a rating, admission), with the row's own dates, and is saved as one
person in one transaction (`Registers.execute_all`): all or nothing. Each row's
idempotency key comes from its area and national number, so running a file again writes
nothing new. A dry run checks every rule and saves nothing. Problems are reported by
row and column, never with the values.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from dsr_core.domain.codes import Role, Scheme
from dsr_core.domain.errors import (
    DsrError,
    DuplicateReferralError,
)
from dsr_core.domain.values import Actor
from dsr_core.service import commands as cmd
from dsr_core.service.caller import Caller
from dsr_core.service.idempotency import (
    Claim,
    IdempotencyKeyExpiredError,
    IdempotencyKeyReusedError,
)
from dsr_core.service.registers import Registers
from dsr_http.import_sheets import DETAILS, Mapping, Sheet, problem

IMPORTER = "dsr-import"
DATES = frozenset({"date_of_birth", "referred_on", "consent_on", "accepted_on", "admitted_on"})
# Where a command's field comes from, when its name differs from the target's.
SOURCES = {
    "details": "given_name",
    "decided_on": "consent_on",
    "decided_by": "consent_by",
    "basis": "consent_basis",
    "rating": "rating",
    "level": "rating",
}


@dataclass
class Report:
    file: str
    area: str
    mapping: str
    dry_run: bool
    rows: int = 0
    ignored_columns: list[str] = field(default_factory=list)
    imported: list[dict[str, Any]] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)
    refused: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        report = asdict(self)
        report["summary"] = {
            "rows": self.rows,
            "imported" if not self.dry_run else "would_import": len(self.imported),
            "unchanged": len(self.unchanged),
            "refused_rows": len({p["row"] for p in self.refused}),
        }
        return report


def import_file(
    registers: Registers,
    path: Path,
    area: str,
    mapping: Mapping,
    *,
    dry_run: bool,
    progress: Callable[[int], None] | None = None,
) -> Report:
    """Each row all or nothing; columns the mapping does not know are listed in the report
    and left out (`import_sheets`)."""
    report = Report(str(path.name), area, mapping.name, dry_run)
    sheet = Sheet(path, mapping, progress)
    report.ignored_columns = sheet.unknown
    scheme = registers.areas.policy(area).scheme
    actor = Actor(user_id=IMPORTER, role=Role.LEAD, area=area)
    for number, row in sheet.rows():
        report.rows += 1
        try:
            commands = row_commands(row, area, mapping, scheme)
        except RowProblemsError as problems:
            report.refused += [_problem(number, c, m) for c, m in problems.found]
            continue
        claim = _claim(registers, area, commands)
        try:
            result = registers.execute_all(
                commands, Caller.of(actor, areas=[area], claim=claim), dry_run=dry_run
            )
        except IdempotencyKeyExpiredError:
            report.unchanged.append(number)  # imported more than a day ago
            continue
        except DuplicateReferralError:
            column = mapping.column_of("nhs_number") or mapping.column_of("chi_number")
            report.refused.append(
                _problem(number, column, "this number is already on the area's register")
            )
            continue
        except IdempotencyKeyReusedError:
            report.refused.append(
                _problem(number, None, "imported before with other values: not changed")
            )
            continue
        except DsrError as error:
            report.refused.append(_problem(number, _column(mapping, error.field), error.message))
            continue
        if result is not None and result.replayed:
            report.unchanged.append(number)
        else:
            report.imported.append(
                {"row": number, "person_id": str(result.person_id) if result else None}
            )
    return report


class RowProblemsError(Exception):
    def __init__(self, found: list[tuple[str | None, str]]) -> None:
        super().__init__(f"{len(found)} problems")
        self.found = found


def row_commands(
    row: dict[str, str], area: str, mapping: Mapping, scheme: Scheme
) -> list[cmd.Command]:
    """The commands a user would have sent for this row; every problem, by column."""
    values = _values(row, mapping)
    problems: list[tuple[str | None, str]] = []

    def build(model: type[cmd.Command], data: dict[str, Any]) -> cmd.Command | None:
        try:
            return model.model_validate(data)
        except ValidationError as error:
            for issue in error.errors():
                target = _target_of(issue["loc"])
                message = str(issue["msg"]).removeprefix("Value error, ")
                problems.append((mapping.column_of(target) if target else None, message))
            return None

    details = {k: values[k] for k in DETAILS if values.get(k)}
    commands: list[cmd.Command | None] = [
        build(
            cmd.Refer,
            {
                "area": area,
                "details": details,
                "referred_on": values.get("referred_on"),
                "criteria": [c.strip() for c in (values.get("criteria") or "").split(",") if c],
                "referred_by": values.get("referred_by"),
                "reason": values.get("reason"),
            },
        )
    ]
    if values.get("consent_basis") and scheme is Scheme.ENGLAND_RAG:
        commands.append(
            build(
                cmd.RecordConsent,
                {
                    "basis": values["consent_basis"],
                    "decided_on": values.get("consent_on"),
                    "decided_by": values.get("consent_by"),
                },
            )
        )
    # Acceptance and admission in the order they happened; an admission on the day of
    # acceptance first, so an inpatient's rating (Blue, or Urgent) fits the setting.
    later: list[tuple[str, int, type[cmd.Command], dict[str, Any]]] = []
    if values.get("admitted_on"):
        later.append((str(values["admitted_on"]), 0, cmd.Admit, _admission(values)))
    if values.get("accepted_on"):
        rating = {"level": values.get("rating")}
        if values.get("urgent_reason"):
            rating["urgent_reason"] = values["urgent_reason"]
        later.append(
            (
                str(values["accepted_on"]),
                1,
                cmd.Accept,
                {"accepted_on": values["accepted_on"], "rating": rating},
            )
        )
    for _, _, model, data in sorted(later, key=lambda step: (step[0], step[1])):
        commands.append(build(model, data))
    if not (values.get("nhs_number") or values.get("chi_number")):
        problems.append(
            (
                mapping.column_of("nhs_number") or mapping.column_of("chi_number"),
                "a national number is needed to import a row",
            )
        )
    if problems:
        raise RowProblemsError(problems)
    return [c for c in commands if c is not None]


def _admission(values: dict[str, Any]) -> dict[str, Any]:
    """An admission; one before the referral is a stay that began before the record did,
    recorded as practice does: a transfer on the referral day, the stay's start kept."""
    admission = {
        "admitted_on": values.get("admitted_on"),
        "hospital": values.get("hospital"),
        "ward_type": values.get("ward_type"),
        "in_area": values.get("in_area"),
        "legal_status": values.get("legal_status"),
    }
    started, referred = values.get("admitted_on"), values.get("referred_on")
    if started and referred and str(started) < str(referred):
        admission.update(admitted_on=referred, stay_started_on=started, admission_type="transfer")
    return admission


def _values(row: dict[str, str], mapping: Mapping) -> dict[str, Any]:
    """Targets filled from the row's columns, the spreadsheet's words turned into codes,
    dates written day/month/year turned into ISO dates; empty cells left out."""
    found: dict[str, Any] = {}
    for column, text in row.items():
        target = mapping.columns.get(column)
        if target is None or not text:
            continue
        words = mapping.values.get(target, {})
        if target == "criteria":
            text = ",".join(words.get(w.strip(), w.strip()) for w in text.split(","))
        else:
            text = words.get(text, text)
        if target in DATES:
            text = _iso_date(text)
        if target == "in_area":
            found[target] = {"true": True, "false": False}.get(text.lower(), text)
            continue
        found[target] = text
    return found


def _iso_date(text: str) -> str:
    parts = text.split("/")
    if len(parts) == 3 and all(p.isdigit() for p in parts):
        day, month, year = parts
        return f"{int(year):04d}-{int(month):02d}-{int(day):02d}"
    return text


def _target_of(loc: Sequence[int | str]) -> str | None:
    names = [str(p) for p in loc if isinstance(p, str)]
    if not names:
        return None
    if names[0] == "details" and len(names) > 1:
        return names[1]
    if names[0] == "rating":
        return "urgent_reason" if "urgent_reason" in names else "rating"
    return SOURCES.get(names[0], names[0])


def _column(mapping: Mapping, field_path: str | None) -> str | None:
    if not field_path:
        return None
    target = _target_of(field_path.split("."))
    return mapping.column_of(target) if target else None


def _claim(registers: Registers, area: str, commands: Sequence[cmd.Command]) -> Claim:
    """The row's idempotency key: the identity key of its area and national number (a
    keyed hash: a stored id is never derived from a number alone); the request hash is of
    its commands, so a changed row is told apart from a repeat."""
    referral = commands[0]
    assert isinstance(referral, cmd.Refer)
    [identity, *_] = registers.identity_keys.ids(area, referral.details)
    content = json.dumps([c.model_dump(mode="json") for c in commands], sort_keys=True)
    digest = hashlib.sha256(content.encode()).hexdigest()
    return Claim(IMPORTER, f"import:{identity}", digest)


_problem = problem
