"""Issue 12 over HTTP: Scotland's footing and the inpatient oversight view."""

from __future__ import annotations

from typing import Any

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
    assert response.json()["type"].endswith("/problems/consent-not-in-scheme")
    accepted = client.post(
        f"/v1/persons/{person_id}/acceptances",
        json={"accepted_on": "2025-01-14", "rating": {"level": "enhanced_monitoring"}},
        headers=lead,
    )
    assert accepted.status_code == 200, accepted.text


def test_an_inpatient_who_refused_consent_keeps_their_duties_on_the_inpatient_list(
    client: TestClient, auth: Headers
) -> None:
    lead = auth("lead")
    person_id = client.post("/v1/persons", json=referral_body(), headers=lead).json()["person_id"]
    client.post(
        f"/v1/persons/{person_id}/admissions",
        json=f.admission(in_area=False).model_dump(mode="json"),
        headers=lead,
    )
    refused = client.post(
        f"/v1/persons/{person_id}/consent-refusals",
        json={"decided_on": "2025-02-12", "decided_by": "the person"},
        headers=lead,
    ).json()
    for role in ("lead", "commissioner", "practitioner"):
        response = client.get(
            "/v1/inpatients", params={"wait_for": refused["position"]}, headers=auth(role)
        )
        assert response.status_code == 200
        [row] = response.json()
        assert (row["person_id"], row["register_status"]) == (person_id, "consent_refused")
        assert (row["next_cetr_kind"], row["next_cetr_due"]) == (
            "post_admission_cetr",
            "2025-03-10",
        )
        assert row["rating"] is None  # nothing of the DSR's own record
    # ...and never on the register list or its export
    register = client.get("/v1/register", params={"format": "csv"}, headers=lead)
    assert person_id not in register.text
    assert client.get("/v1/inpatients", headers=auth("analyst")).status_code == 403
    assert client.get("/v1/inpatients", headers=auth("auditor")).status_code == 403


def english_person(client: TestClient, auth: Headers, seed: int, born: str = "1990-04-02") -> str:
    body = referral_body(seed)
    body["details"]["date_of_birth"] = born
    response = client.post("/v1/persons", json=body, headers=auth("lead"))
    assert response.status_code == 201, response.text
    return str(response.json()["person_id"])


def post(
    client: TestClient, auth: Headers, person_id: str, path: str, body: dict[str, object]
) -> Any:
    return client.post(f"/v1/persons/{person_id}/{path}", json=body, headers=auth("lead"))


def test_each_nations_footing_and_each_levels_duties_over_http(
    client: TestClient, auth: Headers
) -> None:
    child = english_person(client, auth, 1, born="2009-06-01")  # 15
    refused = post(
        client,
        auth,
        child,
        "consents",
        {"basis": "best_interests_decision", "decided_on": "2025-01-11", "decided_by": "x"},
    )
    assert refused.status_code == 409
    assert refused.json()["type"].endswith("/problems/lawful-basis-invalid")

    adult = english_person(client, auth, 2)
    post(
        client,
        auth,
        adult,
        "consents",
        {"basis": "informed_consent", "decided_on": "2025-01-11", "decided_by": "x"},
    )
    post(
        client,
        auth,
        adult,
        "acceptances",
        {"accepted_on": "2025-01-14", "rating": {"level": "amber"}},
    )
    keyworker = post(
        client,
        auth,
        adult,
        "service-referrals",
        {"service": "keyworker", "requested_on": "2025-01-20"},
    )
    assert keyworker.json()["type"].endswith("/problems/service-not-available")
    no_offer = post(client, auth, adult, "cetr-declines", {"declined_on": "2025-01-20"})
    assert no_offer.json()["type"].endswith("/problems/no-open-offer")
    admission = f.admission(in_area=False).model_dump(mode="json")  # 10 February
    assert post(client, auth, adult, "admissions", admission).status_code == 200
    early = post(
        client, auth, adult, "reviews", {"kind": "cetr", "held_on": "2025-02-01", "outcome": "x"}
    )
    assert early.status_code == 409 and early.json()["errors"][0]["field"] == "held_on"
    assert (
        post(
            client,
            auth,
            adult,
            "reviews",
            {"kind": "cetr", "held_on": "2025-08-31", "outcome": "x"},
        ).status_code
        == 200
    )

    record = client.get(f"/v1/persons/{adult}", headers=auth("lead")).json()
    due = {d["kind"]: d for d in record["due_reviews"]}
    # 31 August + 6 calendar months is the last day of February; an adult's is a CTR
    assert (due["repeat_cetr"]["due_on"], due["repeat_cetr"]["name"]) == ("2026-02-28", "CTR")
    assert "commissioner_oversight_visit" in due  # out of area
