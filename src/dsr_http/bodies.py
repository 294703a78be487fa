"""Request bodies are read strictly: what a user did not mean is never stored (issue 10).

FastAPI's own JSON parsing lets the last of two equal keys win and answers a body that
is not UTF-8, nests without end or holds a 5,000-digit number with a bare 400. Routes
with bodies use `StrictJsonRoute`, which checks the raw body first and answers with a
documented problem: `malformed-body` (400) or, for a repeated key, `validation` (422).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute

MAX_NUMBER_CHARS = 40


class MalformedBodyError(Exception):
    """The body is not well-formed JSON text."""


class DuplicateKeyError(Exception):
    """An object in the body names the same member twice."""

    def __init__(self, key: str) -> None:
        super().__init__(f"The member {key!r} appears twice in one object; send it once.")
        self.key = key


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise DuplicateKeyError(key)
        result[key] = value
    return result


def _number(text: str) -> float | int:
    if len(text) > MAX_NUMBER_CHARS:
        raise MalformedBodyError(f"A number in the body is longer than {MAX_NUMBER_CHARS} chars.")
    return float(text) if any(c in text for c in ".eE") else int(text)


def _no_constant(name: str) -> None:
    raise MalformedBodyError(f"{name} is not a JSON value.")


def check_json(body: bytes) -> None:
    """Raise MalformedBodyError or DuplicateKeyError unless `body` is strict JSON."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedBodyError("The body is not valid UTF-8.") from None
    try:
        json.loads(
            text,
            object_pairs_hook=_no_duplicates,
            parse_int=_number,
            parse_float=_number,
            parse_constant=_no_constant,
        )
    except RecursionError:
        raise MalformedBodyError("The body nests too deeply.") from None
    except json.JSONDecodeError as error:
        raise MalformedBodyError(
            f"The body is not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})."
        ) from None


class StrictJsonRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def strict(request: Request) -> Response:
            if request.method in ("POST", "PUT", "PATCH"):
                body = await request.body()
                if body:
                    check_json(body)
            return await handler(request)

        return strict
