"""A person as a FHIR R4 bundle (issue 16, item 1)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from fhir.resources.R4B.bundle import Bundle

from dsr_http.cli.demo import generate
from dsr_http.cli.demo_data import ENGLISH_AREAS, SCOTTISH_AREAS
from dsr_http.fhir import CHI_NUMBER, MEDIA_TYPE, NHS_NUMBER
from dsr_http.fhir_codes import shipped
from tests.api.conftest import Headers, referral_body
from tests.support import factories as f

CODE_SYSTEM_BASE = "http://testserver/fhir/CodeSystem/"
"""dsr's own code systems, under the answering server's address (no DSR_FHIR_BASE_URL)."""
UK_CORE_SYSTEMS = "https://fhir.hl7.org.uk/CodeSystem/"


def codings(value: object) -> list[dict[str, Any]]:
    """Every coding anywhere in a resource."""
    if isinstance(value, dict):
        own = [value] if "system" in value and "code" in value else []
        return own + [c for v in value.values() for c in codings(v)]
    if isinstance(value, list):
        return [c for v in value for c in codings(v)]
    return []


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


@pytest.mark.one_backend  # the mapping; reading people from PostgreSQL is tested elsewhere
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
        assert_codes_are_national_or_ours(bundle)


def assert_codes_are_national_or_ours(bundle: dict[str, Any]) -> None:
    """Issue 29: a national code is in the UK Core code system its binding names (the
    shipped expansions); every other is dsr's own under the server's base; none is under
    a placeholder domain."""
    national = {v["system"]: v["codes"] for v in shipped()["value_sets"].values()}
    for found in codings(bundle):
        system = found["system"]
        assert "example.org" not in system
        if system.startswith(UK_CORE_SYSTEMS):
            assert found["code"] in national[system], found
        else:
            assert system.startswith((CODE_SYSTEM_BASE, "http://terminology.hl7.org/")), found


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


def test_an_english_stay_codes_destination_and_legal_status_nationally_and_ends_with_the_record(
    client: TestClient, auth: Headers
) -> None:
    lead = auth("lead")
    body = referral_body(seed=32)
    body["details"]["ethnic_category"] = "M"
    pid = client.post("/v1/persons", json=body, headers=lead).json()["person_id"]

    def post(path: str, payload: dict[str, Any]) -> None:
        answer = client.post(f"/v1/persons/{pid}/{path}", json=payload, headers=lead)
        assert answer.status_code in (200, 201), answer.text

    post("consents", {"basis": "informed_consent", "decided_on": "2025-01-11", "decided_by": "p"})
    post("acceptances", {"accepted_on": "2025-01-14", "rating": {"level": "red"}})
    post("admissions", f.admission(admitted_on=date(2025, 2, 10)).model_dump(mode="json") | {
        "legal_status": "detained", "detained_under": "03"})  # fmt: skip
    discharge = {"discharged_on": "2025-04-01", "destination": "care_home_with_nursing"}
    post("discharges", discharge | {"rating": {"level": "amber"}})
    post("removals", {"removed_on": "2025-06-01", "reason_code": "stable"})
    bundle = client.get(f"/v1/persons/{pid}/fhir", headers=lead).json()
    assert_codes_are_national_or_ours(bundle)
    [patient] = resources(bundle, "Patient")
    [ethnicity] = patient["extension"]
    assert ethnicity["valueCodeableConcept"]["coding"][0]["code"] == "M"
    [stay] = resources(bundle, "Encounter")
    destination = stay["hospitalization"]["dischargeDisposition"]["coding"]
    assert destination[0]["system"].endswith("UKCore-DischargeDestinationEngland")
    assert destination[0]["code"] == "85"  # a non-NHS run care home
    legal = {
        e["extension"][0]["valueCodeableConcept"]["coding"][0]["code"]: e["extension"][1][
            "valueCodeableConcept"]["coding"][0]["code"]
        for e in stay["extension"]
    }  # fmt: skip
    assert legal == {"admission": "03", "discharge": "03"}
    assert {r["status"] for r in resources(bundle, "Consent")} == {"inactive"}
    assert "active" not in {r["status"] for r in resources(bundle, "Flag")}  # no live rating
    assert {r["status"] for r in resources(bundle, "CarePlan")} <= {"completed"}
    assert {r["status"] for r in resources(bundle, "EpisodeOfCare")} == {"finished"}
