"""The console answers every role and area as the API does, and logs what it shows.

Each console page is paired with the API request that reads (or may send) the same
thing; for every role, in the person's area and in another, both must be allowed, or
both refused, or both "not found".
"""

from __future__ import annotations

import time
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient

from dsr_http.console.routing import content_security_policy
from tests.api.conftest import Headers, referral_body
from tests.console.conftest import SignIn, csrf_of
from tests.support import factories as f

ROLES = ("lead", "practitioner", "commissioner", "auditor", "analyst", "national")
OTHER_AREA = "E54000050"


def outcome(status: int) -> str:
    """What a user meets: the thing, a refusal, or nothing (a form's refusal of a body
    still means the user may send it)."""
    if status in (200, 201, 409, 422):
        return "allowed"
    return {403: "forbidden", 404: "not found"}.get(status, str(status))


def an_inpatient(client: TestClient, auth: Headers) -> str:
    lead = auth("lead", f.ENGLISH_AREA)
    made = client.post("/v1/persons", json=referral_body(), headers=lead)
    assert made.status_code == 201, made.text
    person = made.json()["person_id"]
    for path, body in (
        ("consents", f.consent().model_dump(mode="json")),
        ("acceptances", {"accepted_on": "2025-01-14", "rating": {"level": "amber"}}),
        ("admissions", f.admission().model_dump(mode="json", exclude_none=True)),
    ):
        answer = client.post(f"/v1/persons/{person}/{path}", json=body, headers=lead)
        assert answer.status_code == 200, answer.text
    return str(person)


RATING = {"changed_on": "2025-03-01", "rating": {"level": "red"}, "reason": "Worse"}
ACCEPTANCE = {"accepted_on": "2025-01-14", "rating": {"level": "amber"}}
BODIES: dict[str, dict[str, Any]] = {
    "/v1/persons/{person}/ratings": RATING,
    "/v1/persons/{person}/acceptances": ACCEPTANCE,
}
"""Valid bodies, so the API gets past validation to the role and area checks (a refused
body says nothing about access); the referral's is made per area."""

PAIRS: list[tuple[str, str, str]] = [
    # console page, API method and path it answers as
    ("/register", "GET", "/v1/register"),
    ("/referrals", "GET", "/v1/register?status=referred"),
    ("/panel", "GET", "/v1/register"),
    ("/register.csv", "GET", "/v1/register?format=csv"),
    ("/register.xlsx", "GET", "/v1/register?format=csv"),
    ("/national", "GET", "/v1/publications/nhs_england_lda"),
    ("/people/{person}", "GET", "/v1/persons/{person}"),
    ("/people/{person}?day=1&month=3&year=2025", "GET", "/v1/persons/{person}?as_of=2025-03-01"),
    ("/people/{person}/timeline", "GET", "/v1/persons/{person}/history"),
    ("/people/{person}/record/ratings", "POST", "/v1/persons/{person}/ratings"),
    ("/people/{person}/record/acceptances", "POST", "/v1/persons/{person}/acceptances"),
    ("/referrals/new", "POST", "/v1/persons"),
    ("/inpatients", "GET", "/v1/inpatients/all"),
    ("/dashboard", "GET", "/v1/areas/{area}/length-of-stay?period=2025-01"),
    ("/audit/people/{person}", "GET", "/v1/audit/persons/{person}"),
]


def test_every_console_page_answers_each_role_and_area_as_the_api_does(
    client: TestClient, sign_in: SignIn, auth: Headers
) -> None:
    person = an_inpatient(client, auth)
    differences: list[str] = []
    for role in ROLES:
        for area in (f.ENGLISH_AREA, OTHER_AREA):
            browser = sign_in(role, area)
            headers = auth(role, area)
            for page, method, api in PAIRS:
                page_url = page.format(person=person, area=area)
                api_url = api.format(person=person, area=area)
                shown = browser.get(page_url, follow_redirects=False).status_code
                body = BODIES.get(api) or referral_body(seed=7, area=area)
                asked = client.request(method, api_url, headers=headers, json=body).status_code
                if outcome(shown) != outcome(asked):
                    differences.append(f"{role}@{area} {page_url}: {shown} vs API {asked}")
    assert differences == [], "\n".join(differences)


