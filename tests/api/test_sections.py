"""Issue 28: the record in sections, and partner organisations reading only theirs.

A matrix: every partner type of the policies x every section of the record, through the
record and its history; every other read the API offers is closed to partners; each
partner sends only its listed commands. Staff roles are unchanged."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from dsr_core.domain.sections import EVENTS, FIELDS, Section, default_policies
from dsr_core.person.events import EVENTS as EVENT_CLASSES
from tests.api.conftest import Headers, referral_body
from tests.api.test_authorisation import BODIES
from tests.support import factories as f

SECRET = "Safeguarding-alert-7731"
VIEW = "Likes-swimming-4410"
PARTNERS = sorted(default_policies())
BUILD = (
    "consents", "acceptances", "risk-factors", "professionals", "reviews", "views", "needs",
    "data-sharing-objections", "admissions", "discharge-plan-scores",
)  # fmt: skip


def a_full_record(client: TestClient, lead: dict[str, str]) -> str:
    """A person with something in every section of the record."""
    person = client.post("/v1/persons", json=referral_body(9), headers=lead).json()["person_id"]
    bodies = {**BODIES, "views": {"recorded_on": "2025-02-01", "person": VIEW}}
    for path in BUILD:
        sent = client.post(f"/v1/persons/{person}/{path}", json=bodies[path], headers=lead)
        assert sent.status_code == 200, (path, sent.text)
    note = {"recorded_on": "2025-02-02", "kind": "safeguarding", "note": SECRET}
    sent = client.post(f"/v1/persons/{person}/safeguarding-notes", json=note, headers=lead)
    assert sent.status_code == 200, sent.text
    return str(person)


def test_every_event_type_and_record_field_belongs_to_a_section() -> None:
    assert {e.__name__ for e in EVENT_CLASSES} <= set(EVENTS)
    from dsr_http.schemas import PersonPublic

    envelope = {"person_id", "version", "area", "scheme", "status", "period", "as_of"}
    envelope |= {"as_recorded_by", "integrity_failing"}
    assert set(PersonPublic.model_fields) - envelope == set(FIELDS)


@pytest.mark.parametrize("organisation", PARTNERS)
def test_a_partner_reads_only_its_sections_of_the_record_and_its_history(
    client: TestClient, auth: Headers, organisation: str
) -> None:
    lead = auth("lead")
    person = a_full_record(client, lead)
    partner = auth("partner", organisation=organisation)
    granted = default_policies()[organisation].read

    full = client.get(f"/v1/persons/{person}", headers=lead).json()
    shown = client.get(f"/v1/persons/{person}", headers=partner)
    assert shown.status_code == 200, shown.text
    record = shown.json()
    for field, section in FIELDS.items():
        if section in granted:
            assert record[field] == full[field], (organisation, field)
        else:
            assert field not in record, (organisation, field)  # absent, not blanked
    assert (SECRET in shown.text) == (Section.SAFEGUARDING in granted)
    assert (VIEW in shown.text) == (Section.VIEWS in granted)

    history = client.get(f"/v1/persons/{person}/history", headers=partner)
    assert history.status_code == 200
    kinds = [item["event_type"] for item in history.json()]
    everything = [
        i["event_type"] for i in client.get(f"/v1/persons/{person}/history", headers=lead).json()
    ]
    assert kinds == [k for k in everything if EVENTS[k] in granted]
    assert (SECRET in history.text) == (Section.SAFEGUARDING in granted)


def _reads(client: TestClient) -> list[tuple[str, bool]]:
    """Every read the API's contract offers, and whether it also answers CSV."""
    paths: dict[str, Any] = client.get("/openapi.json").json()["paths"]
    return [
        (path, any(p["name"] == "format" for p in operations["get"].get("parameters", [])))
        for path, operations in paths.items()
        if "get" in operations
    ]


@pytest.mark.parametrize("organisation", PARTNERS)
def test_every_other_read_and_export_is_closed_to_partners(
    client: TestClient, auth: Headers, organisation: str
) -> None:
    lead = auth("lead")
    person = a_full_record(client, lead)
    partner = auth("partner", organisation=organisation)
    open_to_partners = {
        "/v1/persons/{person_id}",
        "/v1/persons/{person_id}/history",
        "/v1/code-lists",
        "/v1/code-lists/{name}",
        "/healthz",
        "/readyz",
        "/metrics",
    }
    values = {"person_id": person, "area": f.ENGLISH_AREA, "name": "x", "period": "2025-03",
              "collection": "nhs_england_lda", "snapshot_id": person, "release": "1",
              "revision": "1", "return_id": person}  # fmt: skip
    checked = 0
    for template, csv in _reads(client):
        if template in open_to_partners or not template.startswith("/v1/"):
            continue
        path = template
        for name, value in values.items():
            path = path.replace("{" + name + "}", value)
        for extra in ("", "?format=csv") if csv else ("",):
            answer = client.get(path + extra, headers=partner)
            assert answer.status_code in (403, 404, 422), (path, answer.status_code)
            assert SECRET not in answer.text and VIEW not in answer.text
        checked += 1
    assert checked > 20  # the register, its exports, lists, FHIR, the feed, returns...


@pytest.mark.parametrize("organisation", PARTNERS)
def test_a_partner_sends_only_the_commands_its_policy_lists(
    client: TestClient, auth: Headers, organisation: str
) -> None:
    from dsr_http.routes.persons import COMMANDS

    lead = auth("lead")
    person = a_full_record(client, lead)
    partner = auth("partner", organisation=organisation)
    allowed = default_policies()[organisation].commands
    for spec in COMMANDS:
        body: dict[str, Any] = BODIES.get(spec.path, {})
        answer = client.post(f"/v1/persons/{person}/{spec.path}", json=body, headers=partner)
        if spec.path in allowed:
            assert answer.status_code != 403, (spec.path, answer.text)
        else:
            assert answer.status_code == 403, (spec.path, answer.status_code)


def test_a_partner_token_without_its_organisation_type_is_refused(
    client: TestClient, auth: Headers
) -> None:
    answer = client.get("/v1/code-lists", headers=auth("partner"))
    assert answer.status_code == 401 and "organisation" in answer.json()["detail"]
