"""The scheduler: APScheduler with its jobs stored in dsr's own database.

Exactly-once does not rest on the scheduler: the reminder book refuses a key twice and
snapshots are stored once per period, so restarts, missed runs and several instances are
all safe. The scheduler decides when to look. Jobs are stored (SQLAlchemy job store, in
the PostgreSQL schema or beside the embedded views) by reference to the functions below,
which run against this process's runtime; a new job starts at once, a stored one keeps its
schedule across restarts (a run missed while down, or cut short when its process died, is
due at start), and a backlog of missed runs is coalesced into one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

import structlog
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from dsr_core.process.bootstrap import url_params
from dsr_core.process.settings import Settings
from dsr_core.service.clock import Clock
from dsr_core.service.registers import Registers
from dsr_projections.audit.checkpoints import latest_checkpoint, write_checkpoint
from dsr_projections.audit.trail import take_checkpoint
from dsr_projections.storage.database import ViewDatabase
from dsr_scheduler import retention
from dsr_scheduler.config import SchedulerSettings, webhook_key
from dsr_scheduler.job_runs import interrupted, recorded
from dsr_scheduler.jobs import remind_everyone
from dsr_scheduler.retention import ErasureLedger
from dsr_scheduler.snapshots import take_due_snapshots
from dsr_scheduler.webhooks import Tuning, WebhookDelivery, feed_for

log = structlog.get_logger(__name__)

REMINDERS_JOB = "dsr-reminders"
SNAPSHOTS_JOB = "dsr-snapshots"
WEBHOOK_JOB = "dsr-webhook"
CHECKPOINT_JOB = "dsr-audit-checkpoint"
RETENTION_JOB = "dsr-retention"
ERASURE_FINISH_JOB = "dsr-erasure-finish"
JOBS_TABLE = "scheduler_jobs"


@dataclass
class Runtime:
    """What stored jobs run against in this process."""

    registers: Registers
    clock: Clock
    db: ViewDatabase
    secret: bytes | None = None
    webhook: WebhookDelivery | None = None
    feed_deliveries: tuple[WebhookDelivery, ...] = ()
    checkpoint_dir: Path | None = None
    ledger: ErasureLedger | None = None


_runtime: Runtime | None = None


def _current() -> Runtime:
    if _runtime is None:
        raise RuntimeError("the scheduler runtime is not set up in this process")
    return _runtime


@recorded(REMINDERS_JOB, lambda: _current().db)
def run_reminders() -> None:
    runtime = _current()
    remind_everyone(runtime.registers, runtime.db)


@recorded(SNAPSHOTS_JOB, lambda: _current().db)
def run_snapshots() -> None:
    runtime = _current()
    if runtime.secret is not None:
        take_due_snapshots(runtime.registers, runtime.db, runtime.secret, clock=runtime.clock)


@recorded(RETENTION_JOB, lambda: _current().db)
def run_retention() -> None:
    """Daily: erase everyone past their area's retention (issue 15)."""
    runtime = _current()
    if runtime.ledger is not None:
        retention.run(
            runtime.registers, runtime.db, runtime.ledger, clock=runtime.clock, dry_run=False
        )


@recorded(ERASURE_FINISH_JOB, lambda: _current().db)
def run_erasure_finish() -> None:
    """Every few minutes: destroy the keys of erasures the read models have caught up
    with, so an erasure on request is final within minutes, not a day."""
    runtime = _current()
    if runtime.ledger is not None:
        destroyed, waiting = retention.finish(
            runtime.registers, runtime.db, runtime.ledger, clock=runtime.clock
        )
        if destroyed or waiting:
            log.info("erasures_finished", keys_destroyed=len(destroyed), waiting=len(waiting))


@recorded(CHECKPOINT_JOB, lambda: _current().db)
def run_checkpoint() -> None:
    runtime = _current()
    if runtime.checkpoint_dir is not None:
        take_checkpoint_if_moved(
            runtime.registers, runtime.db, runtime.checkpoint_dir, clock=runtime.clock
        )


def take_checkpoint_if_moved(
    registers: Registers, db: ViewDatabase, directory: Path, *, clock: Clock
) -> Path | None:
    """A signed checkpoint of the audit chains, unless nothing moved since the last one
    (so restarts and several schedulers add no copies); the audit model is caught up to
    the log head first, as far as the worker has got."""
    checkpoint = take_checkpoint(db, registers.audit_key, clock.now())
    earlier = latest_checkpoint(directory)
    if earlier is not None and (earlier.log_position, earlier.access_seq) == (
        checkpoint.log_position,
        checkpoint.access_seq,
    ):
        return None
    path = write_checkpoint(directory, checkpoint)
    log.info("audit_checkpoint_written", log_position=checkpoint.log_position)
    return path


@recorded(WEBHOOK_JOB, lambda: _current().db)
def run_webhook() -> None:
    runtime = _current()
    for delivery in (runtime.webhook, *runtime.feed_deliveries):
        if delivery is not None:
            delivery.deliver_pending()


