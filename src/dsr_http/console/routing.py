"""How a console page answers: HTML for every outcome, security headers on every page.

The API answers refusals with problem details; the console answers the same refusals
(the same exceptions, raised by the same checks) with a page of the same status, so a
page of another area is "not found" exactly as the API says it, and nothing leaks.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

import structlog
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from dsr_core.domain import errors
from dsr_http.problems import DATABASE_DOWN, ForbiddenError, record_refusal, status_for

log = structlog.get_logger("dsr.console")


def content_security_policy(sign_out_origin: str | None = None) -> str:
    """No inline script or style, nothing from another origin: a CDN request is refused
    too. A form may lead only here, or to the identity provider (signing out there)."""
    form_action = (
        f"form-action 'self' {sign_out_origin}" if sign_out_origin else "form-action 'self'"
    )
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self'",
            "font-src 'self'",
            "connect-src 'self'",
            form_action,
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "object-src 'none'",
        ]
    )


def security_headers(sign_out_origin: str | None = None) -> dict[str, str]:
    return {
        "Content-Security-Policy": content_security_policy(sign_out_origin),
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "no-referrer",
        "Cache-Control": "no-store",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    }


class NotSignedInError(Exception):
    """The page needs a signed-in user: the browser is sent to sign in."""


class CsrfError(Exception):
    """A form came back without this session's token (another site's, or a stale page)."""


def _status_of(error: Exception) -> tuple[int, str, str]:
    """Status, title and what to say, for the refusals a page can meet."""
    if isinstance(error, ForbiddenError):
        return 403, "You cannot do this", str(error)
    if isinstance(error, errors.PersonNotFoundError):
        return 404, "Page not found", "There is no such record in your areas."
    if isinstance(error, errors.PersonErasedError):
        return 410, "This record was erased", "Nothing about this person is kept any more."
    if isinstance(error, CsrfError):
        return 400, "Your form has expired", "Go back, reload the page and try again."
    if isinstance(error, RequestValidationError):
        fields = ", ".join(
            ".".join(str(p) for p in e.get("loc", ())[1:]) or "query" for e in error.errors()
        )
        return 400, "This address is not valid", f"Check these parts of the address: {fields}."
    if isinstance(error, errors.DsrError):
        return status_for(error), error.title, error.message
    if isinstance(error, DATABASE_DOWN):
        return 503, "Sorry, the service is unavailable", "Try again in a few seconds."
    if isinstance(error, StarletteHTTPException):
        title = "Page not found" if error.status_code == 404 else "This cannot be done"
        return error.status_code, title, str(error.detail)
    return 500, "Sorry, there is a problem with the service", "Try again later."


class ConsoleRoute(APIRoute):
    """A console route: refusals become pages, and every page gets the security headers
    and the session cookie again (its idle clock restarts)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def page(request: Request) -> Response:
            try:
                response = await handler(request)
            except NotSignedInError:
                response = RedirectResponse("/sign-in", status_code=303)
            except Exception as error:  # every outcome is a page, never a traceback
                response = await error_page(request, error)
            console = request.app.state.console
            for name, value in console.security_headers.items():
                response.headers.setdefault(name, value)
            session = getattr(request.state, "console_session", None)
            if session is not None and "set-cookie" not in response.headers:
                console.sessions.write(request, response, session)
            return response

        return page


async def error_page(request: Request, error: Exception) -> Response:
    status, title, detail = _status_of(error)
    if status in (403, 404):
        await record_refusal(request)  # as the API records them: who aimed at what
    if status == 500:
        log.exception("console_error", path_template=_route_path(request))
    page: Response = request.app.state.console.render(
        request, "error.html", {"title": title, "detail": detail, "status": status}, status
    )
    if status == 503:
        page.headers["Retry-After"] = "5"
    return page


def _route_path(request: Request) -> str:
    """The route's pattern (`/people/{person_id}`), never the ids it was called with."""
    route = request.scope.get("route")
    return str(getattr(route, "path", "?"))
