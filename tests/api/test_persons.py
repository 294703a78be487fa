"""Commands and reads on a person, over HTTP, with their error answers."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.conftest import Headers, referral_body
from tests.support import factories as f

PROBLEM = "application/problem+json"


def refer(client: TestClient, auth: Headers, seed: int = 1) -> str:
    response = client.post("/v1/persons", json=referral_body(seed), headers=auth("lead"))
    assert response.status_code == 201, response.text
    return str(response.json()["person_id"])


def test_a_referral_answers_201_with_location_etag_and_log_position(
    client: TestClient, auth: Headers
) -> None:
    response = client.post("/v1/persons", json=referral_body(), headers=auth("practitioner"))
    assert response.status_code == 201
    body = response.json()
    assert response.headers["Location"] == f"/v1/persons/{body['person_id']}"
    assert response.headers["ETag"] == '"1"'
    assert body["version"] == 1 and body["position"] >= 1 and body["events"] == ["Referred"]


def test_invalid_input_gets_problem_json_naming_each_field(
    client: TestClient, auth: Headers
) -> None:
    body = referral_body(referred_on="not-a-date")
    body["details"]["nhs_number"] = "9434765918"
    response = client.post("/v1/persons", json=body, headers=auth("lead"))
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    problem = response.json()
    assert problem["type"].endswith("/problems/validation") and problem["instance"] == "/v1/persons"
    assert {e["field"] for e in problem["errors"]} == {"referred_on", "details.nhs_number"}
    assert "9434765918" not in response.text and "Testperson" not in response.text


def test_a_broken_rule_gets_409_with_its_problem_type(client: TestClient, auth: Headers) -> None:
    person_id = refer(client, auth)
    response = client.post(
        f"/v1/persons/{person_id}/acceptances",
        json={"accepted_on": "2025-01-14", "rating": {"level": "amber"}},
        headers=auth("lead"),
    )
    assert response.status_code == 409
    assert response.json()["type"].endswith("/problems/consent-required")


def test_a_duplicate_referral_points_to_the_existing_person(
    client: TestClient, auth: Headers
) -> None:
    person_id = refer(client, auth, seed=5)
    response = client.post("/v1/persons", json=referral_body(5), headers=auth("lead"))
    assert response.status_code == 409
    assert response.json()["existing_person_id"] == person_id


def test_a_stale_if_match_gets_412_with_the_current_version_and_writes_nothing(
    client: TestClient, auth: Headers
) -> None:
    person_id = refer(client, auth)
    consent = {"basis": "informed_consent", "decided_on": "2025-01-11", "decided_by": "the person"}
    ok = client.post(
        f"/v1/persons/{person_id}/consents", json=consent, headers=auth("lead", If_Match='"1"')
    )
    assert ok.status_code == 200 and ok.headers["ETag"] == '"2"'
    stale = client.post(
        f"/v1/persons/{person_id}/consents", json=consent, headers=auth("lead", If_Match='"1"')
    )
    assert stale.status_code == 412
    assert stale.json()["current_version"] == 2 and stale.headers["ETag"] == '"2"'
    assert len(client.get(f"/v1/persons/{person_id}/history", headers=auth("lead")).json()) == 2


def test_an_idempotent_retry_replays_and_a_changed_body_is_refused(
    client: TestClient, auth: Headers
) -> None:
    first = client.post(
        "/v1/persons", json=referral_body(), headers=auth("lead", Idempotency_Key="k1")
    )
    again = client.post(
        "/v1/persons", json=referral_body(), headers=auth("lead", Idempotency_Key="k1")
    )
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json()["person_id"] == first.json()["person_id"]
    assert again.headers["Idempotent-Replayed"] == "true"
    changed = client.post(
        "/v1/persons", json=referral_body(2), headers=auth("lead", Idempotency_Key="k1")
    )
    assert changed.status_code == 422 and changed.json()["type"].endswith(
        "/problems/idempotency-key-reused"
    )


def test_a_person_in_another_area_is_not_found(client: TestClient, auth: Headers) -> None:
    person_id = refer(client, auth)
    response = client.get(f"/v1/persons/{person_id}", headers=auth("lead", f.OTHER_ENGLISH_AREA))
    assert response.status_code == 404
    unknown = client.get("/v1/persons/00000000-0000-0000-0000-000000000000", headers=auth("lead"))
    assert response.json()["title"] == unknown.json()["title"]


def test_the_record_now_and_as_it_stood_on_a_date(client: TestClient, auth: Headers) -> None:
    person_id = refer(client, auth)
    lead = auth("lead")
    client.post(
        f"/v1/persons/{person_id}/consents",
        json={"basis": "informed_consent", "decided_on": "2025-01-11", "decided_by": "the person"},
        headers=lead,
    )
    client.post(
        f"/v1/persons/{person_id}/acceptances",
        json={"accepted_on": "2025-01-14", "rating": {"level": "amber"}},
        headers=lead,
    )
    client.post(
        f"/v1/persons/{person_id}/admissions",
        json=f.admission().model_dump(mode="json"),
        headers=lead,
    )
    now = client.get(f"/v1/persons/{person_id}", headers=lead)
    assert now.headers["ETag"] == '"4"'
    assert now.json()["rating"]["level"] == "blue" and now.json()["setting"] == "in_hospital"
    assert {d["kind"] for d in now.json()["due_reviews"]} >= {"post_admission_cetr"}
    then = client.get(f"/v1/persons/{person_id}", params={"as_of": "2025-02-01"}, headers=lead)
    assert then.json()["rating"]["level"] == "amber" and then.json()["as_of"] == "2025-02-01"


def test_history_and_every_read_is_itself_audited(client: TestClient, auth: Headers) -> None:
    person_id = refer(client, auth)
    history = client.get(
        f"/v1/persons/{person_id}/history", headers=auth("practitioner", sub="viewer-7")
    )
    assert [h["event_type"] for h in history.json()] == ["Referred"]
    access = client.get(f"/v1/audit/persons/{person_id}/access", headers=auth("auditor"))
    assert [(a["actor_id"], a["what"]) for a in access.json()] == [("viewer-7", "history")]


def test_a_review_returns_its_id_and_its_action_can_be_completed(
    client: TestClient, auth: Headers
) -> None:
    person_id = refer(client, auth)
    review = client.post(
        f"/v1/persons/{person_id}/reviews",
        json={
            "kind": "mdt",
            "held_on": "2025-02-01",
            "outcome": "Plan",
            "actions": [{"description": "Call", "owner": "SW", "due_on": "2025-03-01"}],
        },
        headers=auth("lead"),
    )
    review_id = review.json()["review_id"]
    done = client.post(
        f"/v1/persons/{person_id}/action-completions",
        json={"action_id": f"{review_id}.1", "completed_on": "2025-02-10"},
        headers=auth("lead"),
    )
    assert done.status_code == 200 and done.json()["events"] == ["ActionCompleted"]


def test_no_token_is_401_and_an_unknown_route_is_problem_json(client: TestClient) -> None:
    response = client.get("/v1/register")
    assert response.status_code == 401 and response.headers["content-type"] == PROBLEM
    assert client.get("/v1/nothing-here").json()["status"] == 404


def test_a_command_answers_the_id_it_made_even_on_a_retry_and_no_null_ids(
    client: TestClient, auth: Headers
) -> None:
    """Issue 29: an answer carries the ids its command made (and a retry with the same key
    the same id), and no id fields that are always null."""
    person_id = refer(client, auth)
    action = {
        "raised_on": "2025-01-20",
        "description": "Find a provider able to support at home",
        "owner": "Social worker",
        "due_on": "2025-03-01",
    }
    path = f"/v1/persons/{person_id}/actions"
    first = client.post(path, json=action, headers=auth("lead", Idempotency_Key="a1"))
    again = client.post(path, json=action, headers=auth("lead", Idempotency_Key="a1"))
    assert first.status_code == again.status_code == 200
    assert again.headers["Idempotent-Replayed"] == "true"
    assert first.json()["action_id"] and again.json()["action_id"] == first.json()["action_id"]
    assert set(first.json()) == {"person_id", "version", "position", "events", "action_id"}
    plain = client.post(
        f"/v1/persons/{person_id}/consents",
        json={"basis": "informed_consent", "decided_on": "2025-01-11", "decided_by": "p"},
        headers=auth("lead"),
    )
    assert set(plain.json()) == {"person_id", "version", "position", "events"}
