"""The console's services (sessions, templates, sign-in) and its place in the app.

The console is part of `dsr serve`: the same process, application, dependencies and
access log as the API, with pages at `/` and the NHS.UK frontend's assets at `/assets`.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from fastapi.templating import Jinja2Templates
from jinja2 import ChainableUndefined, ChoiceLoader, Environment, FileSystemLoader, PackageLoader
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response

from dsr_core.process.bootstrap import identity_key
from dsr_core.process.settings import Settings
from dsr_http.auth import Principal
from dsr_http.config import HttpSettings
from dsr_http.console import labels
from dsr_http.console.forms import ROWS_SHOWN, FormField
from dsr_http.console.navigation import navigation
from dsr_http.console.read_cache import ReadCache
from dsr_http.console.routing import security_headers
from dsr_http.console.session import ConsoleSession, Sessions
from dsr_http.identity.claims import ClaimsMap
from dsr_http.identity.oidc import SingleSignOn

HERE = Path(__file__).parent
STATIC = HERE / "static"


def environment() -> Environment:
    """Our templates first, then the NHS.UK frontend's macros (which expect chainable
    undefined values: `params.hint.text` on a field without a hint)."""
    env = Environment(
        loader=ChoiceLoader(
            [
                FileSystemLoader(HERE / "templates"),
                PackageLoader("nhsuk_frontend_jinja", "templates"),
            ]
        ),
        undefined=ChainableUndefined,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(labels.FILTERS)
    env.globals["rows_shown"] = ROWS_SHOWN
    env.policies["json.dumps_kwargs"] = {"default": str, "ensure_ascii": False}
    return env


FORM_CONTROLS = frozenset({"csrf_token", "idempotency_key", "version"})
BLANK_FORMS_KEPT = 512
HEADERS_KEPT = 1024


@dataclass
class Console:
    sessions: Sessions
    templates: Jinja2Templates
    local_sign_in: bool | None
    """True: always offered; None: only in embedded mode, from this machine; False: never."""
    embedded: bool
    sso: SingleSignOn | None = None
    """Single sign-on at the deployment's OpenID provider, when configured."""

    figures: ReadCache = field(default_factory=ReadCache)
    """Aggregates (counts, a dashboard's months) kept until their read model moves on."""

    security_headers: dict[str, str] = field(default_factory=security_headers)

    def __post_init__(self) -> None:
        if self.sso is not None:
            self.security_headers = security_headers(self.sso.origin)
        self._blank_fields = lru_cache(maxsize=BLANK_FORMS_KEPT)(
            lambda fields: self._draw_fields(fields, {}, {})
        )
        self._headers = lru_cache(maxsize=HEADERS_KEPT)(self._draw_header)

    def _draw_header(self, principal: Principal | None, csrf: str, current: str) -> Markup:
        template = self.templates.env.get_template("header.html")
        return Markup(
            template.render(
                user=principal,
                csrf_token=csrf,
                navigation=navigation(principal),
                path=current,
            )
        )

    def header_markup(self, session: ConsoleSession, path: str) -> Markup:
        """The header for this user and section: the same for every page they open in
        it, so drawn once (the NHS.UK header macro is a fifth of a list page's time)."""
        current = next(
            (item.href for item in navigation(session.principal) if path.startswith(item.href)), ""
        )
        return self._headers(session.principal, session.csrf, current)

    def offers_local_sign_in(self, request: Request) -> bool:
        if self.local_sign_in is not None:
            return self.local_sign_in
        if not self.embedded or request.client is None:
            return False
        try:
            return ipaddress.ip_address(request.client.host).is_loopback
        except ValueError:
            return request.client.host == "testclient"  # Starlette's TestClient

    def fields_markup(
        self, fields: tuple[FormField, ...], values: Mapping[str, Any], errors: Mapping[str, str]
    ) -> Markup:
        """A form's inputs. A blank form's are the same for every request with the same
        fields (and choices), so they are drawn once: the NHS.UK macros are most of a
        form page's time."""
        typed = {k: v for k, v in values.items() if k not in FORM_CONTROLS}
        if not typed and not errors:
            return self._blank_fields(fields)
        return self._draw_fields(fields, values, errors)

    def _draw_fields(
        self, fields: tuple[FormField, ...], values: Mapping[str, Any], errors: Mapping[str, str]
    ) -> Markup:
        template = self.templates.env.get_template("fields_only.html")
        return Markup(template.render(fields=fields, values=values, errors=errors))

    def render(
        self, request: Request, template: str, context: dict[str, Any], status: int = 200
    ) -> Response:
        session = self.sessions.read(request)
        shown = {
            "session": session,
            "user": session.principal,
            "csrf_token": session.csrf,
            "today": request.app.state.services.clock.today(),
            "path": request.url.path,
            "header_html": self.header_markup(session, request.url.path),
            **context,
        }
        return self.templates.TemplateResponse(request, template, shown, status_code=status)


def not_found_page(request: Request) -> Response | None:
    """For a browser asking for a page that is not there (outside the API): the NHS.UK
    "Page not found" instead of problem details; None for API clients."""
    console: Console | None = getattr(request.app.state, "console", None)
    wants_html = "text/html" in request.headers.get("accept", "")
    if console is None or not wants_html or request.url.path.startswith("/v1/"):
        return None
    page = console.render(
        request,
        "error.html",
        {"title": "Page not found", "detail": "Check the address, or go to your start page."},
        404,
    )
    page.headers.update(request.app.state.console.security_headers)
    return page


def build(settings: Settings, http: HttpSettings, mapping: ClaimsMap | None = None) -> Console:
    return Console(
        sessions=Sessions(
            identity_key(settings),
            idle_minutes=http.console_idle_minutes,
            max_hours=http.console_max_hours,
        ),
        templates=Jinja2Templates(env=environment()),
        local_sign_in=http.console_local_sign_in,
        embedded=not settings.uses_postgres,
        sso=SingleSignOn(http, mapping) if http.oidc_issuer and mapping is not None else None,
    )
