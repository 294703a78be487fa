"""Who acts, when: what every Person command is given besides its own arguments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from dsr_core.domain.values import Actor


@dataclass(frozen=True)
class Stamp:
    """Who acts, when it is recorded, and what "today" is where they work."""

    actor: Actor
    recorded_at: datetime
    today: date