def test_console_reads_are_in_the_access_log(
    client: TestClient, sign_in: SignIn, auth: Headers
) -> None:
    person = an_inpatient(client, auth)
    lead = sign_in("lead", f.ENGLISH_AREA, user="lead-reader")
    assert lead.get(f"/people/{person}").status_code == 200
    assert lead.get(f"/people/{person}/timeline").status_code == 200
    stranger = sign_in("lead", OTHER_AREA, user="lead-elsewhere")
    assert stranger.get(f"/people/{person}").status_code == 404
    log = client.get(f"/v1/audit/persons/{person}/access", headers=auth("auditor")).json()
    mine = [(row["actor_id"], row["what"], row["outcome"]) for row in log]
    assert ("lead-reader", "console-record", "allowed") in mine
    assert ("lead-reader", "console-history", "allowed") in mine


def test_a_refused_page_is_logged_as_the_api_logs_a_refusal(
    client: TestClient, sign_in: SignIn, auth: Headers
) -> None:
    person = an_inpatient(client, auth)
    stranger = sign_in("lead", OTHER_AREA, user="lead-elsewhere")
    assert stranger.get(f"/people/{person}").status_code == 404
    rows = _access_rows(client)
    assert any(
        r["actor_id"] == "lead-elsewhere"
        and r["outcome"] == "refused"
        and r["target"] == f"/people/{person}"
        for r in rows
    )


def _access_rows(client: TestClient) -> list[dict[str, Any]]:
    access = client.app.state.services.access_log  # type: ignore[attr-defined]
    with access.db.read() as cursor:
        cursor.execute("SELECT actor_id, outcome, target FROM access_trail")
        return list(cursor.fetchall())


def test_every_page_has_a_strict_content_security_policy(
    client: TestClient, sign_in: SignIn
) -> None:
    lead = sign_in("lead")
    for path in ("/sign-in", "/register", "/referrals", "/referrals/new", "/dashboard"):
        answer = lead.get(path)
        assert answer.headers["content-security-policy"] == content_security_policy()
        assert "'unsafe-inline'" not in content_security_policy()
        assert "<script>" not in answer.text and " style=" not in answer.text
        assert answer.headers["cache-control"] == "no-store"
    cookie = lead.cookies.jar
    assert all(c.has_nonstandard_attr("HttpOnly") for c in cookie)


def test_a_form_without_the_sessions_token_records_nothing(
    client: TestClient, sign_in: SignIn, auth: Headers
) -> None:
    lead = sign_in("lead")
    before = client.get("/v1/referrals", headers=auth("lead")).json()
    forged = lead.post(
        "/referrals/new", data={"csrf_token": "not-the-token", "area": f.ENGLISH_AREA}
    )
    assert forged.status_code == 400
    stranger = TestClient(client.app)
    no_cookie = stranger.post("/referrals/new", data={"csrf_token": "x"}, follow_redirects=False)
    assert (no_cookie.status_code, no_cookie.headers["location"]) == (303, "/sign-in")
    after = client.get("/v1/referrals", headers=auth("lead")).json()
    assert after == before


def test_signing_out_ends_the_session(client: TestClient, sign_in: SignIn) -> None:
    lead = sign_in("lead")
    page = lead.get("/register")
    assert page.status_code == 200
    signed_out = lead.post("/sign-out", data={"csrf_token": csrf_of(page.text)})
    assert signed_out.url.path == "/sign-in"
    again = lead.get("/register", follow_redirects=False)
    assert again.status_code == 303 and again.headers["location"] == "/sign-in"


