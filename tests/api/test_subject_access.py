"""Subject access (issue 15, item 4): a lead exports everything held about one person as
one JSON document, and the export is itself in the access log."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.conftest import Headers, referral_body


def test_a_lead_exports_everything_held_about_one_person(client: TestClient, auth: Headers) -> None:
    lead = auth("lead")
    body = referral_body(seed=4)
    body["details"]["family_name"] = "Quorrelwyn"
    person = client.post("/v1/persons", json=body, headers=lead).json()
    pid = person["person_id"]
    client.get(f"/v1/persons/{pid}", headers=auth("practitioner"))  # a read to be exported
    done = client.post(
        f"/v1/persons/{pid}/views",
        json={"recorded_on": "2025-01-12", "person": "I want to go home to Wrexlow."},
        headers=lead,
    ).json()
    client.get("/v1/register", params={"wait_for": done["position"]}, headers=lead)
    export = client.get(f"/v1/persons/{pid}/subject-access", headers=lead)
    assert export.status_code == 200
    data = export.json()
    assert [e["event_type"] for e in data["events"]] == ["Referred", "ViewsRecorded"]
    assert data["events"][0]["data"]["details"]["family_name"] == "Quorrelwyn"
    assert data["read_models"]["register_entries"][0]["family_name"] == "Quorrelwyn"
    assert "audit_trail" in data["read_models"]
    assert any(row["what"] == "record" for row in data["access_log"])
    assert "Wrexlow" in export.text
    # the export is itself recorded, and only the area's lead may make one
    access = client.get(f"/v1/audit/persons/{pid}/access", headers=auth("auditor")).json()
    assert any(row["what"] == "subject-access" for row in access)
    assert (
        client.get(f"/v1/persons/{pid}/subject-access", headers=auth("practitioner")).status_code
        == 403
    )
    other = auth("lead", "E54000050")
    assert client.get(f"/v1/persons/{pid}/subject-access", headers=other).status_code in (403, 404)
