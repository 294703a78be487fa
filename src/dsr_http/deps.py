"""What a route needs, as Annotated dependencies: the services and the acting user.

Authorisation fails closed: a role not listed for a route is refused, and a person in
an area outside the token's areas is "not found", so existence never leaks.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated
from uuid import UUID

from fastapi import Depends, Path, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from dsr_core.domain.codes import Role
from dsr_core.domain.errors import PersonNotFoundError
from dsr_core.domain.inputs import AreaCode
from dsr_core.domain.values import Actor
from dsr_core.person.aggregate import Person
from dsr_core.process.settings import Settings
from dsr_core.service.clock import Clock
from dsr_core.service.registers import Registers
from dsr_http.auth import AuthenticationError, Principal, TokenVerifier
from dsr_http.config import HttpSettings
from dsr_http.database_watch import DatabaseWatch
from dsr_http.metrics import HttpMetrics
from dsr_http.problems import ForbiddenError
from dsr_http.runtime import Runtime
from dsr_projections.audit.access_log import Access, AccessLog
from dsr_projections.engine.runner import ProjectionRunner
from dsr_projections.storage.database import ViewDatabase


@dataclass
class Services:
    """The process's runtime (runtime.py), and what serving HTTP adds to it."""

    runtime: Runtime
    http: HttpSettings
    verifier: TokenVerifier
    access_log: AccessLog
    metrics: HttpMetrics
    database_watch: DatabaseWatch | None = None
    """Whether PostgreSQL answers (database_watch.py); none in embedded mode."""

    @property
    def settings(self) -> Settings:
        return self.runtime.settings

    @property
    def clock(self) -> Clock:
        return self.runtime.clock

    @property
    def registers(self) -> Registers:
        return self.runtime.registers

    @property
    def runner(self) -> ProjectionRunner:
        return self.runtime.runner

    @property
    def db(self) -> ViewDatabase:
        return self.runtime.db

    @property
    def national_secret(self) -> bytes:
        return self.runtime.national_secret


# Dependencies are async where they only read what the lifespan built: they run on the
# event loop instead of costing each request hops through the thread pool.


async def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]
"""For the operations routes and the middleware only; other routes take narrow ones."""


async def get_clock(request: Request) -> Clock:
    clock: Clock = request.app.state.services.clock
    return clock


ClockDep = Annotated[Clock, Depends(get_clock)]
"""Now, and today in the configured zone: never asked of the write application."""


async def get_registers(request: Request) -> Registers:
    registers: Registers = request.app.state.services.registers
    return registers


async def get_views(request: Request) -> ViewDatabase:
    views: ViewDatabase = request.app.state.services.runner.db
    return views


async def get_runner(request: Request) -> ProjectionRunner:
    runner: ProjectionRunner = request.app.state.services.runner
    return runner


async def get_http_settings(request: Request) -> HttpSettings:
    http: HttpSettings = request.app.state.services.http
    return http


RegistersDep = Annotated[Registers, Depends(get_registers)]
ViewsDep = Annotated[ViewDatabase, Depends(get_views)]
RunnerDep = Annotated[ProjectionRunner, Depends(get_runner)]


async def get_access_log(request: Request) -> AccessLog:
    access: AccessLog = request.app.state.services.access_log
    return access


async def get_national_secret(request: Request) -> bytes:
    secret: bytes = request.app.state.services.national_secret
    return secret


AccessLogDep = Annotated[AccessLog, Depends(get_access_log)]
NationalSecretDep = Annotated[bytes, Depends(get_national_secret)]
HttpSettingsDep = Annotated[HttpSettings, Depends(get_http_settings)]


BEARER = HTTPBearer(
    auto_error=False,
    scheme_name="bearer",
    bearerFormat="JWT",
    description="A JWT with iss, aud, exp, sub, role and areas (docs/api.md, Tokens).",
)


