"""Schemathesis over the generated OpenAPI document: no 5xx, responses match the schema.

Driven through Hypothesis directly (schemathesis's pytest plugin does not yet work with
pytest 9's parametrised fixtures), one generated batch per operation.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.api.conftest import Headers

EXAMPLES_PER_OPERATION = 15


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
        kwargs = case.as_transport_kwargs(base_url="", headers=headers)
        if not kwargs.get("cookies"):
            kwargs.pop("cookies", None)  # per-request cookies are deprecated in starlette
        response = client.request(**kwargs)
        assert response.status_code < 500, (operation.label, response.text)
        # Check digits, cross-field and domain rules cannot be written in JSON Schema, so
        # schema-valid requests may rightly be refused: that one check is left out.
        case.validate_response(response, excluded_checks=[positive_data_acceptance])

    return conforms


def test_the_api_honours_its_own_contract(client: TestClient, auth: Headers) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", client.app)
    operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
    assert len(operations) >= 28
    for operation in operations:
        conformance_check(operation, client, auth("lead"))()
