"""Sign in and out. The local sign-in stands where single sign-on will plug in: whatever
signs a user in ends by giving the session a `Principal`, as a verified token does."""

from __future__ import annotations

import re

import structlog
from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from dsr_core.domain.codes import Role
from dsr_core.domain.inputs import text_problem
from dsr_http.auth import Principal
from dsr_http.console.deps import ConsoleDep, Posted, SessionDep
from dsr_http.console.forms import FieldError, humanise
from dsr_http.console.navigation import start_page
from dsr_http.console.routing import ConsoleRoute

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)
log = structlog.get_logger()

LOCAL_ROLES = (
    Role.LEAD,
    Role.PRACTITIONER,
    Role.COMMISSIONER,
    Role.AUDITOR,
    Role.ANALYST,
    Role.NATIONAL,
)
AREA = re.compile(r"^(S37|E54|E06|E07|E08|E09|E10|S92|E92)[0-9]{6}$")
"""Register areas, and the nations' codes a national body's user names (S92, E92)."""


@router.get("/")
def home(request: Request, session: SessionDep) -> Response:
    """Signed in: the role's first page; otherwise the sign-in."""
    if session.principal is None:
        return RedirectResponse("/sign-in", status_code=303)
    return RedirectResponse(start_page(session.principal), status_code=303)


@router.get("/sign-in")
def sign_in_page(request: Request, console: ConsoleDep) -> Response:
    return _page(request, console, {}, {})


def _page(
    request: Request,
    console: ConsoleDep,
    values: dict[str, str],
    errors: dict[str, str],
    status: int = 200,
    problem: str | None = None,
) -> Response:
    field_errors = [FieldError(name, message, name) for name, message in errors.items()]
    return console.render(
        request,
        "sign_in.html",
        {
            "title": "Sign in",
            "local": console.offers_local_sign_in(request),
            "sso": console.sso.name if console.sso else None,
            "problem": problem,
            "roles": [(str(role), humanise(role)) for role in LOCAL_ROLES],
            "values": values,
            "errors": errors,
            "field_errors": field_errors,
        },
        status,
    )


@router.post("/sign-in")
def sign_in(request: Request, console: ConsoleDep, session: SessionDep, form: Posted) -> Response:
    """The local sign-in: any role and areas, for this machine only (embedded mode)."""
    if not console.offers_local_sign_in(request):
        return _page(request, console, {}, {}, 403)
    values = {name: form.get(name) for name in ("user", "role", "area")}
    errors: dict[str, str] = {}
    if (
        not values["user"]
        or len(values["user"]) > 200
        or text_problem(values["user"], free_text=False)
    ):
        errors["user"] = "Enter a user ID of up to 200 letters, digits and spaces"
    if values["role"] not in {str(role) for role in LOCAL_ROLES}:
        errors["role"] = "Select a role"
    areas = [a.strip().upper() for a in values["area"].split(",") if a.strip()]
    if not areas or not all(AREA.match(area) for area in areas):
        errors["area"] = "Enter area codes like E54000048 or S37000017, separated by commas"
    if errors:
        return _page(request, console, values, errors, 422)
    principal = Principal(sub=values["user"], role=Role(values["role"]), areas=frozenset(areas))
    response = RedirectResponse(start_page(principal), status_code=303)
    console.sessions.write(request, response, session.signed_in(principal, local=True))
    return response


@router.get("/sign-in/sso")
async def sign_in_sso(request: Request, console: ConsoleDep) -> Response:
    """Off to the organisation's identity provider (authorization code with PKCE)."""
    if console.sso is None:
        return _page(request, console, {}, {}, 404, "Single sign-on is not set up here.")
    return await console.sso.redirect(request, str(request.url_for("sign_in_callback")))


@router.get("/sign-in/callback")
async def sign_in_callback(request: Request, console: ConsoleDep, session: SessionDep) -> Response:
    """Back from the provider: the ID token checked, the claims mapped to a role and areas."""
    if console.sso is None:
        return _page(request, console, {}, {}, 404, "Single sign-on is not set up here.")
    result = await console.sso.complete(request)
    if result.no_access:
        log.info("sign_in_refused", reason="no_mapping")
        return console.render(
            request,
            "error.html",
            {
                "title": "You do not have access to this service",
                "detail": "You signed in, but your account has no role in dsr here. Ask your "
                "DSR lead or your organisation's registration authority to give you one.",
                "status": 403,
            },
            403,
        )
    if result.principal is None:
        log.info("sign_in_refused", reason="provider")
        return _page(request, console, {}, {}, 401, result.problem)
    response = RedirectResponse(start_page(result.principal), status_code=303)
    console.sessions.write(request, response, session.signed_in(result.principal, local=False))
    return response


@router.post("/sign-out")
async def sign_out(
    request: Request, console: ConsoleDep, session: SessionDep, form: Posted
) -> Response:
    """Signed out here, and at the provider too when it was a single sign-on."""
    target = "/sign-in"
    if console.sso is not None and session.principal is not None and not session.local:
        ended = await console.sso.end_session_url(str(request.url_for("sign_in_page")))
        target = ended or target
    response = RedirectResponse(target, status_code=303)
    console.sessions.clear(request, response)
    return response


@router.get("/no-pages")
def no_pages(request: Request, console: ConsoleDep) -> Response:
    return console.render(
        request,
        "error.html",
        {
            "title": "Nothing to show",
            "detail": "Your role has no pages in the console.",
            "status": 200,
        },
    )
