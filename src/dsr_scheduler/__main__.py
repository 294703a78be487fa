"""`python -m dsr_scheduler` (or `dsr schedule`): the scheduler as its own process."""

from __future__ import annotations

import signal
import sys
import threading
from types import FrameType

import structlog

from dsr_core.bootstrap import build_registers, national_secret
from dsr_core.logging import configure_logging
from dsr_core.process import tune_garbage_collection
from dsr_core.settings import Settings
from dsr_projections.bootstrap import view_database
from dsr_scheduler.config import SchedulerSettings
from dsr_scheduler.service import Runtime, build_scheduler, job_store, webhook_from

log = structlog.get_logger(__name__)


def main(every_minutes: int | None = None) -> int:
    configure_logging()
    settings = Settings()
    options = SchedulerSettings()
    every_minutes = every_minutes or options.reminder_every_minutes
    registers = build_registers(settings)
    db = view_database(settings)
    runtime = Runtime(
        registers,
        db,
        national_secret(settings),
        webhook_from(options, db),
        checkpoint_dir=settings.checkpoint_dir,
    )
    scheduler = build_scheduler(
        runtime, every_minutes, job_store(settings), options.checkpoint_every_minutes
    )
    stopped = threading.Event()

    def stop(signum: int, _: FrameType | None) -> None:
        log.info("scheduler_stopping", signal=signum)
        stopped.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    tune_garbage_collection()
    scheduler.start()
    log.info("scheduler_started", every_minutes=every_minutes)
    stopped.wait()
    scheduler.shutdown()
    db.close()
    registers.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
