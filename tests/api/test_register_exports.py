"""Issue 29: an export is whole. The register's CSV without a limit holds every row the
filters select; a page of JSON or CSV names the next page in an RFC 8288 `Link` header."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.conftest import Headers, referral_body

PEOPLE = 120


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
