"""A console (and API) client on each backend, and a signed-in browser session by role."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from dsr_http.config import HttpSettings
from dsr_http.main import create_app
from tests.api.conftest import JWT_SECRET
from tests.api.conftest import auth as auth  # the API's tokens, for the same app
from tests.conftest import SettingsFactory
from tests.support import factories as f

SignIn = Callable[..., TestClient]
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "the page has no form token"
    return found.group(1)


@pytest.fixture
def client(make_settings: SettingsFactory, clock: f.FakeClock) -> Iterator[TestClient]:
    settings = HttpSettings(jwt_secret=JWT_SECRET, max_wait_seconds=10, console_local_sign_in=True)
    app = create_app(make_settings(), settings, clock=clock)
    with TestClient(app) as test_client:
        app.state.services.runner.poll_interval = 0.05
        yield test_client


@pytest.fixture
def sign_in(client: TestClient) -> SignIn:
    """sign_in(role, *areas) -> a browser (its own cookie jar) signed in as that user."""

    def signed_in(role: str = "lead", *areas: str, user: str | None = None) -> TestClient:
        browser = TestClient(client.app)
        page = browser.get("/sign-in")
        answer = browser.post(
            "/sign-in",
            data={
                "csrf_token": csrf_of(page.text),
                "user": user or f"{role}-user",
                "role": role,
                "area": ",".join(areas or [f.ENGLISH_AREA]),
            },
            follow_redirects=False,
        )
        assert answer.status_code == 303, answer.text
        return browser

    return signed_in
