"""Issue 27 over HTTP: each risk factor carries who manages it; on Green a risk nobody
manages prompts a rating review, which a rating decision answers without restarting
the Green clock (domain.md, "Status and rating")."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.api.conftest import Headers, referral_body


def send(client: TestClient, lead: dict[str, str], path: str, body: Any) -> Any:
    return client.post(path, json=body, headers=lead)


def ok(client: TestClient, lead: dict[str, str], path: str, body: Any) -> Any:
    response = send(client, lead, path, body)
    assert response.status_code == 200, response.text
    return response.json()


def record(client: TestClient, lead: dict[str, str], person: str) -> tuple[Any, dict[str, str]]:
    shown = client.get(person, headers=lead).json()
    due = {d["kind"]: d["due_on"] for d in shown["due_reviews"]}
    return {r["risk_factor"]: r for r in shown["risk_management"]}, due


def test_a_risk_nobody_manages_prompts_a_rating_review_on_green(
    client: TestClient, auth: Headers
) -> None:
    lead = auth("lead")
    made = client.post("/v1/persons", json=referral_body(6), headers=lead).json()
    person = f"/v1/persons/{made['person_id']}"
    ok(
        client,
        lead,
        f"{person}/consents",
        {"basis": "informed_consent", "decided_on": "2025-01-11", "decided_by": "p"},
    )
    ok(
        client,
        lead,
        f"{person}/acceptances",
        {"accepted_on": "2025-01-14", "rating": {"level": "green"}},
    )
    ok(
        client,
        lead,
        f"{person}/risk-factors",
        {"recorded_on": "2025-02-01", "risk_factors": ["carer_health"]},
    )

    risks, due = record(client, lead, person)
    assert risks["carer_health"]["managed"] is False
    assert risks["carer_health"]["unmanaged_since"] == "2025-02-01"
    assert due["unmanaged_risk_review"] == "2025-02-08"  # 7 days, a local default
    assert due["consider_removal"] == "2025-04-14"

    not_current = send(
        client,
        lead,
        f"{person}/risk-management",
        {"recorded_on": "2025-02-02", "risk_factor": "offending"},
    )
    assert not_current.status_code == 422 and "risk_factor" in not_current.text
    unknown = send(
        client,
        lead,
        f"{person}/risk-management",
        {"recorded_on": "2025-02-02", "risk_factor": "carer_health", "involvement_id": "nobody"},
    )
    assert unknown.status_code == 409 and "involvement_id" in unknown.text

    nurse = ok(
        client,
        lead,
        f"{person}/professionals",
        {"assigned_on": "2025-02-02", "role": "nurse", "name": "Sam Nurse"},
    )["involvement_id"]
    ok(
        client,
        lead,
        f"{person}/risk-management",
        {"recorded_on": "2025-02-03", "risk_factor": "carer_health", "involvement_id": nurse},
    )
    risks, due = record(client, lead, person)
    assert risks["carer_health"]["managed"] is True
    assert risks["carer_health"]["managed_by_involvement"] == nurse
    assert "unmanaged_risk_review" not in due

    # the nurse's involvement ends: nobody manages it from that day
    ok(
        client,
        lead,
        f"{person}/professional-endings",
        {"involvement_id": nurse, "ended_on": "2025-03-01"},
    )
    risks, due = record(client, lead, person)
    assert risks["carer_health"]["unmanaged_since"] == "2025-03-01"
    assert due["unmanaged_risk_review"] == "2025-03-08"

    # the lead reviews the rating and re-confirms Green: the prompt is answered, and the
    # Green clock still runs from 14 January
    ok(
        client,
        lead,
        f"{person}/ratings",
        {
            "changed_on": "2025-03-05",
            "rating": {"level": "green"},
            "reason": "Reviewed: family coping.",
        },
    )
    risks, due = record(client, lead, person)
    assert "unmanaged_risk_review" not in due
    assert due["consider_removal"] == "2025-04-14"
    assert risks["carer_health"]["managed"] is False  # still nobody's: the record says so
