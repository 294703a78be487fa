"""The integration feed over HTTP (issue 16, item 2): CloudEvents, in order, in scope."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.conftest import Headers, referral_body
from tests.support import factories as f


def test_the_feed_pages_in_order_and_shows_each_role_only_what_it_may_see(
    client: TestClient, auth: Headers
) -> None:
    lead = auth("lead", f.ENGLISH_AREA, f.OTHER_ENGLISH_AREA)
    last = 0
    for seed, area in ((1, f.ENGLISH_AREA), (2, f.OTHER_ENGLISH_AREA), (3, f.ENGLISH_AREA)):
        body = referral_body(seed=seed)
        body["area"] = area
        last = client.post("/v1/persons", json=body, headers=lead).json()["position"]
    care = auth("practitioner", f.ENGLISH_AREA)
    answer = client.get("/v1/events", params={"limit": 1, "wait_for": last}, headers=care)
    first = answer.json()
    link = answer.headers["link"]
    assert f"cursor={first['next_cursor']}" in link and link.endswith('rel="next"')
    rest = client.get(link[1 : link.index(">")], headers=care).json()
    events = first["items"] + rest["items"]
    assert first["events"] == first["items"]  # the deprecated names, until the sunset
    old = client.get("/v1/events", params={"after": first["next_after"]}, headers=care)
    assert old.json()["items"] == rest["items"] and "deprecation" in old.headers
    assert [e["type"] for e in events] == ["uk.nhs.dsr.person.Referred"] * 2
    assert [int(e["dsrposition"]) for e in events] == sorted(int(e["dsrposition"]) for e in events)
    assert {e["source"] for e in events} == {f"/dsr/areas/{f.ENGLISH_AREA}"}
    assert all(e["specversion"] == "1.0" and e["subject"] for e in events)
    assert all(
        e["data"]["nhs_number"] == f.nhs_number(s) for e, s in zip(events, (1, 3), strict=True)
    )
    # issue 30: event-level data identifies people even without an identifier
    analyst = client.get("/v1/events", headers=auth("analyst", f.ENGLISH_AREA))
    assert analyst.status_code == 403
    commissioner = client.get("/v1/events", headers=auth("commissioner", f.ENGLISH_AREA))
    assert [e["subject"] for e in commissioner.json()["items"]] == [e["subject"] for e in events]
    assert "nhs_number" not in commissioner.text  # the person id, never a number
    assert client.get("/v1/events", headers=auth("auditor")).status_code == 403
