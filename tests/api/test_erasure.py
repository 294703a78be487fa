"""Erasure on request and legal holds over HTTP (issue 15)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from dsr_scheduler import retention
from dsr_scheduler.retention import ErasureLedger
from tests.api.conftest import Headers, referral_body
from tests.support import factories as f


def post(client: TestClient, headers: dict[str, str], pid: str, path: str, body: Any) -> Any:
    return client.post(f"/v1/persons/{pid}/{path}", json=body, headers=headers)


def finish_erasures(client: TestClient) -> list[str]:
    """What the scheduler's five-minute job does: destroy keys the read models are past."""
    services = client.app.state.services  # type: ignore[attr-defined]
    services.runner.catch_up()
    ledger = ErasureLedger(services.settings.ledger_dir, services.registers.audit_key)
    destroyed, _ = retention.finish(
        services.registers, services.runner.db, ledger, clock=services.registers.clock
    )
    return destroyed


def test_an_erasure_is_refused_with_every_reason_then_made_final(
    client: TestClient, auth: Headers
) -> None:
    lead = auth("lead")
    body = referral_body(seed=21)
    body["details"]["family_name"] = "Vantorreq"
    pid = client.post("/v1/persons", json=body, headers=lead).json()["person_id"]
    hold = post(client, lead, pid, "legal-holds", {"reference": "CLAIM-21", "reason": "Claim"})
    assert hold.status_code == 200

    refused = post(client, lead, pid, "erasures", {"basis": "unlawfully_processed"})
    assert refused.status_code == 409
    problem = refused.json()
    assert problem["type"].endswith("/problems/erasure-blocked")
    assert problem["reasons"] == ["open_period", "legal_hold"]
    assert "Vantorreq" not in refused.text

    post(client, lead, pid, "removals", {"removed_on": "2025-08-01", "reason_code": "stable"})
    post(client, lead, pid, "legal-hold-releases", {"reason": "Claim withdrawn"})
    practitioner = auth("practitioner")
    assert (
        post(client, practitioner, pid, "erasures", {"basis": "no_longer_necessary"}).status_code
        == 403
    )
    done = post(
        client, lead, pid, "erasures", {"basis": "unlawfully_processed", "reference": "SAR-21"}
    )
    assert done.status_code == 200
    assert finish_erasures(client) == [pid]

    record = client.get(f"/v1/persons/{pid}", headers=lead).json()
    assert record["details"]["family_name"] == "erased"
    assert "Vantorreq" not in client.get(f"/v1/persons/{pid}/history", headers=lead).text
    after = post(client, lead, pid, "views", {"recorded_on": "2025-09-01", "person": "x"})
    assert after.status_code == 410
    assert after.json()["type"].endswith("/problems/person-erased")


def test_an_erasure_reference_cannot_carry_free_text(client: TestClient, auth: Headers) -> None:
    lead = auth("lead")
    pid = client.post("/v1/persons", json=referral_body(seed=22), headers=lead).json()["person_id"]
    refused = post(
        client, lead, pid, "erasures", {"basis": "objection_upheld", "reference": "Mrs Smith"}
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "reference"


def test_a_lead_sees_who_is_past_retention_and_what_blocks_each(
    client: TestClient, auth: Headers
) -> None:
    lead = auth("lead")
    pids = [
        client.post("/v1/persons", json=referral_body(seed=s), headers=lead).json()["person_id"]
        for s in (23, 24)
    ]
    for pid in pids:
        post(client, lead, pid, "removals", {"removed_on": "2025-08-01", "reason_code": "stable"})
    last = post(client, lead, pids[1], "legal-holds", {"reason": "Inquiry"}).json()
    clock = client.app.state.services.clock.read  # type: ignore[attr-defined]
    clock.now = clock.now.replace(year=2031, month=8, day=2)
    review = client.get(
        f"/v1/areas/{f.ENGLISH_AREA}/retention",
        params={"wait_for": last["position"]},
        headers=lead,
    )
    assert review.status_code == 200
    found = {c["person_id"]: c["blocked_by"] for c in review.json()["candidates"]}
    assert found == {pids[0]: [], pids[1]: ["legal_hold"]}
    assert "Testperson" not in review.text
    practitioner = auth("practitioner")
    assert (
        client.get(f"/v1/areas/{f.ENGLISH_AREA}/retention", headers=practitioner).status_code == 403
    )
