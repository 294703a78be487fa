"""What a request may cost before anyone knows who sent it (issue 10, item 2).

A plain ASGI middleware in front of the app: it refuses oversized headers (431), checks
the bearer token of any request that carries a body before a byte of that body is read
(401), and refuses bodies over the limit (413): at once when Content-Length says so,
and as soon as a streamed body passes the limit otherwise. Answers are problem+json.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dsr_http.asgi_problems import problem_response
from dsr_http.auth import AuthenticationError, Principal, bearer_token

if TYPE_CHECKING:
    from dsr_http.deps import Services

_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class _BodyTooLargeError(Exception):
    pass


class RequestLimits:
    def __init__(self, app: ASGIApp, *, max_body_bytes: int, max_header_bytes: int) -> None:
        self.app = app
        self.max_body = max_body_bytes
        self.max_headers = max_header_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = scope.get("headers", [])
        if sum(len(name) + len(value) for name, value in headers) > self.max_headers:
            await problem_response(
                scope,
                431,
                "headers-too-large",
                "Request headers too large",
                f"Headers may take at most {self.max_headers} bytes in all.",
                {},
            )(scope, receive, send)
            return
        length = _content_length(headers)
        chunked = any(name == b"transfer-encoding" for name, _ in headers)
        if scope["method"] not in _BODY_METHODS or not (length or chunked):
            await self.app(scope, receive, send)
            return
        if is_console_path(scope.get("path", "")):
            # a console form: its sender holds a signed session cookie (the page it was
            # posted from set it); the page then checks who signed in and the CSRF token
            if not _has_console_session(scope):  # lapsed or never opened: sign in again
                await RedirectResponse("/sign-in", status_code=303)(scope, receive, send)
                return
            await self._within_limit(scope, receive, send, length)
            return
        principal = await self._authenticate(scope)
        if principal is None:
            await problem_response(
                scope,
                401,
                "unauthenticated",
                "A valid bearer token is required",
                "Send a bearer token the server can verify (docs/api.md, Tokens).",
                {"WWW-Authenticate": 'Bearer realm="dsr"'},
            )(scope, receive, send)
            return
        scope.setdefault("state", {})["principal"] = principal
        await self._within_limit(scope, receive, send, length)

    async def _within_limit(
        self, scope: Scope, receive: Receive, send: Send, length: int | None
    ) -> None:
        if length is not None and length > self.max_body:
            await self._too_large(scope, receive, send)
            return
        await self._with_counted_body(scope, receive, send)

    async def _authenticate(self, scope: Scope) -> Principal | None:
        services: Services | None = getattr(scope["app"].state, "services", None)
        if services is None:
            return None
        authorization = next(
            (v.decode("latin-1") for n, v in scope.get("headers", []) if n == b"authorization"),
            None,
        )
        try:
            return await services.verifier.verify_async(bearer_token(authorization))
        except AuthenticationError:
            return None

    async def _with_counted_body(self, scope: Scope, receive: Receive, send: Send) -> None:
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    raise _BodyTooLargeError
            return message

        async def watching_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, watching_send)
        except _BodyTooLargeError:
            if started:
                raise
            await self._too_large(scope, receive, send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        await problem_response(
            scope,
            413,
            "body-too-large",
            "Request body too large",
            f"A request body may hold at most {self.max_body} bytes.",
            {"Connection": "close"},
        )(scope, receive, send)


def is_console_path(path: str) -> bool:
    """The API is under /v1; every other path that takes a body is a console form."""
    return not path.startswith("/v1/")


def _has_console_session(scope: Scope) -> bool:
    console = getattr(scope["app"].state, "console", None)
    if console is None:
        return False
    return bool(console.sessions.is_valid(Request(scope)))


def _content_length(headers: list[tuple[bytes, bytes]]) -> int | None:
    for name, value in headers:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
