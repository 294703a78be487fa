"""The scheduler: APScheduler running the jobs on stable ids, starting with a catch-up run.

Exactly-once does not rest on the scheduler: the reminder book refuses a key twice, so
restarts, missed runs and several instances are all safe. The scheduler only decides
when to look. Jobs start immediately (catching up anything missed while down) and then
repeat; coalescing folds a backlog of missed runs into one.
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime

from apscheduler.schedulers.background import BackgroundScheduler

from dsr_core.application import Registers
from dsr_projections.database import ViewDatabase
from dsr_scheduler.config import SchedulerSettings
from dsr_scheduler.jobs import remind_everyone
from dsr_scheduler.snapshots import take_due_snapshots
from dsr_scheduler.webhooks import WebhookDelivery

REMINDERS_JOB = "dsr-reminders"
SNAPSHOTS_JOB = "dsr-snapshots"
WEBHOOK_JOB = "dsr-webhook"


def build_scheduler(
    registers: Registers,
    db: ViewDatabase,
    every_minutes: int = 60,
    secret: bytes | None = None,
    webhook: WebhookDelivery | None = None,
) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(timezone=UTC)
    scheduler.add_job(
        remind_everyone,
        "interval",
        minutes=every_minutes,
        args=(registers, db),
        id=REMINDERS_JOB,
        replace_existing=True,
        coalesce=True,
        max_instances=1,
        misfire_grace_time=None,
        next_run_time=datetime.now(UTC),
    )
    if secret is not None:
        scheduler.add_job(
            take_due_snapshots,
            "interval",
            hours=24,
            args=(registers, db, secret),
            id=SNAPSHOTS_JOB,
            replace_existing=True,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=None,
            next_run_time=datetime.now(UTC),
        )
    if webhook is not None:
        scheduler.add_job(
            webhook.deliver_pending,
            "interval",
            minutes=1,
            id=WEBHOOK_JOB,
            replace_existing=True,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=None,
            next_run_time=datetime.now(UTC),
        )
    return scheduler


def webhook_from(settings: SchedulerSettings, db: ViewDatabase) -> WebhookDelivery | None:
    if not settings.webhook_url or settings.webhook_secret is None:
        return None
    secret = base64.b64decode(settings.webhook_secret.get_secret_value())
    return WebhookDelivery(db, settings.webhook_url, secret)
