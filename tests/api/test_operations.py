"""Concurrency, read-your-writes, operations endpoints and logs, over HTTP."""

from __future__ import annotations

import json
import threading
from datetime import date
from typing import Any

import structlog
from fastapi.testclient import TestClient

from tests.api.conftest import Headers, referral_body
from tests.support import factories as f
from tests.support.case_history import STEPS


def test_two_conflicting_edits_save_exactly_one(client: TestClient, auth: Headers) -> None:
    person_id = client.post("/v1/persons", json=referral_body(), headers=auth("lead")).json()[
        "person_id"
    ]
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def edit(basis: str) -> None:
        body = {"basis": basis, "decided_on": "2025-01-11", "decided_by": "x"}
        barrier.wait()
        response = client.post(
            f"/v1/persons/{person_id}/consents", json=body, headers=auth("lead", If_Match='"1"')
        )
        statuses.append(response.status_code)

    threads = [
        threading.Thread(target=edit, args=(b,))
        for b in ("informed_consent", "best_interests_decision")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses)[0] == 200 and sorted(statuses)[1] in (409, 412)
    history = client.get(f"/v1/persons/{person_id}/history", headers=auth("lead")).json()
    assert [h["event_type"] for h in history] == ["Referred", "ConsentRecorded"]


def test_fifty_concurrent_requests_with_one_key_make_one_person(
    client: TestClient, auth: Headers
) -> None:
    barrier = threading.Barrier(50)
    answers: list[tuple[int, str]] = []

    def send() -> None:
        barrier.wait()
        response = client.post(
            "/v1/persons", json=referral_body(), headers=auth("lead", Idempotency_Key="same")
        )
        answers.append((response.status_code, response.json().get("person_id", "")))

    threads = [threading.Thread(target=send) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert {status for status, _ in answers} == {201}
    assert len({person for _, person in answers}) == 1


def accepted_over_http(client: TestClient, auth: Headers, seed: int = 1) -> dict[str, Any]:
    created = client.post("/v1/persons", json=referral_body(seed), headers=auth("lead")).json()
    path = f"/v1/persons/{created['person_id']}"
    client.post(f"{path}/consents", json=f.consent().model_dump(mode="json"), headers=auth("lead"))
    accepted = client.post(
        f"{path}/acceptances",
        json={"accepted_on": "2025-01-14", "rating": {"level": "amber"}},
        headers=auth("lead"),
    )
    assert accepted.status_code == 200, accepted.text
    return {**created, "position": accepted.json()["position"]}


def test_a_caller_can_wait_to_see_their_own_change_in_the_register(
    client: TestClient, auth: Headers
) -> None:
    created = client.post("/v1/persons", json=referral_body(), headers=auth("lead")).json()
    queue = client.get(
        "/v1/referrals", params={"wait_for": created["position"]}, headers=auth("lead")
    ).json()
    assert [item["person_id"] for item in queue] == [created["person_id"]]
    accepted = accepted_over_http(client, auth, seed=2)
    page = client.get(
        "/v1/register", params={"wait_for": accepted["position"]}, headers=auth("lead")
    ).json()
    assert [item["person_id"] for item in page["items"]] == [accepted["person_id"]]


def test_the_register_comes_as_csv_for_spreadsheets(client: TestClient, auth: Headers) -> None:
    created = accepted_over_http(client, auth)
    response = client.get(
        "/v1/register",
        params={"wait_for": created["position"], "format": "csv"},
        headers=auth("lead"),
    )
    assert response.headers["content-type"].startswith("text/csv")
    assert response.text.splitlines()[0].startswith("person_id,area")


def test_health_readiness_and_metrics(client: TestClient, auth: Headers) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and set(ready.json()["lag"]) == {
        "register",
        "audit",
        "length_of_stay",
        "national_dataset",
        "reminders",
        "feed",
    }
    client.get("/v1/register", headers=auth("lead"))
    metrics = client.get("/metrics").text
    assert 'dsr_http_requests_total{method="GET",route="/v1/register",status="200"}' in metrics
    assert "dsr_projection_lag_events" in metrics


def test_every_metric_is_documented_and_the_scheduler_shows_in_it(
    client: TestClient, auth: Headers
) -> None:
    """Issue 29: docs/operations.md lists every metric /metrics exports; the process and
    runtime collectors are there, no `_created` noise, and the embedded scheduler's job
    runs show (they started with the app)."""
    import re
    import time
    from pathlib import Path

    from prometheus_client.parser import text_string_to_metric_families

    doc = (Path(__file__).resolve().parents[2] / "docs" / "operations.md").read_text()
    table = [line.split("|")[1] for line in doc.splitlines() if line.startswith("  | `")]
    documented = {name for cell in table for name in re.findall(r"`([a-z_]+)`", cell)}
    deadline = time.monotonic() + 20
    while True:
        text = client.get("/metrics").text
        if 'dsr_job_runs_total{job="dsr-reminders"}' in text or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    families = list(text_string_to_metric_families(text))
    exported = {f.name + ("_total" if f.type == "counter" else "") for f in families}
    assert exported - documented == set(), "exported but not in docs/operations.md"
    assert {"process_resident_memory_bytes", "python_info", "dsr_erasures_awaiting_keys"} <= (
        exported
    )
    assert not [s.name for f in families for s in f.samples if s.name.endswith("_created")]
    runs = {s.labels["job"]: s.value for f in families for s in f.samples if s.name ==
            "dsr_job_runs_total"}  # fmt: skip
    assert runs.get("dsr-reminders", 0) >= 1
    dsr_documented = {name for name in documented if name.startswith("dsr_")}
    assert dsr_documented - exported == set(), "documented but not exported"


def test_every_response_carries_a_request_id(client: TestClient) -> None:
    assert len(client.get("/healthz").headers["X-Request-ID"]) == 32
    assert (
        client.get("/healthz", headers={"X-Request-ID": "abc-123"}).headers["X-Request-ID"]
        == "abc-123"
    )


def test_logs_and_error_bodies_never_hold_personal_data(
    client: TestClient, auth: Headers, clock: f.FakeClock
) -> None:
    """The whole case history through the API, with logs captured and scanned."""
    from datetime import UTC, datetime

    clock.now = datetime(2025, 9, 30, 12, tzinfo=UTC)
    details = f.details(seed=3)
    secrets = {
        details.given_name,
        details.family_name,
        str(details.nhs_number),
        details.born_on.isoformat(),
        "Placement breaking down",
        "Plan discharge",
    }
    bodies: list[str] = []
    with structlog.testing.capture_logs() as logs:
        body = referral_body(seed=3, referred_on=date(2025, 1, 10).isoformat())
        person_id = client.post("/v1/persons", json=body, headers=auth("lead")).json()["person_id"]
        for _name, step in STEPS:
            step_request = _as_request(step, person_id)
            response = client.post(step_request[0], json=step_request[1], headers=auth("lead"))
            bodies.append(response.text)
        # and some refusals, whose bodies must be as clean
        bodies.append(client.post("/v1/persons", json=body, headers=auth("lead")).text)
        bad = dict(body, details=dict(body["details"], nhs_number="9434765918"))
        bodies.append(client.post("/v1/persons", json=bad, headers=auth("lead")).text)
    text = json.dumps(logs, default=str) + "".join(bodies)
    assert len(logs) >= len(STEPS)
    assert not [s for s in secrets if s in text]


def _as_request(step: object, person_id: str) -> tuple[str, dict[str, object]]:
    """Turn a case-history step into the HTTP request a front-end would send."""
    calls: list[tuple[str, object]] = []

    class Recorder:
        def __getattr__(self, method: str) -> object:
            return lambda _pid, command, _actor: calls.append((method, command))

    step(Recorder(), person_id)  # type: ignore[operator]
    _, command = calls[0]
    from dsr_http.routes.persons import COMMANDS

    path = next(spec.path for spec in COMMANDS if spec.model is type(command))
    return f"/v1/persons/{person_id}/{path}", command.model_dump(mode="json")  # type: ignore[attr-defined]


def test_a_rebuild_under_way_shows_in_metrics(client: TestClient) -> None:
    """Issue 32: how far a rebuild (or an interrupted one, to be resumed) has got, for the
    operator watching /metrics while `dsr rebuild` runs in another process."""
    assert "dsr_rebuild_position{" not in client.get("/metrics").text
    runner = client.app.state.services.runner  # type: ignore[attr-defined]
    with runner.db.transaction() as cursor:
        cursor.execute(
            "INSERT INTO projection_positions (name, position) VALUES (?, ?)",
            ("register__rebuild", 1234),
        )
    assert 'dsr_rebuild_position{projection="register"} 1234.0' in client.get("/metrics").text
