"""Issue 13 over HTTP, on both backends: the care record of seed 002, discharge planning,
coded items, geography and service gaps, where users look for them."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi.testclient import TestClient

from tests.api.conftest import Headers, referral_body
from tests.support import factories as f

ENGLAND = f.ENGLISH_AREA  # E54000048, Lancashire and South Cumbria ICB


def post(client: TestClient, headers: dict[str, str], path: str, body: Any) -> Any:
    return client.post(path, json=body, headers=headers)


def on_register(client: TestClient, lead: dict[str, str], seed: int = 1, **details: Any) -> str:
    body = referral_body(seed=seed)
    body["details"].update(details)
    person_id = str(client.post("/v1/persons", json=body, headers=lead).json()["person_id"])
    for path, command in (
        ("consents", {"basis": "informed_consent", "decided_on": "2025-01-11", "decided_by": "p"}),
        ("acceptances", {"accepted_on": "2025-01-14", "rating": {"level": "amber"}}),
    ):
        assert post(client, lead, f"/v1/persons/{person_id}/{path}", command).status_code == 200
    return person_id


def command(client: TestClient, lead: dict[str, str], person_id: str, path: str, body: Any) -> Any:
    response = post(client, lead, f"/v1/persons/{person_id}/{path}", body)
    assert response.status_code == 200, response.text
    return response.json()


def field_of(response: Any) -> set[str]:
    return {e["field"] for e in response.json().get("errors") or []} | {
        response.json().get("field")
    }


def test_the_care_record_keeps_every_professional_view_and_action(
    client: TestClient, auth: Headers
) -> None:
    lead = auth("lead")
    pid = on_register(client, lead)
    first = command(
        client,
        lead,
        pid,
        "professionals",
        {"assigned_on": "2025-01-20", "role": "social_worker", "name": "Sam First"},
    )["involvement_id"]
    command(
        client,
        lead,
        pid,
        "professionals",
        {"assigned_on": "2025-02-01", "role": "social_worker", "name": "Kim Second"},
    )
    early = post(
        client,
        lead,
        f"/v1/persons/{pid}/professional-endings",
        {"involvement_id": first, "ended_on": "2025-01-19"},
    )
    assert early.status_code in (409, 422) and "ended_on" in field_of(early)
    command(
        client,
        lead,
        pid,
        "professional-endings",
        {"involvement_id": first, "ended_on": "2025-03-01"},
    )
    for day, view in (("2025-01-20", "I want my own flat."), ("2025-03-01", "Near my sister.")):
        command(
            client,
            lead,
            pid,
            "views",
            {
                "recorded_on": day,
                "person": view,
                "supporters": [{"name": "Pat", "relationship": "sister", "view": "Agree."}],
            },
        )
    command(
        client,
        lead,
        pid,
        "mitigations",
        {
            "recorded_on": "2025-01-20",
            "kind": "tried",
            "category": "positive_behaviour_support",
            "description": "PBS plan since 2024.",
        },
    )
    bad_category = post(
        client,
        lead,
        f"/v1/persons/{pid}/mitigations",
        {"recorded_on": "2025-01-20", "kind": "tried", "category": "magic", "description": "x"},
    )
    assert bad_category.status_code == 422 and "category" in field_of(bad_category)
    action = command(
        client,
        lead,
        pid,
        "actions",
        {
            "raised_on": "2025-01-20",
            "description": "Find a provider",
            "owner": "SW",
            "due_on": "2025-02-01",
        },
    )["action_id"]
    nobody = post(
        client,
        lead,
        f"/v1/persons/{pid}/actions",
        {"raised_on": "2025-01-20", "description": "x", "owner": " ", "due_on": "2025-02-01"},
    )
    assert nobody.status_code == 422 and "owner" in field_of(nobody)
    command(
        client,
        lead,
        pid,
        "recommendations",
        {"recorded_on": "2025-01-20", "horizon": "future", "service": "Provider", "text": "PBS"},
    )
    record = client.get(f"/v1/persons/{pid}", headers=lead).json()
    assert [p["name"] for p in record["professionals"]] == ["Kim Second"]
    assert {p["name"]: p["ended_on"] for p in record["team_history"]} == {
        "Sam First": "2025-03-01",
        "Kim Second": None,
    }
    assert [v["view"] for v in record["view_history"] if v["holder"] == "person"] == [
        "I want my own flat.",
        "Near my sister.",
    ]
    assert [m["category"] for m in record["mitigations"]] == ["positive_behaviour_support"]
    assert record["recommendations"][0]["horizon"] == "future"
    [due] = [d for d in record["due_reviews"] if d["ref"] == action]
    assert due["overdue"] is True  # due 1 Feb; today is 1 Sep 2025
    command(
        client,
        lead,
        pid,
        "action-statuses",
        {"action_id": action, "changed_on": "2025-02-10", "status": "done"},
    )
    after = client.get(f"/v1/persons/{pid}", headers=lead).json()
    assert not [d for d in after["due_reviews"] if d["ref"] == action]
    # as it stood on 1 February: one view, both social workers
    then = client.get(f"/v1/persons/{pid}", params={"as_of": "2025-02-01"}, headers=lead).json()
    assert len([v for v in then["view_history"] if v["holder"] == "person"]) == 1
    assert len(then["professionals"]) == 2
    trail = client.get(f"/v1/persons/{pid}/history", headers=lead).json()
    kinds = {item["event_type"] for item in trail}
    assert {"MitigationRecorded", "ActionAdded", "ActionStatusChanged"} <= kinds
    assert {"RecommendationRecorded", "ProfessionalInvolvementEnded"} <= kinds


def test_discharge_planning_shows_on_the_record_the_register_and_its_export(
    client: TestClient, auth: Headers
) -> None:
    lead = auth("lead")
    pid = on_register(client, lead)
    admit = f.admission(legal_status="detained", detained_under="03").model_dump(mode="json")
    command(client, lead, pid, "admissions", admit)  # 10 Feb 2025
    early = post(
        client,
        lead,
        f"/v1/persons/{pid}/planned-discharge-dates",
        {"recorded_on": "2025-03-01", "planned_on": "2025-02-01"},
    )
    assert early.status_code in (409, 422) and "planned_on" in field_of(early)
    command(
        client,
        lead,
        pid,
        "planned-discharge-dates",
        {"recorded_on": "2025-03-01", "planned_on": "2025-08-01"},
    )
    no_reason = post(
        client,
        lead,
        f"/v1/persons/{pid}/planned-discharge-dates",
        {"recorded_on": "2025-04-01", "planned_on": "2025-08-20"},
    )
    assert no_reason.status_code == 422 and "reason" in field_of(no_reason)
    command(
        client,
        lead,
        pid,
        "planned-discharge-dates",
        {"recorded_on": "2025-04-01", "planned_on": "2025-08-20", "reason": "Provider late"},
    )
    unknown_item = post(
        client,
        lead,
        f"/v1/persons/{pid}/discharge-plan-scores",
        {"recorded_on": "2025-04-01", "scores": {"teleport": 2}},
    )
    assert unknown_item.status_code == 422 and "scores.teleport" in field_of(unknown_item)
    command(
        client,
        lead,
        pid,
        "discharge-plan-scores",
        {"recorded_on": "2025-04-01", "scores": {"housing_identified": 2, "funding_agreed": 1}},
    )
    scottish_code = post(
        client,
        lead,
        f"/v1/persons/{pid}/discharge-barriers",
        {"recorded_on": "2025-04-01", "barriers": ["9/51X"]},
    )
    assert scottish_code.status_code == 422 and "barriers[0]" in field_of(scottish_code)
    command(
        client, lead, pid, "discharge-barriers", {"recorded_on": "2025-04-01", "barriers": ["18"]}
    )
    command(client, lead, pid, "discharge-readiness", {"ready_on": "2025-07-01"})
    command(
        client, lead, pid, "discharge-delays", {"recorded_on": "2025-07-01", "delay_reason": "04"}
    )
    last = command(
        client, lead, pid, "discharge-delays", {"recorded_on": "2025-08-01", "delay_reason": "18"}
    )
    record = client.get(f"/v1/persons/{pid}", headers=lead).json()
    planning = record["discharge_planning"]
    assert planning["days_to_planned_discharge"] == -12  # 20 Aug, today 1 Sep
    assert planning["planned_discharge_overdue"] is True
    assert planning["delayed_days_by_reason"] == {"04": 31, "18": 31}
    assert (planning["plan_items_in_place"], planning["plan_items_total"]) == (1, 12)
    assert record["admission"]["detained_under"] == "03"
    assert record["admission"]["admission_type"] == "first"
    wait = {"wait_for": last["position"]}
    for filters in ({"planned_discharge_overdue": True}, {"delayed": True}):
        page = client.get("/v1/register", params={**wait, **filters}, headers=lead).json()
        assert [row["person_id"] for row in page["items"]] == [pid]
        row = page["items"][0]
        assert row["days_to_planned_discharge"] == -12 and row["delayed"] is True
    none = client.get(
        "/v1/register", params={**wait, "planned_discharge_overdue": False}, headers=lead
    )
    assert pid not in none.text
    exported = client.get("/v1/register", params={**wait, "format": "csv"}, headers=lead).text
    header, line = exported.splitlines()[:2]
    row = dict(zip(header.split(","), line.split(","), strict=True))
    assert (row["planned_discharge_on"], row["delay_reason"], row["stay_started_on"]) == (
        "2025-08-20",
        "18",
        "2025-02-10",
    )


def test_out_of_area_is_decided_at_one_geography(client: TestClient, auth: Headers) -> None:
    """E54000048 covers Blackpool (E06000009), not Manchester (E08000003); Cardiff (W06…)
    is outside England; a Scottish HSCP (S37000017, Inverclyde) is one council (S12000018)."""
    lead = auth("lead")
    pid = on_register(client, lead)
    expected = {
        "E06000009": ("in_area", False),
        "E08000003": ("out_of_area", True),
        "W06000015": ("outside_nation", True),
    }
    for place, (location, out) in expected.items():
        command(
            client,
            lead,
            pid,
            "placements",
            {
                "placement_type": "supported_living",
                "placement_area": place,
                "started_on": "2025-02-01",
                "chosen_by_person": True,
            },
        )
        placement = client.get(f"/v1/persons/{pid}", headers=lead).json()["placement"]
        assert (placement["location"], placement["out_of_area"]) == (location, out), place
    scottish_lead = auth("lead", f.SCOTTISH_AREA)
    body = referral_body(seed=5, area=f.SCOTTISH_AREA)
    sid = client.post("/v1/persons", json=body, headers=scottish_lead).json()["person_id"]
    command(
        client,
        scottish_lead,
        sid,
        "acceptances",
        {"accepted_on": "2025-01-14", "rating": {"level": "enhanced_monitoring"}},
    )
    for place, location in (("S12000018", "in_area"), ("S12000049", "out_of_area")):
        command(
            client,
            scottish_lead,
            sid,
            "placements",
            {
                "placement_type": "residential_care",
                "placement_area": place,
                "started_on": "2025-02-01",
                "chosen_by_person": True,
                "concerns": "Family cannot visit",
            },
        )
        record = client.get(f"/v1/persons/{sid}", headers=scottish_lead).json()
        assert record["placement"]["location"] == location
    # chosen, but with concerns: not appropriate
    refused = post(
        client,
        scottish_lead,
        f"/v1/persons/{sid}/ratings",
        {"changed_on": "2025-02-02", "rating": {"level": "appropriate_out_of_area"}, "reason": "x"},
    )
    assert refused.status_code == 409 and refused.json()["type"].endswith(
        "/problems/placement-rule"
    )


def test_coded_details_and_code_lists(client: TestClient, auth: Headers) -> None:
    lead = auth("lead")
    body = referral_body(seed=3)
    body["details"].update(ethnic_category="not-a-code", gender_identity="9")
    refused = client.post("/v1/persons", json=body, headers=lead)
    assert refused.status_code == 422
    assert field_of(refused) >= {"details.ethnic_category", "details.gender_identity"}
    pid = on_register(
        client,
        lead,
        seed=3,
        ethnic_category="N",
        gender_identity="3",
        diagnosed_on="2019-05-01",
        home_location={"postcode_district": "PR1", "latitude": 53.76, "longitude": -2.70},
    )
    details = client.get(f"/v1/persons/{pid}", headers=lead).json()["details"]
    assert (details["ethnic_category"], details["gender_identity"]) == ("N", "3")
    lists = {entry["name"]: entry for entry in client.get("/v1/code-lists", headers=lead).json()}
    assert {"ethnic_category", "mhsds_delay_reason", "scottish_delay_reason"} <= set(lists)
    assert all(entry["source"] and entry["version"] for entry in lists.values())
    scottish = client.get("/v1/code-lists/scottish_delay_reason", headers=lead).json()
    groups = {c["code"]: c["group"] for c in scottish["codes"]}
    assert groups["9/51X"] == "code_9:adults_with_incapacity"
    assert client.get("/v1/code-lists/nope", headers=lead).status_code == 404


def test_service_gaps_count_who_waits_and_what_is_needed(client: TestClient, auth: Headers) -> None:
    lead = auth("lead")
    last: dict[str, Any] = {}
    for seed, started in ((1, None), (2, "2025-05-01"), (3, None)):
        pid = on_register(client, lead, seed=seed)
        command(
            client,
            lead,
            pid,
            "service-referrals",
            {"service": "housing", "requested_on": f"2025-0{seed + 1}-01"},
        )
        if started:
            command(
                client, lead, pid, "service-starts", {"service": "housing", "started_on": started}
            )
        last = command(
            client,
            lead,
            pid,
            "needs",
            {
                "recorded_on": "2025-02-01",
                "needs": [
                    {"code": "housing:bespoke"},
                    {"code": "funding:joint", "horizon": "future"},
                ],
            },
        )
    client.get("/v1/register", params={"wait_for": last["position"]}, headers=lead)
    waiting = client.get("/v1/register", params={"waiting_for": "housing"}, headers=lead).json()[
        "items"
    ]
    assert len(waiting) == 2 and all(row["days_waiting"] > 0 for row in waiting)
    for role in ("lead", "commissioner", "practitioner"):
        gaps = client.get(f"/v1/areas/{ENGLAND}/service-gaps", headers=auth(role))
        assert gaps.status_code == 200
    report = gaps.json()
    # waiting since 1 Feb (212 days to 1 Sep) and 1 Apr (153 days); one started after 31
    assert report["services"]["housing"] == {
        "waiting": 2,
        "median_days_waiting": 182.5,
        "longest_days_waiting": 212,
        "started": 1,
        "median_days_to_start": 61,
    }
    assert report["needs"] == {"funding:joint": {"future": 3}, "housing:bespoke": {"now": 3}}
    assert "Testperson" not in gaps.text
    assert (
        client.get(f"/v1/areas/{ENGLAND}/service-gaps", headers=auth("analyst")).status_code == 403
    )


def test_a_transfer_readiness_and_legal_status_over_http_and_in_the_audit_trail(
    client: TestClient, auth: Headers
) -> None:
    lead = auth("lead")
    pid = on_register(client, lead, diagnosed_on="2025-03-01")
    command(client, lead, pid, "admissions", f.admission(date(2025, 1, 20)).model_dump(mode="json"))
    command(
        client,
        lead,
        pid,
        "discharges",
        {"discharged_on": "2025-02-10", "destination": "another_mh_ld_bed"},
    )
    command(client, lead, pid, "admissions", f.admission(date(2025, 2, 10)).model_dump(mode="json"))
    command(
        client,
        lead,
        pid,
        "legal-status",
        {"changed_on": "2025-02-12", "legal_status": "detained", "detained_under": "02"},
    )
    command(client, lead, pid, "discharge-readiness", {"ready_on": "2025-06-01"})
    command(
        client, lead, pid, "discharge-delays", {"recorded_on": "2025-06-01", "delay_reason": "09"}
    )
    last = command(
        client,
        lead,
        pid,
        "discharge-unreadiness",
        {"no_longer_ready_on": "2025-06-11", "reason": "Unwell again"},
    )
    record = client.get(f"/v1/persons/{pid}", headers=lead).json()
    assert record["admission"]["admission_type"] == "transfer"
    assert record["admission"]["detained_under"] == "02"
    assert record["rating"]["level"] == "blue" and record["rating_since"] == "2025-01-20"
    assert record["diagnosed_after_admission"] is True  # diagnosed 1 Mar, stay from 20 Jan
    planning = record["discharge_planning"]
    assert (planning["stay_started_on"], planning["total_stay_days"]) == ("2025-01-20", 224)
    assert planning["delayed"] is False and planning["delayed_days_by_reason"] == {"09": 10}
    audit = client.get(
        f"/v1/audit/persons/{pid}", params={"wait_for": last["position"]}, headers=auth("auditor")
    ).json()
    kinds = [row["event_type"] for row in audit]
    assert {"LegalStatusChanged", "NoLongerReadyForDischarge", "DischargeDelayed"} <= set(kinds)


def test_the_inpatient_view_shows_time_to_the_planned_discharge(
    client: TestClient, auth: Headers
) -> None:
    lead = auth("lead")
    pid = client.post("/v1/persons", json=referral_body(seed=8), headers=lead).json()["person_id"]
    command(client, lead, pid, "admissions", f.admission(in_area=False).model_dump(mode="json"))
    last = command(
        client,
        lead,
        pid,
        "planned-discharge-dates",
        {"recorded_on": "2025-03-01", "planned_on": "2025-09-11"},
    )
    client.get("/v1/register", params={"wait_for": last["position"]}, headers=lead)
    [row] = client.get("/v1/inpatients", headers=auth("commissioner")).json()
    assert (row["planned_discharge_on"], row["days_to_planned_discharge"]) == ("2025-09-11", 10)
    assert row["planned_discharge_overdue"] is False and row["admission_type"] == "first"
