"""Every role, every endpoint, own and another area: allowed or refused, nothing leaks."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from dsr_http.routes.persons import COMMANDS
from tests.api.conftest import Headers, referral_body
from tests.support import factories as f

ROLES = ("practitioner", "lead", "auditor", "analyst", "admin")
OWN, OTHER = f.ENGLISH_AREA, f.OTHER_ENGLISH_AREA

# The policy, written out: who may do what (never recomputed from the code it checks).
PRACTICE = ("practitioner", "lead")
LEAD_ONLY = ("lead",)
PLANNERS = ("practitioner", "lead", "commissioner")
RECORD_READERS = ("practitioner", "lead", "auditor")
AUDITORS = ("auditor",)
AGGREGATES = ("analyst", "lead", "practitioner")
NATIONAL = ("analyst", "lead")
LEADS = ("lead",)

# A valid body for every command, so a refusal can only come from authorisation.
BODIES: dict[str, dict[str, Any]] = {
    "consents": {
        "basis": "informed_consent",
        "decided_on": "2025-01-11",
        "decided_by": "the person",
    },
    "consent-refusals": {"decided_on": "2025-01-11", "decided_by": "the person"},
    "involvement": {
        "recorded_on": "2025-01-11",
        "person_involved": True,
        "supporters_involved": True,
        "advocacy": "offered_declined",
    },
    "cetr-offers": {"offered_on": "2025-02-12", "kind": "cetr"},
    "cetr-declines": {"declined_on": "2025-02-14"},
    "service-referrals": {"service": "intensive_support", "requested_on": "2025-02-01"},
    "service-starts": {"service": "intensive_support", "started_on": "2025-03-01"},
    "ehc-plans": {"has_plan": True, "recorded_on": "2025-01-20"},
    "consent-withdrawals": {"withdrawn_on": "2025-09-01"},
    "data-sharing-objections": {"objects": True, "recorded_on": "2025-02-01"},
    "acceptances": {"accepted_on": "2025-01-14", "rating": {"level": "amber"}},
    "declines": {"declined_on": "2025-01-12", "reason_code": "other", "reason": "x"},
    "ratings": {"changed_on": "2025-02-01", "rating": {"level": "red"}, "reason": "x"},
    "admissions": f.admission().model_dump(mode="json"),
    "discharge-readiness": {"ready_on": "2025-04-01"},
    "discharge-delays": {"recorded_on": "2025-04-15", "delay_reason": "18"},
    "legal-status": {"changed_on": "2025-03-01", "legal_status": "informal"},
    "planned-discharge-dates": {"recorded_on": "2025-03-01", "planned_on": "2025-06-01"},
    "discharge-plan-scores": {"recorded_on": "2025-03-01", "scores": {"funding_agreed": 1}},
    "discharge-barriers": {"recorded_on": "2025-03-01", "barriers": ["04"]},
    "discharge-unreadiness": {"no_longer_ready_on": "2025-04-20", "reason": "x"},
    "mitigations": {
        "recorded_on": "2025-02-01",
        "kind": "tried",
        "category": "crisis_plan",
        "description": "x",
    },
    "actions": {
        "raised_on": "2025-02-01",
        "description": "x",
        "owner": "x",
        "due_on": "2025-03-01",
    },
    "action-statuses": {"action_id": "none", "changed_on": "2025-02-01", "status": "done"},
    "recommendations": {
        "recorded_on": "2025-02-01",
        "horizon": "current",
        "service": "x",
        "text": "x",
    },
    "professional-endings": {"involvement_id": "none", "ended_on": "2025-02-01"},
    "needs": {"recorded_on": "2025-02-01", "needs": [{"code": "funding:joint"}]},
    "discharges": {
        "discharged_on": "2025-05-20",
        "destination": "family_home",
        "rating": {"level": "green"},
    },
    "placements": {
        "placement_type": "supported_living",
        "placement_area": OWN,
        "started_on": "2025-02-01",
        "chosen_by_person": True,
    },
    "views": {"recorded_on": "2025-02-01", "person": "x"},
    "risk-factors": {"recorded_on": "2025-02-01", "risk_factors": ["housing"]},
    "professionals": {"assigned_on": "2025-02-01", "role": "social_worker", "name": "x"},
    "reviews": {"kind": "mdt", "held_on": "2025-02-01", "outcome": "x"},
    "action-completions": {"action_id": "none", "completed_on": "2025-02-01"},
    "corrections": {
        "details": f.details(seed=1).model_dump(mode="json"),
        "corrected_on": "2025-02-01",
        "reason": "x",
    },
    "transfers": {"to_area": OWN, "transferred_on": "2025-03-01", "reason": "x"},
    "removals": {"removed_on": "2025-09-01", "reason_code": "stable"},
    "kept-on-register": {"decided_on": "2025-09-01", "reason": "x", "unmanaged_risk": False},
    "referrer-told": {"told_on": "2025-09-01"},
    "risk-management": {"recorded_on": "2025-03-01", "risk_factor": "carer_health"},
    "safeguarding-notes": {"recorded_on": "2025-02-02", "kind": "forensic", "note": "x"},
    "re-referrals": {
        "referred_on": "2025-09-02",
        "criteria": ["in_hospital"],
        "referred_by": "x",
        "reason": "x",
    },
    "legal-holds": {"reference": "CLAIM-1", "reason": "x"},
    "legal-hold-releases": {"reason": "x"},
    "erasures": {"basis": "no_longer_necessary"},
}
ROLES_OF = {
    "consents": PRACTICE,
    "consent-refusals": PRACTICE,
    "involvement": PRACTICE,
    "consent-withdrawals": PRACTICE,
    "ehc-plans": PRACTICE,
    "cetr-offers": PRACTICE,
    "cetr-declines": PRACTICE,
    "service-referrals": PRACTICE,
    "service-starts": PRACTICE,
    "data-sharing-objections": PRACTICE,
    "acceptances": LEAD_ONLY,
    "declines": LEAD_ONLY,
    "ratings": PRACTICE,
    "admissions": PRACTICE,
    "discharge-readiness": PRACTICE,
    "discharge-delays": PRACTICE,
    "legal-status": PRACTICE,
    "planned-discharge-dates": PRACTICE,
    "discharge-plan-scores": PRACTICE,
    "discharge-barriers": PRACTICE,
    "discharge-unreadiness": PRACTICE,
    "mitigations": PRACTICE,
    "actions": PRACTICE,
    "action-statuses": PRACTICE,
    "recommendations": PRACTICE,
    "professional-endings": PRACTICE,
    "needs": PRACTICE,
    "discharges": PRACTICE,
    "placements": PRACTICE,
    "views": PRACTICE,
    "risk-factors": PRACTICE,
    "professionals": PRACTICE,
    "reviews": PRACTICE,
    "action-completions": PRACTICE,
    "corrections": PRACTICE,
    "transfers": LEAD_ONLY,
    "removals": LEAD_ONLY,
    "kept-on-register": LEAD_ONLY,
    "referrer-told": PRACTICE,
    "risk-management": PRACTICE,
    "safeguarding-notes": PRACTICE,
    "re-referrals": PRACTICE,
    "legal-holds": LEAD_ONLY,
    "legal-hold-releases": LEAD_ONLY,
    "erasures": LEAD_ONLY,
}
NOT_AREA_ADDRESSED = {"actor", "snapshots"}


def endpoints(person_id: str) -> list[tuple[str, str, str, dict[str, Any] | None, tuple[Any, ...]]]:
    """(name, method, path, body, roles allowed)."""
    rows: list[tuple[str, str, str, dict[str, Any] | None, tuple[Any, ...]]] = [
        ("refer", "POST", "/v1/persons", referral_body(seed=99), PRACTICE),
        ("read", "GET", f"/v1/persons/{person_id}", None, RECORD_READERS),
        ("history", "GET", f"/v1/persons/{person_id}/history", None, RECORD_READERS),
        ("register", "GET", f"/v1/register?area={OWN}", None, PRACTICE),
        ("referral-queue", "GET", f"/v1/referrals?area={OWN}", None, PRACTICE),
        ("inpatient-list", "GET", f"/v1/inpatients?area={OWN}", None, PLANNERS),
        (
            "notify-inpatient",
            "POST",
            "/v1/inpatients",
            f.inpatient(seed=98).model_dump(mode="json"),
            PRACTICE,
        ),
        (
            "length-of-stay",
            "GET",
            f"/v1/areas/{OWN}/length-of-stay?period=2025-Q1",
            None,
            AGGREGATES,
        ),
        ("national", "GET", f"/v1/areas/{OWN}/national-dataset?period=2025-Q1", None, LEADS),
        (
            "assuring-transformation",
            "GET",
            f"/v1/areas/{OWN}/assuring-transformation?period=2025-05",
            None,
            ("lead", "commissioner"),
        ),
        ("reminders", "GET", f"/v1/reminders?area={OWN}", None, PRACTICE),
        ("snapshots", "GET", "/v1/snapshots", None, LEADS),
        ("audit", "GET", f"/v1/audit/persons/{person_id}", None, AUDITORS),
        ("access", "GET", f"/v1/audit/persons/{person_id}/access", None, AUDITORS),
        (
            "actor",
            "GET",
            "/v1/audit/actors/lead-1?since=2020-01-01T00:00:00Z&until=2030-01-01T00:00:00Z",
            None,
            AUDITORS,
        ),
    ]
    rows += [
        (path, "POST", f"/v1/persons/{person_id}/{path}", body, ROLES_OF[path])
        for path, body in BODIES.items()
    ]
    return rows


@pytest.mark.parametrize("area", ["own", "other", "none"])
@pytest.mark.parametrize("role", ROLES)
def test_the_authorisation_matrix(client: TestClient, auth: Headers, role: str, area: str) -> None:
    created = client.post("/v1/persons", json=referral_body(seed=1), headers=auth("lead"))
    person_id = created.json()["person_id"]
    if area == "none":
        verifier = client.app.state.services.verifier  # type: ignore[attr-defined]
        from dsr_core.domain.codes import Role

        token = {"Authorization": f"Bearer {verifier.mint(sub='x', role=Role(role), areas=[])}"}
    else:
        token = auth(role, OWN if area == "own" else OTHER)
    for name, method, path, body, allowed_roles in endpoints(person_id):
        response = client.request(method, path, json=body, headers=token)
        allowed = area == "own" and role in allowed_roles
        role_allowed = role in allowed_roles
        if name in NOT_AREA_ADDRESSED and area == "other" and role_allowed:
            # Not addressed by area: answered, but only with rows from the caller's areas.
            answer = response.json()
            rows = answer["items"] if isinstance(answer, dict) else answer
            assert (response.status_code, rows) == (200, [])
        elif allowed:
            assert response.status_code not in (401, 403, 404), (name, role, area, response.text)
        else:
            assert response.status_code in (403, 404), (name, role, area, response.status_code)
            # Only the path the caller sent comes back; nothing about the person.
            assert "Testperson" not in response.text and "Fictitious" not in response.text


def test_every_command_route_is_in_the_written_policy() -> None:
    assert {spec.path for spec in COMMANDS} == set(ROLES_OF) == set(BODIES)


def test_the_lead_only_commands_are_the_decisions(client: TestClient) -> None:
    assert {s.path for s in COMMANDS if [str(r) for r in s.roles] == ["lead"]} == {
        "acceptances",
        "declines",
        "transfers",
        "removals",
        "kept-on-register",
        "legal-holds",
        "legal-hold-releases",
        "erasures",
    }
