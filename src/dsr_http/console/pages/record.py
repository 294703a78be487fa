"""Forms for every command the API accepts on a person (a new record's forms: creating.py).

Each form is made from the API's command table (routes.persons.COMMANDS): the same model
validates it, the same roles may send it, and `persons.execute` records it, so a form
is refused exactly where the API would refuse the request. Each rendered form carries the
record's version (sent as If-Match) and a fresh idempotency key, so a double submit
records once and an edit over someone else's is caught, not lost.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from dsr_core.domain import errors
from dsr_core.domain.codes import Role
from dsr_core.person.aggregate import Person
from dsr_core.service import commands as cmd
from dsr_core.service.registers import CommandResult
from dsr_http import access
from dsr_http.auth import Principal
from dsr_http.console.choices import choices_for
from dsr_http.console.deps import ConsoleDep, Posted, SignedIn
from dsr_http.console.forms import (
    FieldError,
    FormField,
    FormInput,
    field_error,
    fields_of,
    flatten,
    read,
    validation_errors,
)
from dsr_http.console.routing import ConsoleRoute
from dsr_http.deps import PRACTICE, RegistersDep, require, visible_person
from dsr_http.routes.persons import COMMANDS, CommandRoute, claim_for, execute
from dsr_http.schemas import HistoryItem, withholds_details

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)

TASKS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "Referral, consent and acceptance",
        ("consents", "consent-refusals", "involvement", "data-sharing-objections",
         "acceptances", "declines", "referrer-told", "consent-withdrawals", "re-referrals"),
    ),
    (
        "Rating and risk",
        ("ratings", "risk-factors", "risk-management", "safeguarding-notes", "mitigations",
         "recommendations", "needs", "kept-on-register"),
    ),
    (
        "Hospital stay and discharge",
        ("admissions", "legal-status", "planned-discharge-dates", "discharge-readiness",
         "discharge-delays", "discharge-barriers", "discharge-plan-scores",
         "discharge-unreadiness", "discharges"),
    ),
    (
        "Reviews, C(E)TRs, visits and actions",
        ("reviews", "cetr-offers", "cetr-declines", "actions", "action-statuses",
         "action-completions"),
    ),
    (
        "People, services and views",
        ("professionals", "professional-endings", "service-referrals", "service-starts",
         "ehc-plans", "views", "placements"),
    ),
    (
        "Record keeping",
        ("corrections", "transfers", "removals", "legal-holds", "legal-hold-releases",
         "erasures"),
    ),
)  # fmt: skip
SPECS = {spec.path: spec for spec in COMMANDS}


@dataclass(frozen=True)
class Offered:
    spec: CommandRoute
    title: str


def title_of(spec: CommandRoute) -> str:
    """The form's heading: the command's summary, up to a colon that explains it."""
    title = spec.summary.split(": ")[0].split(". ")[0].rstrip(".")
    return re.sub(r" \([^)]*_[^)]*\)", "", title)  # no API field names in a heading


def tasks_for(principal: Principal) -> list[tuple[str, list[Offered]]]:
    """The forms a user may send, grouped by task (the API would refuse the others): their
    role's, or a partner's organisation's (access.py)."""

    def may(path: str) -> bool:
        if principal.role is Role.PARTNER:
            return access.may_send(principal, path)
        return principal.role in SPECS[path].roles

    grouped = [(task, [SPECS[p] for p in paths if may(p)]) for task, paths in TASKS]
    return [(task, [Offered(s, title_of(s)) for s in specs]) for task, specs in grouped if specs]


def render_form(
    request: Request,
    console: ConsoleDep,
    context: dict[str, Any],
    fields: Sequence[FormField],
    values: dict[str, Any],
    field_errors: Sequence[FieldError] = (),
    status: int = 200,
) -> Response:
    errors_by_field = {e.field: e.message for e in field_errors if e.field}
    return console.render(
        request,
        "command.html",
        {
            **context,
            "fields_html": console.fields_markup(tuple(fields), values, errors_by_field),
            "values": values,
            "errors": errors_by_field,
            "field_errors": list(field_errors),
            "idempotency_key": values.get("idempotency_key") or uuid.uuid4().hex,
        },
        status,
    )


def parse_form(
    model: type[cmd.Command], fields: Sequence[FormField], posted: FormInput
) -> tuple[cmd.Command | None, list[FieldError]]:
    """The command a form stands for, or every field error found (unreadable inputs first,
    then the model's refusals, as the API words them)."""
    data, unreadable = read(fields, posted)
    try:
        body = model.model_validate(data)
    except ValidationError as error:
        refused = {e.field for e in unreadable}
        return None, unreadable + [
            e for e in validation_errors(error, fields) if e.field not in refused
        ]
    return (body, []) if not unreadable else (None, unreadable)


