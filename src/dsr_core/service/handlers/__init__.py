"""One handler per command type (handlers/base.py says how); each module registers its
handlers in HANDLERS when imported, so this package imports them all."""

from __future__ import annotations

from dsr_core.service.handlers import care_record, hospital, referral, retention, reviews
from dsr_core.service.handlers.base import HANDLERS, HandlerContext, Outcome

__all__ = [
    "HANDLERS",
    "HandlerContext",
    "Outcome",
    "care_record",
    "hospital",
    "referral",
    "retention",
    "reviews",
]
