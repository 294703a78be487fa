"""Issue 29: an export is whole. The register's CSV without a limit holds every row the
filters select; a page of JSON or CSV names the next page in an RFC 8288 `Link` header."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from fastapi.testclient import TestClient
from openpyxl import load_workbook

from tests.api.conftest import Headers, referral_body

PEOPLE = 120


def sheet_rows(content: bytes) -> list[tuple[Any, ...]]:
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    return list(sheet.iter_rows(values_only=True))


def test_a_register_of_120_people_exports_120_rows(client: TestClient, auth: Headers) -> None:
    lead = auth("lead")
    last = 0
    for seed in range(1, PEOPLE + 1):
        made = client.post("/v1/persons", json=referral_body(seed), headers=lead).json()
        path = f"/v1/persons/{made['person_id']}"
        consent = {"basis": "informed_consent", "decided_on": "2025-01-11", "decided_by": "p"}
        assert client.post(f"{path}/consents", json=consent, headers=lead).status_code == 200
        accept = {"accepted_on": "2025-01-14", "rating": {"level": "amber"}}
        accepted = client.post(f"{path}/acceptances", json=accept, headers=lead)
        last = accepted.json()["position"]

    exported = client.get("/v1/register", params={"format": "csv", "wait_for": last}, headers=lead)
    assert exported.status_code == 200 and "link" not in exported.headers
    assert len(exported.text.splitlines()) == PEOPLE + 1  # the header and every person

    sheet = client.get("/v1/register", params={"format": "xlsx"}, headers=lead)
    assert sheet.headers["content-type"].startswith("application/vnd.openxmlformats")
    rows = sheet_rows(sheet.content)
    assert len(rows) == PEOPLE + 1 and "link" not in sheet.headers
    since = rows[0].index("rating_since")
    assert all(row[since].date() == date(2025, 1, 14) for row in rows[1:])  # a date cell

    first = client.get("/v1/register", headers=lead)
    assert len(first.json()["items"]) == 50
    link = first.headers["link"]
    assert link.endswith('>; rel="next"') and "cursor=" in link
    following = client.get(link[1 : link.index(">")], headers=lead).json()["items"]
    assert {r["person_id"] for r in following}.isdisjoint(
        r["person_id"] for r in first.json()["items"]
    )

    paged = client.get("/v1/register", params={"format": "csv", "limit": 100}, headers=lead)
    assert len(paged.text.splitlines()) == 101 and 'rel="next"' in paged.headers["link"]
    assert "format=csv" in paged.headers["link"]  # the next page in the same shape


def test_a_name_a_spreadsheet_would_run_is_exported_as_text(
    client: TestClient, auth: Headers
) -> None:
    """Issue 30: a cell starting `=` is a formula to a spreadsheet app; exports neutralise it."""
    lead = auth("lead")
    body = referral_body(7)
    body["details"]["given_name"] = '=HYPERLINK("http://x")'
    made = client.post("/v1/persons", json=body, headers=lead).json()
    path = f"/v1/persons/{made['person_id']}"
    consent = {"basis": "informed_consent", "decided_on": "2025-01-11", "decided_by": "p"}
    client.post(f"{path}/consents", json=consent, headers=lead)
    accept = {"accepted_on": "2025-01-14", "rating": {"level": "amber"}}
    last = client.post(f"{path}/acceptances", json=accept, headers=lead).json()["position"]
    params = {"wait_for": last}
    exported = client.get("/v1/register", params=params | {"format": "csv"}, headers=lead)
    assert "'=HYPERLINK" in exported.text and ",=HYPERLINK" not in exported.text
    sheet = client.get("/v1/register", params=params | {"format": "xlsx"}, headers=lead)
    cells = [c for row in sheet_rows(sheet.content) for c in row]
    assert '\'=HYPERLINK("http://x")' in cells
