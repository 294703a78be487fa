"""What every command shares: a strict, frozen model, and the examples OpenAPI shows."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict


def example(example: dict[str, Any]) -> ConfigDict:
    return ConfigDict(extra="forbid", frozen=True, json_schema_extra={"examples": [example]})


DETAILS_EXAMPLE = {
    "given_name": "Alex",
    "family_name": "Example",
    "date_of_birth": "1990-01-01",
    "sex": "female",
    "diagnosis_group": "learning_disability_and_autism",
    "chi_number": "0101901003",
}


class Command(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
