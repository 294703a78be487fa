"""Events of retention: legal holds, and erasure at the end of retention or on request.

Each `apply` only changes state, so stored events replay after a rule changes; the
rules live in the commands (../retention.py) and domain/rules. Topics are explicit and
carry no module path.
"""

from __future__ import annotations

from datetime import date

from dsr_core.domain.codes import ErasureBasis, ErasureRule
from dsr_core.domain.personal import ERASED, PERSONAL_STATE, erased
from dsr_core.person.state import (
    _TOPIC,
    PersonEvent,
    PersonState,
)


class LegalHoldPlaced(PersonEvent):
    """The record must be kept whatever its retention: a claim, an inquiry, a court
    order. Neither the retention job nor a request can erase it while held (issue 15)."""

    TOPIC = f"{_TOPIC}.LegalHoldPlaced"
    reference: str | None
    reason: str

    def apply(self, person: PersonState) -> None:
        person.legal_hold = True


class LegalHoldLifted(PersonEvent):
    TOPIC = f"{_TOPIC}.LegalHoldLifted"
    reason: str

    def apply(self, person: PersonState) -> None:
        person.legal_hold = False


class Erased(PersonEvent):
    """The person's key is destroyed once every read model has seen this event: their
    identifying details and free text are then gone from every copy, while the rest of
    the history replays (issue 15). The rule, basis and reference stay in the clear."""

    TOPIC = f"{_TOPIC}.Erased"
    rule: ErasureRule
    basis: ErasureBasis | None
    reference: str | None
    retention_years: int | None
    eligible_on: date | None

    def apply(self, person: PersonState) -> None:
        for name, value in list(vars(person).items()):
            if name.startswith("_"):
                continue
            if name in PERSONAL_STATE:
                setattr(person, name, ERASED if value is not None else None)
            else:
                setattr(person, name, erased(value))
        person.erased_on = self.effective_on
        person.erasure_rule = str(self.rule)
