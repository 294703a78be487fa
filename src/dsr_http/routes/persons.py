"""Persons: the referral that creates one, every command on them, and their record.

Each command is one row of COMMANDS, so every command gets the same handling: role and
area checks, If-Match, Idempotency-Key, ETag and the log position in the answer.
"""

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Header, Query, Request, Response
from pydantic import AwareDatetime, BaseModel

from dsr_core.domain.codes import Role
from dsr_core.domain.errors import InvalidInputError
from dsr_core.service import commands as cmd
from dsr_core.service.caller import Caller
from dsr_core.service.idempotency import Claim
from dsr_core.service.registers import CommandResult, Registers
from dsr_http import fhir
from dsr_http.auth import Principal
from dsr_http.bodies import StrictJsonRoute
from dsr_http.deps import (
    LEAD_ONLY,
    PRACTICE,
    Practitioners,
    ReadsDep,
    RecordReaders,
    RegistersDep,
    actor,
    allowed,
    require,
    visible_person,
)
from dsr_http.problems import RESPONSES, ForbiddenError
from dsr_http.reading import person_record
from dsr_http.schemas import CommandResponse, HistoryItem, PersonPublic, withholds_details

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


def answer(response: Response, result: CommandResult, *, created: bool = False) -> CommandResponse:
    response.headers["ETag"] = f'"{result.version}"'
    if result.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    if created:
        response.status_code = 201
        response.headers["Location"] = f"/v1/persons/{result.person_id}"
    return CommandResponse.of(result)


def refer(
    body: cmd.Refer,
    request: Request,
    response: Response,
    principal: Practitioners,
    registers: RegistersDep,
    idempotency_key: IdempotencyKey = None,
) -> CommandResponse:
    """Refer a person to an area's register: creates their record."""
    require(principal, PRACTICE, body.area)  # the area is in the body, not the path
    caller = Caller.of(
        actor(principal, body.area),
        areas=principal.areas,
        claim=claim_for(request, principal, body, idempotency_key),
    )
    return answer(response, registers.execute(None, body, caller), created=True)


@dataclass(frozen=True)
class CommandSpec:
    """A command's route: its path under the person, its type (which picks its handler),
    its operationId and summary, and the roles that may send it."""

    path: str
    model: type[cmd.Command]
    operation_id: str
    summary: str
    roles: tuple[Role, ...] = PRACTICE


