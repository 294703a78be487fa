"""Issue 28: single sign-on through a real OpenID provider on loopback (node-oidc-provider,
not a mock). The console signs people in with the authorization code flow and PKCE; the
deployment's claims mapping gives the role and areas; the API takes the same provider's
access tokens through the same mapping."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from dsr_http.config import HttpSettings
from dsr_http.main import create_app
from tests.conftest import SettingsFactory
from tests.support import factories as f
from tests.support.oidc import provider as op

CALLBACK = "http://testserver/sign-in/callback"
ACCOUNTS: dict[str, dict[str, Any]] = {
    # Entra ID style: app roles in `roles`
    "lee.lead": {"name": "Lee Lead", "roles": ["DSR.Lead"]},
    # CIS2 style: each role with its organisation in one element of nhsid_nrbac_roles
    "pat.cis2": {
        "nhsid_nrbac_roles": [
            {"role_code": "S0010:G0020:R0050", "org_code": "QE1"},
            {"role_code": "S8000:G8000:R8001", "org_code": "QE1"},
        ]
    },
    # a school's SEND coordinator: an education partner
    "eddie.school": {"roles": ["DSR.Partner"], "organisation_type": "education"},
    # the right role at the wrong organisation: no element has both
    "sam.elsewhere": {
        "nhsid_nrbac_roles": [
            {"role_code": "S8000:G8000:R8001", "org_code": "X26"},
            {"role_code": "S0010:G0020:R0050", "org_code": "QE1"},
        ]
    },
}
MAPPING = f"""
[[rule]]
role = "lead"
areas = ["{f.ENGLISH_AREA}"]
[rule.claims]
roles = ["DSR.Lead"]

[[rule]]
role = "partner"
organisation_type = "education"
areas = ["{f.ENGLISH_AREA}"]
[rule.claims]
roles = ["DSR.Partner"]
organisation_type = ["education"]

