"""Composition for the read side: which database holds the views, and the runner."""

from __future__ import annotations

from collections.abc import Sequence

from dsr_core.process.bootstrap import national_secret
from dsr_core.process.settings import Settings
from dsr_core.service.registers import Registers
from dsr_projections.audit import access_log
from dsr_projections.audit.trail import AuditProjection
from dsr_projections.engine import integrity
from dsr_projections.engine.projection import Context, Projection
from dsr_projections.engine.runner import ProjectionRunner
from dsr_projections.feed import FeedProjection
from dsr_projections.national.dataset import NationalDatasetProjection
from dsr_projections.register.entries import RegisterProjection
from dsr_projections.reminders import RemindersProjection
from dsr_projections.stays.projection import LengthOfStayProjection
from dsr_projections.storage.database import PostgresViews, SQLiteViews, ViewDatabase
from dsr_projections.storage.sealed import ColumnSealer

ALL: Sequence[type[Projection]] = (
    RegisterProjection,
    AuditProjection,
    LengthOfStayProjection,
    NationalDatasetProjection,
    RemindersProjection,
    FeedProjection,
)


def view_database(settings: Settings) -> ViewDatabase:
    if settings.database_url is not None:
        return PostgresViews(
            settings.database_url.get_secret_value(),
            settings.database_schema,
            timeout=settings.database_timeout_seconds,
        )
    return SQLiteViews(settings.data_dir / "views.sqlite3")


def build_runner(
    settings: Settings,
    registers: Registers,
    db: ViewDatabase | None = None,
    projections: Sequence[type[Projection]] = ALL,
    **options: float,
) -> ProjectionRunner:
    db = db or view_database(settings)
    db.sealer = ColumnSealer(registers.person_keys)
    context = Context(
        mapper=registers.mapper,
        areas=registers.areas,
        audit_key=registers.audit_key,
        dialect=db.dialect,
        national_secret=national_secret(settings),
    )
    runner = ProjectionRunner(
        context,
        db,
        projections,
        registers.recorder,
        log_name=registers.name,
        other_tables=(access_log.create_tables, integrity.create_tables),
        **options,  # type: ignore[arg-type]
    )
    runner.setup()  # the read side's tables; dsr_http.runtime.create_tables adds the rest
    registers.integrity_check = lambda person_id: bool(integrity.breaks_of(db, person_id))
    return runner
