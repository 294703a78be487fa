"""RFC 9457 problem details: the one table from errors to HTTP answers.

Bodies never carry stack traces, submitted values or personal data: validation errors
name the field and say what is wrong with it, not what was sent.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import psycopg
from eventsourcing.persistence import InterfaceError, OperationalError
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from psycopg_pool import PoolTimeout
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import compile_path

from dsr_core.domain import errors
from dsr_http.auth import AuthenticationError
from dsr_http.bodies import DuplicateKeyError, MalformedBodyError
from dsr_http.problem_types import status_of, type_uri
from dsr_http.spreadsheets import XLSX_MEDIA_TYPE as XLSX
from dsr_http.strict_query import UnknownQueryError
from dsr_projections.audit.access_log import Access

MEDIA_TYPE = "application/problem+json"


class FieldProblem(BaseModel):
    """One input a request got wrong: where (a dotted path into the body or the query)
    and what is wrong with it."""

    field: str
    message: str


class Problem(BaseModel):
    """RFC 9457 problem details, with the failing fields where there are any."""

    type: str
    title: str
    status: int
    instance: str
    detail: str | None = None
    errors: list[FieldProblem] | None = None
    current_version: int | None = None
    existing_person_id: str | None = None
    reasons: list[str] | None = None
    """Every reason an erasure was refused (`/problems/erasure-blocked`)."""


def _documented(description: str) -> dict[str, Any]:
    """One `Problem` component referenced by every error response (issue 29: a copy written
    into each response made most of the document, and generators dropped them)."""
    schema = {"$ref": "#/components/schemas/Problem"}
    return {"description": description, "content": {MEDIA_TYPE: {"schema": schema}}}


def with_problem_components(document: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI document with `Problem` and `FieldProblem` among its components."""
    schema = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas.update(schema.pop("$defs", {}))
    schemas["Problem"] = schema
    # FastAPI's own 422 (where a route names no errors) is answered as a problem too
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            answer = operation.get("responses", {}).get("422")
            if answer is not None and MEDIA_TYPE not in answer.get("content", {}):
                operation["responses"]["422"] = _documented(
                    "Invalid input: errors names each field"
                )
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    # a model read and written in different shapes is two components: give each its own
    # title, or a generator names both classes alike and one hides the other (issue 29)
    for name, component in schemas.items():
        if name.endswith(("-Input", "-Output")):
            component["title"] = name.replace("-", "")
    return document


def csv_or_json(description: str) -> dict[int | str, dict[str, Any]]:
    """A 200 that may be JSON or, on request, CSV or XLSX."""
    sheet = {"schema": {"type": "string", "contentMediaType": XLSX}}
    content = {"text/csv": {"schema": {"type": "string"}}, XLSX: sheet}
    return {200: {"description": description, "content": content}}


RESPONSES: dict[int | str, dict[str, Any]] = {
    400: _documented("Malformed header"),
    401: _documented("No valid bearer token"),
    403: _documented("Not allowed for your role or area"),
    404: _documented("Not found in your areas"),
    409: _documented("Refused by a register rule, or a concurrent change"),
    410: _documented("The person's record was erased"),
    412: _documented("If-Match names an old version"),
    422: _documented("Invalid input: errors names each field"),
    500: _documented("Unexpected error"),
    503: _documented("Database unavailable"),
}

DATABASE_DOWN: tuple[type[Exception], ...] = (
    OperationalError,
    InterfaceError,
    psycopg.OperationalError,
    PoolTimeout,
)
"""What the store raises when it cannot be reached in time: 503 with Retry-After."""


class ForbiddenError(Exception):
    """Authenticated, but the role or area does not allow this."""


def problem(
    request: Request,
    status: int,
    type_: str,
    title: str,
    detail: str | None = None,
    errors_: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": type_uri(request.base_url, type_),
        "title": title,
        "status": status,
        "instance": request.url.path,
    }
    if detail:
        body["detail"] = detail
    if errors_:
        body["errors"] = errors_
    body.update(extra)
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


def status_for(error: errors.DsrError) -> int:
    """The HTTP status of a register error: the API's answer, and the console's page."""
    return status_of(type(error))


def _field_path(error: dict[str, Any]) -> str:
    if error.get("type") == "json_invalid":  # its loc holds a character offset, not a field
        return "body"
    loc = tuple(error.get("loc", ()))
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or "body"


def _methods_at(request: Request) -> list[str]:
    """Every method the contract documents at this path (GET and POST may be two routes,
    and Starlette's 405 names the first one's only)."""
    found: set[str] = set()
    for template, operations in request.app.openapi().get("paths", {}).items():
        pattern, _, _ = compile_path(template)
        if pattern.match(request.url.path):
            found |= {method.upper() for method in operations}
    return sorted(found)


_HTTP_DETAIL = {
    404: "Nothing is served at this path; docs/api.md lists every endpoint.",
    405: "This path does not take that method; the Allow header lists those it takes.",
}


