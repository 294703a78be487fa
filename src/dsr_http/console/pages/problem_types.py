"""The human page behind each problem `type` URI the API answers with (RFC 9457 §3.1.1):
what it means and what to do. Open to all: an integrator follows the link from an answer."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from dsr_http.console.deps import ConsoleDep
from dsr_http.console.routing import ConsoleRoute
from dsr_http.problem_types import problem_types

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)


@router.get("/problems")
def every_problem_type(request: Request, console: ConsoleDep) -> Response:
    types = list(problem_types().values())
    return console.render(
        request, "problem_types.html", {"title": "Problem types", "types": types, "shown": None}
    )


@router.get("/problems/{slug}")
def one_problem_type(request: Request, console: ConsoleDep, slug: str) -> Response:
    shown = problem_types().get(slug)
    if shown is None:
        raise HTTPException(404)
    return console.render(request, "problem_types.html", {"title": shown.title, "shown": shown})
