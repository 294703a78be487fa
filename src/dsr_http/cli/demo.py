"""A synthetic register: obviously fictional people on realistic journeys, for demos and tests.

Everything goes through the application service, so the demo data obeys every rule.
Names are invented words; NHS and CHI numbers pass their check digits but are
generated, and dates are random.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import structlog

from dsr_core.process.bootstrap import build_registers
from dsr_core.process.settings import Settings
from dsr_core.service.registers import Registers
from dsr_http.cli.demo_data import (
    ENGLISH_AREAS,
    SCOTTISH_AREAS,
)
from dsr_http.cli.demo_journey import Journey, Summary

log = structlog.get_logger(__name__)


@dataclass
class Clock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now


def generate(
    app: Registers,
    people: int,
    *,
    seed: int = 2025,
    today: date = date(2025, 9, 30),
    areas: Sequence[str] = ENGLISH_AREAS + SCOTTISH_AREAS,
    start: date = date(2023, 10, 1),
    progress: Callable[[int, int], None] | None = None,
) -> Summary:
    """Create `people` journeys starting between `start` and `today`, deterministic for a seed."""
    rng = random.Random(seed)
    summary = Summary()
    span = (today - start).days
    for index in range(people):
        area = areas[index % len(areas)]
        journey = Journey(app, rng, area, start + timedelta(days=rng.randint(0, span)), today)
        journey.run(index, turn=index // len(areas))
        if journey.person_id is not None:
            summary.people += 1
            summary.events += journey.events
        if progress:
            progress(index + 1, people)
    return summary


def demo_registers_clock(today: date) -> Clock:
    """A clock that says it is midday on `today`, so every demo date is in the past."""
    return Clock(datetime(today.year, today.month, today.day, 12, tzinfo=UTC))


def load_demo(settings: Settings, people: int) -> bool:
    """Load a synthetic register once, when the store is empty; False if it was not empty."""
    registers = build_registers(settings)
    try:
        if (registers.recorder.max_notification_id() or 0) > 0:
            return False

        def progress(done: int, total: int) -> None:
            width = 30
            filled = width * done // total
            bar = "#" * filled + "-" * (width - filled)
            print(f"\rdemo data [{bar}] {done}/{total} people", end="", file=sys.stderr, flush=True)

        # A bar for a person at a terminal; otherwise (a service's log) JSON lines only.
        interactive = sys.stderr.isatty()
        summary = generate(
            registers,
            people,
            progress=progress if interactive else None,
            today=registers.clock.today(),
        )
        if interactive:
            print(file=sys.stderr)
        log.info("demo_loaded", people=summary.people, events=summary.events)
        return True
    finally:
        registers.close()


def demo(args: argparse.Namespace) -> int:
    """Load a synthetic register (6 areas, fictional people) into an empty store."""
    if not load_demo(Settings(), args.people):
        print(
            "The store already holds events; demo data is only loaded into an empty one.",
            file=sys.stderr,
        )
        return 1
    return 0
