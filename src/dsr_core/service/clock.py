"""The clock every part of a process reads: now, and today where the area works.

Injected (settings give the zone; tests give a fixed time), so no code asks the write
application, or the machine, what day it is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

TimeSource = Callable[[], datetime]
"""Where the time comes from: the system's (process/bootstrap.system_clock) or a test's."""


@dataclass(frozen=True)
class Clock:
    """`now` is an aware time; `today` is that time's date in the configured zone."""

    read: TimeSource
    zone: ZoneInfo

    def now(self) -> datetime:
        return self.read()

    def today(self) -> date:
        return self.read().astimezone(self.zone).date()
