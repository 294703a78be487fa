"""Persons: the referral that creates one, every command on them, and their record.

Each command is one row of COMMANDS, so every command gets the same handling: role and
area checks, If-Match, Idempotency-Key, ETag and the log position in the answer.
"""

import hashlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Header, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import AwareDatetime, BaseModel
from starlette.concurrency import run_in_threadpool

from dsr_core.domain.codes import Role
from dsr_core.domain.errors import InvalidInputError
from dsr_core.service import commands as cmd
from dsr_core.service.caller import Caller
from dsr_core.service.idempotency import Claim
from dsr_core.service.registers import CommandResult, Registers
from dsr_http import access, fhir
from dsr_http.auth import Principal
from dsr_http.bodies import StrictJsonRoute
from dsr_http.deps import (
    LEAD_ONLY,
    PRACTICE,
    ClockDep,
    PersonReaders,
    Practitioners,
    ReadsDep,
    RecordReaders,
    RegistersDep,
    actor,
    allowed,
    require,
    visible_person,
)
from dsr_http.problems import RESPONSES
from dsr_http.reading import history_items, person_record
from dsr_http.schemas import ANSWERS, CommandResponse, HistoryItem, PersonPublic, withholds_details

router = APIRouter(
    prefix="/v1/persons", tags=["persons"], responses=RESPONSES, route_class=StrictJsonRoute
)

IF_MATCH = r'^\s*(\*|(W/)?"[0-9]{1,18}"|[0-9]{1,18})\s*$'
IfMatch = Annotated[
    str | None,
    Header(
        description='The version you edited, as returned in ETag: "3" (or * for any)',
        pattern=IF_MATCH,
    ),
]
IdempotencyKey = Annotated[
    str | None,
    Header(min_length=1, max_length=200, description="Retry safely: same key, same outcome"),
]


def parse_if_match(value: str | None) -> int | None:
    """The version an If-Match names; None when absent or `*` (any current version)."""
    if value is None or value.strip() == "*":
        return None
    text = value.strip().removeprefix("W/").strip('"')
    if not text.isascii() or not text.isdigit():
        raise InvalidInputError(
            'If-Match must be a version number in quotes, e.g. "3".', field="if-match"
        )
    return int(text)


def claim_for(
    request: Request, principal: Principal, body: BaseModel, idempotency_key: str | None
) -> Claim | None:
    """An Idempotency-Key binds this user, this method and path, and this exact body."""
    if idempotency_key is None:
        return None
    digest = hashlib.sha256(
        f"{request.method} {request.url.path}\n{body.model_dump_json()}".encode()
    ).hexdigest()
    return Claim(principal.sub, idempotency_key, digest)


def answer(
    response: Response,
    result: CommandResult,
    *,
    created: bool = False,
    shape: type[CommandResponse] = CommandResponse,
) -> CommandResponse:
    response.headers["ETag"] = f'"{result.version}"'
    if result.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    if created:
        response.status_code = 201
        response.headers["Location"] = f"/v1/persons/{result.person_id}"
    return shape.of(result)


async def refer(
    body: cmd.Refer,
    request: Request,
    response: Response,
    principal: Practitioners,
    registers: RegistersDep,
    idempotency_key: IdempotencyKey = None,
) -> CommandResponse:
    """Refer a person to an area's register: creates their record."""
    return await run_in_threadpool(
        create, body, request, response, principal, registers, idempotency_key
    )


def create(
    body: cmd.Refer | cmd.NotifyInpatient,
    request: Request,
    response: Response,
    principal: Principal,
    registers: Registers,
    idempotency_key: str | None,
) -> CommandResponse:
    """Record a command that opens a record: 201 with the new person's address."""
    require(principal, PRACTICE, body.area)  # the area is in the body, not the path
    caller = Caller.of(
        actor(principal, body.area),
        areas=principal.areas,
        claim=claim_for(request, principal, body, idempotency_key),
    )
    return answer(response, registers.execute(None, body, caller), created=True)


@dataclass(frozen=True)
class CommandRoute:
    """A command's route: its path under the person, its type (which picks its handler and
    gives the summary, its docstring's first paragraph), the roles that may send it, and
    its operationId where the published one is not the class name in lower camel case."""

    path: str
    model: type[cmd.Command]
    roles: tuple[Role, ...] = PRACTICE
    operation_id: str = ""

    @property
    def operation(self) -> str:
        name = self.model.__name__
        return self.operation_id or name[0].lower() + name[1:]

    @property
    def summary(self) -> str:
        return " ".join((self.model.__doc__ or "").split("\n\n")[0].split())


