"""The human page behind each problem `type` URI the API answers with (RFC 9457 §3.1.1):
what it means and what to do. Open to all: an integrator follows the link from an answer."""

from __future__ import annotations

import re

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from markupsafe import Markup, escape

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
    context = {"title": shown.title, "shown": shown}
    explained = {"means": _code(shown.means), "to_do": _code(shown.to_do)}
    return console.render(request, "problem_types.html", context | explained)


def _code(text: str) -> Markup:
    """The explanations name fields as `code`, as the docs do: shown as code, escaped."""
    return Markup(re.sub(r"`([^`]+)`", r"<code>\1</code>", str(escape(text))))
