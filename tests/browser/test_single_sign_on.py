"""Issue 28 in a real browser: a real `dsr serve` configured for single sign-on, a real
OpenID provider (node-oidc-provider on loopback) and Debian's Chromium. The person signs
in at the provider, comes back signed in with the role the mapping gives, and signing
out signs them out at the provider too."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from selenium.webdriver.common.by import By

from tests.browser.conftest import Browsers, Page, serving
from tests.support import factories as f
from tests.support.oidc import provider as op
from tests.support.pgserver import free_port

ACCOUNTS = {"lee.lead": {"name": "Lee Lead", "roles": ["DSR.Lead"]}}
MAPPING = f"""
[[rule]]
role = "lead"
areas = ["{f.ENGLISH_AREA}"]
[rule.claims]
roles = ["DSR.Lead"]
"""


@dataclass(frozen=True)
class Deployment:
    base: str
    provider: op.Provider


@pytest.fixture(scope="module")
def deployment(
    tmp_path_factory: pytest.TempPathFactory, browser_tools: None
) -> Iterator[Deployment]:
    missing = op.available()
    if missing:
        if os.environ.get("DSR_REQUIRE_BROWSER"):
            pytest.fail(f"the test OpenID provider cannot run: {missing}")
        pytest.skip(f"the test OpenID provider cannot run: {missing}")
    data = tmp_path_factory.mktemp("sso-data")
    (data / "claims.toml").write_text(MAPPING)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with op.running(ACCOUNTS, [f"{base}/sign-in/callback"]) as provider:
        settings = {
            "DSR_CLAIMS_MAP": str(data / "claims.toml"),
            "DSR_OIDC_ISSUER": provider.issuer,
            "DSR_OIDC_CLIENT_ID": op.CLIENT_ID,
            "DSR_OIDC_CLIENT_SECRET": op.CLIENT_SECRET,
            "DSR_OIDC_SCOPES": "openid profile dsr",
            "DSR_OIDC_NAME": "the test provider",
            "DSR_CONSOLE_LOCAL_SIGN_IN": "false",
        }
        with serving(data, port, settings):
            yield Deployment(base, provider)


def test_a_lead_signs_in_at_the_provider_and_out_again(
    deployment: Deployment, browsers: Browsers
) -> None:
    page = Page(browsers(), deployment.base)
    page.go("/sign-in")
    assert "Local sign-in" not in page.text
    assert page.accessibility_violations() == []
    page.follow("Sign in with the test provider")
    assert page.path.startswith(deployment.provider.issuer)  # at the provider's own page
    page.fill("login", "lee.lead").fill("password", "any")
    page.after_load(page.driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click)
    assert page.path.startswith("/register"), page.path
    assert "lee.lead" in page.text
    # (the provider's own test page asks for a web font; the console asks for nothing)
    assert [e for e in page.console_errors() if e.startswith(deployment.base)] == []

    page.press("Sign out")
    # at the provider, which asks whether to sign out there too
    assert page.path.startswith(f"{deployment.provider.issuer}/session/end")
    page.go("/register")
    assert page.path.startswith("/sign-in")