COMMANDS = [
    CommandRoute("consents", cmd.RecordConsent),
    CommandRoute("consent-refusals", cmd.RecordConsentRefusal),
    CommandRoute("involvement", cmd.RecordInvolvement),
    CommandRoute("cetr-offers", cmd.OfferCetr),
    CommandRoute("cetr-declines", cmd.DeclineCetr),
    CommandRoute("service-referrals", cmd.ReferToService),
    CommandRoute("service-starts", cmd.StartService),
    CommandRoute("ehc-plans", cmd.RecordEhcPlan),
    CommandRoute("consent-withdrawals", cmd.WithdrawConsent),
    CommandRoute(
        "data-sharing-objections",
        cmd.RecordNationalDataObjection,
        operation_id="recordDataSharingObjection",
    ),
    CommandRoute("acceptances", cmd.Accept, LEAD_ONLY, operation_id="acceptPerson"),
    CommandRoute("declines", cmd.DeclineReferral, LEAD_ONLY),
    CommandRoute("ratings", cmd.ChangeRating),
    CommandRoute("admissions", cmd.Admit, operation_id="admitPerson"),
    CommandRoute("discharge-readiness", cmd.MarkReadyForDischarge),
    CommandRoute("discharge-delays", cmd.RecordDischargeDelay),
    CommandRoute("discharges", cmd.Discharge, operation_id="dischargePerson"),
    CommandRoute("placements", cmd.ChangePlacement),
    CommandRoute("views", cmd.RecordViews),
    CommandRoute("risk-factors", cmd.RecordRiskFactors),
    CommandRoute("risk-management", cmd.RecordRiskManagement),
    CommandRoute("safeguarding-notes", cmd.RecordSafeguardingNote),
    CommandRoute("professionals", cmd.AssignProfessional),
    CommandRoute("reviews", cmd.RecordReview),
    CommandRoute("action-completions", cmd.CompleteAction),
    CommandRoute("legal-status", cmd.ChangeLegalStatus),
    CommandRoute("planned-discharge-dates", cmd.SetPlannedDischargeDate),
    CommandRoute("discharge-plan-scores", cmd.ScoreDischargePlan),
    CommandRoute("discharge-barriers", cmd.RecordDischargeBarriers),
    CommandRoute("discharge-unreadiness", cmd.MarkNoLongerReady),
    CommandRoute("mitigations", cmd.RecordMitigation),
    CommandRoute("actions", cmd.AddAction),
    CommandRoute("action-statuses", cmd.ChangeActionStatus),
    CommandRoute("recommendations", cmd.RecordRecommendation),
    CommandRoute("professional-endings", cmd.EndInvolvement),
    CommandRoute("needs", cmd.RecordNeeds),
    CommandRoute("corrections", cmd.CorrectDetails),
    CommandRoute("transfers", cmd.Transfer, LEAD_ONLY, operation_id="transferPerson"),
    CommandRoute("removals", cmd.Remove, LEAD_ONLY, operation_id="removePerson"),
    CommandRoute("kept-on-register", cmd.KeepOnRegister, LEAD_ONLY),
    CommandRoute("referrer-told", cmd.TellReferrer),
    CommandRoute("re-referrals", cmd.ReRefer, operation_id="reReferPerson"),
    CommandRoute("legal-holds", cmd.PlaceLegalHold, LEAD_ONLY),
    CommandRoute("legal-hold-releases", cmd.LiftLegalHold, LEAD_ONLY),
    CommandRoute("erasures", cmd.Erase, LEAD_ONLY, operation_id="erasePerson"),
]


def execute(
    registers: Registers,
    principal: Principal,
    person_id: UUID,
    body: cmd.Command,
    expected_version: int | None,
    claim: Claim | None,
) -> CommandResult:
    """Record a command on a person: the API's endpoints and the console's forms alike."""
    # The application checks the person is in the caller's areas on the version it
    # loads to change, and records the actor in the person's area: one load, not two.
    caller = Caller.of(
        actor(principal, None),
        areas=principal.areas,
        expected_version=expected_version,
        claim=claim,
    )
    return registers.execute(person_id, body, caller)


def _command_endpoint(spec: CommandRoute) -> Callable[..., Awaitable[CommandResponse]]:
    model = spec.model
    shape = ANSWERS.get(spec.operation, CommandResponse)
    Authorised = Annotated[Principal, Depends(allowed(*spec.roles, Role.PARTNER))]  # noqa: N806

    async def endpoint(
        person_id: UUID,
        body: model,  # type: ignore[valid-type]
        request: Request,
        response: Response,
        principal: Authorised,
        registers: RegistersDep,
        if_match: IfMatch = None,
        idempotency_key: IdempotencyKey = None,
    ) -> CommandResponse:
        if principal.role is Role.PARTNER:
            access.check_command(principal, spec.path)
        claim = claim_for(request, principal, body, idempotency_key)
        expected = parse_if_match(if_match)

        def record() -> CommandResponse:
            result = execute(registers, principal, person_id, body, expected, claim)
            return answer(response, result, shape=shape)

        # One hop to a worker thread for the command's blocking work; a plain `def`
        # endpoint would take a second for FastAPI's check of the answer (issue 32).
        return await run_in_threadpool(record)

    endpoint.__doc__ = spec.summary
    endpoint.__name__ = spec.operation
    return endpoint


