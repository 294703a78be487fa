"""An API client on each backend, with tokens minted by the app's own key."""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from dsr_core.domain.codes import Role
from dsr_http.config import HttpSettings
from dsr_http.main import create_app
from tests.conftest import SettingsFactory
from tests.support import factories as f

JWT_SECRET = base64.b64encode(b"api-test-jwt-secret-32-bytes-ok!").decode()
Headers = Callable[..., dict[str, str]]


@pytest.fixture
def client(make_settings: SettingsFactory, clock: f.FakeClock) -> Iterator[TestClient]:
    app = create_app(
        make_settings(), HttpSettings(jwt_secret=JWT_SECRET, max_wait_seconds=10), clock=clock
    )
    with TestClient(app) as test_client:
        app.state.services.runner.poll_interval = 0.05
        yield test_client


@pytest.fixture
def auth(client: TestClient) -> Headers:
    """auth(role, *areas, **headers) -> request headers with a bearer token."""

    def headers(
        role: str = "lead",
        *areas: str,
        sub: str | None = None,
        organisation: str | None = None,
        **extra: str,
    ) -> dict[str, str]:
        verifier = client.app.state.services.verifier  # type: ignore[attr-defined]
        token = verifier.mint(
            sub=sub or f"{role}-1",
            role=Role(role),
            areas=list(areas or [f.ENGLISH_AREA]),
            organisation=organisation,
        )
        return {
            "Authorization": f"Bearer {token}",
            **{k.replace("_", "-"): v for k, v in extra.items()},
        }

    return headers


def referral_body(seed: int = 1, area: str = f.ENGLISH_AREA, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = f.referral(seed=seed, area=area).model_dump(mode="json")
    body.update(overrides)
    return body