def refusal(error: errors.DsrError, fields: Sequence[FormField]) -> FieldError:
    """A register rule's refusal, on its field when it names one."""
    leaves = {f.name: f for f in flatten(fields)}
    return (
        field_error(error.field, error.message, leaves)
        if error.field
        else FieldError(None, error.message)
    )


@router.get("/people/{person_id}/record")
def command_list(
    request: Request,
    person_id: UUID,
    console: ConsoleDep,
    principal: SignedIn,
    registers: RegistersDep,
) -> Response:
    """What can be recorded about this person, grouped by task."""
    if not tasks_for(principal):
        require(principal, PRACTICE)
    person = visible_person(registers, principal, person_id)
    return console.render(
        request,
        "commands.html",
        {
            "title": "Record something",
            "person": person,
            "person_name": shown_name(principal, person),
            "tasks": tasks_for(principal),
        },
    )


def _spec(path: str, principal: Principal) -> CommandRoute:
    spec = SPECS.get(path)
    if spec is None:
        raise errors.PersonNotFoundError(uuid.UUID(int=0))  # no such form: "not found"
    if principal.role is Role.PARTNER:
        require(principal, (Role.PARTNER,))
        access.check_command(principal, path)
    else:
        require(principal, spec.roles)
    return spec


def shown_name(principal: Principal, person: Person) -> str | None:
    """The person's name as this role may see it: withheld, as the API withholds the
    details, once they have left the register (except from the lead and auditors)."""
    if withholds_details(principal.role, person):
        return None
    return f"{person.details.given_name} {person.details.family_name}"


def _opened(
    path: str, person_id: UUID, principal: Principal, registers: RegistersDep
) -> tuple[CommandRoute, Person, tuple[FormField, ...], dict[str, Any]]:
    """A command's form for a person: checked for the role, then the person's area."""
    spec = _spec(path, principal)
    person = visible_person(registers, principal, person_id)
    fields = fields_of(spec.model, choices_for(person, registers))
    return spec, person, fields, _context(spec, person, shown_name(principal, person))


def _context(spec: CommandRoute, person: Person, name: str | None) -> dict[str, Any]:
    return {
        "person_name": name,
        "title": title_of(spec),
        "summary": spec.summary,
        "person": person,
        "action": f"/people/{person.id}/record/{spec.path}",
        "back": f"/people/{person.id}/record",
    }


@router.get("/people/{person_id}/record/{path}")
def command_form(
    request: Request,
    person_id: UUID,
    path: str,
    console: ConsoleDep,
    principal: SignedIn,
    registers: RegistersDep,
) -> Response:
    _, person, fields, context = _opened(path, person_id, principal, registers)
    return render_form(request, console, context, fields, {"version": str(person.version)})


@router.post("/people/{person_id}/record/{path}")
def record(
    request: Request,
    person_id: UUID,
    path: str,
    console: ConsoleDep,
    principal: SignedIn,
    registers: RegistersDep,
    posted: Posted,
) -> Response:
    """Record the command, or show the form again with what was refused."""
    spec, _, fields, context = _opened(path, person_id, principal, registers)
    values = posted.as_dict()
    body, found = parse_form(spec.model, fields, posted)
    if body is None:
        return render_form(request, console, context, fields, values, found, 422)
    version = posted.get("version")
    expected = int(version) if version.isdigit() else None
    claim = claim_for(request, principal, body, posted.get("idempotency_key") or None)
    try:
        result = execute(registers, principal, person_id, body, expected, claim)
    except errors.VersionMismatchError as conflict:
        return _conflict(
            request, console, registers, context, fields, values, person_id, expected, conflict
        )
    except (errors.PersonNotFoundError, errors.PersonErasedError):
        raise
    except errors.DsrError as error:
        return render_form(
            request,
            console,
            context,
            fields,
            values,
            [refusal(error, fields)],
            409 if not isinstance(error, errors.InvalidInputError) else 422,
        )
    return saved(result)


def saved(result: CommandResult) -> Response:
    """To the record, which names what was recorded (event names: nothing personal)."""
    recorded = ",".join(result.events)
    return RedirectResponse(f"/people/{result.person_id}?recorded={recorded}", status_code=303)


def _conflict(
    request: Request,
    console: ConsoleDep,
    registers: RegistersDep,
    context: dict[str, Any],
    fields: Sequence[FormField],
    values: dict[str, Any],
    person_id: UUID,
    expected: int | None,
    conflict: errors.VersionMismatchError,
) -> Response:
    """Someone else changed the record after this form was opened: say so, show what they
    recorded, and offer the form again (with what was typed) on the current version."""
    since = [
        HistoryItem.of(entry)
        for entry in registers.history(person_id)
        if expected is None or entry.version > expected
    ]
    message = FieldError(
        None,
        "Someone else changed this record after you opened this form. Check what they "
        "recorded, then send your form again if it is still right.",
    )
    return render_form(
        request,
        console,
        {**context, "changes": since},
        fields,
        {**values, "version": str(conflict.current)},
        [message],
        409,
    )
