"""National and local code lists as data, each with its source and version (issue 13).

The lists live in `data/code_lists.json`, not in enums written here: a new version of a
national list is a data change. Stored events keep the codes they were recorded with;
only new input is checked against the lists.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Annotated

from pydantic import AfterValidator, ValidationInfo

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
    "england_rag": "mhsds_delay_reason",
    "scotland_coming_home": "scottish_delay_reason",
}
"""Each nation codes delays with its own national list (domain.md, "Delayed discharge")."""

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


EthnicCategory = Annotated[str, _coded("ethnic_category")]
GenderIdentity = Annotated[str, _coded("gender_identity")]
MitigationCategory = Annotated[str, _coded("mitigation_category")]
MoveHomeNeed = Annotated[str, _coded("move_home_need")]
