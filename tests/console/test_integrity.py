"""A record whose stored history fails its check, as a team meets it (issue 30, item 6):
the API refuses commands with a clear problem type and marks the record; the console says
so above the record and offers nothing to record."""

from __future__ import annotations

from uuid import UUID

from fastapi.testclient import TestClient

from dsr_core.domain.codes import Role
from tests.api.conftest import referral_body
from tests.conftest import SettingsFactory
from tests.console.conftest import SignIn
from tests.projections.test_event_authentication import copied_as_next_version
from tests.projections.test_tamper_evidence import EventStore
from tests.support import factories as f


def bearer(client: TestClient, role: str = "lead") -> dict[str, str]:
    verifier = client.app.state.services.verifier  # type: ignore[attr-defined]
    token = verifier.mint(sub=f"{role}-1", role=Role(role), areas=[f.ENGLISH_AREA])
    return {"Authorization": f"Bearer {token}"}


def test_a_broken_record_is_marked_and_refuses_commands_in_the_api_and_the_console(
    client: TestClient, sign_in: SignIn, make_settings: SettingsFactory
) -> None:
    lead = bearer(client)
    made = client.post("/v1/persons", json=referral_body(seed=31), headers=lead)
    pid = made.json()["person_id"]
    views = {"recorded_on": "2025-03-01", "person": "Wants a garden."}
    client.post(f"/v1/persons/{pid}/views", json=views, headers=lead)
    whole = client.get(f"/v1/persons/{pid}", headers=lead).json()
    assert whole["integrity_failing"] is False

    copied_as_next_version(EventStore(make_settings()), UUID(pid), whole["version"])
    client.app.state.services.runner.catch_up()  # type: ignore[attr-defined]

    record = client.get(f"/v1/persons/{pid}", headers=lead)
    assert record.status_code == 200
    assert record.json()["integrity_failing"] is True
    assert record.json()["version"] == whole["version"]
    refused = client.post(f"/v1/persons/{pid}/views", json=views, headers=lead)
    assert refused.status_code == 409
    assert refused.json()["type"].endswith("/problems/record-integrity")
    assert refused.headers["content-type"] == "application/problem+json"

    browser = sign_in("lead")
    page = browser.get(f"/people/{pid}")
    assert page.status_code == 200
    assert "This record fails an integrity check" in page.text
    assert f'/people/{pid}/record"' not in page.text  # no "Record something"
    assert f"/people/{pid}/record/" not in page.text  # nor a link to any form
