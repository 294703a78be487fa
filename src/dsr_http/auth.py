"""Bearer tokens (RFC 7519) verified with PyJWT: iss, aud and exp checked; role and areas read.

Embedded mode and tests use an HS256 key kept under the data directory, which
`dsr token` also uses; production configures the identity provider's public key or JWKS.
"""

from __future__ import annotations

import base64
import os
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import jwt
from starlette.concurrency import run_in_threadpool

from dsr_core.domain.codes import Role
from dsr_core.domain.inputs import text_problem
from dsr_core.process.files import private_dir
from dsr_http.config import HttpSettings

KEY_FILE = "jwt.key"
ALGORITHMS_SYMMETRIC = ["HS256"]
ALGORITHMS_ASYMMETRIC = ["RS256", "ES256"]


class AuthenticationError(Exception):
    """The request carries no valid token."""


def bearer_token(authorization: str | None) -> str:
    """The token of an `Authorization: Bearer ...` header."""
    if not authorization or not authorization.lower().startswith("bearer "):
        raise AuthenticationError("The Authorization header must be 'Bearer <token>'.")
    return authorization[7:].strip()


@dataclass(frozen=True)
class Principal:
    sub: str
    role: Role
    areas: frozenset[str]
    organisation: str | None = None
    """A partner's organisation type (its section policy's name); None for staff."""


class ClaimsMapping(Protocol):
    """A deployment's claims-to-role mapping (identity/claims.py): an identity provider's
    tokens carry its own claims, not dsr's `role` and `areas`."""

    def principal(self, claims: Mapping[str, Any]) -> Principal | None: ...


def embedded_secret(data_dir: Path) -> bytes:
    path = data_dir / KEY_FILE
    if not path.exists():
        private_dir(data_dir)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(base64.b64encode(secrets.token_bytes(32)).decode() + "\n")
    return base64.b64decode(path.read_text().strip())


def _user(sub: object) -> str:
    """The user a token names, as the audit trail will write it."""
    if not isinstance(sub, str) or text_problem(sub, free_text=False) or len(sub) > 200:
        raise AuthenticationError("The token's sub must name the user (1-200 characters).")
    return sub


def _check_lifetime(claims: Mapping[str, Any], max_hours: float) -> None:
    """`exp` a number of seconds (RFC 7519's NumericDate, never text), and the token not
    good for longer than `DSR_MAX_TOKEN_HOURS` from its issue (or from now, without `iat`):
    a token that never expires is a password that cannot be changed."""
    limit = max_hours * 3600 + LEEWAY_SECONDS
    for claim in ("exp", "iat"):
        value = claims.get(claim)
        if claim in claims and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise AuthenticationError(f"The token's {claim} must be a number of seconds.")
    issued = claims.get("iat", time.time())
    if claims["exp"] - min(issued, time.time()) > limit:
        raise AuthenticationError(
            f"The token is good for longer than DSR_MAX_TOKEN_HOURS ({max_hours:g} h) "
            "allows; ask your identity provider for a shorter-lived one."
        )


LEEWAY_SECONDS = 60


class TokenVerifier:
    def __init__(
        self, settings: HttpSettings, data_dir: Path, mapping: ClaimsMapping | None = None
    ) -> None:
        self.settings = settings
        self.mapping = mapping
        self._jwks = jwt.PyJWKClient(settings.jwks_url) if settings.jwks_url else None
        if settings.jwt_public_key:
            self._key: str | bytes = settings.jwt_public_key
            self._algorithms = ALGORITHMS_ASYMMETRIC
        else:
            self._key = (
                base64.b64decode(settings.jwt_secret.get_secret_value())
                if settings.jwt_secret
                else embedded_secret(data_dir)
            )
            self._algorithms = ALGORITHMS_SYMMETRIC

    @property
    def fetches_keys(self) -> bool:
        """True when verifying may call the identity provider (JWKS), so must not block."""
        return self._jwks is not None

    def verify(self, token: str) -> Principal:
        try:
            key = self._jwks.get_signing_key_from_jwt(token).key if self._jwks else self._key
            algorithms = ALGORITHMS_ASYMMETRIC if self._jwks else self._algorithms
            claims = jwt.decode(
                token,
                key,
                algorithms=algorithms,
                audience=self.settings.jwt_audience,
                issuer=self.settings.jwt_issuer,
                options={"require": ["exp", "iss", "aud", "sub"]},
            )
            _check_lifetime(claims, self.settings.max_token_hours)
            if self.mapping is not None:
                _user(claims["sub"])
                return self._mapped(claims)
            sub = _user(claims["sub"])
            role = Role(claims["role"])
            areas = claims.get("areas") or []
            if not isinstance(areas, list) or not all(isinstance(a, str) for a in areas):
                raise AuthenticationError("The token's areas must be a list of area codes.")
            organisation = claims.get("organisation") if role is Role.PARTNER else None
            if role is Role.PARTNER and not isinstance(organisation, str):
                raise AuthenticationError(
                    "A partner's token names its organisation type (the organisation claim)."
                )
        except jwt.InvalidSignatureError:
            raise AuthenticationError(
                "The token's signature did not verify: it was signed with another key "
                "(embedded mode keeps its key in DSR_DATA_DIR/jwt.key; docs/api.md, Tokens)."
            ) from None
        except jwt.PyJWTError as error:
            raise AuthenticationError(f"The token was refused: {error}.") from None
        except KeyError as error:
            raise AuthenticationError(f"The token has no {error} claim.") from None
        except ValueError:
            raise AuthenticationError("The token's role is not one dsr knows.") from None
        return Principal(sub=sub, role=role, areas=frozenset(areas), organisation=organisation)

    def _mapped(self, claims: Mapping[str, Any]) -> Principal:
        assert self.mapping is not None
        principal = self.mapping.principal(claims)
        if principal is None:
            raise AuthenticationError(
                "The token's claims give no dsr role: no rule of the deployment's claims "
                "mapping (DSR_CLAIMS_MAP) matches them."
            )
        return principal

    async def verify_async(self, token: str) -> Principal:
        """`verify` from the event loop: a JWKS lookup may call out, so it runs in a thread;
        a local key is checked in place, without the thread pool's hop."""
        if self.fetches_keys:
            return await run_in_threadpool(self.verify, token)
        return self.verify(token)

    def mint(
        self,
        *,
        sub: str,
        role: Role,
        areas: list[str],
        ttl_seconds: int = 8 * 3600,
        organisation: str | None = None,
    ) -> str:
        """A token signed with the local key (embedded mode, tests, `dsr token`)."""
        if self._algorithms != ALGORITHMS_SYMMETRIC or self._jwks:
            raise RuntimeError("tokens are minted by the identity provider in this configuration")
        now = int(time.time())
        claims = {
            "iss": self.settings.jwt_issuer,
            "aud": self.settings.jwt_audience,
            "sub": sub,
            "role": str(role),
            "areas": areas,
            **({"organisation": organisation} if organisation else {}),
            "iat": now,
            "exp": now + ttl_seconds,
        }
        return jwt.encode(claims, self._key, algorithm="HS256")
