"""A problem+json answer made below FastAPI, by the ASGI middlewares (limits, the request
log, the database deadline), which answer before any route or exception handler runs."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import Scope

from dsr_http.problem_types import type_uri

PROBLEM = "application/problem+json"


def problem_response(
    scope: Scope, status: int, slug: str, title: str, detail: str, headers: dict[str, str]
) -> JSONResponse:
    body = {
        "type": type_uri(Request(scope).base_url, slug),
        "title": title,
        "status": status,
        "instance": scope.get("path", ""),
        "detail": detail,
    }
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)