async def current_principal(
    request: Request,
    services: ServicesDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)] = None,
) -> Principal:
    """The verified caller; requests with a body were verified before it was read
    (limits.RequestLimits), and that answer is reused."""
    known: Principal | None = getattr(request.state, "principal", None)
    if known is not None:
        return known
    if credentials is None:
        raise AuthenticationError("The Authorization header must be 'Bearer <token>'.")
    principal = await services.verifier.verify_async(credentials.credentials)
    request.state.principal = principal
    return principal


CurrentUser = Annotated[Principal, Depends(current_principal)]

PRACTICE = (Role.PRACTITIONER, Role.LEAD)
LEAD_ONLY = (Role.LEAD,)
RECORD_READERS = (Role.PRACTITIONER, Role.LEAD, Role.AUDITOR)
PERSON_READERS = (*RECORD_READERS, Role.PARTNER)
"""A person's record and history: partners too, through their section policy (access.py)."""
AUDITORS = (Role.AUDITOR,)
AGGREGATES = (Role.ANALYST, Role.LEAD, Role.PRACTITIONER)
NATIONAL = (Role.ANALYST, Role.LEAD)
OVERSIGHT = (Role.LEAD, Role.COMMISSIONER)
PLANNERS = (Role.PRACTITIONER, Role.LEAD, Role.COMMISSIONER)
EVERYONE = tuple(Role)


def require(principal: Principal, roles: tuple[Role, ...], area: str | None = None) -> None:
    """Fail closed: the role must be listed, the token must name areas, and an area the
    request addresses must be one of them. Used by the dependencies below, and directly
    only where the area is in a request body."""
    if principal.role not in roles:
        raise ForbiddenError(f"The {principal.role.value} role cannot do this.")
    if not principal.areas:
        raise ForbiddenError("Your token names no areas.")
    if area is not None and area not in principal.areas:
        raise ForbiddenError("This area is not one of yours.")


def allowed(*roles: Role) -> Callable[..., Awaitable[Principal]]:
    """A dependency: the caller, if their role is one of `roles` and their token names areas."""

    async def check(principal: CurrentUser) -> Principal:
        require(principal, roles)
        return principal

    return check


def allowed_in_area(*roles: Role) -> Callable[..., Awaitable[Principal]]:
    """A dependency: the caller, if allowed and the path's `{area}` is one of theirs."""

    async def check(area: AreaPath, principal: CurrentUser) -> Principal:
        require(principal, roles, area)
        return principal

    return check


AreaPath = Annotated[AreaCode, Path(description="ONS GSS code of the area")]
Practitioners = Annotated[Principal, Depends(allowed(*PRACTICE))]
RecordReaders = Annotated[Principal, Depends(allowed(*RECORD_READERS))]
PersonReaders = Annotated[Principal, Depends(allowed(*PERSON_READERS))]
Auditors = Annotated[Principal, Depends(allowed(*AUDITORS))]
NationalReaders = Annotated[Principal, Depends(allowed(*NATIONAL))]
Leads = Annotated[Principal, Depends(allowed(*LEAD_ONLY))]
Overseers = Annotated[Principal, Depends(allowed(*OVERSIGHT))]
Planners = Annotated[Principal, Depends(allowed(*PLANNERS))]
AggregateReadersInArea = Annotated[Principal, Depends(allowed_in_area(*AGGREGATES))]
NationalReadersInArea = Annotated[Principal, Depends(allowed_in_area(*LEAD_ONLY))]
"""An area's unsuppressed national dataset is its lead's (issue 14): analysts read
publications (routes/national.py)."""
PlannersInArea = Annotated[Principal, Depends(allowed_in_area(*PLANNERS))]
OverseersInArea = Annotated[Principal, Depends(allowed_in_area(*OVERSIGHT))]
AnyRole = Annotated[Principal, Depends(allowed(*EVERYONE))]


EMERGENCY = "emergency:"
"""Marks an access-log row read under an emergency grant."""


