"""RFC 9745 `Deprecation` and RFC 8594 `Sunset` headers on every answer from a deprecated
operation, or to a request that uses a deprecated query parameter, so a client's logs say
so before the release that removes it (docs/api.md, Versioning and deprecation)."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import Request, Response
from fastapi.routing import APIRoute

DEPRECATED_SINCE = datetime(2026, 12, 6, tzinfo=UTC)
"""When the operations and parameters now deprecated were (issue 27, release 0.2.0)."""
SUNSET = datetime(2027, 6, 30, tzinfo=UTC)
"""Not removed before this day: at least six months, and a release, after deprecation."""


def _deprecated_parameters(route: APIRoute) -> frozenset[str]:
    found = getattr(route, "_dsr_deprecated", None)
    if found is None:
        found = frozenset(
            param.alias
            for param in route.dependant.query_params
            if getattr(param.field_info, "deprecated", None)
        )
        route._dsr_deprecated = found  # type: ignore[attr-defined]
    return found


async def deprecation_headers(request: Request, response: Response) -> None:
    """A dependency of the API's routes (beside the strict query check)."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    used = _deprecated_parameters(route) & set(request.query_params)
    if route.deprecated or used:
        response.headers["Deprecation"] = f"@{int(DEPRECATED_SINCE.timestamp())}"
        response.headers["Sunset"] = SUNSET.strftime("%a, %d %b %Y %H:%M:%S GMT")
