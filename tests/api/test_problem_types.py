"""Issue 29: a problem's `type` is an absolute URI on the server that answered, and opening
it gives a page saying what the problem means and what to do (RFC 9457 §3.1.1)."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import Headers, referral_body

Ask = Callable[[TestClient, Headers], httpx.Response]

ASKED: dict[str, Ask] = {
    "validation": lambda c, a: c.post("/v1/persons", json={"area": "x"}, headers=a("lead")),
    "unknown-query-parameter": lambda c, a: c.get(
        "/v1/register", params={"ratng": "red"}, headers=a("lead")
    ),
    "malformed-body": lambda c, a: c.post(
        "/v1/persons", content=b"{", headers=a("lead") | {"Content-Type": "application/json"}
    ),
    "unauthenticated": lambda c, a: c.get("/v1/register"),
    "not-found": lambda c, a: c.get("/v1/nothing-here", headers=a("lead")),
    "method-not-allowed": lambda c, a: c.delete("/v1/register", headers=a("lead")),
    "body-too-large": lambda c, a: c.post(
        "/v1/persons",
        content=b'{"reason": "' + b"x" * 300_000 + b'"}',
        headers=a("lead") | {"Content-Type": "application/json"},
    ),
    "person-not-found": lambda c, a: c.get(
        "/v1/persons/00000000-0000-4000-8000-000000000000", headers=a("lead")
    ),
    "consent-required": lambda c, a: _accept_without_consent(c, a),
}


def _accept_without_consent(client: TestClient, auth: Headers) -> httpx.Response:
    made = client.post("/v1/persons", json=referral_body(3), headers=auth("lead")).json()
    accept = {"accepted_on": "2025-01-14", "rating": {"level": "amber"}}
    path = f"/v1/persons/{made['person_id']}/acceptances"
    answer: httpx.Response = client.post(path, json=accept, headers=auth("lead"))
    return answer


@pytest.mark.parametrize("slug", sorted(ASKED))
def test_each_problem_type_is_an_absolute_address_with_a_page(
    client: TestClient, auth: Headers, slug: str
) -> None:
    answer = ASKED[slug](client, auth)
    problem = answer.json()
    assert answer.headers["content-type"] == "application/problem+json"
    assert problem["type"] == f"http://testserver/problems/{slug}"
    page = client.get(problem["type"].removeprefix("http://testserver"))
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert f"<h1>{problem['title']}</h1>" in page.text.replace("&#39;", "'")
    assert "What to do" in page.text
    index = client.get("/problems").text
    assert f'href="/problems/{slug}"' in index


def test_a_problem_type_that_does_not_exist_has_no_page(client: TestClient) -> None:
    assert client.get("/problems/no-such-problem").status_code == 404


def test_a_deprecated_operation_or_parameter_says_so_in_its_answer(
    client: TestClient, auth: Headers
) -> None:
    """RFC 9745 / RFC 8594: a client's logs show the deprecation before the removal."""
    lead = auth("lead")
    old = client.get("/v1/inpatients/all", headers=lead)
    assert old.status_code == 200 and old.headers["deprecation"].startswith("@")
    assert old.headers["sunset"].endswith("GMT")
    with_old_filter = client.get("/v1/register", params={"status": "on_register"}, headers=lead)
    assert with_old_filter.status_code == 200 and "deprecation" in with_old_filter.headers
    current = client.get("/v1/register", headers=lead)
    assert (
        "deprecation" not in current.headers
        and "deprecation" not in client.get("/v1/inpatients", headers=lead).headers
    )