def sqlalchemy_url(url: str) -> str:
    """The database URL as SQLAlchemy's psycopg dialect takes it; several hosts (a primary
    and its standbys) as repeated `host` parameters, its form for libpq's host lists."""
    scheme_less = url.split("://", 1)[1]
    userinfo, _, rest = scheme_less.rpartition("@")
    hostspec = rest.split("/", 1)[0].split("?", 1)[0]
    if "," not in hostspec:
        return "postgresql+psycopg://" + scheme_less
    params = url_params(url)
    hosts = zip(params["host"].split(","), params["port"].split(","), strict=True)
    query = [f"host={host}:{port}" for host, port in hosts]
    if "target_session_attrs" in params:
        query.append(f"target_session_attrs={params['target_session_attrs']}")
    login = f"{userinfo}@" if userinfo else ""
    return f"postgresql+psycopg://{login}/{quote(params['dbname'])}?{'&'.join(query)}"


def job_store(settings: Settings) -> SQLAlchemyJobStore:
    """APScheduler's job table in the same database as everything else."""
    if settings.database_url is not None:
        url = sqlalchemy_url(settings.database_url.get_secret_value())
        return SQLAlchemyJobStore(
            url=url, tablename=JOBS_TABLE, tableschema=settings.database_schema
        )
    return SQLAlchemyJobStore(
        url=f"sqlite:///{settings.data_dir / 'views.sqlite3'}", tablename=JOBS_TABLE
    )


def build_scheduler(
    runtime: Runtime,
    every_minutes: int = 60,
    store: SQLAlchemyJobStore | None = None,
    checkpoint_every_minutes: int = 15,
    webhook_every_seconds: int = 10,
) -> BackgroundScheduler:
    global _runtime
    _runtime = runtime
    scheduler = BackgroundScheduler(timezone=UTC, jobstores={"default": store} if store else None)
    stored, now = _stored_next_runs(store), datetime.now(UTC)
    for job_id in interrupted(runtime.db) if store is not None else ():
        stored[job_id] = now

    def add(function: Callable[[], None], job_id: str, every: timedelta) -> None:
        # A job the store already holds keeps its next run (one missed while down, or cut
        # short by a killed process, is due now); a new one runs at once; a shortened
        # interval is not waited out.
        scheduler.add_job(
            function,
            "interval",
            seconds=every.total_seconds(),
            id=job_id,
            replace_existing=True,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=None,
            next_run_time=min(stored.get(job_id, now), now + every),
        )

    add(run_reminders, REMINDERS_JOB, timedelta(minutes=every_minutes))
    if runtime.secret is not None:
        # Hourly: cheap once a period is stored, and soon retried after a deferred run.
        add(run_snapshots, SNAPSHOTS_JOB, timedelta(hours=1))
    if runtime.webhook is not None or runtime.feed_deliveries:
        add(run_webhook, WEBHOOK_JOB, timedelta(seconds=webhook_every_seconds))
    if runtime.ledger is not None:
        add(run_retention, RETENTION_JOB, timedelta(hours=24))
        add(run_erasure_finish, ERASURE_FINISH_JOB, timedelta(seconds=30))
    if runtime.checkpoint_dir is not None:
        add(run_checkpoint, CHECKPOINT_JOB, timedelta(minutes=checkpoint_every_minutes))
    return scheduler


def _stored_next_runs(store: SQLAlchemyJobStore | None) -> dict[str, datetime]:
    """When each stored job is next due. A restart keeps the schedule: every job ran at
    every start before (issue 30), so a topology restarted under load spent its first
    seconds on the daily retention run and the reminders of every person."""
    if store is None:
        return {}
    table = store.jobs_t
    try:
        with store.engine.connect() as connection:
            rows = connection.execute(select(table.c.id, table.c.next_run_time)).all()
    except SQLAlchemyError:
        return {}  # no table yet: the first start
    return {
        str(job_id): datetime.fromtimestamp(float(due), UTC)
        for job_id, due in rows
        if due is not None  # a paused job
    }


def webhook_from(settings: SchedulerSettings, db: ViewDatabase) -> WebhookDelivery | None:
    if not settings.webhook_url or settings.webhook_secret is None:
        return None
    secret = webhook_key(settings.webhook_secret)
    tuning = Tuning(batch_size=settings.webhook_batch_size)
    return WebhookDelivery(db, settings.webhook_url, secret, tuning=tuning)


def feed_deliveries_from(
    settings: SchedulerSettings, db: ViewDatabase
) -> tuple[WebhookDelivery, ...]:
    """One delivery (its own cursor) per feed subscriber, scoped to its role and areas."""
    return tuple(
        WebhookDelivery(
            db,
            subscriber.url,
            webhook_key(subscriber.secret),
            name=f"feed:{subscriber.name}",
            fetch=feed_for(db, subscriber.role, subscriber.areas),
            content_type="application/cloudevents-batch+json",
            tuning=Tuning(batch_size=subscriber.batch_size, concurrency=subscriber.concurrency),
        )
        for subscriber in settings.feed_subscribers
    )
