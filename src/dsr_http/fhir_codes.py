"""Codes in the FHIR bundle: UK Core's national code systems where one exists (shipped in
`data/fhir_value_sets.json` with their source and version), dsr's own code systems under
a configurable base where none does (issue 29: never a placeholder domain)."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from dsr_core.domain.codes import LegalStatus, Scheme


@cache
def shipped() -> dict[str, Any]:
    text = resources.files("dsr_http").joinpath("data/fhir_value_sets.json").read_text()
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def national(name: str, code: str) -> dict[str, Any] | None:
    """A CodeableConcept in a UK Core code system, or None if the code is not in it."""
    value_set = shipped()["value_sets"][name]
    display = value_set["codes"].get(code)
    if display is None:
        return None
    return {"coding": [{"system": value_set["system"], "code": code, "display": display}]}


class Codes:
    """The bundle's codings: dsr's own under `base` (one code system per code list)."""

    def __init__(self, base: str) -> None:
        self.base = base.rstrip("/") + "/"

    def local(self, system: str, code: str, display: str | None = None) -> dict[str, Any]:
        found: dict[str, Any] = {"system": self.base + system, "code": code}
        if display:
            found["display"] = display
        return {"coding": [found]}

    def destination(self, scheme: Scheme, destination: str) -> dict[str, Any]:
        """England: the Data Dictionary's code UK Core binds (and dsr's own beside it, which
        is finer); Scotland has no UK Core code system for it, so dsr's own only."""
        own = self.local("discharge-destination", destination)
        code = shipped()["discharge_destination_map"].get(destination)
        concept = national("discharge_destination", code) if code else None
        if scheme is Scheme.SCOTLAND_COMING_HOME or concept is None:
            return own
        return {"coding": concept["coding"] + own["coding"]}

    def legal_status(
        self, scheme: Scheme, context: str, status: str, detained_under: str | None
    ) -> dict[str, Any]:
        """UK Core's legal status extension (England's Mental Health Act codes); Scotland's
        orders under dsr's own code system."""
        if scheme is Scheme.SCOTLAND_COMING_HOME:
            classification = self.local("mhcta-2003-legal-status", detained_under or status)
        else:
            code = "01" if status == LegalStatus.INFORMAL else (detained_under or "")
            classification = national("legal_status_classification", code) or self.local(
                "legal-status", status
            )
        value_set = shipped()["value_sets"]["legal_status_classification"]
        return {
            "url": value_set["extension"],
            "extension": [
                {
                    "url": "legalStatusContext",
                    "valueCodeableConcept": national("legal_status_context", context),
                },
                {"url": "legalStatusClassification", "valueCodeableConcept": classification},
            ],
        }

    @staticmethod
    def ethnic_category(code: str) -> dict[str, Any] | None:
        concept = national("ethnic_category", code)
        if concept is None:
            return None
        url = shipped()["value_sets"]["ethnic_category"]["extension"]
        return {"url": url, "valueCodeableConcept": concept}