async def record_refusal(request: Request) -> None:
    """A refused attempt by a known caller is an access-log row naming what it aimed at."""
    principal = getattr(request.state, "principal", None)
    services = getattr(request.app.state, "services", None)
    if principal is None or services is None:
        return
    access = Access(
        at=services.clock.now(),
        actor_id=principal.sub,
        actor_role=str(principal.role),
        what=request.method,
        outcome="refused",
        target=request.url.path,
        request_id=getattr(request.state, "request_id", None),
    )
    await run_in_threadpool(services.access_log.record, access)


PageFor = Callable[[Request], Response | None]


def install(app: FastAPI, page_not_found: PageFor = lambda _: None) -> None:
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = with_problem_components(generate())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    """The handlers; `page_not_found` may answer a browser's 404 with a page (the
    console's), otherwise the answer is problem details."""

    @app.exception_handler(errors.DsrError)
    async def dsr_error(request: Request, error: errors.DsrError) -> JSONResponse:
        if isinstance(error, (errors.PersonNotFoundError, errors.AreaNotAllowedError)):
            await record_refusal(request)
        extra: dict[str, Any] = {}
        headers = None
        if isinstance(error, errors.VersionMismatchError):
            extra["current_version"] = error.current
            headers = {"ETag": f'"{error.current}"'}
        if isinstance(error, errors.DuplicateReferralError):
            extra["existing_person_id"] = str(error.existing_person_id)
        if isinstance(error, errors.ErasureBlockedError):
            extra["reasons"] = error.reasons
        field_errors = [{"field": error.field, "message": error.message}] if error.field else None
        return problem(
            request,
            status_for(error),
            error.slug,
            error.title,
            error.message,
            field_errors,
            headers,
            **extra,
        )

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, error: RequestValidationError) -> JSONResponse:
        field_errors = [
            {"field": _field_path(e), "message": str(e.get("msg", "invalid"))}
            for e in error.errors()
        ]
        return problem(
            request,
            422,
            "validation",
            "The request is not valid",
            "Correct the fields listed in errors.",
            field_errors,
        )

    @app.exception_handler(AuthenticationError)
    async def unauthenticated(request: Request, error: AuthenticationError) -> JSONResponse:
        return problem(
            request,
            401,
            "unauthenticated",
            "A valid bearer token is required",
            str(error),
            headers={"WWW-Authenticate": 'Bearer realm="dsr"'},
        )

    @app.exception_handler(ForbiddenError)
    async def forbidden(request: Request, error: ForbiddenError) -> JSONResponse:
        await record_refusal(request)
        return problem(request, 403, "forbidden", "Not allowed for your role or area", str(error))

    @app.exception_handler(UnknownQueryError)
    async def unknown_query(request: Request, error: UnknownQueryError) -> JSONResponse:
        return problem(
            request,
            400,
            "unknown-query-parameter",
            "Unknown query parameter",
            str(error),
            [
                {"field": name, "message": "not a parameter of this operation"}
                for name in error.names
            ],
        )

    @app.exception_handler(MalformedBodyError)
    async def malformed(request: Request, error: MalformedBodyError) -> JSONResponse:
        return problem(
            request,
            400,
            "malformed-body",
            "The body is not well-formed JSON",
            str(error),
            [{"field": "body", "message": str(error)}],
        )

    @app.exception_handler(DuplicateKeyError)
    async def duplicate_key(request: Request, error: DuplicateKeyError) -> JSONResponse:
        return problem(
            request,
            422,
            "validation",
            "The request is not valid",
            "Correct the fields listed in errors.",
            [{"field": error.key, "message": str(error)}],
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        status = error.status_code
        if status == 404 and (page := page_not_found(request)) is not None:
            await record_refusal(request)
            return page
        if status in (403, 404):
            await record_refusal(request)
        slug = {404: "not-found", 405: "method-not-allowed"}.get(status, "http-error")
        title = {404: "Not found", 405: "Method not allowed"}.get(status, str(error.detail))
        detail = str(error.detail)
        if detail in ("Not Found", "Method Not Allowed"):  # Starlette's bare phrases
            detail = _HTTP_DETAIL[status]
        headers = dict(error.headers) if error.headers else None
        if status == 405:  # Starlette names the first route's methods only
            headers = (headers or {}) | {"Allow": ", ".join(_methods_at(request))}
        return problem(request, status, slug, title, detail, headers=headers)

    @app.exception_handler(OperationalError)
    @app.exception_handler(InterfaceError)
    @app.exception_handler(psycopg.OperationalError)
    @app.exception_handler(PoolTimeout)
    async def database_down(request: Request, _: Exception) -> JSONResponse:
        return problem(
            request,
            503,
            "unavailable",
            "The database is unavailable; try again shortly",
            headers={"Retry-After": "5"},
        )

    @app.exception_handler(Exception)
    async def unexpected(request: Request, _: Exception) -> JSONResponse:
        return problem(
            request,
            500,
            "internal",
            "Something went wrong; it has been logged",
            "Quote the X-Request-ID of this response when you report it.",
        )
