"""Area aggregates over HTTP, token verification paths, and readiness under lag."""

from __future__ import annotations

import time
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi.testclient import TestClient

from dsr_core.process.settings import Settings
from dsr_http.auth import AuthenticationError, TokenVerifier
from dsr_http.config import HttpSettings
from tests.api.conftest import Headers, referral_body
from tests.support import factories as f


def test_length_of_stay_for_an_analyst_and_its_errors(client: TestClient, auth: Headers) -> None:
    url = f"/v1/areas/{f.ENGLISH_AREA}/length-of-stay"
    ok = client.get(url, params={"period": "2025-Q2"}, headers=auth("analyst"))
    assert ok.status_code == 200 and ok.json()["area"] == f.ENGLISH_AREA
    window = client.get(
        url, params={"start": "2025-01-01", "end": "2025-06-30"}, headers=auth("lead")
    )
    assert window.status_code == 200
    backwards = client.get(
        url, params={"start": "2025-06-30", "end": "2025-01-01"}, headers=auth("lead")
    )
    assert backwards.status_code == 422 and backwards.json()["errors"][0]["field"] == "end"
    missing = client.get(url, params={"start": "2025-01-01"}, headers=auth("lead"))
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "end"


def test_the_national_dataset_over_http_as_json_and_csv(client: TestClient, auth: Headers) -> None:
    created = client.post("/v1/persons", json=referral_body(), headers=auth("lead")).json()
    client.get("/v1/register", params={"wait_for": created["position"]}, headers=auth("lead"))
    url = f"/v1/areas/{f.ENGLISH_AREA}/national-dataset"
    data = client.get(url, params={"period": "2025-Q3"}, headers=auth("lead"))
    assert data.status_code == 200 and data.json()["disclosure_profile"] == "nhs_england_lda"
    assert "Testperson" not in data.text
    tables = client.get(
        url, params={"period": "2025-09", "format": "tables-csv"}, headers=auth("lead")
    )
    assert tables.text.startswith("table,row,column,value")
    bad = client.get(url, params={"period": "2025-Q9"}, headers=auth("lead"))
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "period"
    # analysts read publications only, never an area's dataset (issue 14)
    assert client.get(url, params={"period": "2025-Q3"}, headers=auth("analyst")).status_code == 403


def test_an_analyst_never_sees_a_person(client: TestClient, auth: Headers) -> None:
    person_id = client.post("/v1/persons", json=referral_body(), headers=auth("lead")).json()[
        "person_id"
    ]
    for path in (f"/v1/persons/{person_id}", f"/v1/persons/{person_id}/history", "/v1/register"):
        assert client.get(path, headers=auth("analyst")).status_code == 403


def _rsa_pair() -> tuple[bytes, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public


def _claims(**overrides: object) -> dict[str, object]:
    claims: dict[str, object] = {
        "iss": "dsr",
        "aud": "dsr-api",
        "sub": "u1",
        "role": "lead",
        "areas": [f.ENGLISH_AREA],
        "exp": int(time.time()) + 60,
    }
    claims.update(overrides)
    return claims


def test_tokens_from_an_identity_provider_are_verified_with_its_public_key(tmp_path: Path) -> None:
    private, public = _rsa_pair()
    verifier = TokenVerifier(HttpSettings(jwt_public_key=public), tmp_path)
    principal = verifier.verify(jwt.encode(_claims(), private, algorithm="RS256"))
    assert (principal.sub, principal.areas) == ("u1", frozenset({f.ENGLISH_AREA}))
    other_private, _ = _rsa_pair()
    for bad in (
        jwt.encode(_claims(), other_private, algorithm="RS256"),  # wrong key
        jwt.encode(_claims(exp=int(time.time()) - 10), private, algorithm="RS256"),  # expired
        jwt.encode(_claims(aud="someone-else"), private, algorithm="RS256"),  # wrong audience
        jwt.encode(_claims(iss="elsewhere"), private, algorithm="RS256"),  # wrong issuer
        jwt.encode(_claims(role="superuser"), private, algorithm="RS256"),  # unknown role
        jwt.encode(_claims(areas="E54000048"), private, algorithm="RS256"),  # areas not a list
        jwt.encode(_claims(), "a-shared-secret-of-32-bytes-long!", algorithm="HS256"),  # alg swap
    ):
        try:
            verifier.verify(bad)
        except AuthenticationError:
            continue
        raise AssertionError("a bad token was accepted")


def test_a_token_with_a_text_expiry_or_a_lifetime_beyond_the_limit_is_refused(
    tmp_path: Path,
) -> None:
    """Issue 30: `exp` as a numeric string was accepted, and so was +100 years."""
    private, public = _rsa_pair()
    verifier = TokenVerifier(HttpSettings(jwt_public_key=public), tmp_path)
    now = int(time.time())
    refused = {
        "text exp": _claims(exp=str(now + 60)),
        "a century": _claims(exp=now + 100 * 365 * 86400),
        "13 hours from its issue": _claims(iat=now, exp=now + 13 * 3600),
        "text iat": _claims(iat=str(now)),
    }
    for why, claims in refused.items():
        with pytest.raises(AuthenticationError, match=r"exp|iat|DSR_MAX_TOKEN_HOURS"):
            verifier.verify(jwt.encode(claims, private, algorithm="RS256"))
            raise AssertionError(why)
    eleven = verifier.verify(jwt.encode(_claims(iat=now, exp=now + 11 * 3600), private, "RS256"))
    assert eleven.sub == "u1"
    longer = TokenVerifier(HttpSettings(jwt_public_key=public, max_token_hours=24), tmp_path)
    assert longer.verify(jwt.encode(refused["13 hours from its issue"], private, "RS256"))


def test_readiness_fails_when_projections_lag_beyond_the_limit(
    make_settings: object, clock: f.FakeClock
) -> None:
    import base64

    from dsr_http.main import create_app

    settings: Settings = make_settings()  # type: ignore[operator]
    http = HttpSettings(
        jwt_secret=base64.b64encode(b"k" * 32).decode(), ready_max_lag=0, embedded_workers=False
    )
    with TestClient(create_app(settings, http, clock=clock)) as client:
        verifier = client.app.state.services.verifier  # type: ignore[attr-defined]
        from dsr_core.domain.codes import Role

        token = verifier.mint(sub="u", role=Role.LEAD, areas=[f.ENGLISH_AREA])
        client.post(
            "/v1/persons", json=referral_body(), headers={"Authorization": f"Bearer {token}"}
        )
        ready = client.get("/readyz")
        assert ready.status_code == 503 and ready.json()["status"] == "lagging"
