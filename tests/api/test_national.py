"""Issue 14 over HTTP on both backends: an area's return, its revisions, the national
body's publication and who may read which."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.api.conftest import Headers, referral_body
from tests.support import factories as f

AREA = f.SCOTTISH_AREA  # S37000017, Inverclyde
RETURN = f"/v1/returns/phs_coming_home/{AREA}/2025-Q2"  # census Thursday 26 June 2025
PUBLICATION = "/v1/publications/phs_coming_home/2025-Q2"


def scottish_person(
    client: TestClient, lead: dict[str, str], seed: int, ready_on: str | None
) -> tuple[str, int]:
    body = referral_body(seed=seed, area=AREA)
    pid = client.post("/v1/persons", json=body, headers=lead).json()["person_id"]
    position = 0
    commands: list[tuple[str, dict[str, Any]]] = [
        ("acceptances", {"accepted_on": "2025-01-14", "rating": {"level": "enhanced_monitoring"}})
    ]
    if ready_on:
        commands += [
            ("admissions", f.admission().model_dump(mode="json")),
            ("discharge-readiness", {"ready_on": ready_on}),
        ]
    for path, command in commands:
        response = client.post(f"/v1/persons/{pid}/{path}", json=command, headers=lead)
        assert response.status_code == 200, response.text
        position = response.json()["position"]
    return pid, position


def categories(content: dict[str, Any]) -> dict[str, int]:
    found: dict[str, int] = {}
    for category, _sex, count in content["atoms"]["register"]:
        found[category] = found.get(category, 0) + count
    return found


def test_a_return_its_revision_and_the_publication(client: TestClient, auth: Headers) -> None:
    lead = auth("lead", AREA)
    scottish_person(client, lead, 1, "2025-06-25")  # ready before the census: delayed
    scottish_person(client, lead, 2, "2025-06-26")  # ready on the census day: not yet
    other, position = scottish_person(client, lead, 3, None)
    made = client.post(RETURN, params={"wait_for": position}, headers=lead)
    assert made.status_code == 201, made.text
    assert made.json()["revision"] == 1
    again = client.post(RETURN, headers=lead)
    assert (again.status_code, again.json()["revision"]) == (200, 1)
    first = client.get(RETURN, headers=lead).json()
    assert first["census_date"] == "2025-06-26"
    assert categories(first) == {
        "urgent_in_hospital_delayed": 1,
        "urgent_in_hospital_not_delayed": 1,
        "enhanced_monitoring": 1,
    }
    assert all(
        "given_name" not in record and "nhs_number" not in record for record in first["records"]
    )
    # a back-dated change to before the census makes a second revision beside the first
    changed = client.post(
        f"/v1/persons/{other}/ratings",
        json={
            "changed_on": "2025-06-01",
            "rating": {"level": "urgent", "urgent_reason": "support_at_risk"},
            "reason": "Back-dated: support broke down in June",
        },
        headers=lead,
    ).json()
    revised = client.post(RETURN, params={"wait_for": changed["position"]}, headers=lead)
    assert (revised.status_code, revised.json()["revision"]) == (201, 2)
    second = client.get(RETURN, headers=lead).json()
    assert second["revised"] is True and second["revisions"] == 2
    assert categories(second)["urgent_at_risk"] == 1
    assert {c["table"] for c in second["changes"]} == {"register"}
    assert categories(client.get(RETURN, params={"revision": 1}, headers=lead).json()) == (
        categories(first)
    )
    # the national body publishes; analysts read the publication, never the return
    scotland = auth("national", "S92000003")
    built = client.post(PUBLICATION, headers=scotland)
    assert built.status_code == 201, built.text
    published = client.get(PUBLICATION, headers=auth("analyst", AREA))
    assert published.status_code == 200
    tables = published.json()["tables"]["register_by_category"]
    assert tables["S92000003"]["total"] in (3, "*")
    narrowest = published.json()["controls"]["narrowest_suppressed_interval"]
    assert narrowest is None or narrowest >= 3  # None: no suppressed cell is bounded
    assert client.get(RETURN, headers=auth("analyst", AREA)).status_code == 403
    assert client.get(RETURN, headers=auth("lead", "S37000032")).status_code == 403
    assert client.get(RETURN, headers=scotland).status_code == 200


def test_bad_requests_name_the_field_and_store_nothing(client: TestClient, auth: Headers) -> None:
    lead = auth("lead", AREA)
    month = client.post(f"/v1/returns/phs_coming_home/{AREA}/2025-06", headers=lead)
    assert month.status_code == 422 and month.json()["errors"][0]["field"] == "period"
    unknown = client.post(f"/v1/returns/nope/{AREA}/2025-Q2", headers=lead)
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "collection"
    england = client.post(f"/v1/returns/phs_coming_home/{f.ENGLISH_AREA}/2025-Q2", headers=lead)
    assert england.status_code == 422 and england.json()["errors"][0]["field"] == "area"
    not_ended = client.post(f"/v1/returns/phs_coming_home/{AREA}/2025-Q3", headers=lead)
    assert not_ended.status_code == 422
    assert client.post(PUBLICATION, headers=auth("national", "E92000001")).status_code == 403
    assert client.post(PUBLICATION, headers=auth("national", "S92000003")).status_code == 409
    assert client.get(PUBLICATION, headers=auth("analyst", AREA)).status_code == 404
    assert client.get(RETURN, headers=lead).status_code == 404
