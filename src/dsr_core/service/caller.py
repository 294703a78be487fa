"""Who asks for a command, within which areas, on which version, under which retry key.

Everything a command needs besides its own fields travels here, explicitly, rather than
in context variables: the application's signature shows it all.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from dsr_core.domain.values import Actor
from dsr_core.service.idempotency import Claim


@dataclass(frozen=True)
class Caller:
    actor: Actor
    areas: frozenset[str] | None = None
    """The areas the caller acts in; a person elsewhere is "not found". None: any area."""
    expected_version: int | None = None
    """If-Match: the version the caller edited; a newer one refuses the command."""
    claim: Claim | None = None
    """Idempotency-Key: a retry with the same claim gets the first outcome."""

    @classmethod
    def of(
        cls,
        actor: Actor,
        *,
        areas: Iterable[str] | None = None,
        expected_version: int | None = None,
        claim: Claim | None = None,
    ) -> Caller:
        return cls(actor, None if areas is None else frozenset(areas), expected_version, claim)

    def may_act_in(self, area: str) -> bool:
        return self.areas is None or area in self.areas
