"""Unknown query parameters are refused (issue 29): a misspelt filter (`?ratng=red`) must
not quietly answer the whole register as if it were applied."""

from __future__ import annotations

from fastapi import Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

ALWAYS = frozenset({"wait_for"})
"""Read by a shared dependency on some routes; harmless on any."""


def _names(dependant: Dependant) -> set[str]:
    """The query parameters a route takes, its dependencies' included."""
    names = {param.alias for param in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _names(sub)
    return names


def _known(route: APIRoute) -> frozenset[str]:
    cached: frozenset[str] | None = getattr(route, "_dsr_query_names", None)
    if cached is None:
        cached = frozenset(_names(route.dependant)) | ALWAYS
        route._dsr_query_names = cached  # type: ignore[attr-defined]
    return cached


class UnknownQueryError(Exception):
    """Answered 400 `unknown-query-parameter`, each unknown name in `errors`."""

    def __init__(self, message: str, names: list[str]) -> None:
        super().__init__(message)
        self.names = names


async def no_unknown_query(request: Request) -> None:
    """A dependency of the API's routes: 400 naming any query parameter the route does not
    take, and the ones it does."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute) or not request.url.path.startswith("/v1/"):
        return
    known = _known(route)
    unknown = sorted(set(request.query_params) - known)
    if unknown:
        takes = ", ".join(sorted(known - ALWAYS)) or "none"
        raise UnknownQueryError(
            f"Unknown query parameter(s): {', '.join(unknown)}. This operation takes: {takes}.",
            unknown,
        )
