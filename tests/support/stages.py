"""Bring a made-up person to a stage of their journey, through the application."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from dsr_core.domain.values import Actor
from dsr_core.service import commands as cmd
from dsr_core.service.caller import Caller
from dsr_core.service.registers import Registers
from tests.support import factories as f


def referred(
    app: Registers,
    *,
    area: str = f.ENGLISH_AREA,
    seed: int = 1,
    actor: Actor = f.LEAD,
    **detail_overrides: Any,
) -> UUID:
    return app.execute(
        None, f.referral(area=area, seed=seed, **detail_overrides), Caller.of(actor)
    ).person_id


def consented(app: Registers, **kwargs: Any) -> UUID:
    """England: consent recorded. Scotland records everyone in scope without consent, so
    there the person is only referred (their involvement is recorded instead)."""
    person_id = referred(app, **kwargs)
    if str(kwargs.get("area", f.ENGLISH_AREA)).startswith("S"):
        app.execute(person_id, f.involvement(), Caller.of(f.LEAD))
        return person_id
    app.execute(person_id, f.consent(), Caller.of(f.LEAD))
    return person_id


def accepted(
    app: Registers, level: str = "amber", urgent_reason: str | None = None, **kwargs: Any
) -> UUID:
    person_id = consented(app, **kwargs)
    app.execute(
        person_id,
        cmd.Accept(accepted_on=date(2025, 1, 14), rating=f.rating(level, urgent_reason)),
        Caller.of(f.LEAD),
    )
    return person_id


def admitted(app: Registers, **kwargs: Any) -> UUID:
    person_id = accepted(app, **kwargs)
    app.execute(person_id, f.admission(), Caller.of(f.LEAD))
    return person_id


def views_recorded(app: Registers, person_id: UUID, times: int, saying: str = "view {n}") -> None:
    """The person's views recorded `times` times, the nth saying `saying` with n filled in:
    a long record, past snapshot intervals."""
    for n in range(times):
        app.execute(
            person_id,
            cmd.RecordViews(recorded_on=date(2025, 3, 1), person=saying.format(n=n)),
            Caller.of(f.LEAD),
        )
