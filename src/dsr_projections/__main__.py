"""`python -m dsr_projections` (or `dsr project`): the projection worker process."""

from __future__ import annotations

import signal
import sys
from types import FrameType

import structlog

from dsr_core.bootstrap import build_registers
from dsr_core.logging import configure_logging
from dsr_core.process import tune_garbage_collection
from dsr_core.settings import Settings
from dsr_projections.bootstrap import build_runner

log = structlog.get_logger(__name__)


def main(batch_size: int = 500) -> int:
    configure_logging()
    settings = Settings()
    registers = build_registers(settings)
    runner = build_runner(settings, registers, batch_size=batch_size)

    def stop(signum: int, _: FrameType | None) -> None:
        log.info("projection_worker_stopping", signal=signum)
        runner.stop()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    tune_garbage_collection()
    log.info("projection_worker_started", projections=[p.name for p in runner.projections])
    try:
        runner.run_forever()
    finally:
        runner.db.close()
        registers.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
