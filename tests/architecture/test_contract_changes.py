"""Issue 29: a breaking change to the HTTP contract is a decision, not an accident. The
current document is compared with the last release's; every breaking change must be
listed as decided (docs/contract/decided.txt, each written up in docs/api.md)."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest

from dsr_http.contract_changes import breaking_changes
from dsr_http.main import create_app

pytestmark = pytest.mark.unit

CONTRACT = Path(__file__).resolve().parents[2] / "docs" / "contract"
RELEASED = CONTRACT / "released-0.1.0.json"


def decided() -> list[str]:
    lines = (CONTRACT / "decided.txt").read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def matches(change: str, pattern: str) -> bool:
    """A decided line is the change as printed, where `*` stands for any text."""
    return re.fullmatch(".*".join(map(re.escape, pattern.split("*"))), change) is not None


def test_every_breaking_change_since_the_last_release_was_decided() -> None:
    changes = breaking_changes(json.loads(RELEASED.read_text()), create_app().openapi())
    globs = decided()
    undecided = [c for c in changes if not any(matches(c, g) for g in globs)]
    assert not undecided, "breaking, not decided in docs/contract/decided.txt:\n" + "\n".join(
        undecided
    )
    stale = [g for g in globs if not any(matches(c, g) for c in changes)]
    assert not stale, f"decided, but no such change any more: {stale}"


# ------------------------------------------------------------ the checker itself


def document() -> dict[str, Any]:
    person = {
        "type": "object",
        "properties": {
            "id": {"type": "string"},
            "rating": {"type": "string", "enum": ["red", "amber"]},
            "note": {"anyOf": [{"type": "string"}, {"type": "null"}]},
        },
        "required": ["id", "rating"],
    }
    body = {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "level": {"type": "string", "enum": ["red", "amber"]},
            "reason": {"type": "string"},
        },
        "required": ["level"],
    }
    json_of = {"application/json": {"schema": {"$ref": "#/components/schemas/Person"}}}
    return {
        "paths": {
            "/v1/persons/{id}": {
                "get": {
                    "parameters": [{"in": "query", "name": "as_of", "schema": {"type": "string"}}],
                    "responses": {"200": {"content": json_of}},
                },
                "post": {
                    "requestBody": {
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/In"}}
                        }
                    },
                    "responses": {"200": {"content": json_of}},
                },
            }
        },
        "components": {"schemas": {"Person": person, "In": body}},
    }


def changed(edit: str) -> list[str]:
    after = copy.deepcopy(before := document())
    schemas = after["components"]["schemas"]
    path = after["paths"]["/v1/persons/{id}"]
    if edit == "remove operation":
        del path["post"]
    elif edit == "narrow request enum":
        schemas["In"]["properties"]["level"]["enum"] = ["red"]
    elif edit == "widen request enum":
        schemas["In"]["properties"]["level"]["enum"] = ["red", "amber", "green"]
    elif edit == "widen response enum":
        schemas["Person"]["properties"]["rating"]["enum"] = ["red", "amber", "green"]
    elif edit == "require a new input":
        schemas["In"]["properties"]["due"] = {"type": "string"}
        schemas["In"]["required"].append("due")
    elif edit == "add an optional input":
        schemas["In"]["properties"]["due"] = {"type": "string"}
    elif edit == "remove an output":
        del schemas["Person"]["properties"]["note"]
    elif edit == "add an output":
        schemas["Person"]["properties"]["since"] = {"type": "string"}
    elif edit == "output may be null":
        schemas["Person"]["properties"]["id"] = {"anyOf": [{"type": "string"}, {"type": "null"}]}
    elif edit == "remove a parameter":
        path["get"]["parameters"] = []
    return breaking_changes(before, after)


def both(change: str) -> list[str]:
    """A change to the person as both operations answer it."""
    return [f"{method} /v1/persons/{{id}} {change}" for method in ("GET", "POST")]


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        ("remove operation", ["POST /v1/persons/{id}: removed"]),
        ("narrow request enum", ["POST /v1/persons/{id} body.level: no longer takes ['amber']"]),
        ("widen request enum", []),
        ("widen response enum", both("200.rating: may now be ['green']")),
        ("require a new input", ["POST /v1/persons/{id} body.due: added as required"]),
        ("add an optional input", []),
        ("remove an output", both("200.note: removed")),
        ("add an output", []),
        ("output may be null", both("200.id: may now be ['null']")),
        ("remove a parameter", ["GET /v1/persons/{id} query as_of: removed (now refused)"]),
    ],
)
def test_the_checker_tells_breaking_from_additive(edit: str, expected: list[str]) -> None:
    assert changed(edit) == expected
