"""What a careless client or an attacker sends gets a clear, documented answer (issue 10)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import Headers, referral_body
from tests.support import factories as f

PROBLEM = "application/problem+json"


def refer(client: TestClient, auth: Headers, seed: int = 1) -> str:
    response = client.post("/v1/persons", json=referral_body(seed), headers=auth("lead"))
    assert response.status_code == 201, response.text
    return str(response.json()["person_id"])


def fields(response: Any) -> set[str]:
    assert response.headers["content-type"] == PROBLEM, response.text
    return {e["field"] for e in response.json().get("errors", [])}


# ------------------------------------------------------------------ strict text


@pytest.mark.parametrize(
    ("where", "value"),
    [
        ("details.given_name", "Al\x00ex"),
        ("details.family_name", "Ex\u202eample"),  # right-to-left override
        ("details.family_name", "   "),
        ("details.given_name", "Al\tex"),  # a tab is for free text only
        ("referred_by", "nurse\x85"),  # a C1 control
        ("reason", "\x00"),
        ("reason", "bell\x07"),
        # issue 30: invisible text
        ("details.given_name", "\u200b"),  # only a zero-width space
        ("details.family_name", "\u200b\u2060 \u200d"),  # only invisible characters
        ("details.family_name", "\ufeffExample"),  # a leading byte-order mark
        ("reason", "First line.\u2028Second line."),  # a line separator
        ("referred_by", "nurse\u2029"),  # a paragraph separator
    ],
)
def test_text_with_control_or_override_characters_is_refused_with_its_field(
    client: TestClient, auth: Headers, where: str, value: str
) -> None:
    body = referral_body()
    if where.startswith("details."):
        body["details"][where.split(".")[1]] = value
    else:
        body[where] = value
    response = client.post("/v1/persons", json=body, headers=auth("lead"))
    assert response.status_code == 422
    assert fields(response) == {where}


def test_free_text_keeps_its_tabs_and_line_breaks(client: TestClient, auth: Headers) -> None:
    body = referral_body(reason="First line.\n\tSecond line.\r\nThird. 👩\u200d👧")
    response = client.post("/v1/persons", json=body, headers=auth("lead"))
    assert response.status_code == 201, response.text  # a joiner inside visible text stays


# ------------------------------------------------------------------ strict parsing


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"referred_on": 1736467200}, "referred_on"),  # a Unix timestamp
        ({"referred_on": "2025-01-10T00:00:00"}, "referred_on"),
        ({"details": {"date_of_birth": "1800-01-01"}}, "details.date_of_birth"),
    ],
)
def test_lenient_values_are_refused(
    client: TestClient, auth: Headers, change: dict[str, Any], field: str
) -> None:
    body = referral_body()
    for key, value in change.items():
        if isinstance(value, dict):
            body[key].update(value)
        else:
            body[key] = value
    response = client.post("/v1/persons", json=body, headers=auth("lead"))
    assert response.status_code == 422
    assert fields(response) == {field}


@pytest.mark.parametrize("value", ["yes", 1, "true"])
def test_a_boolean_is_true_or_false(client: TestClient, auth: Headers, value: object) -> None:
    person_id = refer(client, auth)
    response = client.post(
        f"/v1/persons/{person_id}/data-sharing-objections",
        json={"objects": value, "recorded_on": "2025-01-11"},
        headers=auth("lead"),
    )
    assert response.status_code == 422
    assert fields(response) == {"objects"}


def test_a_repeated_json_member_is_refused(client: TestClient, auth: Headers) -> None:
    person_id = refer(client, auth)
    raw = b'{"objects": false, "recorded_on": "2025-01-11", "objects": true}'
    response = client.post(
        f"/v1/persons/{person_id}/data-sharing-objections",
        content=raw,
        headers={**auth("lead"), "Content-Type": "application/json"},
    )
    assert response.status_code == 422
    assert fields(response) == {"objects"}
    history = client.get(f"/v1/persons/{person_id}/history", headers=auth("lead")).json()
    assert [h["event_type"] for h in history] == ["Referred"]


@pytest.mark.parametrize(
    "raw",
    [
        b'{"withdrawn_on": "2025-06-01", "reason": "\xff\xfe"}',  # not UTF-8
        b"[" * 100_000 + b"]" * 100_000,
        b'{"withdrawn_on": "2025-06-01", "x": 1' + b"0" * 5000 + b"}",
        b'{"withdrawn_on": "2025-06-',  # truncated
        b'{"withdrawn_on": NaN}',
    ],
)
def test_a_malformed_body_gets_a_documented_problem_naming_the_body(
    client: TestClient, auth: Headers, raw: bytes
) -> None:
    person_id = refer(client, auth)
    response = client.post(
        f"/v1/persons/{person_id}/consent-withdrawals",
        content=raw,
        headers={**auth("lead"), "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["type"].endswith("/problems/malformed-body")
    assert fields(response) == {"body"}


# ------------------------------------------------------------------ sizes


def test_a_body_over_the_limit_is_refused_before_it_is_read(
    client: TestClient, auth: Headers
) -> None:
    huge = b'{"reason": "' + b"x" * 300_000 + b'"}'
    response = client.post(
        "/v1/persons", content=huge, headers={**auth("lead"), "Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json()["type"].endswith("/problems/body-too-large")


def test_a_streamed_body_is_cut_off_at_the_limit(client: TestClient, auth: Headers) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"reason": "'
        for _ in range(100):
            yield b"x" * 10_000
        yield b'"}'

    response = client.post(
        "/v1/persons",
        content=chunks(),
        headers={**auth("lead"), "Content-Type": "application/json"},
    )
    assert response.status_code == 413


def test_a_body_without_a_valid_token_is_refused_before_it_is_read(client: TestClient) -> None:
    huge = b"x" * 1_000_000
    for headers in ({}, {"Authorization": "Bearer not-a-token"}):
        response = client.post("/v1/persons", content=huge, headers=headers)
        assert response.status_code == 401
        assert response.json()["detail"]


def test_oversized_headers_are_refused(client: TestClient, auth: Headers) -> None:
    response = client.get("/v1/register", headers={**auth("lead"), "X-Padding": "p" * 20_000})
    assert response.status_code == 431
    assert response.headers["content-type"] == PROBLEM


# ------------------------------------------------------------------ tokens and answers


def test_a_token_signed_with_another_key_says_so(client: TestClient) -> None:
    import jwt

    token = jwt.encode(
        {"iss": "dsr", "aud": "dsr-api", "sub": "x", "role": "lead", "exp": 2**40, "areas": []},
        b"another-key-entirely-32-bytes-lo",
        algorithm="HS256",
    )
    response = client.get("/v1/register", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert "signature" in response.json()["detail"]


def test_a_token_with_an_empty_subject_is_refused(client: TestClient, auth: Headers) -> None:
    response = client.get("/v1/register", headers=auth("lead", sub=" "))
    assert response.status_code == 401
    assert "sub" in response.json()["detail"]


def test_unknown_routes_and_methods_get_problems_with_detail(client: TestClient) -> None:
    missing = client.get("/v1/nothing-here")
    assert missing.status_code == 404 and missing.json()["detail"]
    wrong = client.delete("/healthz")
    assert wrong.status_code == 405
    assert wrong.headers["Allow"] == "GET"
    assert wrong.json()["detail"]
    # issue 30: GET and POST at one path are two routes; Allow names both
    both = client.delete("/v1/inpatients")
    assert both.status_code == 405 and both.headers["Allow"] == "GET, POST"


def test_an_empty_if_match_is_invalid_input(client: TestClient, auth: Headers) -> None:
    person_id = refer(client, auth)
    response = client.post(
        f"/v1/persons/{person_id}/consents",
        json={"basis": "informed_consent", "decided_on": "2025-01-11", "decided_by": "the person"},
        headers=auth("lead", If_Match=""),
    )
    assert response.status_code == 422
    assert fields(response) == {"if-match"}


def test_recorded_by_needs_a_time_zone(client: TestClient, auth: Headers) -> None:
    person_id = refer(client, auth)
    response = client.get(
        f"/v1/persons/{person_id}",
        params={"recorded_by": "2025-09-01T12:00:00"},
        headers=auth("lead"),
    )
    assert response.status_code == 422
    assert fields(response) == {"recorded_by"}
    fine = client.get(
        f"/v1/persons/{person_id}",
        params={"recorded_by": "2025-09-01T12:00:00Z"},
        headers=auth("lead"),
    )
    assert fine.status_code == 200


def test_a_position_beyond_any_integer_is_invalid(client: TestClient, auth: Headers) -> None:
    response = client.get(
        "/v1/reminders", params={"after": 2**63}, headers=auth("practitioner", f.ENGLISH_AREA)
    )
    assert response.status_code == 422
    assert fields(response) == {"after"}


# ------------------------------------------------------------------ analysts and k


def admit_one(client: TestClient, auth: Headers) -> str:
    person_id = refer(client, auth)
    lead = auth("lead")
    steps = [
        ("consents", {"basis": "informed_consent", "decided_on": "2025-01-11", "decided_by": "p"}),
        ("acceptances", {"accepted_on": "2025-01-14", "rating": {"level": "amber"}}),
        (
            "admissions",
            {
                "admitted_on": "2025-02-10",
                "hospital": "Imaginary General",
                "ward_type": "learning_disability",
                "in_area": True,
                "legal_status": "informal",
            },
        ),
    ]
    position = 0
    for path, body in steps:
        response = client.post(f"/v1/persons/{person_id}/{path}", json=body, headers=lead)
        assert response.status_code == 200, response.text
        position = response.json()["position"]
    client.get("/v1/register", params={"wait_for": position}, headers=lead)
    return person_id


def small_numbers(value: object) -> list[object]:
    if isinstance(value, dict):
        return [n for v in value.values() for n in small_numbers(v)]
    if isinstance(value, bool):
        return []
    if isinstance(value, (int, float)) and 0 < value < 5:
        return [value]
    return []


def test_an_analyst_gets_reporting_periods_only_with_controlled_figures(
    client: TestClient, auth: Headers
) -> None:
    admit_one(client, auth)
    url = f"/v1/areas/{f.ENGLISH_AREA}/length-of-stay"
    window = client.get(
        url, params={"start": "2025-02-10", "end": "2025-02-10"}, headers=auth("analyst")
    )
    assert window.status_code == 403
    figures = client.get(url, params={"period": "2025-Q1"}, headers=auth("analyst")).json()
    assert figures["admissions"] == "*"
    assert figures["bed_days"] == "*"
    assert small_numbers(figures) == []
    # A lead, who may see the person anyway, still gets the exact figures.
    exact = client.get(url, params={"period": "2025-Q1"}, headers=auth("lead")).json()
    assert exact["admissions"] == 1 and isinstance(exact["bed_days"], int) and exact["bed_days"] > 0


def test_k_is_a_floor_a_request_may_only_raise(client: TestClient, auth: Headers) -> None:
    url = f"/v1/areas/{f.ENGLISH_AREA}/national-dataset"
    lowered = client.get(url, params={"period": "2025-Q3", "k": 2}, headers=auth("lead"))
    assert lowered.status_code == 422 and fields(lowered) == {"k"}
    raised = client.get(url, params={"period": "2025-Q3", "k": 9}, headers=auth("lead"))
    assert raised.status_code == 200 and raised.json()["k"] == 9
    default = client.get(url, params={"period": "2025-Q3"}, headers=auth("lead"))
    assert default.json()["k"] == 5


def test_an_idempotent_replay_checks_the_area_again(client: TestClient, auth: Headers) -> None:
    person_id = refer(client, auth)
    body = {"basis": "informed_consent", "decided_on": "2025-01-11", "decided_by": "the person"}
    url = f"/v1/persons/{person_id}/consents"
    first = client.post(url, json=body, headers=auth("lead", Idempotency_Key="k-1"))
    assert first.status_code == 200
    moved = auth("lead", f.OTHER_ENGLISH_AREA, Idempotency_Key="k-1")
    replay = client.post(url, json=body, headers=moved)
    assert replay.status_code == 404
    assert "Testperson" not in replay.text


# ------------------------------------------------------------------ reads are audited


def access_rows(client: TestClient, auth: Headers, person_id: str) -> list[dict[str, Any]]:
    response = client.get(f"/v1/audit/persons/{person_id}/access", headers=auth("auditor"))
    assert response.status_code == 200, response.text
    rows: list[dict[str, Any]] = response.json()
    return rows


def test_bulk_reads_of_person_data_are_in_the_access_log(client: TestClient, auth: Headers) -> None:
    first, second = refer(client, auth, seed=1), refer(client, auth, seed=2)
    reader = auth("practitioner", sub="bulk-reader")
    position = client.post("/v1/persons", json=referral_body(3), headers=auth("lead")).json()
    assert (
        client.get(
            "/v1/referrals", params={"wait_for": position["position"]}, headers=reader
        ).status_code
        == 200
    )
    assert client.get("/v1/referrals", params={"format": "csv"}, headers=reader).status_code == 200
    for person_id in (first, second):
        rows = [r for r in access_rows(client, auth, person_id) if r["actor_id"] == "bulk-reader"]
        assert [r["what"] for r in rows] == ["referral-queue-json", "referral-queue-csv"]
        assert all(first in r["person_ids"] and second in r["person_ids"] for r in rows)
        assert all(r["request_id"] for r in rows)


def test_the_actor_trail_is_filtered_in_the_query_and_audited(
    client: TestClient, auth: Headers
) -> None:
    for seed in range(1, 4):
        client.post(
            "/v1/persons",
            json=referral_body(seed, area=f.OTHER_ENGLISH_AREA),
            headers=auth("lead", f.OTHER_ENGLISH_AREA),
        )
    own = refer(client, auth, seed=9)
    created = client.post("/v1/persons", json=referral_body(10), headers=auth("lead")).json()
    client.get(
        "/v1/audit/persons/" + own,
        params={"wait_for": created["position"]},
        headers=auth("auditor"),
    )
    trail = client.get(
        "/v1/audit/actors/lead-1",
        params={"since": "2020-01-01T00:00:00Z", "until": "2030-01-01T00:00:00Z"},
        headers=auth("auditor", f.ENGLISH_AREA),
    ).json()["items"]
    assert {r["actor_area"] for r in trail} == {f.ENGLISH_AREA} and len(trail) == 2
    assert all(isinstance(r["changes"], dict) for r in trail)  # an object, not JSON text
    assert "actor-trail" in {r["what"] for r in access_rows(client, auth, own)}


def test_a_refused_cross_area_attempt_records_its_target(client: TestClient, auth: Headers) -> None:
    person_id = refer(client, auth)
    intruder = auth("practitioner", f.OTHER_ENGLISH_AREA, sub="intruder")
    assert client.get(f"/v1/persons/{person_id}", headers=intruder).status_code == 404
    with client.app.state.services.db.read() as cursor:  # type: ignore[attr-defined]
        cursor.execute("SELECT * FROM access_trail WHERE actor_id = 'intruder'")
        [row] = cursor.fetchall()
    assert row["outcome"] == "refused" and row["target"] == f"/v1/persons/{person_id}"


def test_after_consent_is_withdrawn_only_lead_and_auditor_see_who_it_was(
    client: TestClient, auth: Headers
) -> None:
    person_id = refer(client, auth)
    client.post(
        f"/v1/persons/{person_id}/consent-withdrawals",
        json={"withdrawn_on": "2025-02-01"},
        headers=auth("lead"),
    )
    practitioner = auth("practitioner")
    record = client.get(f"/v1/persons/{person_id}", headers=practitioner)
    assert record.status_code == 200
    assert record.json()["details"] is None and record.json()["details_withheld"] is True
    history = client.get(f"/v1/persons/{person_id}/history", headers=practitioner)
    then = client.get(
        f"/v1/persons/{person_id}", params={"as_of": "2025-01-20"}, headers=practitioner
    )
    for response in (record, history, then):
        assert "Testperson" not in response.text and "Fictitious" not in response.text
    for role in ("lead", "auditor"):
        seen = client.get(f"/v1/persons/{person_id}", headers=auth(role)).json()
        assert seen["details"]["given_name"] == "Testperson1"


# ------------------------------------------------------------------ odds and ends


def test_a_wait_beyond_the_log_head_is_answered_at_once(client: TestClient, auth: Headers) -> None:
    import time

    refer(client, auth)
    started = time.monotonic()
    response = client.get("/v1/register", params={"wait_for": 10**12}, headers=auth("lead"))
    # The client's bound is 10 s: a position no write can reach is not waited for.
    assert time.monotonic() - started < 5
    assert response.status_code == 200 and response.headers["X-Projection-Behind"] == "true"


def test_area_codes_are_ascii_digits(client: TestClient, auth: Headers) -> None:
    body = referral_body()
    body["area"] = "E5400004\u0668"  # an Arabic-Indic eight
    response = client.post("/v1/persons", json=body, headers=auth("lead", "E5400004\u0668"))
    assert response.status_code == 422
    assert fields(response) == {"area"}


def test_an_unexpected_error_is_logged_once_with_the_request_id(
    client: TestClient, auth: Headers, capsys: pytest.CaptureFixture[str], monkeypatch: Any
) -> None:
    person_id = refer(client, auth)
    registers = client.app.state.services.registers  # type: ignore[attr-defined]

    message = "Testperson" + "1 " + f.nhs_number(1)  # what the error says must not be logged

    def broken(_: object) -> None:
        raise RuntimeError(message)

    monkeypatch.setattr(registers, "history", broken)
    capsys.readouterr()
    response = client.get(f"/v1/persons/{person_id}/history", headers=auth("lead"))
    assert response.status_code == 500
    assert response.json()["type"].endswith("/problems/internal")
    logged = capsys.readouterr()
    text = logged.out + logged.err
    failures = [line for line in text.splitlines() if "request_failed" in line]
    assert len(failures) == 1 and response.headers["X-Request-ID"] in failures[0]
    assert "RuntimeError" in failures[0] and "Testperson1" not in text


def test_the_interactive_docs_need_no_network(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    assert "/static/swagger-ui/swagger-ui-bundle.js" in page.text
    assert "cdn." not in page.text and "https://" not in page.text.split("<body>")[0]
    assert client.get("/static/swagger-ui/swagger-ui-bundle.js").status_code == 200
    assert client.get("/static/swagger-ui/swagger-ui.css").status_code == 200


def test_every_error_response_refers_to_one_problem_component(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    problem = document["components"]["schemas"]["Problem"]
    assert problem["properties"]["errors"]["anyOf"][0]["items"] == {
        "$ref": "#/components/schemas/FieldProblem"
    }
    refs = set()
    for operations in document["paths"].values():
        for operation in operations.values():
            if operation["operationId"] == "readyz":
                continue  # its 503 is a readiness report (JSON status), not a problem
            for status, answer in operation.get("responses", {}).items():
                if status.startswith(("4", "5")):
                    schema = answer["content"]["application/problem+json"]["schema"]
                    refs.add(schema["$ref"])
    assert refs == {"#/components/schemas/Problem"}
    assert "RFC 9457" not in str(document["paths"])  # no copy written into a response


def test_every_component_has_a_title_of_its_own(client: TestClient) -> None:
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    titles = [schema.get("title", name) for name, schema in schemas.items()]
    assert len(titles) == len(set(titles))


def test_an_unknown_query_parameter_is_refused_naming_it(client: TestClient, auth: Headers) -> None:
    misspelt = client.get("/v1/register", params={"ratng": "red"}, headers=auth("lead"))
    assert misspelt.status_code == 400
    detail = misspelt.json()["detail"]
    assert "ratng" in detail and "rating" in detail  # what was wrong, and what it takes
    assert client.get("/v1/register", params={"rating": "red"}, headers=auth("lead")).is_success


def test_the_actor_trail_pages_with_a_cursor_and_a_link(client: TestClient, auth: Headers) -> None:
    """Issue 29: a long trail is read a page at a time, never cut short silently."""
    last = {}
    for seed in range(20, 25):
        last = client.post("/v1/persons", json=referral_body(seed), headers=auth("lead")).json()
    client.get(
        f"/v1/audit/persons/{last['person_id']}",
        params={"wait_for": last["position"]},
        headers=auth("auditor"),
    )
    window = {"since": "2020-01-01T00:00:00Z", "until": "2030-01-01T00:00:00Z", "limit": 2}
    seen: list[str] = []
    address: str | None = "/v1/audit/actors/lead-1"
    params: dict[str, object] | None = window
    while address:
        page = client.get(address, params=params, headers=auth("auditor"))
        seen += [row["person_id"] for row in page.json()["items"]]
        link = page.headers.get("link")
        assert (link is None) == (page.json()["next_cursor"] is None)
        address, params = (link[1 : link.index(">")], None) if link else (None, None)
    assert len(seen) == 5 == len(set(seen))
