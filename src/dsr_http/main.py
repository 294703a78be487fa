"""The FastAPI application: built by `create_app`, everything wired in the lifespan.

Embedded mode (the default) also runs the projection worker in this process; with
PostgreSQL the worker can run as its own process instead (`DSR_EMBEDDED_WORKERS=false`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.metadata import version as package_version
from pathlib import Path

import structlog
from fastapi import Depends, FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from dsr_core.process.bootstrap import system_clock
from dsr_core.process.logging import configure_logging
from dsr_core.process.settings import Settings
from dsr_core.process.tuning import tune_garbage_collection
from dsr_core.service.clock import TimeSource
from dsr_http import problems
from dsr_http.auth import TokenVerifier
from dsr_http.config import HttpSettings
from dsr_http.console import app as console
from dsr_http.console import mount as console_mount
from dsr_http.database_watch import DatabaseDeadline, DatabaseWatch
from dsr_http.deprecation import deprecation_headers
from dsr_http.deps import Services
from dsr_http.identity.claims import claims_map_of
from dsr_http.identity.oidc import STATE_COOKIE, state_secret
from dsr_http.limits import RequestLimits
from dsr_http.metrics import HttpMetrics
from dsr_http.request_log import RequestLog
from dsr_http.routes import (
    areas,
    assuring_transformation,
    audit,
    code_lists,
    emergency,
    events,
    health,
    inpatients,
    national,
    persons,
    referrals,
    register,
    reminders,
    snapshots,
    subject_access,
)
from dsr_http.runtime import opened, scheduler_for
from dsr_http.strict_query import no_unknown_query
from dsr_projections.audit.access_log import AccessLog

log = structlog.get_logger("dsr.http")

DESCRIPTION = (
    "Dynamic Support Registers: commands record what happened to a person; queries read "
    "the register, a person's record (now or as it stood), their history and aggregates. "
    "Errors are RFC 9457 problem details; see docs/api.md."
)


SWAGGER_UI = Path(__file__).with_name("static") / "swagger-ui"
"""Swagger UI 5 (npm `swagger-ui-dist`, built by `npm run build`): it reads OpenAPI 3.1."""
REDOC = Path(__file__).with_name("static") / "redoc"
"""ReDoc 2's standalone bundle (npm `redoc`, copied by `npm run build`), for reading."""


def create_app(
    settings: Settings | None = None,
    http_settings: HttpSettings | None = None,
    *,
    clock: TimeSource = system_clock,
) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        http = http_settings or HttpSettings()
        mapping = claims_map_of(http)
        with opened(settings, clock=clock) as runtime:
            app.state.services = Services(
                runtime=runtime,
                http=http,
                verifier=TokenVerifier(http, runtime.settings.data_dir, mapping),
                access_log=AccessLog(runtime.db, runtime.registers.audit_key),
                metrics=HttpMetrics(runtime.runner, runtime.registers),
                database_watch=(
                    DatabaseWatch(runtime.runner.head, runtime.settings.database_timeout_seconds)
                    if runtime.settings.uses_postgres
                    else None
                ),
            )
            watch = app.state.services.database_watch
            if watch is not None:
                watch.start()
            app.state.console = console.build(runtime.settings, http, mapping)
            embedded = http.embedded_workers
            worker = runtime.runner.start() if embedded else None
            scheduler = scheduler_for(runtime) if embedded else None
            if scheduler is not None:
                scheduler.start()
            log.info(
                "api_started",
                storage="postgresql" if runtime.settings.uses_postgres else "sqlite",
                embedded_workers=embedded,
            )
            try:
                yield
            finally:
                if watch is not None:
                    watch.stop()
                if scheduler is not None:
                    scheduler.shutdown(wait=True)
                runtime.runner.stop()
                if worker is not None:
                    worker.join(timeout=10)

    app = FastAPI(
        dependencies=[Depends(no_unknown_query), Depends(deprecation_headers)],
        title="dsr",
        version=package_version("dsr"),
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,  # served below from packaged assets: /docs works with no network
        redoc_url=None,
        openapi_tags=[
            {"name": "persons", "description": "Referral, commands and a person's record"},
            {"name": "register", "description": "The current register"},
            {
                "name": "referrals",
                "description": "The referral queue: pending referrals, at home or in hospital",
            },
            {
                "name": "inpatients",
                "description": "Every inpatient the area is responsible for, on the register "
                "or not: C(E)TRs and visits are owed all the same",
            },
            {"name": "reminders", "description": "Review reminders to poll"},
            {"name": "snapshots", "description": "Immutable reporting snapshots"},
            {"name": "areas", "description": "Aggregates and the national dataset"},
            {"name": "audit", "description": "Audit trail and access log, for auditors"},
            {"name": "operations", "description": "Health and metrics"},
        ],
    )
    problems.install(app, page_not_found=console.not_found_page)
    console_mount.install(app)
    app.mount("/static/swagger-ui", StaticFiles(directory=SWAGGER_UI), name="swagger-ui")
    app.mount("/static/redoc", StaticFiles(directory=REDOC), name="redoc")

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title="dsr API",
            swagger_js_url="/static/swagger-ui/swagger-ui-bundle.js",
            swagger_css_url="/static/swagger-ui/swagger-ui.css",
            swagger_favicon_url="/static/swagger-ui/favicon-32x32.png",
        )

    @app.get("/redoc", include_in_schema=False)
    async def redoc() -> HTMLResponse:
        page = get_redoc_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title="dsr API",
            redoc_js_url="/static/redoc/redoc.standalone.js",
            redoc_favicon_url="/static/swagger-ui/favicon-32x32.png",
            with_google_fonts=False,  # no network: the browser's own fonts
        )
        # ReDoc's footer shows its maker's logo from their CDN: the page asks for nothing
        # outside this server (the logo falls back to its text)
        page.headers["Content-Security-Policy"] = (
            "default-src 'self'; img-src 'self' data:; worker-src 'self' blob:; "
            "style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'"
        )
        return page

    routers = [persons, subject_access, register, referrals, inpatients, reminders, areas]
    routers += [code_lists, emergency]
    routers += [national, assuring_transformation, snapshots, events]
    for module in (*routers, audit, health):
        app.include_router(module.router)

    limits = http_settings or HttpSettings()
    app.add_middleware(
        RequestLimits,
        max_body_bytes=limits.max_body_bytes,
        max_header_bytes=limits.max_header_bytes,
    )
    if limits.oidc_issuer:  # the sign-in flow's state, nonce and PKCE verifier, briefly
        app.add_middleware(
            SessionMiddleware,
            secret_key=state_secret(limits),
            session_cookie=STATE_COOKIE,
            max_age=600,
            same_site="lax",
        )
    app.add_middleware(DatabaseDeadline)
    app.add_middleware(RequestLog)  # outermost: refusals are logged with their request id

    return app


def prepare_storage(settings: Settings) -> None:
    """Create every table once, before several API processes start at the same moment."""
    with opened(settings):
        pass


def create_served_app() -> FastAPI:
    """The app in each of several API processes, configured from the environment."""
    configure_logging()
    tune_garbage_collection()
    return create_app()
