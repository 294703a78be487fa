"""Issue 27 over HTTP: English delays are coded with the MHSDS list in force on the day,
v5 before 1 April 2024 and v6 from then, and each list says where it comes from."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi.testclient import TestClient

from tests.api.conftest import Headers, referral_body
from tests.support import factories as f


def send(client: TestClient, lead: dict[str, str], path: str, body: Any) -> Any:
    return client.post(path, json=body, headers=lead)


def an_inpatient_ready_since(client: TestClient, lead: dict[str, str], ready_on: str) -> str:
    body = referral_body(2, referred_on="2025-06-10", criteria=["in_hospital"])
    person = (
        f"/v1/persons/{client.post('/v1/persons', json=body, headers=lead).json()['person_id']}"
    )
    admission = f.admission(admitted_on=date(2022, 5, 3)).model_dump(mode="json")
    for path, command in (
        ("admissions", admission),
        ("discharge-readiness", {"ready_on": ready_on}),
    ):
        assert send(client, lead, f"{person}/{path}", command).status_code == 200
    return person


def problem_field(response: Any) -> set[str]:
    problem = response.json()
    return {e["field"] for e in problem.get("errors") or []} | {problem.get("field")}


def test_a_delay_is_coded_with_the_list_in_force_on_its_day(
    client: TestClient, auth: Headers
) -> None:
    lead = auth("lead")
    person = an_inpatient_ready_since(client, lead, "2023-11-01")

    v6_too_early = send(
        client,
        lead,
        f"{person}/discharge-delays",
        {"recorded_on": "2024-01-10", "delay_reason": "18"},
    )
    assert v6_too_early.status_code == 422 and "delay_reason" in problem_field(v6_too_early)
    assert "MHSDS v5" in v6_too_early.json()["detail"]
    v5 = send(
        client,
        lead,
        f"{person}/discharge-delays",
        {"recorded_on": "2024-01-10", "delay_reason": "J2"},
    )
    assert v5.status_code == 200, v5.text

    retired = send(
        client,
        lead,
        f"{person}/discharge-delays",
        {"recorded_on": "2024-04-01", "delay_reason": "J2"},
    )
    assert retired.status_code == 422 and "delay_reason" in problem_field(retired)
    assert "MHSDS v6" in retired.json()["detail"] and "2024-04-01" in retired.json()["detail"]
    barrier = send(
        client,
        lead,
        f"{person}/discharge-barriers",
        {"recorded_on": "2024-05-01", "barriers": ["18", "B1"]},
    )
    assert barrier.status_code == 422 and "barriers[1]" in problem_field(barrier)
    last = send(
        client,
        lead,
        f"{person}/discharge-delays",
        {"recorded_on": "2024-04-01", "delay_reason": "36"},
    )
    assert last.status_code == 200, last.text

    planning = client.get(person, headers=lead).json()["discharge_planning"]
    # J2 from 10 Jan to 31 Mar 2024 (a leap year: 22 + 29 + 31 days), then 36 until today.
    assert planning["delayed_days_by_reason"]["J2"] == 82
    assert planning["delayed_days_by_reason"]["36"] == (date(2025, 9, 1) - date(2024, 4, 1)).days


def test_the_v6_list_names_its_source_and_the_v5_list_its_successor(
    client: TestClient, auth: Headers
) -> None:
    lead = auth("lead")
    v6 = client.get("/v1/code-lists/mhsds_v6_delay_reason", headers=lead).json()
    codes = {c["code"]: c["label"] for c in v6["codes"]}
    assert v6["version"] == "MHSDS v6.0" and "ClinReadyforDischDelayReason" in v6["source"]
    assert codes["01"] == "Awaiting care coordinator allocation"
    assert codes["36"] == "Hospital staff shortages" and "37" in codes
    v5 = client.get("/v1/code-lists/mhsds_delay_reason", headers=lead).json()
    assert v5["replaced_by"] == "mhsds_v6_delay_reason"
    maps = {c["code"]: c["maps_to"] for c in v5["codes"]}
    assert maps["A2"] == "01" and maps["J2"] == "18"
    assert maps["H1"] is None  # v6 split disputes in two: no code says the same
