"""The long-running processes: the API, the projection worker and the scheduler.

With PostgreSQL each runs on its own (compose.yaml); embedded, `dsr serve` runs all three.
"""

from __future__ import annotations

import argparse
import signal
import socket
import sys
import threading
from collections.abc import Callable
from types import FrameType

import structlog
import uvicorn

from dsr_core.process.logging import configure_logging
from dsr_core.process.settings import Settings
from dsr_core.process.tuning import tune_garbage_collection
from dsr_http.cli.demo import load_demo
from dsr_http.config import HttpSettings
from dsr_http.main import create_app, prepare_storage
from dsr_http.runtime import opened, projections_named, scheduler_for
from dsr_http.serving import serve_many
from dsr_projections.engine.runner import BATCH_SIZE
from dsr_scheduler.config import SchedulerSettings

log = structlog.get_logger(__name__)


def serve(args: argparse.Namespace) -> int:
    """Run the API; with no configuration, embedded (SQLite, projections in-process)."""
    configure_logging()
    settings = Settings()
    http = HttpSettings()
    if http.embedded_workers:
        SchedulerSettings()  # its settings' mistakes in one line now, not a failed start later
    workers = args.workers or http.api_workers
    if workers > 1 and (not settings.uses_postgres or http.embedded_workers):
        print(
            "dsr serve: several API processes need PostgreSQL (DSR_DATABASE_URL) and "
            "DSR_EMBEDDED_WORKERS=false, with `dsr project` and `dsr schedule` running apart.",
            file=sys.stderr,
        )
        return 2
    # the port first: a process that cannot listen must stop before it loads the demo or
    # starts a worker or a scheduled job against the live store (issue 29)
    listening = _listen(args.host, args.port)
    if listening is None:
        return 2
    if args.demo:
        load_demo(settings, args.demo)
    if workers == 1:
        tune_garbage_collection()
        config = uvicorn.Config(create_app(settings), log_config=None, access_log=False)
        uvicorn.Server(config).run(sockets=[listening])
    else:
        listening.close()  # each API process binds its own (SO_REUSEPORT)
        prepare_storage(settings)
        serve_many(args.host, args.port, workers)
    return 0


def _listen(host: str, port: int) -> socket.socket | None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listening = socket.socket(family, socket.SOCK_STREAM)
    listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listening.bind((host, port))
    except OSError as error:
        listening.close()
        print(
            f"dsr serve: cannot listen on {host}:{port} ({error.strerror}); stop what holds "
            "it or give another --port",
            file=sys.stderr,
        )
        return None
    return listening


def stop_on_signals(stop: Callable[[], None], event: str) -> None:
    """SIGTERM (compose, systemd) and SIGINT (a terminal) stop the process cleanly."""

    def handle(signum: int, _: FrameType | None) -> None:
        log.info(event, signal=signum)
        stop()

    signal.signal(signal.SIGTERM, handle)
    signal.signal(signal.SIGINT, handle)


def project(args: argparse.Namespace) -> int:
    """Run the projection worker until stopped (PostgreSQL mode runs it as its own process);
    with --only, just those read models, so several workers can run side by side."""
    configure_logging()
    only = args.only or ()
    try:
        projections_named(only)
    except ValueError as unknown:
        print(f"dsr project: {unknown}", file=sys.stderr)
        return 2
    with opened(Settings(), batch_size=args.batch_size or BATCH_SIZE, only=only) as runtime:
        runner = runtime.runner

        stop_on_signals(runner.stop, "projection_worker_stopping")
        tune_garbage_collection()
        log.info("projection_worker_started", projections=[p.name for p in runner.projections])
        runner.run_forever()
    return 0


def schedule(args: argparse.Namespace) -> int:
    """Run the scheduler until stopped (PostgreSQL mode runs it as its own process)."""
    configure_logging()
    options = SchedulerSettings()
    if args.every_minutes:
        options = options.model_copy(update={"reminder_every_minutes": args.every_minutes})
    with opened(Settings()) as runtime:
        scheduler = scheduler_for(runtime, options)
        stopped = threading.Event()
        stop_on_signals(stopped.set, "scheduler_stopping")
        tune_garbage_collection()
        scheduler.start()
        log.info("scheduler_started", every_minutes=options.reminder_every_minutes)
        stopped.wait()
        scheduler.shutdown(wait=True)
        log.info("scheduler_stopped")
    return 0
