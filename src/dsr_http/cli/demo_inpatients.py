"""The demo's long-stay inpatients (issue 27): people put on the DSR years into a hospital
stay, and inpatients the area is responsible for who were never referred."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any, Protocol
from uuid import UUID

from dsr_core.domain.errors import DsrError
from dsr_core.domain.values import Actor
from dsr_core.service import commands as cmd
from dsr_core.service.caller import Caller
from dsr_core.service.registers import Registers
from dsr_http.cli.demo_data import SECTIONS, delay_codes


class Journey(Protocol):
    app: Registers
    area: str
    scottish: bool
    actor: Actor
    day: date
    today: date
    person_id: UUID | None
    events: int

    def do(self, command: cmd.Command) -> bool: ...


def stay(journey: Journey, extra: random.Random, admitted_on: date) -> dict[str, Any]:
    """A long stay's facts, with its provider and responsible commissioner."""
    return {
        "admitted_on": admitted_on,
        "hospital": "Imaginary Secure Hospital",
        "ward_type": extra.choice(["mental_health", "learning_disability"]),
        "security_level": extra.choice(["general", "low", "medium"]),
        "in_area": extra.random() < 0.5,
        "legal_status": "detained",
        "detained_under": extra.choice(SECTIONS[journey.scottish]),
        "provider_code": extra.choice(["RX4", "RVN", "RT5"]),
        "provider_name": "Imaginary Health NHS Trust",
        "commissioner_type": "health_board"
        if journey.scottish
        else extra.choice(["icb", "nhs_england_specialised", "provider_collaborative"]),
        "commissioner_code": extra.choice(["QHM", "QE1", "13R"]),
    }


def admitted_years_before(journey: Journey, extra: random.Random) -> None:
    """Someone put on the DSR years into a hospital stay, as often happens in practice: the
    stay, a C(E)TR and the clinically-ready date as they happened, before the referral."""
    admitted = journey.day - timedelta(days=extra.randint(700, 3000))
    journey.do(cmd.Admit.model_validate(stay(journey, extra, admitted)))
    held = journey.day - timedelta(days=extra.randint(30, 200))
    journey.do(cmd.RecordReview(kind="cetr", held_on=held, outcome="Demo review"))
    ready = admitted + timedelta(days=extra.randint(200, 600))
    journey.do(cmd.MarkReadyForDischarge(ready_on=ready))
    codes = delay_codes(journey.scottish, ready)
    reason = codes[ready.toordinal() % len(codes)]  # not drawn: the demo's stream is unchanged
    journey.do(cmd.RecordDischargeDelay(recorded_on=ready, delay_reason=reason))


def never_referred(journey: Journey, details: dict[str, Any], extra: random.Random) -> None:
    """An inpatient the area is responsible for, never referred to the DSR."""
    admitted = journey.day - timedelta(days=extra.randint(100, 2500))
    body = {
        "area": journey.area,
        "details": details,
        "notified_by": "Provider's inpatient notification",
        **stay(journey, extra, admitted),
    }
    try:
        result = journey.app.execute(
            None, cmd.NotifyInpatient.model_validate(body), Caller.of(journey.actor)
        )
    except DsrError:
        return
    journey.person_id, journey.events = result.person_id, 1
    held = admitted + timedelta(days=extra.randint(20, 90))
    if held <= journey.today:
        journey.do(cmd.RecordReview(kind="cetr", held_on=held, outcome="Demo review"))