COMMANDS = [
    CommandSpec(
        "consents",
        cmd.RecordConsent,
        "recordConsent",
        "Record consent, a best-interests decision or another lawful basis.",
    ),
    CommandSpec(
        "consent-refusals",
        cmd.RecordConsentRefusal,
        "recordConsentRefusal",
        "Record that consent was refused (England): an outcome, kept with the referral.",
    ),
    CommandSpec(
        "involvement",
        cmd.RecordInvolvement,
        "recordInvolvement",
        "Record how the person and their supporters were involved, advocacy and any "
        "guardian or attorney (what Scotland records instead of consent).",
    ),
    CommandSpec(
        "cetr-offers",
        cmd.OfferCetr,
        "offerCetr",
        "Record that a C(E)TR (or community C(E)TR) was offered.",
    ),
    CommandSpec(
        "cetr-declines",
        cmd.DeclineCetr,
        "declineCetr",
        "Record that the person declined the offered C(E)TR: that cycle's duty is met.",
    ),
    CommandSpec(
        "service-referrals",
        cmd.ReferToService,
        "referToService",
        "Refer to a service: keyworker (England, up to 25), intensive support, forensic "
        "outreach, housing, a care provider.",
    ),
    CommandSpec(
        "service-starts",
        cmd.StartService,
        "startService",
        "Record that a referred service started (a keyworker allocated).",
    ),
    CommandSpec(
        "ehc-plans",
        cmd.RecordEhcPlan,
        "recordEhcPlan",
        "Record whether the young person has an EHC plan (England).",
    ),
    CommandSpec(
        "consent-withdrawals",
        cmd.WithdrawConsent,
        "withdrawConsent",
        "Record that consent was withdrawn: the person leaves the register.",
    ),
    CommandSpec(
        "data-sharing-objections",
        cmd.RecordNationalDataObjection,
        "recordDataSharingObjection",
        "Record an objection (or its withdrawal) to record-level national sharing.",
    ),
    CommandSpec(
        "acceptances",
        cmd.Accept,
        "acceptPerson",
        "Accept the person onto the register with an initial rating.",
        LEAD_ONLY,
    ),
    CommandSpec(
        "declines",
        cmd.DeclineReferral,
        "declineReferral",
        "Decline the referral, with a reason.",
        LEAD_ONLY,
    ),
    CommandSpec(
        "ratings",
        cmd.ChangeRating,
        "changeRating",
        "Change the rating, with the reason and risk factors.",
    ),
    CommandSpec("admissions", cmd.Admit, "admitPerson", "Record a hospital admission."),
    CommandSpec(
        "discharge-readiness",
        cmd.MarkReadyForDischarge,
        "markReadyForDischarge",
        "Record the date the person was clinically ready.",
    ),
    CommandSpec(
        "discharge-delays",
        cmd.RecordDischargeDelay,
        "recordDischargeDelay",
        "Record why a ready person is still in hospital.",
    ),
    CommandSpec(
        "discharges",
        cmd.Discharge,
        "dischargePerson",
        "Record a discharge and the new rating.",
    ),
    CommandSpec(
        "placements",
        cmd.ChangePlacement,
        "changePlacement",
        "Record where the person now lives and what they need to move home.",
    ),
    CommandSpec(
        "views",
        cmd.RecordViews,
        "recordViews",
        "Record the views of the person, their family and named supporters (a history).",
    ),
    CommandSpec(
        "risk-factors",
        cmd.RecordRiskFactors,
        "recordRiskFactors",
        "Record current risk factors.",
    ),
    CommandSpec(
        "professionals",
        cmd.AssignProfessional,
        "assignProfessional",
        "Add a key professional's involvement (several per role; returns involvement_id).",
    ),
    CommandSpec(
        "reviews",
        cmd.RecordReview,
        "recordReview",
        "Record a review (C(E)TR, LAEP, MDT, visit...) and its actions.",
    ),
    CommandSpec(
        "action-completions",
        cmd.CompleteAction,
        "completeAction",
        "Record that an action from a review is done.",
    ),
    CommandSpec(
        "legal-status",
        cmd.ChangeLegalStatus,
        "changeLegalStatus",
        "Record a change of legal status during a stay (coded section or order).",
    ),
    CommandSpec(
        "planned-discharge-dates",
        cmd.SetPlannedDischargeDate,
        "setPlannedDischargeDate",
        "Set, move (with a reason) or withdraw the planned discharge date.",
    ),
    CommandSpec(
        "discharge-plan-scores",
        cmd.ScoreDischargePlan,
        "scoreDischargePlan",
        "Score the discharge plan item by item (the area's item list).",
    ),
    CommandSpec(
        "discharge-barriers",
        cmd.RecordDischargeBarriers,
        "recordDischargeBarriers",
        "Record the coded barriers to discharge (the nation's delay codes).",
    ),
    CommandSpec(
        "discharge-unreadiness",
        cmd.MarkNoLongerReady,
        "markNoLongerReady",
        "Record that the person is no longer clinically ready: the delay stops.",
    ),
    CommandSpec(
        "mitigations",
        cmd.RecordMitigation,
        "recordMitigation",
        "Record what has been tried to mitigate risk, or what could help further.",
    ),
    CommandSpec(
        "actions",
        cmd.AddAction,
        "addAction",
        "Add an action to the standing action plan, with its owner and due date.",
    ),
    CommandSpec(
        "action-statuses",
        cmd.ChangeActionStatus,
        "changeActionStatus",
        "Mark an action of any plan in progress, done or dropped.",
    ),
    CommandSpec(
        "recommendations",
        cmd.RecordRecommendation,
        "recordRecommendation",
        "Record a recommendation for current or future services.",
    ),
    CommandSpec(
        "professional-endings",
        cmd.EndInvolvement,
        "endInvolvement",
        "End a professional's involvement (others in the same role go on).",
    ),
    CommandSpec(
        "needs",
        cmd.RecordNeeds,
        "recordNeeds",
        "Record the coded needs to move home: housing, support, funding, now or in future.",
    ),
    CommandSpec(
        "corrections",
        cmd.CorrectDetails,
        "correctDetails",
        "Correct identifying details; the earlier values stay in the history.",
    ),
    CommandSpec(
        "transfers",
        cmd.Transfer,
        "transferPerson",
        "Transfer funding responsibility to another area.",
        LEAD_ONLY,
    ),
    CommandSpec(
        "removals",
        cmd.Remove,
        "removePerson",
        "Remove the person from the register, with a reason.",
        LEAD_ONLY,
    ),
    CommandSpec(
        "re-referrals",
        cmd.ReRefer,
        "reReferPerson",
        "Re-refer a removed or declined person: a new period on the same record.",
    ),
    CommandSpec(
        "legal-holds",
        cmd.PlaceLegalHold,
        "placeLegalHold",
        "Keep the record whatever its retention: nothing erases it while the hold stands.",
        LEAD_ONLY,
    ),
    CommandSpec(
        "legal-hold-releases",
        cmd.LiftLegalHold,
        "liftLegalHold",
        "Lift the legal hold: retention applies again.",
        LEAD_ONLY,
    ),
    CommandSpec(
        "erasures",
        cmd.Erase,
        "erasePerson",
        "Erase on request where the law allows it (no open period, inpatient stay or legal "
        "hold): the person's key is destroyed within minutes, and nothing more can be "
        "recorded about them.",
        LEAD_ONLY,
    ),
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
    if getattr(body, "to_area", None) not in (None, *principal.areas):
        raise ForbiddenError("You can only transfer to one of your areas.")
    # The application checks the person is in the caller's areas on the version it
    # loads to change, and records the actor in the person's area: one load, not two.
    caller = Caller.of(
        actor(principal, None),
        areas=principal.areas,
        expected_version=expected_version,
        claim=claim,
    )
    return registers.execute(person_id, body, caller)


def _command_endpoint(spec: CommandSpec) -> Callable[..., CommandResponse]:
    model = spec.model
    Authorised = Annotated[Principal, Depends(allowed(*spec.roles))]  # noqa: N806

    def endpoint(
        person_id: UUID,
        body: model,  # type: ignore[valid-type]
        request: Request,
        response: Response,
        principal: Authorised,
        registers: RegistersDep,
        if_match: IfMatch = None,
        idempotency_key: IdempotencyKey = None,
    ) -> CommandResponse:
        claim = claim_for(request, principal, body, idempotency_key)
        result = execute(registers, principal, person_id, body, parse_if_match(if_match), claim)
        return answer(response, result)

    endpoint.__doc__ = spec.summary
    endpoint.__name__ = spec.operation_id
    return endpoint


def _links(person_id: str, operation_ids: list[str]) -> dict[str, dict[str, object]]:
    """OpenAPI links: where a client (or a stateful test) can go next with this person."""
    return {
        operation_id: {"operationId": operation_id, "parameters": {"person_id": person_id}}
        for operation_id in operation_ids
    }


_READS = ["getPerson", "getPersonHistory"]
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
            "links": _links(
                "$response.body#/person_id", _READS + [spec.operation_id for spec in COMMANDS]
            ),
        }
    },
)
for _spec in COMMANDS:
    router.add_api_route(
        f"/{{person_id}}/{_spec.path}",
        _command_endpoint(_spec),
        methods=["POST"],
        operation_id=_spec.operation_id,
        response_model=CommandResponse,
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
    principal: RecordReaders,
    registers: RegistersDep,
    reads: ReadsDep,
    as_of: Annotated[date | None, Query(description="The record as it stood on this date")] = None,
    recorded_by: Annotated[
        AwareDatetime | None,
        Query(description="Only what had been recorded by this time, with its offset (Z)"),
    ] = None,
) -> PersonPublic:
    """Read a person's record now, or as it stood on a date (and as known at a time)."""
    public, version = person_record(registers, principal, reads, person_id, as_of, recorded_by)
    response.headers["ETag"] = f'"{version}"'
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
    person_id: UUID, principal: RecordReaders, registers: RegistersDep, reads: ReadsDep
) -> Response:
    """The person as a FHIR R4 bundle (UK Core profiles), for other care systems; the same
    access as the record, and recorded in the access log."""
    person = visible_person(registers, principal, person_id)
    reads.record("fhir", [person_id], person.area)
    bundle = fhir.person_bundle(
        person,
        registers.history(person_id),
        registers.areas.policy(person.area).cadences,
        registers.today(),
        withhold_details=withholds_details(principal.role, person),
    )
    return Response(json.dumps(bundle), media_type=fhir.MEDIA_TYPE)


@router.get(
    "/{person_id}/history", operation_id="getPersonHistory", response_model=list[HistoryItem]
)
def history(
    person_id: UUID, principal: RecordReaders, registers: RegistersDep, reads: ReadsDep
) -> list[HistoryItem]:
    """Every event on the person's record, oldest first, with who recorded it and when."""
    person = visible_person(registers, principal, person_id)
    reads.record("history", [person_id], person.area)
    withhold = withholds_details(principal.role, person)
    return [
        HistoryItem.of(entry, withhold_details=withhold) for entry in registers.history(person_id)
    ]
