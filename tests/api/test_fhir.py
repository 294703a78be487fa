"""A person as a FHIR R4 bundle (issue 16, item 1)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from fhir.resources.R4B.bundle import Bundle

from dsr_http.cli.demo import generate
from dsr_http.cli.demo_data import ENGLISH_AREAS, SCOTTISH_AREAS
from dsr_http.fhir import CHI_NUMBER, CODE_SYSTEM_BASE, MEDIA_TYPE, NHS_NUMBER
from tests.api.conftest import Headers, referral_body


def resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def code_of(concept: dict[str, Any], system: str) -> str:
    [found] = [c["code"] for c in concept["coding"] if c["system"] == CODE_SYSTEM_BASE + system]
    return str(found)


def key_facts_from(bundle: dict[str, Any]) -> dict[str, Any]:
    """What a receiving system would read back: who, rating, stays, lawful basis."""
    [patient] = resources(bundle, "Patient")
    numbers = {i["system"]: i["value"] for i in patient["identifier"]}
    flags = resources(bundle, "Flag")
    consents = resources(bundle, "Consent")
    return {
        "nhs_number": numbers.get(NHS_NUMBER),
        "chi_number": numbers.get(CHI_NUMBER),
        "family_name": patient["name"][0]["family"],
        "date_of_birth": patient["birthDate"],
        "rating": code_of(flags[0]["code"], "rating") if flags else None,
        "admitted_on": sorted(e["period"]["start"] for e in resources(bundle, "Encounter")),
        "basis": code_of(consents[0]["policyRule"], "lawful-basis") if consents else None,
    }


def key_facts_of(record: dict[str, Any], history: list[dict[str, Any]]) -> dict[str, Any]:
    details = record["details"]
    consent = record.get("consent")
    scottish = record["scheme"] == "scotland_coming_home"
    return {
        "nhs_number": details.get("nhs_number"),
        "chi_number": details.get("chi_number"),
        "family_name": details["family_name"],
        "date_of_birth": details["date_of_birth"],
        "rating": record["rating"]["level"] if record.get("rating") else None,
        "admitted_on": sorted(
            h["data"]["stay"]["admitted_on"]
            for h in history
            if h["event_type"] in ("Admitted", "InpatientNotified")
        ),
        # Scotland's duty to record is the register's: none for an inpatient never referred
        "basis": consent["basis"]
        if consent
        else ("duty_to_record" if scottish and record["referred_on"] else None),
    }


def test_every_demo_person_exports_a_valid_bundle_that_round_trips(
    client: TestClient, auth: Headers
) -> None:
    services = client.app.state.services  # type: ignore[attr-defined]
    registers = services.registers
    generate(registers, 300, today=registers.today())  # what `make run` loads
    services.runner.catch_up()
    with services.runner.db.read() as cursor:
        cursor.execute("SELECT person_id FROM register_state")
        people = [row["person_id"] for row in cursor.fetchall()]
    assert len(people) >= 250
    lead = auth("lead", *ENGLISH_AREAS, *SCOTTISH_AREAS)
    for pid in people:
        response = client.get(f"/v1/persons/{pid}/fhir", headers=lead)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith(MEDIA_TYPE)
        bundle = response.json()
        Bundle.model_validate(bundle)  # checked again, apart from the server
        record = client.get(f"/v1/persons/{pid}", headers=lead).json()
        history = client.get(f"/v1/persons/{pid}/history", headers=lead).json()
        assert key_facts_from(bundle) == key_facts_of(record, history), pid
        profiles = {
            e["resource"]["resourceType"]: e["resource"]["meta"]["profile"][0]
            for e in bundle["entry"]
        }
        assert all(p.endswith("UKCore-" + kind) for kind, p in profiles.items())


def test_the_bundle_has_the_same_access_as_the_record_and_is_logged(
    client: TestClient, auth: Headers
) -> None:
    pid = client.post("/v1/persons", json=referral_body(seed=31), headers=auth("lead")).json()[
        "person_id"
    ]
    assert client.get(f"/v1/persons/{pid}/fhir", headers=auth("practitioner")).status_code == 200
    assert client.get(f"/v1/persons/{pid}/fhir", headers=auth("analyst")).status_code == 403
    other = auth("lead", "E54000050")
    assert client.get(f"/v1/persons/{pid}/fhir", headers=other).status_code == 404
    access = client.get(f"/v1/audit/persons/{pid}/access", headers=auth("auditor")).json()
    assert any(row["what"] == "fhir" for row in access)
