"""PostgreSQL restarted under the API: 503 problem+json while it is away, then recovery."""

from __future__ import annotations

import base64
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from dsr_core.domain.codes import Role
from dsr_core.process.settings import Settings
from dsr_http.config import HttpSettings
from dsr_http.main import create_app
from tests.api.conftest import referral_body
from tests.support import factories as f
from tests.support.pgserver import ThrowawayPostgres, find_bindir

JWT = base64.b64encode(b"restart-test-jwt-secret-32-bytes").decode()


@pytest.fixture
def server() -> Iterator[ThrowawayPostgres]:
    bindir = find_bindir()
    if bindir is None:
        pytest.skip("PostgreSQL binaries not found")
    postgres = ThrowawayPostgres(bindir)
    postgres.start()
    yield postgres
    postgres.stop()


def test_the_api_answers_503_while_postgres_is_down_and_recovers_by_itself(
    server: ThrowawayPostgres, tmp_path: Path
) -> None:
    settings = Settings(
        database_url=server.url,
        identity_key=base64.b64encode(b"i" * 32).decode(),
        data_dir=tmp_path,
        database_timeout_seconds=1,  # each refusal then takes seconds, not twenty
    )
    app = create_app(settings, HttpSettings(jwt_secret=JWT, embedded_workers=False))
    with TestClient(app) as client:
        token = app.state.services.verifier.mint(sub="lead", role=Role.LEAD, areas=[f.ENGLISH_AREA])
        headers = {"Authorization": f"Bearer {token}"}
        assert client.post("/v1/persons", json=referral_body(1), headers=headers).status_code == 201

        server.pause()
        asked = time.monotonic()
        assert client.get("/readyz").status_code == 503
        assert time.monotonic() - asked < 1.5, "a load balancer's probe answers within a second"
        started = time.monotonic()
        down = client.post("/v1/persons", json=referral_body(2), headers=headers)
        assert down.status_code == 503, down.text
        assert down.headers["content-type"] == "application/problem+json"
        assert (
            down.json()["type"].endswith("/problems/unavailable") and "Retry-After" in down.headers
        )
        assert client.get("/v1/register", headers=headers).status_code == 503
        assert client.get("/readyz").status_code == 503
        assert time.monotonic() - started < 60, "answers while down must not hang"

        server.resume()
        deadline = time.monotonic() + 60
        while True:
            again = client.post("/v1/persons", json=referral_body(2), headers=headers)
            if again.status_code == 201:
                break
            assert again.status_code == 503 and time.monotonic() < deadline, again.text
            time.sleep(0.5)
        assert client.get("/v1/register", headers=headers).status_code == 200