def _links(person_id: str, operation_ids: list[str]) -> dict[str, dict[str, object]]:
    """OpenAPI links: where a client (or a stateful test) can go next with this person."""
    return {
        operation_id: {"operationId": operation_id, "parameters": {"person_id": person_id}}
        for operation_id in operation_ids
    }


_READS = ["getPerson", "getPersonHistory"]


def links_from_a_new_record() -> dict[str, dict[str, object]]:
    """From a record just created (a referral, an inpatient notified): everything that can
    be done with it next."""
    return _links("$response.body#/person_id", _READS + [spec.operation for spec in COMMANDS])


router.add_api_route(
    "",
    refer,
    methods=["POST"],
    operation_id="referPerson",
    status_code=201,
    response_model=CommandResponse,
    summary="Refer a person to an area's register: creates their record.",
    responses={
        201: {
            "description": "The person's record was created",
            "links": links_from_a_new_record(),
        }
    },
)
for _spec in COMMANDS:
    router.add_api_route(
        f"/{{person_id}}/{_spec.path}",
        _command_endpoint(_spec),
        methods=["POST"],
        operation_id=_spec.operation,
        response_model=ANSWERS.get(_spec.operation, CommandResponse),
        summary=_spec.summary,
        responses={
            200: {
                "description": "Recorded",
                "links": _links("$request.path.person_id", _READS),
            }
        },
    )


@router.get("/{person_id}", operation_id="getPerson", response_model=PersonPublic)
def get_person(
    person_id: UUID,
    response: Response,
    principal: PersonReaders,
    registers: RegistersDep,
    clock: ClockDep,
    reads: ReadsDep,
    as_of: Annotated[date | None, Query(description="The record as it stood on this date")] = None,
    recorded_by: Annotated[
        AwareDatetime | None,
        Query(description="Only what had been recorded by this time, with its offset (Z)"),
    ] = None,
) -> PersonPublic | Response:
    """Read a person's record now, or as it stood on a date (and as known at a time).
    A partner organisation's member gets only the sections its policy grants: the others
    are absent (docs/api.md, Sections)."""
    public, version, hidden = person_record(
        registers, principal, reads, person_id, as_of, recorded_by, today=clock.today()
    )
    response.headers["ETag"] = f'"{version}"'
    if hidden:
        shown = public.model_dump(mode="json", exclude=set(hidden))
        return JSONResponse(shown, headers={"ETag": f'"{version}"'})
    return public


@router.get(
    "/{person_id}/fhir",
    operation_id="getPersonFhir",
    response_class=Response,
    responses={
        200: {
            "description": "A FHIR R4 Bundle: Patient, EpisodeOfCare per register period, "
            "Encounter per hospital stay, Consent, Flag (rating), CarePlan, CareTeam",
            "content": {fhir.MEDIA_TYPE: {"schema": {"type": "object"}}},
        }
    },
)
def person_fhir(
    request: Request,
    person_id: UUID,
    principal: RecordReaders,
    registers: RegistersDep,
    clock: ClockDep,
    reads: ReadsDep,
) -> Response:
    """The person as a FHIR R4 bundle (UK Core profiles), for other care systems; the same
    access as the record, and recorded in the access log."""
    person = visible_person(registers, principal, person_id)
    reads.record("fhir", [person_id], person.area)
    bundle = fhir.person_bundle(
        person,
        registers.history(person_id),
        registers.areas.policy(person.area).cadences,
        clock.today(),
        base=request.app.state.services.http.fhir_base_url or f"{request.base_url}fhir",
        withhold_details=withholds_details(principal.role, person),
    )
    return Response(json.dumps(bundle), media_type=fhir.MEDIA_TYPE)


@router.get(
    "/{person_id}/history", operation_id="getPersonHistory", response_model=list[HistoryItem]
)
def history(
    person_id: UUID, principal: PersonReaders, registers: RegistersDep, reads: ReadsDep
) -> list[HistoryItem]:
    """Every event on the person's record, oldest first, with who recorded it and when (a
    partner: the events of its sections only)."""
    person = visible_person(registers, principal, person_id)
    reads.record("history", [person_id], person.area)
    return history_items(registers, principal, person_id, person)
