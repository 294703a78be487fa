"""One small handler per command type: turn a validated command into the aggregate's call.

`Registers.execute` loads the person, checks the caller's scope and version, looks the
handler up by the command's *type* in `HANDLERS`, runs it, and saves once. Handlers get
primitive values across to the aggregate, so the domain never sees a request model;
what else a command must save (identity keys) or answer (a review's id) comes back as
an `Outcome`. Adding a command is a command model, a handler and one `@handles` line."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from eventsourcing.domain import Aggregate

from dsr_core.person.aggregate import Person, Stamp
from dsr_core.service import commands as cmd
from dsr_core.service.areas import AreaDirectory
from dsr_core.service.caller import Caller
from dsr_core.service.identity_keys import IdentityKeys


@dataclass(frozen=True)
class HandlerContext:
    """What a handler may use besides the person: who acts and when, area settings, keys."""

    stamp: Stamp
    areas: AreaDirectory
    identity_keys: IdentityKeys
    caller: Caller


@dataclass
class Outcome:
    """Other aggregates to save with the person, and values to add to the answer."""

    also_save: list[Aggregate] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


C = TypeVar("C", bound=cmd.Command)


Handler = Callable[[Person, C, HandlerContext], Outcome | None]


HANDLERS: dict[type[cmd.Command], Handler[Any]] = {}


def handles(kind: type[C]) -> Callable[[Handler[C]], Handler[C]]:
    """Register a handler for one command type (mypy checks the handler takes that type)."""

    def register(handler: Handler[C]) -> Handler[C]:
        if kind in HANDLERS:
            raise TypeError(f"{kind.__name__} already has a handler")
        HANDLERS[kind] = handler
        return handler

    return register
