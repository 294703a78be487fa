"""Issue 12 over HTTP: Scotland's footing and the inpatient oversight view."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.conftest import Headers, referral_body
from tests.support import factories as f


def test_a_consent_command_on_a_scottish_area_is_409_naming_the_rule(
    client: TestClient, auth: Headers
) -> None:
    lead = auth("lead", f.SCOTTISH_AREA)
    body = referral_body(area=f.SCOTTISH_AREA)
    person_id = client.post("/v1/persons", json=body, headers=lead).json()["person_id"]
    response = client.post(
        f"/v1/persons/{person_id}/consents",
        json={"basis": "informed_consent", "decided_on": "2025-01-11", "decided_by": "p"},
        headers=lead,
    )
    assert response.status_code == 409
    assert response.json()["type"] == "/problems/consent-not-in-scheme"
    accepted = client.post(
        f"/v1/persons/{person_id}/acceptances",
        json={"accepted_on": "2025-01-14", "rating": {"level": "enhanced_monitoring"}},
        headers=lead,
    )
    assert accepted.status_code == 200, accepted.text


def test_inpatients_off_the_register_are_shown_to_leads_and_commissioners_without_names(
    client: TestClient, auth: Headers
) -> None:
    lead = auth("lead")
    person_id = client.post("/v1/persons", json=referral_body(), headers=lead).json()["person_id"]
    admitted = client.post(
        f"/v1/persons/{person_id}/admissions",
        json=f.admission(in_area=False).model_dump(mode="json"),
        headers=lead,
    ).json()
    client.get("/v1/register", params={"wait_for": admitted["position"]}, headers=lead)
    for role in ("lead", "commissioner"):
        response = client.get("/v1/inpatients", headers=auth(role))
        assert response.status_code == 200
        [row] = response.json()
        assert row["person_id"] == person_id and row["status"] == "referred"
        assert (row["next_duty_kind"], row["next_duty_due"]) == (
            "post_admission_cetr",
            "2025-03-10",
        )
        assert "Testperson" not in response.text and f.nhs_number(1) not in response.text
    # ...and never on the register list or its export
    register = client.get("/v1/register", params={"format": "csv"}, headers=lead)
    assert person_id not in register.text
    assert client.get("/v1/inpatients", headers=auth("practitioner")).status_code == 403
    assert client.get("/v1/inpatients", headers=auth("analyst")).status_code == 403
