"""Managed and unmanaged risk (domain.md, "Status and rating"): Green means some risks,
effectively managed; an unmanaged risk is one nobody is managing (no current involvement
or open action attached), and it calls for a rating review.

Derived from the record, never stored: an involvement that ends or an action that closes
leaves its risk unmanaged from that day without anyone recording it twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dsr_core.domain.codes import RiskFactor
from dsr_core.person.aggregate import Person


@dataclass(frozen=True)
class RiskState:
    risk_factor: RiskFactor
    since: date | None
    """When the factor was recorded (its current run)."""
    managed: bool
    managed_by_involvement: str | None
    managed_by_action: str | None
    unmanaged_since: date | None
    """When nobody was managing it any more (or since it was recorded, if nobody ever did)."""


def risk_states(person: Person) -> list[RiskState]:
    """Every current risk factor, with who manages it or since when nobody does."""
    return [_state(person, factor) for factor in person.risk_factors]


def _state(person: Person, factor: RiskFactor) -> RiskState:
    # a snapshot taken before the day was kept: the rating decision that recorded it
    since = person.risk_factors_since.get(str(factor)) or person.rating_since or person.referred_on
    management = person.risk_management.get(str(factor))
    if management is None:
        return RiskState(factor, since, False, None, None, since)
    involvement, action = management.involvement_id, management.action_id
    ended: date | None = None
    if involvement is not None:
        member = person.team.get(involvement)
        ended = (member.ended_on or None) if member else management.recorded_on
    elif action is not None:
        held = person.actions.get(action)
        if held is None or not held.open:
            ended = (held.completed_on if held else None) or management.recorded_on
    else:
        ended = max(d for d in (since, management.recorded_on) if d is not None)
    if ended is None:
        return RiskState(factor, since, True, involvement, action, None)
    return RiskState(factor, since, False, involvement, action, ended)


def unmanaged_since(person: Person) -> date | None:
    """The earliest day a current risk factor has been unmanaged; None when all are managed."""
    days = [s.unmanaged_since for s in risk_states(person) if s.unmanaged_since is not None]
    return min(days, default=None)
