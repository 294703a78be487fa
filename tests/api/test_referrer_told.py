"""Issue 27 over HTTP: every decision on a referral is told to the referrer, a decline
too (domain.md: "the outcome is told to the referrer even when not eligible"); the DSR
team sees what is left to tell, and it stays due until recorded."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.api.conftest import Headers, referral_body


def send(client: TestClient, headers: dict[str, str], path: str, body: Any) -> Any:
    return client.post(path, json=body, headers=headers)


def to_tell(client: TestClient, headers: dict[str, str], position: int) -> list[dict[str, Any]]:
    response = client.get(
        "/v1/referrals/decisions-to-tell", params={"wait_for": position}, headers=headers
    )
    assert response.status_code == 200, response.text
    rows: list[dict[str, Any]] = response.json()
    return rows


def test_a_declined_referral_stays_due_until_the_referrer_is_told(
    client: TestClient, auth: Headers
) -> None:
    lead, practitioner = auth("lead"), auth("practitioner")
    body = referral_body(4, referred_on="2025-08-20")
    person = (
        f"/v1/persons/{client.post('/v1/persons', json=body, headers=lead).json()['person_id']}"
    )
    early = send(client, practitioner, f"{person}/referrer-told", {"told_on": "2025-08-21"})
    assert early.status_code == 409 and "no decision yet" in early.json()["detail"]
    declined = send(
        client,
        lead,
        f"{person}/declines",
        {"declined_on": "2025-08-29", "reason_code": "criteria_not_met", "reason": "No LD."},
    )
    assert declined.status_code == 200, declined.text

    due = {d["kind"]: d for d in client.get(person, headers=lead).json()["due_reviews"]}
    # the decision came after its 7-day deadline, so the referrer is owed it that day
    assert due["tell_referrer"]["due_on"] == "2025-08-29"
    assert due["tell_referrer"]["deadline_basis"] == "local_default"
    [row] = to_tell(client, practitioner, declined.json()["position"])
    assert (row["outcome"], row["decided_on"], row["tell_overdue"]) == (
        "declined",
        "2025-08-29",
        True,
    )
    assert row["family_name"] == body["details"]["family_name"]
    csv = client.get("/v1/referrals/decisions-to-tell", params={"format": "csv"}, headers=lead).text
    assert csv.splitlines()[0].startswith("person_id,area,given_name,family_name")

    before = send(client, practitioner, f"{person}/referrer-told", {"told_on": "2025-08-28"})
    assert before.status_code == 409
    assert [e["field"] for e in before.json()["errors"]] == ["told_on"]
    told = send(client, practitioner, f"{person}/referrer-told", {"told_on": "2025-09-01"})
    assert told.status_code == 200, told.text
    assert to_tell(client, lead, told.json()["position"]) == []
    assert "tell_referrer" not in {
        d["kind"] for d in client.get(person, headers=lead).json()["due_reviews"]
    }
    again = send(client, practitioner, f"{person}/referrer-told", {"told_on": "2025-09-01"})
    assert again.status_code == 409 and "already told" in again.json()["detail"]
    history = client.get(f"{person}/history", headers=lead).json()
    assert [e["event_type"] for e in history][-1] == "ReferrerTold"


def test_an_acceptance_is_due_to_the_referrer_by_the_decision_deadline(
    client: TestClient, auth: Headers
) -> None:
    lead = auth("lead")
    body = referral_body(5, referred_on="2025-08-20")
    person = (
        f"/v1/persons/{client.post('/v1/persons', json=body, headers=lead).json()['person_id']}"
    )
    for path, command in (
        ("consents", {"basis": "informed_consent", "decided_on": "2025-08-21", "decided_by": "p"}),
        ("acceptances", {"accepted_on": "2025-08-22", "rating": {"level": "amber"}}),
    ):
        assert send(client, lead, f"{person}/{path}", command).status_code == 200
    due = {d["kind"]: d["due_on"] for d in client.get(person, headers=lead).json()["due_reviews"]}
    assert due["tell_referrer"] == "2025-08-27"  # referred 20 August + 7 days
    told = send(client, lead, f"{person}/referrer-told", {"told_on": "2025-08-23"})
    assert told.status_code == 200
    [event] = [
        e
        for e in client.get(f"{person}/history", headers=lead).json()
        if e["event_type"] == "ReferrerTold"
    ]
    assert "accepted" in str(event)
