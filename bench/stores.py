"""A throwaway PostgreSQL with dsr's store and read models on it, for the benchmarks."""

from __future__ import annotations

import base64
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.pgserver import start_throwaway

from dsr_core.process.bootstrap import build_registers
from dsr_core.process.settings import Settings
from dsr_core.service.registers import Registers
from dsr_projections.bootstrap import build_runner
from dsr_projections.engine.runner import ProjectionRunner

NOW = datetime(2025, 9, 30, 12, tzinfo=UTC)
"""The benchmarks' today: the histories they save end here."""


@dataclass(frozen=True)
class Store:
    url: str
    settings: Settings
    registers: Registers
    runner: ProjectionRunner

    @property
    def names(self) -> list[str]:
        return [p.name for p in self.runner.projections]


@contextmanager
def throwaway_store(data_dir: str) -> Iterator[Store]:
    """A new server, the event store and every read model on it, the clock at NOW; all
    closed and the server stopped however the block ends."""
    server = start_throwaway()
    try:
        settings = Settings(
            database_url=server.url,
            identity_key=base64.b64encode(os.urandom(32)).decode(),
            data_dir=Path(data_dir),
        )
        registers = build_registers(settings, clock=lambda: NOW)
        runner = build_runner(settings, registers)
        try:
            yield Store(server.url, settings, registers, runner)
        finally:
            runner.db.close()
            registers.close()
    finally:
        server.stop()