def test_a_session_lapses_after_the_idle_time(client: TestClient, sign_in: SignIn) -> None:
    lead = sign_in("lead")
    sessions = client.app.state.console.sessions  # type: ignore[attr-defined]
    sessions.idle_seconds = 1
    time.sleep(2.1)  # itsdangerous counts whole seconds
    answer = lead.get("/register", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/sign-in"


def test_the_local_sign_in_is_off_when_configured_off(client: TestClient) -> None:
    token = csrf_of(client.get("/sign-in").text)  # the form, while it is still offered
    client.app.state.console.local_sign_in = False  # type: ignore[attr-defined]
    assert "Local sign-in" not in client.get("/sign-in").text
    refused = client.post(
        "/sign-in",
        data={"csrf_token": token, "user": "x", "role": "lead", "area": f.ENGLISH_AREA},
        follow_redirects=False,
    )
    assert refused.status_code == 403
    assert client.get("/register", follow_redirects=False).status_code == 303


def test_a_record_as_at_a_day_before_its_referral_says_when_it_begins(
    client: TestClient, sign_in: SignIn, auth: Headers
) -> None:
    person = an_inpatient(client, auth)
    page = sign_in("lead").get(f"/people/{person}?day=1&month=1&year=2020")
    assert page.status_code == 422
    assert "The record begins on 10 January 2025" in page.text


def test_a_person_is_found_by_a_posted_number_never_one_in_the_address(
    client: TestClient, sign_in: SignIn, auth: Headers
) -> None:
    person = an_inpatient(client, auth)
    number = referral_body()["details"]["nhs_number"]
    lead = sign_in("lead")
    page = lead.get("/register")
    found = lead.post("/find", data={"csrf_token": csrf_of(page.text), "q": number})
    assert found.status_code == 200
    assert found.url.path == f"/people/{person}"  # the holder's record, by its id only
    assert number not in str(found.url)
    nobody = lead.post("/find", data={"csrf_token": csrf_of(page.text), "q": "9999999999"})
    assert "0 people found" in nobody.text


def test_an_inpatient_never_referred_is_found_by_name(
    client: TestClient, sign_in: SignIn, auth: Headers
) -> None:
    body = f.inpatient(seed=4).model_dump(mode="json")
    notified = client.post("/v1/inpatients", json=body, headers=auth("lead")).json()
    client.get("/v1/inpatients", params={"wait_for": notified["position"]}, headers=auth("lead"))
    lead = sign_in("lead")
    page = lead.get("/register")
    found = lead.post(
        "/find", data={"csrf_token": csrf_of(page.text), "q": body["details"]["family_name"]}
    )
    assert found.status_code == 200 and "1 person found" in found.text
    assert notified["person_id"] in found.text and "Not referred" in found.text


def test_a_practitioner_sees_no_name_once_the_person_has_left_the_register(
    client: TestClient, sign_in: SignIn, auth: Headers
) -> None:
    lead = auth("lead")
    body = referral_body(seed=31)
    person = client.post("/v1/persons", json=body, headers=lead).json()["person_id"]
    for path, step in (
        ("consents", f.consent().model_dump(mode="json")),
        ("acceptances", {"accepted_on": "2025-01-14", "rating": {"level": "green"}}),
        ("removals", {"removed_on": "2025-03-01", "reason_code": "stable"}),
    ):
        assert client.post(f"/v1/persons/{person}/{path}", json=step, headers=lead).is_success
    name = body["details"]["family_name"]
    practitioner = sign_in("practitioner")
    for path in ("", "/timeline", "/record", "/record/re-referrals"):
        page = practitioner.get(f"/people/{person}{path}")
        assert page.status_code == 200, path
        assert name not in page.text and "Details withheld" in page.text, path
    assert name in sign_in("lead").get(f"/people/{person}").text  # the lead still sees it


def test_a_page_says_the_service_is_unavailable_when_the_store_is_away(
    client: TestClient, sign_in: SignIn, auth: Headers, monkeypatch: pytest.MonkeyPatch
) -> None:
    person = an_inpatient(client, auth)
    lead = sign_in("lead")
    registers = client.app.state.services.registers  # type: ignore[attr-defined]

    def away(*_: object, **__: object) -> None:
        raise psycopg.OperationalError("connection refused")

    monkeypatch.setattr(registers, "get_person", away)
    page = lead.get(f"/people/{person}")
    assert page.status_code == 503 and page.headers["retry-after"] == "5"
    assert "the service is unavailable" in page.text and "Traceback" not in page.text


def test_a_mistyped_address_is_a_page_for_a_browser_and_problem_details_for_a_client(
    client: TestClient, sign_in: SignIn
) -> None:
    browser = sign_in("lead")
    page = browser.get("/registre", headers={"Accept": "text/html"})
    assert page.status_code == 404 and "Page not found" in page.text
    assert page.headers["content-security-policy"] == content_security_policy()
    api = client.get("/v1/registre", headers={"Accept": "text/html"})
    assert api.status_code == 404 and api.headers["content-type"] == "application/problem+json"
    assert client.get("/registre").headers["content-type"] == "application/problem+json"
