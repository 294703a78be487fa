"""National and local code lists as data, each with its source and version (issue 13).

The lists live in `data/code_lists.json`, not in enums written here: a new version of a
national list is a data change. Stored events keep the codes they were recorded with;
only new input is checked against the lists.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib import resources
from typing import Annotated

from pydantic import AfterValidator, ValidationInfo, WithJsonSchema

from dsr_core.domain.errors import InvalidInputError
from dsr_core.domain.inputs import from_store


@dataclass(frozen=True)
class CodeList:
    name: str
    title: str
    source: str
    version: str
    url: str
    codes: dict[str, str]
    groups: dict[str, str] = field(default_factory=dict)
    scope: str | None = None
    """The scheme (nation) the list belongs to; None when it is used everywhere."""
    maps_to: dict[str, str] = field(default_factory=dict)
    """A retired list's codes that say the same as a code of its successor."""
    maps_to_list: str | None = None

    def group(self, code: str) -> str | None:
        return self.groups.get(code)


@cache
def code_lists() -> dict[str, CodeList]:
    raw = json.loads(resources.files("dsr_core").joinpath("data/code_lists.json").read_text())
    return {name: CodeList(name=name, **entry) for name, entry in raw.items()}


def code_list(name: str) -> CodeList:
    return code_lists()[name]


def check_code(list_name: str, code: str, field: str) -> str:
    """A code from the named list. Raises InvalidInputError naming the field."""
    if code not in code_list(list_name).codes:
        raise InvalidInputError(
            f"{field} is not a code of the {code_list(list_name).title!r} list "
            f"({code_list(list_name).source.split(':')[0]}); see GET /v1/code-lists/{list_name}.",
            field=field,
        )
    return code


DELAY_REASONS = {
    "england_rag": "mhsds_v6_delay_reason",
    "scotland_coming_home": "scottish_delay_reason",
}
"""Each nation codes delays with its own national list (domain.md, "Delayed discharge"):
the list in force today, which the console offers first."""

MHSDS_V6_FROM = date(2024, 4, 1)
"""MHSDS v6 replaced v5's delayed-discharge reasons for delays from this day."""

RETIRED_MHSDS_DELAY_LIST = "mhsds_delay_reason"
_RETIRED_DELAY_REASONS = {"england_rag": (RETIRED_MHSDS_DELAY_LIST, MHSDS_V6_FROM)}
"""Lists a nation used for delays before a day, and that day."""


def delay_reason_list(scheme: str, on: date) -> str:
    """The list a delay recorded on `on` is coded with: in England MHSDS v5 before
    1 April 2024 and v6 from then (domain.md)."""
    retired = _RETIRED_DELAY_REASONS.get(scheme)
    if retired is not None and on < retired[1]:
        return retired[0]
    return DELAY_REASONS[scheme]


def delay_reason_lists(scheme: str) -> tuple[str, ...]:
    """Every list the nation's delays may be coded with, the current one first."""
    retired = _RETIRED_DELAY_REASONS.get(scheme)
    return (DELAY_REASONS[scheme],) + ((retired[0],) if retired else ())


def current_code(list_name: str, code: str) -> str:
    """The code as its list's successor says it, where a code of the same meaning exists;
    otherwise the code as recorded (published tables keep unmapped v5 codes apart)."""
    return code_list(list_name).maps_to.get(code, code)


LEGAL_STATUSES = {
    "england_rag": "mha_1983_legal_status",
    "scotland_coming_home": "mhcta_2003_legal_status",
}
"""Keyed by scheme (values.Scheme is a str enum, so either key works)."""


def _coded(list_name: str) -> AfterValidator:
    def check(value: str, info: ValidationInfo) -> str:
        if not from_store(info) and value not in code_list(list_name).codes:
            raise ValueError(
                f"is not a code of the {code_list(list_name).title!r} list "
                f"(GET /v1/code-lists/{list_name})"
            )
        return value

    return AfterValidator(check)


def _listed(list_name: str) -> WithJsonSchema:
    """The input's schema names the list's codes (issue 30: the document says what the
    server enforces); records read back may hold a retired code, so output stays text."""
    listed = code_list(list_name)
    return WithJsonSchema(
        {
            "type": "string",
            "enum": sorted(listed.codes),
            "description": f"A code of the {listed.title!r} list (GET /v1/code-lists/{list_name})",
        },
        mode="validation",
    )


EthnicCategory = Annotated[str, _coded("ethnic_category"), _listed("ethnic_category")]
GenderIdentity = Annotated[str, _coded("gender_identity"), _listed("gender_identity")]
MitigationCategory = Annotated[str, _coded("mitigation_category"), _listed("mitigation_category")]
MoveHomeNeed = Annotated[str, _coded("move_home_need"), _listed("move_home_need")]
