"""Issue 31: an ICB's monthly Assuring Transformation extract: one record per inpatient
at the month's census, the fields dsr holds filled, the rest listed, and a validation
report; for the area's commissioner and lead only, each read in the access log."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from fastapi.testclient import TestClient

from dsr_http.cli.demo import generate
from dsr_http.cli.demo_data import ENGLISH_AREAS
from tests.api.conftest import Headers, referral_body
from tests.support import factories as f

AREA = f.ENGLISH_AREA
EXTRACT = f"/v1/areas/{AREA}/assuring-transformation"


def inpatient(client: TestClient, lead: dict[str, str], seed: int, **stay: Any) -> tuple[str, int]:
    pid = client.post("/v1/persons", json=referral_body(seed=seed), headers=lead).json()[
        "person_id"
    ]
    admission = f.admission(**stay).model_dump(mode="json")
    admitted = client.post(f"/v1/persons/{pid}/admissions", json=admission, headers=lead)
    assert admitted.status_code == 200, admitted.text
    return pid, int(admitted.json()["position"])


def test_the_at_extract_of_a_month_with_its_validation_report(
    client: TestClient, auth: Headers
) -> None:
    lead = auth("lead", AREA)
    complete, _ = inpatient(
        client,
        lead,
        1,
        legal_status="detained",
        detained_under="03",
        provider_code="RX4",
        commissioner_type="icb",
        commissioner_code="QE1",
    )
    planned = {"recorded_on": "2025-03-02", "planned_on": "2025-09-30"}
    assert client.post(
        f"/v1/persons/{complete}/planned-discharge-dates", json=planned, headers=lead
    ).is_success
    review = {"kind": "cetr", "held_on": "2025-03-01", "outcome": "Plan agreed."}
    assert client.post(f"/v1/persons/{complete}/reviews", json=review, headers=lead).is_success
    ready = client.post(
        f"/v1/persons/{complete}/discharge-readiness", json={"ready_on": "2025-04-01"}, headers=lead
    )
    assert ready.status_code == 200, ready.text
    _, position = inpatient(client, lead, 2)  # no provider, no commissioner recorded

    commissioner = auth("commissioner", AREA)
    extract = client.get(
        EXTRACT, params={"period": "2025-05", "wait_for": position}, headers=commissioner
    )
    assert extract.status_code == 200, extract.text
    body = extract.json()
    assert body["census_date"] == "2025-05-31" and len(body["records"]) == 2
    first = next(r for r in body["records"] if r["provider_code"] == "RX4")
    assert first["legal_status"] == "detained" and first["mha_section"] == "03"
    assert first["admitted_on"] == "2025-02-10" and first["last_cetr_on"] == "2025-03-01"
    assert first["next_cetr_due_on"] == "2026-03-01"  # adults: every 12 months
    assert first["ready_for_discharge_on"] == "2025-04-01" and first["delay_reason_v6"] == ""
    assert first["nhs_number"] and first["commissioner_code"] == "QE1"
    assert first["planned_discharge_on"] == "2025-09-30"
    assert "admission_reason" in body["not_held"]
    issues = {(i["record"], i["field"], i["severity"]) for i in body["validation"]["issues"]}
    where = body["records"].index(first) + 1
    other = 3 - where
    assert (where, "delay_reason_v6", "error") in issues  # ready in April, no reason
    assert (other, "provider_code", "error") in issues
    assert (other, "commissioner_type", "error") in issues
    assert (other, "last_cetr_on", "warning") in issues
    assert body["validation"]["errors"] == sum(1 for *_, s in issues if s == "error")

    as_csv = client.get(EXTRACT, params={"period": "2025-05", "format": "csv"}, headers=lead)
    rows = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert len(rows) == 2 and list(rows[0]) == body["fields"]
    assert "assuring-transformation-" in as_csv.headers["content-disposition"]
    # a month before anyone was admitted has no records
    early = client.get(EXTRACT, params={"period": "2025-01"}, headers=commissioner).json()
    assert early["records"] == []

    for refused in (auth("analyst", AREA), auth("commissioner", "E54000050")):
        assert client.get(EXTRACT, params={"period": "2025-05"}, headers=refused).status_code == 403
    for bad in ("2025-Q2", "0000-01"):  # a quarter; a month that never was
        refused = client.get(EXTRACT, params={"period": bad}, headers=lead)
        assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "period"
    scottish = client.get(
        f"/v1/areas/{f.SCOTTISH_AREA}/assuring-transformation",
        params={"period": "2025-05"},
        headers=auth("lead", f.SCOTTISH_AREA),
    )
    assert scottish.status_code == 422 and scottish.json()["errors"][0]["field"] == "area"
    # each read of the extract is in the person's access log
    auditor = auth("auditor", AREA)
    access = client.get(f"/v1/audit/persons/{complete}/access", headers=auditor).json()
    rows_seen = access["items"] if isinstance(access, dict) else access
    assert any("assuring-transformation" in str(row.get("what")) for row in rows_seen)


@pytest.mark.one_backend
def test_the_demo_registers_extract_validates(client: TestClient, auth: Headers) -> None:
    """The demo admits to named providers and commissioners and gives every delay a
    reason, as a team must before submitting: its extract has no error, only warnings a
    commissioner checks (no C(E)TR yet, no visit this stay, no planned date)."""
    services = client.app.state.services  # type: ignore[attr-defined]
    generate(services.registers, 60, today=services.registers.today())
    services.runner.catch_up(timeout=120)
    records = 0
    for area in ENGLISH_AREAS:
        body = client.get(
            EXTRACT.replace(AREA, area), params={"period": "2025-08"}, headers=auth("lead", area)
        ).json()
        records += len(body["records"])
        assert body["validation"]["errors"] == 0, body["validation"]["issues"]
    assert records >= 5
