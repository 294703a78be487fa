"""The console's session: a signed cookie holding who signed in and the form token.

Nothing personal is kept in it (a user id, a role, area codes, a random CSRF token). The
cookie is HttpOnly and SameSite=Lax, Secure when the request came over TLS, and signed
with a key derived from the installation's identity key. It is sent again with every page,
so it lapses after `idle_minutes` without a request, and after `max_hours` whatever.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass, replace

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.requests import Request
from starlette.responses import Response

from dsr_core.domain.codes import Role
from dsr_http.auth import Principal

COOKIE = "dsr_console"
SALT = "dsr-console-session"


@dataclass(frozen=True)
class ConsoleSession:
    """A browser's session: signed in (`principal`) or not yet, with its CSRF token."""

    csrf: str
    principal: Principal | None = None
    signed_in_at: float | None = None
    local: bool = False
    """Signed in with the local sign-in (embedded mode): shown on every page."""

    @classmethod
    def new(cls) -> ConsoleSession:
        return cls(csrf=secrets.token_urlsafe(32))

    def signed_in(self, principal: Principal, *, local: bool) -> ConsoleSession:
        """A fresh token on sign-in, so one fixed before it is worth nothing after."""
        return replace(
            self,
            csrf=secrets.token_urlsafe(32),
            principal=principal,
            signed_in_at=time.time(),
            local=local,
        )

    def token_matches(self, posted: str) -> bool:
        return bool(posted) and hmac.compare_digest(posted, self.csrf)


class Sessions:
    """Reads and writes the session cookie."""

    def __init__(self, identity_key: bytes, *, idle_minutes: int, max_hours: int) -> None:
        secret = hmac.new(identity_key, b"dsr:console-sessions", hashlib.sha256).digest()
        self._serializer = URLSafeTimedSerializer(secret, salt=SALT)
        self.idle_seconds = idle_minutes * 60
        self.max_seconds = max_hours * 3600

    def read(self, request: Request) -> ConsoleSession:
        """The request's session, or a new anonymous one (expired, forged or absent)."""
        cached: ConsoleSession | None = getattr(request.state, "console_session", None)
        if cached is not None:
            return cached
        session = self._load(request.cookies.get(COOKIE, ""))
        request.state.console_session = session
        return session

    def is_valid(self, request: Request) -> bool:
        """The request carries a session cookie this server signed and not yet lapsed."""
        try:
            self._serializer.loads(request.cookies.get(COOKIE, ""), max_age=self.idle_seconds)
        except BadSignature:
            return False
        return True

    def _load(self, cookie: str) -> ConsoleSession:
        if not cookie:
            return ConsoleSession.new()
        try:
            data = self._serializer.loads(cookie, max_age=self.idle_seconds)
        except BadSignature:  # also an expired one: SignatureExpired is a BadSignature
            return ConsoleSession.new()
        if not isinstance(data, dict) or not isinstance(data.get("csrf"), str):
            return ConsoleSession.new()
        session = ConsoleSession(csrf=data["csrf"])
        who = data.get("who")
        if isinstance(who, dict):
            at = float(who.get("at", 0))
            if time.time() - at > self.max_seconds:
                return session
            principal = Principal(
                sub=str(who["sub"]),
                role=Role(who["role"]),
                areas=frozenset(who["areas"]),
                organisation=who.get("organisation"),
            )
            session = replace(
                session, principal=principal, signed_in_at=at, local=bool(who["local"])
            )
        return session

    def write(self, request: Request, response: Response, session: ConsoleSession) -> None:
        """Send the session again: its idle clock starts anew."""
        data: dict[str, object] = {"csrf": session.csrf}
        if session.principal is not None:
            data["who"] = {
                "sub": session.principal.sub,
                "role": str(session.principal.role),
                "areas": sorted(session.principal.areas),
                "organisation": session.principal.organisation,
                "at": session.signed_in_at,
                "local": session.local,
            }
        response.set_cookie(
            COOKIE,
            self._serializer.dumps(data),
            max_age=self.idle_seconds,
            httponly=True,
            samesite="lax",
            secure=request.url.scheme == "https",
            path="/",
        )
        request.state.console_session = session

    def clear(self, request: Request, response: Response) -> None:
        """Sign out: a new anonymous session replaces the old one."""
        self.write(request, response, ConsoleSession.new())
