"""What a runner reports: a batch passed over, a rebuild done or refused, a failure, a lag."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Passed:
    """An event no read model handles, in a batch only for its position."""

    originator_id: object


@dataclass
class Rebuilt:
    """What `rebuild_all` did: each model's position once swapped in, and those refused."""

    positions: dict[str, int] = field(default_factory=dict)
    refused: list[RebuildRefusedError] = field(default_factory=list)


class RebuildRefusedError(Exception):
    """The rebuilt model disagrees with what it must not contradict; the live one stays."""

    def __init__(self, name: str, problems: Sequence[str]) -> None:
        super().__init__(f"rebuild of {name} refused: " + "; ".join(problems))
        self.name = name
        self.problems = list(problems)


@dataclass(frozen=True)
class Failure:
    """A projection stopped at an event: which position, what went wrong (the error's type)."""

    name: str
    position: int
    error: str
    attempts: int
    since: str


@dataclass(frozen=True)
class Lag:
    name: str
    position: int
    head: int

    @property
    def behind(self) -> int:
        return max(0, self.head - self.position)
