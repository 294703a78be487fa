"""The forms that open a record: a referral to the register, and an inpatient the area is
responsible for, known without a referral (issue 27). Each is its API request's model,
roles and application call (POST /v1/persons, POST /v1/inpatients), with the record.py
form machinery, so a form is refused exactly where the API would refuse the request.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from dsr_core.domain import errors
from dsr_core.service import commands as cmd
from dsr_core.service.caller import Caller
from dsr_http.auth import Principal
from dsr_http.console.choices import code_choices
from dsr_http.console.deps import ConsoleDep, Posted, SignedIn
from dsr_http.console.forms import Choices, FieldError, FormField, fields_of
from dsr_http.console.pages.record import parse_form, refusal, render_form, saved
from dsr_http.console.routing import ConsoleRoute
from dsr_http.deps import PRACTICE, RegistersDep, actor, require
from dsr_http.routes.persons import claim_for

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)


@dataclass(frozen=True)
class Creating:
    model: type[cmd.Refer] | type[cmd.NotifyInpatient]
    title: str
    summary: str
    action: str
    back: str

    def fields(self, principal: Principal) -> tuple[FormField, ...]:
        """The model's fields, who the person is first (a notification's stay facts come
        from a shared base class, so the model lists them first)."""
        areas = [(area, area) for area in sorted(principal.areas)]
        fields = fields_of(self.model, Choices({**code_choices("england_rag"), "area": areas}))
        first = ("area", "details", "notified_by")
        return tuple(sorted(fields, key=lambda f: first.index(f.name) if f.name in first else 3))

    def context(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "summary": self.summary,
            "person": None,
            "action": self.action,
            "back": self.back,
        }


REFERRAL = Creating(
    cmd.Refer,
    "Refer a person",
    "Refer a person to an area's register: this creates their record.",
    "/referrals/new",
    "/referrals",
)
INPATIENT = Creating(
    cmd.NotifyInpatient,
    "Record an inpatient not referred to the register",
    "An inpatient your area is responsible for, known without a DSR referral (for example "
    "from a provider's notification): this creates their record. Give the stay as it "
    "happened, however long ago; C(E)TRs and visits are owed from its start, and a "
    "referral can follow.",
    "/inpatients/new",
    "/inpatients",
)


def _blank(request: Request, console: ConsoleDep, principal: Principal, form: Creating) -> Response:
    require(principal, PRACTICE)
    only = sorted(principal.areas) if len(principal.areas) == 1 else []
    values = {"area": only[0]} if only else {}
    return render_form(request, console, form.context(), form.fields(principal), values)


def _create(
    request: Request,
    console: ConsoleDep,
    principal: Principal,
    registers: RegistersDep,
    posted: Posted,
    form: Creating,
) -> Response:
    require(principal, PRACTICE)
    fields = form.fields(principal)
    values = posted.as_dict()
    body, found = parse_form(form.model, fields, posted)
    if body is None:
        return render_form(request, console, form.context(), fields, values, found, 422)
    assert isinstance(body, cmd.Refer | cmd.NotifyInpatient)
    require(principal, PRACTICE, body.area)
    caller = Caller.of(
        actor(principal, body.area),
        areas=principal.areas,
        claim=claim_for(request, principal, body, posted.get("idempotency_key") or None),
    )
    try:
        result = registers.execute(None, body, caller)
    except errors.DuplicateReferralError as duplicate:
        context = {**form.context(), "existing": duplicate.existing_person_id}
        number = "details.nhs_number" if body.details.nhs_number else "details.chi_number"
        which = "NHS" if body.details.nhs_number else "CHI"
        held = FieldError(
            number,
            f"This {which} number is already held by someone in this area: open their "
            "record below (a removed, declined or never-referred person is referred from it)",
            number.replace(".", "-"),
        )
        return render_form(request, console, context, fields, values, [held], 409)
    except errors.DsrError as error:
        return render_form(
            request, console, form.context(), fields, values, [refusal(error, fields)], 422
        )
    return saved(result)


@router.get("/referrals/new")
def referral_form(request: Request, console: ConsoleDep, principal: SignedIn) -> Response:
    return _blank(request, console, principal, REFERRAL)


@router.post("/referrals/new")
def refer(
    request: Request,
    console: ConsoleDep,
    principal: SignedIn,
    registers: RegistersDep,
    posted: Posted,
) -> Response:
    return _create(request, console, principal, registers, posted, REFERRAL)


@router.get("/inpatients/new")
def inpatient_form(request: Request, console: ConsoleDep, principal: SignedIn) -> Response:
    return _blank(request, console, principal, INPATIENT)


@router.post("/inpatients/new")
def notify_inpatient(
    request: Request,
    console: ConsoleDep,
    principal: SignedIn,
    registers: RegistersDep,
    posted: Posted,
) -> Response:
    return _create(request, console, principal, registers, posted, INPATIENT)
