"""Single sign-on for the console: OpenID Connect's authorization code flow with PKCE, by
Authlib (discovery, state, nonce, the ID token's signature, issuer, audience and expiry
are the library's checks, not ours). dsr adds what is its own: the assurance level an area
requires, and the claims mapping that turns the person into a role and areas.
"""

from __future__ import annotations

import hashlib
import hmac
import warnings
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

from starlette.requests import Request
from starlette.responses import Response

from dsr_http.auth import Principal
from dsr_http.config import HttpSettings
from dsr_http.identity.claims import ClaimsMap


def _authlib() -> tuple[Any, Any]:
    """Authlib's OAuth registry and its base error, imported when single sign-on is set up
    (not by every `dsr` command), and without its notice that its httpx client will move
    to httpx2 (a future release's concern, not an operator's)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from authlib.common.errors import AuthlibBaseError
        from authlib.integrations.starlette_client import OAuth
    return OAuth, AuthlibBaseError


STATE_COOKIE = "dsr_sso"
"""Holds only the flow's state, nonce and PKCE verifier, for the ten minutes it lasts."""


@dataclass(frozen=True)
class SignInResult:
    principal: Principal | None = None
    problem: str | None = None
    """Why the sign-in failed, in words for the person (nothing from the provider's claims)."""
    no_access: bool = False
    """Signed in at the provider, but the mapping gives the account no dsr role."""


class SingleSignOn:
    def __init__(self, http: HttpSettings, mapping: ClaimsMap) -> None:
        assert http.oidc_issuer and http.oidc_client_id
        self.name = http.oidc_name
        self.client_id = http.oidc_client_id
        self.acr_values = tuple((http.oidc_acr_values or "").split())
        self.mapping = mapping
        issuer = urlsplit(http.oidc_issuer)
        self.origin = f"{issuer.scheme}://{issuer.netloc}"
        """Where the browser goes to sign in and out (the console's CSP names it)."""
        oauth_registry, self._error = _authlib()
        self._oauth = oauth_registry()
        secret = http.oidc_client_secret.get_secret_value() if http.oidc_client_secret else None
        self._oauth.register(
            "sso",
            client_id=http.oidc_client_id,
            client_secret=secret,
            server_metadata_url=f"{http.oidc_issuer.rstrip('/')}/.well-known/openid-configuration",
            client_kwargs={"scope": http.oidc_scopes, "code_challenge_method": "S256"},
        )

    @property
    def _client(self) -> Any:
        return self._oauth.create_client("sso")

    async def redirect(self, request: Request, redirect_uri: str) -> Response:
        """Off to the provider; it comes back to `redirect_uri` with a code."""
        extra = {"acr_values": " ".join(self.acr_values)} if self.acr_values else {}
        response: Response = await self._client.authorize_redirect(request, redirect_uri, **extra)
        return response

    async def complete(self, request: Request) -> SignInResult:
        """The provider's answer: the code exchanged, the ID token checked, then mapped."""
        if request.query_params.get("error"):
            return SignInResult(problem="The sign-in was cancelled or refused at the provider.")
        try:
            token = await self._client.authorize_access_token(request)
        except self._error as error:
            return SignInResult(problem=f"The sign-in could not be completed ({error.error}).")
        claims = token.get("userinfo") or {}
        if self.acr_values and claims.get("acr") not in self.acr_values:
            return SignInResult(
                problem="Your sign-in's assurance level is not one this service accepts: "
                "sign in again with your smartcard or another strong method."
            )
        principal = self.mapping.principal(claims)
        if principal is None:
            return SignInResult(no_access=True)
        return SignInResult(principal=principal)

    async def end_session_url(self, post_logout_redirect_uri: str) -> str | None:
        """The provider's sign-out (RP-initiated logout), when it has one."""
        metadata = await self._client.load_server_metadata()
        endpoint = metadata.get("end_session_endpoint")
        if not endpoint:
            return None
        query = urlencode(
            {"client_id": self.client_id, "post_logout_redirect_uri": post_logout_redirect_uri}
        )
        return f"{endpoint}?{query}"


def state_secret(http: HttpSettings) -> str:
    """The key of the flow's state cookie: the same in every API process, so the provider
    may answer any of them."""
    seed = (http.oidc_client_secret.get_secret_value() if http.oidc_client_secret else "") + (
        http.oidc_client_id or ""
    )
    return hmac.new(seed.encode(), b"dsr:sso-state", hashlib.sha256).hexdigest()