[[rule]]
role = "practitioner"
areas = ["{f.ENGLISH_AREA}"]
within = "nhsid_nrbac_roles"
[rule.claims]
role_code = ["S8000:G8000:R8001"]
org_code = ["QE1"]
"""


@pytest.fixture(scope="module")
def provider() -> Iterator[op.Provider]:
    missing = op.available()
    if missing:
        pytest.skip(f"the test OpenID provider cannot run: {missing}")
    with op.running(ACCOUNTS, [CALLBACK]) as running:
        yield running


@pytest.fixture
def app_client(
    provider: op.Provider, make_settings: SettingsFactory, clock: f.FakeClock, tmp_path: Path
) -> Iterator[TestClient]:
    mapping = tmp_path / "claims.toml"
    mapping.write_text(MAPPING)
    http = HttpSettings(
        jwks_url=provider.jwks_url,
        jwt_issuer=provider.issuer,
        jwt_audience=op.API,
        claims_map=mapping,
        oidc_issuer=provider.issuer,
        oidc_client_id=op.CLIENT_ID,
        oidc_client_secret=op.CLIENT_SECRET,
        oidc_scopes="openid profile dsr",
        oidc_name="the test provider",
        console_local_sign_in=False,
    )
    app = create_app(make_settings(), http, clock=clock)
    with TestClient(app) as client:
        yield client


def signed_in_through(
    provider: op.Provider, client: TestClient, user: str
) -> tuple[TestClient, Response]:
    """A browser through the provider's sign-in as `user`, and the console's answer."""
    browser = TestClient(client.app)
    page = browser.get("/sign-in")
    assert "Sign in with the test provider" in page.text
    assert 'name="user"' not in page.text  # no local sign-in beside single sign-on
    away = browser.get("/sign-in/sso", follow_redirects=False)
    assert away.status_code in (302, 303)
    location = away.headers["location"]
    assert location.startswith(provider.issuer)
    asked = parse_qs(urlparse(location).query)
    assert asked["code_challenge_method"] == ["S256"] and asked["nonce"] and asked["state"]
    back = provider.sign_in(location, user)
    assert back.startswith(CALLBACK)
    return browser, browser.get(back, follow_redirects=False)


def test_a_lead_signs_in_at_the_provider_and_works_as_the_mapping_says(
    provider: op.Provider, app_client: TestClient
) -> None:
    browser, landed = signed_in_through(provider, app_client, "lee.lead")
    assert landed.status_code == 303, landed.text
    register = browser.get(landed.headers["location"])
    assert register.status_code == 200 and "lee.lead" in register.text
    assert "Local sign-in" not in register.text


def test_a_cis2_role_counts_only_at_its_own_organisation(
    provider: op.Provider, app_client: TestClient
) -> None:
    _, practitioner = signed_in_through(provider, app_client, "pat.cis2")
    assert practitioner.status_code == 303
    _, refused = signed_in_through(provider, app_client, "sam.elsewhere")
    assert refused.status_code == 403
    assert "You do not have access to this service" in refused.text
    assert "sam.elsewhere" not in refused.text


def test_a_forged_answer_from_the_provider_is_refused(
    provider: op.Provider, app_client: TestClient
) -> None:
    browser = TestClient(app_client.app)
    away = browser.get("/sign-in/sso", follow_redirects=False).headers["location"]
    back = provider.sign_in(away, "lee.lead")
    forged = back.replace("state=", "state=x")
    answer = browser.get(forged, follow_redirects=False)
    assert answer.status_code == 401 and "could not be completed" in answer.text
    assert "nhsuk-error-summary" in answer.text


def test_signing_out_signs_out_at_the_provider_too(
    provider: op.Provider, app_client: TestClient
) -> None:
    browser, _ = signed_in_through(provider, app_client, "lee.lead")
    page = browser.get("/register")
    # the sign-out form may lead to the provider, and nowhere else
    assert f"form-action 'self' {provider.issuer};" in page.headers["content-security-policy"]
    token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    out = browser.post("/sign-out", data={"csrf_token": token}, follow_redirects=False)
    assert out.status_code == 303
    assert out.headers["location"].startswith(f"{provider.issuer}/session/end?client_id=")
    assert browser.get("/register", follow_redirects=False).status_code in (302, 303)


def test_the_api_takes_the_providers_access_tokens_through_the_same_mapping(
    provider: op.Provider, app_client: TestClient
) -> None:
    token = provider.token_for("lee.lead", CALLBACK)
    bearer = {"Authorization": f"Bearer {token['access_token']}"}
    assert app_client.get("/v1/register", headers=bearer).status_code == 200
    # the ID token is for the console (its audience is the client), not for the API
    wrong_audience = {"Authorization": f"Bearer {token['id_token']}"}
    refused = app_client.get("/v1/register", headers=wrong_audience)
    assert refused.status_code == 401 and "audience" in refused.text.lower()
    elsewhere = provider.token_for("sam.elsewhere", CALLBACK)
    unmapped = app_client.get(
        "/v1/register", headers={"Authorization": f"Bearer {elsewhere['access_token']}"}
    )
    assert unmapped.status_code == 401 and "DSR_CLAIMS_MAP" in unmapped.text


def test_a_mapping_file_that_cannot_be_used_says_where_and_why(tmp_path: Path) -> None:
    from dsr_http.identity.claims import ClaimsMap, ClaimsMapError, claims_map_of

    system = tmp_path / "system.toml"
    system.write_text(
        '[[rule]]\nrole = "system"\nareas = ["E54000048"]\n[rule.claims]\nx = ["y"]\n'
    )
    with pytest.raises(ClaimsMapError, match=r"system.toml: rule.0.role: .*system role"):
        ClaimsMap.load(system)
    broken = tmp_path / "broken.toml"
    broken.write_text("[[rule]\n")
    with pytest.raises(ClaimsMapError, match=r"broken\.toml is not TOML"):
        ClaimsMap.load(broken)
    with pytest.raises(ClaimsMapError, match="DSR_CLAIMS_MAP is not"):
        claims_map_of(HttpSettings(oidc_issuer="https://login.example", oidc_client_id="c"))
    area = tmp_path / "area.toml"
    area.write_text(MAPPING.replace(f.ENGLISH_AREA, "Lancashire"))
    with pytest.raises(ClaimsMapError, match=r"rule\.0\.areas: .*Lancashire"):
        ClaimsMap.load(area)
    lenient = tmp_path / "typo.toml"
    lenient.write_text(MAPPING.replace("within =", "withn ="))
    with pytest.raises(ClaimsMapError, match="withn"):
        ClaimsMap.load(lenient)


def test_an_education_partner_reads_the_care_record_and_views_but_never_safeguarding_notes(
    provider: op.Provider, app_client: TestClient
) -> None:
    from tests.api.test_sections import SECRET, VIEW, a_full_record

    lead = {"Authorization": f"Bearer {provider.token_for('lee.lead', CALLBACK)['access_token']}"}
    person = a_full_record(app_client, lead)
    browser, landed = signed_in_through(provider, app_client, "eddie.school")
    assert landed.status_code == 303
    for page in (f"/people/{person}", f"/people/{person}/timeline"):
        shown = browser.get(page)
        assert shown.status_code == 200, page
        assert SECRET not in shown.text and "Safeguarding and forensic notes" not in shown.text
    record_page = browser.get(f"/people/{person}").text
    assert VIEW in record_page and "Care record" in record_page
    assert browser.get("/register").status_code == 403
    token = provider.token_for("eddie.school", CALLBACK)["access_token"]
    api = {"Authorization": f"Bearer {token}"}
    record = app_client.get(f"/v1/persons/{person}", headers=api)
    assert record.status_code == 200 and SECRET not in record.text and VIEW in record.text
    assert "safeguarding_notes" not in record.json()
    assert app_client.get("/v1/register", headers=api).status_code == 403


def test_a_replayed_answer_from_the_provider_is_refused(
    provider: op.Provider, app_client: TestClient
) -> None:
    browser = TestClient(app_client.app)
    away = browser.get("/sign-in/sso", follow_redirects=False).headers["location"]
    back = provider.sign_in(away, "lee.lead")
    assert browser.get(back, follow_redirects=False).status_code == 303
    replayed = browser.get(back, follow_redirects=False)  # the same code and state again
    assert replayed.status_code == 401 and "could not be completed" in replayed.text


def test_a_token_from_another_issuer_or_past_its_time_is_refused(
    provider: op.Provider, tmp_path: Path
) -> None:
    import time

    import jwt

    from dsr_http.auth import AuthenticationError, TokenVerifier
    from dsr_http.identity.claims import ClaimsMap

    mapping_file = tmp_path / "claims.toml"
    mapping_file.write_text(MAPPING)
    mapping = ClaimsMap.load(mapping_file)
    token = provider.token_for("lee.lead", CALLBACK)["access_token"]
    elsewhere = TokenVerifier(
        HttpSettings(
            jwks_url=provider.jwks_url, jwt_issuer="https://login.example", jwt_audience=op.API
        ),
        tmp_path,
        mapping,
    )
    with pytest.raises(AuthenticationError, match="issuer"):
        elsewhere.verify(token)
    # long enough to verify once on a loaded machine; then wait past its own `exp`
    with op.running(ACCOUNTS, [CALLBACK], access_token_seconds=6) as brief:
        short = brief.token_for("lee.lead", CALLBACK)["access_token"]
        verifier = TokenVerifier(
            HttpSettings(jwks_url=brief.jwks_url, jwt_issuer=brief.issuer, jwt_audience=op.API),
            tmp_path,
            mapping,
        )
        assert verifier.verify(short).role == "lead"
        expires = jwt.decode(short, options={"verify_signature": False})["exp"]
        time.sleep(max(0.0, expires - time.time()) + 1.1)
        with pytest.raises(AuthenticationError, match="expired"):
            verifier.verify(short)


def test_a_sign_in_below_the_required_assurance_level_is_refused(
    provider: op.Provider, make_settings: SettingsFactory, clock: f.FakeClock, tmp_path: Path
) -> None:
    mapping = tmp_path / "claims.toml"
    mapping.write_text(MAPPING)
    http = HttpSettings(
        claims_map=mapping,
        oidc_issuer=provider.issuer,
        oidc_client_id=op.CLIENT_ID,
        oidc_client_secret=op.CLIENT_SECRET,
        oidc_scopes="openid profile dsr",
        oidc_acr_values="aal3",
        console_local_sign_in=False,
    )
    app = create_app(make_settings(), http, clock=clock)
    with TestClient(app) as client:
        away = client.get("/sign-in/sso", follow_redirects=False).headers["location"]
        assert parse_qs(urlparse(away).query)["acr_values"] == ["aal3"]
        back = provider.sign_in(away, "lee.lead")  # the test provider's login is not AAL3
        refused = client.get(back, follow_redirects=False)
        assert refused.status_code == 401 and "assurance level" in refused.text
