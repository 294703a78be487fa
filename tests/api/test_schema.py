"""Schemathesis over the generated OpenAPI document, every check on: no 5xx, responses match
the schema, invalid input refused, links followed from a referral through its commands.

Driven through Hypothesis directly (schemathesis's pytest plugin does not yet work with
pytest 9's parametrised fixtures), one generated batch per operation and role.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.core.transport import Response
from schemathesis.generation.stateful.state_machine import APIStateMachine

from dsr_http.config import HttpSettings
from dsr_http.main import create_app
from tests.api.conftest import JWT_SECRET, Headers
from tests.conftest import SettingsFactory
from tests.support import factories as f
from tests.support import schemathesis_hooks  # noqa: F401  (the identifier formats)

EXAMPLES_PER_OPERATION = 15
# Check digits (NHS, CHI), a CHI number's date of birth and "If-Match names the current
# version" cannot be written in JSON Schema, so schema-valid requests may rightly get 422
# or 412 besides the statuses schemathesis expects (2xx, 401, 403, 404, 409); and a walk
# that erases a person then follows its links gets 410 (schemathesis.toml says the same).
STATE_DEPENDENT = ["410", "412", "422"]


def load(client: TestClient) -> Any:
    schema = schemathesis.openapi.from_asgi("/openapi.json", client.app)
    acceptance = schema.config.checks.positive_data_acceptance
    acceptance.expected_statuses = [*acceptance.expected_statuses, *STATE_DEPENDENT]
    return schema


def conformance_check(
    operation: Any, client: TestClient, headers: dict[str, str]
) -> Callable[[], None]:
    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def conforms(case: Any) -> None:
        # The token goes on the case itself, so the auth probes can take it off again.
        case.headers = {**(case.headers or {}), **headers}
        kwargs = case.as_transport_kwargs(base_url="")
        if not kwargs.get("cookies"):
            kwargs.pop("cookies", None)  # per-request cookies are deprecated in starlette
        response = client.request(**kwargs)
        assert response.status_code < 500, (operation.label, response.text)
        case.validate_response(response, headers=headers)

    return conforms


# the lead's run on both stores (PostgreSQL refuses what SQLite keeps, NUL for one); the
# practitioner's, whose operations are a subset, on one
@pytest.mark.parametrize(
    "role", ["lead", pytest.param("practitioner", marks=pytest.mark.one_backend)]
)
def test_the_api_honours_its_own_contract(client: TestClient, auth: Headers, role: str) -> None:
    schema = load(client)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 28
    for operation in operations:
        conformance_check(operation, client, auth(role))()


@pytest.mark.one_backend
def test_the_links_walk_a_case_from_referral_through_its_commands(
    client: TestClient,
    auth: Headers,
    make_settings: SettingsFactory,
    clock: f.FakeClock,
    tmp_path: Path,
) -> None:
    spec = client.get("/openapi.json").json()
    links = spec["paths"]["/v1/persons"]["post"]["responses"]["201"]["links"]
    assert {"getPerson", "admitPerson", "recordConsent"} <= set(links)
    assert spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"

    schema = load(client)
    headers = auth("lead")
    steps: list[tuple[str, int]] = []

    walks = itertools.count()

    class Walk(schema.as_state_machine()):  # type: ignore[misc]
        """Each walk on a store of its own: what the server answers (and so which links have
        something to follow) must depend on the walk alone, or Hypothesis, finding a replayed
        walk take another turn, reports 'inconsistent data generation' instead of a result."""

        def setup(self) -> None:
            settings_ = make_settings(data_dir=tmp_path / f"walk-{next(walks)}")
            app = create_app(settings_, HttpSettings(jwt_secret=JWT_SECRET), clock=clock)
            self.client = TestClient(app).__enter__()

        def teardown(self) -> None:
            self.client.__exit__(None, None, None)

        def call(self, case: Any, **kwargs: Any) -> Any:
            case.headers = {**(case.headers or {}), **headers}
            transport = case.as_transport_kwargs(base_url="")
            if not transport.get("cookies"):
                transport.pop("cookies", None)
            response = self.client.request(**transport)
            steps.append((case.operation.label, response.status_code))
            return Response.from_any(response)

        def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
            assert response.status_code < 500, (case.operation.label, response.text)
            case.validate_response(response, headers=headers)

    assert issubclass(Walk, APIStateMachine)
    Walk.run(
        settings=settings(
            phases=[Phase.explicit, Phase.generate],
            max_examples=80,
            stateful_step_count=8,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
    )
    followed = {label for label, _ in steps if "{person_id}" in label}
    assert followed, f"no link from a referral was followed: {steps}"


def test_the_collections_in_the_contract_are_the_collections_there_are() -> None:
    from typing import get_args

    from dsr_http.routes.national import CollectionName
    from dsr_projections.national.collections import COLLECTIONS

    assert set(get_args(CollectionName)) == set(COLLECTIONS)
