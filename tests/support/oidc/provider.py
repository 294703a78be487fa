"""A real OpenID provider for the tests (node-oidc-provider, certified, from the committed
npm lock file), started on loopback with the accounts a test gives it."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urljoin, urlparse

import httpx

FORM = re.compile(r'<form[^>]*action="([^"]+)"')
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')
ROOT = Path(__file__).resolve().parents[3]
SCRIPT = Path(__file__).with_name("provider.mjs")
CLIENT_ID = "dsr-console"
CLIENT_SECRET = "test-client-secret-0123456789"
API = "urn:dsr:api"
"""The API's resource indicator at the provider, and its access tokens' audience."""


def available() -> str | None:
    """Why the provider cannot run here, or None when it can."""
    if shutil.which("node") is None:
        return "node is not installed"
    if not (ROOT / "node_modules" / "oidc-provider").is_dir():
        return "oidc-provider is not installed (npm ci)"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass(frozen=True)
class Provider:
    issuer: str

    @property
    def jwks_url(self) -> str:
        return f"{self.issuer}/jwks"

    def sign_in(self, authorization_url: str, user: str) -> str:
        """Follow the provider's login for `user`; returns the redirect back to the client
        (its callback address with the code and state)."""
        with httpx.Client(follow_redirects=False, timeout=10) as browser:
            url = authorization_url
            for _ in range(10):
                response = browser.get(url)
                location = response.headers.get("location")
                if location and not location.startswith(self.issuer) and "://" in location:
                    return str(location)  # back to the client
                if location:
                    url = urljoin(url, location)
                    continue
                # the provider's page (login, or consent): post its form as a person would
                form = FORM.search(response.text)
                assert form, f"no form on the provider's page: {response.status_code}"
                fields = dict(HIDDEN.findall(response.text))
                fields.update({"login": user, "password": "x"})
                posted = browser.post(urljoin(url, form.group(1)), data=fields)
                url = urljoin(url, posted.headers["location"])
            raise AssertionError("the provider never sent the browser back")

    def token_for(
        self, user: str, redirect_uri: str, scope: str = "openid profile dsr"
    ) -> dict[str, Any]:
        """An access token for `user`, through the authorization code flow with PKCE, as a
        front-end built elsewhere gets one."""
        from authlib.common.security import generate_token
        from authlib.oauth2.rfc7636 import create_s256_code_challenge

        verifier, state = generate_token(48), generate_token(16)
        query = httpx.QueryParams(
            {
                "client_id": CLIENT_ID,
                "response_type": "code",
                "scope": scope,
                "redirect_uri": redirect_uri,
                "state": state,
                "nonce": generate_token(16),
                "code_challenge": create_s256_code_challenge(verifier),
                "code_challenge_method": "S256",
                "resource": API,
            }
        )
        back = self.sign_in(f"{self.issuer}/auth?{query}", user)
        code = parse_qs(urlparse(back).query)["code"][0]
        answer = httpx.post(
            f"{self.issuer}/token",
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": redirect_uri,
                "code_verifier": verifier,
                "resource": API,
            },
            auth=(CLIENT_ID, CLIENT_SECRET),
            timeout=10,
        )
        answer.raise_for_status()
        token: dict[str, Any] = answer.json()
        return token


@contextmanager
def running(
    accounts: Mapping[str, Mapping[str, Any]],
    redirect_uris: list[str],
    access_token_seconds: int = 600,
) -> Iterator[Provider]:
    port = _free_port()
    client = {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "redirect_uris": redirect_uris,
        "post_logout_redirect_uris": [
            u.replace("/sign-in/callback", "/sign-in") for u in redirect_uris
        ],
    }
    env = {
        **os.environ,
        "OP_PORT": str(port),
        "OP_CLIENT": json.dumps(client),
        "OP_ACCOUNTS": json.dumps(accounts),
        "OP_ACCESS_TTL": str(access_token_seconds),
    }
    process = subprocess.Popen(
        ["node", str(SCRIPT)], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    issuer = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                if httpx.get(f"{issuer}/.well-known/openid-configuration", timeout=1).is_success:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                output = process.stdout.read().decode() if process.stdout else ""
                raise RuntimeError(f"the test OpenID provider did not start:\n{output}")
            time.sleep(0.1)
        yield Provider(issuer)
    finally:
        process.terminate()
        process.wait(timeout=10)
