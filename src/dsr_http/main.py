"""The FastAPI application: built by `create_app`, everything wired in the lifespan.

Embedded mode (the default) also runs the projection worker in this process; with
PostgreSQL the worker can run as its own process instead (`DSR_EMBEDDED_WORKERS=false`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import structlog
from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from swagger_ui_bundle import swagger_ui_path  # type: ignore[import-untyped]

from dsr_core.application import Clock
from dsr_core.bootstrap import build_registers, national_secret, system_clock
from dsr_core.logging import configure_logging
from dsr_core.process import tune_garbage_collection
from dsr_core.settings import Settings
from dsr_http import problems
from dsr_http.auth import TokenVerifier
from dsr_http.config import HttpSettings
from dsr_http.deps import Services
from dsr_http.limits import RequestLimits
from dsr_http.metrics import HttpMetrics
from dsr_http.request_log import RequestLog
from dsr_http.routes import areas, audit, health, persons, register, reminders, snapshots
from dsr_projections.access_log import AccessLog
from dsr_projections.bootstrap import build_runner
from dsr_scheduler.config import SchedulerSettings
from dsr_scheduler.service import Runtime, build_scheduler, job_store, webhook_from
from dsr_scheduler.snapshots import ensure_table as ensure_snapshot_table

log = structlog.get_logger("dsr.http")

DESCRIPTION = (
    "Dynamic Support Registers: commands record what happened to a person; queries read "
    "the register, a person's record (now or as it stood), their history and aggregates. "
    "Errors are RFC 9457 problem details; see docs/api.md."
)


def create_app(
    settings: Settings | None = None,
    http_settings: HttpSettings | None = None,
    *,
    clock: Clock = system_clock,
) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        core = settings or Settings()
        http = http_settings or HttpSettings()
        registers = build_registers(core, clock=clock)
        runner = build_runner(core, registers)
        services = Services(
            settings=core,
            http=http,
            registers=registers,
            runner=runner,
            verifier=TokenVerifier(http, core.data_dir),
            access_log=AccessLog(runner.db, registers.audit_key),
            national_secret=national_secret(core),
            metrics=HttpMetrics(runner),
        )
        app.state.services = services
        ensure_snapshot_table(runner.db)
        worker = runner.start() if http.embedded_workers else None
        scheduler_settings = SchedulerSettings()
        scheduler = (
            build_scheduler(
                Runtime(
                    registers,
                    runner.db,
                    services.national_secret,
                    webhook_from(scheduler_settings, runner.db),
                    checkpoint_dir=core.checkpoint_dir,
                ),
                scheduler_settings.reminder_every_minutes,
                job_store(core),
                scheduler_settings.checkpoint_every_minutes,
            )
            if http.embedded_workers
            else None
        )
        if scheduler is not None:
            scheduler.start()
        log.info(
            "api_started",
            storage="postgresql" if core.uses_postgres else "sqlite",
            embedded_workers=http.embedded_workers,
        )
        try:
            yield
        finally:
            if scheduler is not None:
                scheduler.shutdown(wait=True)
            runner.stop()
            if worker is not None:
                worker.join(timeout=10)
            runner.db.close()
            registers.close()

    app = FastAPI(
        title="dsr",
        version="1",
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,  # served below from packaged assets: /docs works with no network
        redoc_url=None,
        openapi_tags=[
            {"name": "persons", "description": "Referral, commands and a person's record"},
            {"name": "register", "description": "The current register"},
            {"name": "reminders", "description": "Review reminders to poll"},
            {"name": "snapshots", "description": "Immutable reporting snapshots"},
            {"name": "areas", "description": "Aggregates and the national dataset"},
            {"name": "audit", "description": "Audit trail and access log, for auditors"},
            {"name": "operations", "description": "Health and metrics"},
        ],
    )
    problems.install(app)
    app.mount("/static/swagger-ui", StaticFiles(directory=swagger_ui_path), name="swagger-ui")

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title="dsr API",
            swagger_js_url="/static/swagger-ui/swagger-ui-bundle.js",
            swagger_css_url="/static/swagger-ui/swagger-ui.css",
            swagger_favicon_url="/static/swagger-ui/favicon-32x32.png",
        )

    for module in (persons, register, reminders, areas, snapshots, audit, health):
        app.include_router(module.router)

    limits = http_settings or HttpSettings()
    app.add_middleware(
        RequestLimits,
        max_body_bytes=limits.max_body_bytes,
        max_header_bytes=limits.max_header_bytes,
    )
    app.add_middleware(RequestLog)  # outermost: refusals are logged with their request id

    return app


def prepare_storage(settings: Settings) -> None:
    """Create every table once, before several API processes start at the same moment:
    concurrent CREATE TABLE IF NOT EXISTS can fail on PostgreSQL's catalogue."""
    registers = build_registers(settings)
    runner = build_runner(settings, registers)
    try:
        ensure_snapshot_table(runner.db)
    finally:
        runner.db.close()
        registers.close()


def create_served_app() -> FastAPI:
    """The app in each of several API processes, configured from the environment."""
    configure_logging()
    tune_garbage_collection()
    return create_app()