@dataclass(frozen=True)
class Reads:
    """Writes the access-log row for a read that returned person-level data (issue 10)."""

    access_log: AccessLog
    clock: Callable[[], datetime]
    principal: Principal
    request_id: str | None

    def record(self, what: str, person_ids: Iterable[object], area: str | None = None) -> None:
        if area is not None and area not in self.principal.areas:
            what = f"{EMERGENCY}{what}"  # read under an emergency grant (issue 28)
        self.access_log.record(
            Access(
                at=self.clock(),
                actor_id=self.principal.sub,
                actor_role=str(self.principal.role),
                what=what,
                person_ids=[str(p) for p in person_ids],
                area=area,
                request_id=self.request_id,
            )
        )

    @classmethod
    def of(cls, request: Request, principal: Principal) -> Reads:
        """The writer for this request's reads by this caller (bearer token or console)."""
        services: Services = request.app.state.services
        return cls(
            services.access_log,
            services.registers.now,
            principal,
            getattr(request.state, "request_id", None),
        )


async def get_reads(request: Request, principal: CurrentUser) -> Reads:
    return Reads.of(request, principal)


ReadsDep = Annotated[Reads, Depends(get_reads)]


AreaFilter = Annotated[list[str] | None, Query(description="Area codes; default: all of yours")]


def areas_asked(principal: Principal, area: list[str] | None) -> list[str]:
    """The areas a listing is for: those asked, every one the caller's; default all theirs."""
    if area and set(area) - principal.areas:
        raise ForbiddenError("One or more areas are not yours.")
    return sorted(set(area) if area else principal.areas)


def actor(principal: Principal, area: str | None) -> Actor:
    return Actor(user_id=principal.sub[:200], role=principal.role, area=area)


def visible_person(registers: Registers, principal: Principal, person_id: UUID) -> Person:
    """The person, if they are in one of the caller's areas, or the caller holds an
    emergency grant to them that has not lapsed; otherwise "not found"."""
    return visible_record(registers, principal, person_id)[0]


def visible_record(
    registers: Registers, principal: Principal, person_id: UUID
) -> tuple[Person, bool]:
    """`visible_person`, and whether the record fails integrity (shown as far as sound)."""
    person, failing = registers.person_for_reading(person_id)
    if person.area not in principal.areas and not person.emergency_access_for(
        principal.sub, registers.now()
    ):
        raise PersonNotFoundError(person_id)
    return person, failing


MAX_POSITION = 2**63 - 1
WAIT_POLL_SECONDS = 0.05


def waits_for(*names: str) -> Callable[..., Awaitable[bool]]:
    """A dependency that waits (bounded) until the named read models show a log position.

    It waits on the event loop, looking at the database from the thread pool only for the
    moment each look takes, so waiting readers never hold a worker thread idle; a position
    beyond the log head is answered at once. Gives False when the bound ran out.
    """

    async def wait(
        runner: RunnerDep,
        http: HttpSettingsDep,
        wait_for: Annotated[
            int | None,
            Query(
                ge=0,
                le=MAX_POSITION,
                description="Wait (bounded) until this log position is shown",
            ),
        ] = None,
    ) -> bool:
        if wait_for is None:
            return True
        if wait_for > await run_in_threadpool(runner.head):
            return await run_in_threadpool(runner.reached, wait_for, names)
        return await _wait_until(runner, http.max_wait_seconds, wait_for, names)

    return wait


def shows_latest(*names: str) -> Callable[..., Awaitable[bool]]:
    """A dependency that waits (bounded) until the named read models show everything in
    the log when the request came: a console list opened just after a form was saved
    shows what the form recorded. Gives False when the bound ran out."""

    async def wait(runner: RunnerDep, http: HttpSettingsDep) -> bool:
        head = await run_in_threadpool(runner.head)
        return await _wait_until(runner, http.max_wait_seconds, head, names)

    return wait


async def _wait_until(
    runner: ProjectionRunner, seconds: float, position: int, names: tuple[str, ...]
) -> bool:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not await run_in_threadpool(runner.reached, position, names):
        if loop.time() >= deadline:
            return False
        runner.wake()
        await asyncio.sleep(WAIT_POLL_SECONDS)
    return True
