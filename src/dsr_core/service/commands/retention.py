"""Commands of retention (issue 15): legal holds and erasure."""

from __future__ import annotations

from dsr_core.domain.codes import (
    ErasureBasis,
)
from dsr_core.domain.inputs import LongText, Reference
from dsr_core.service.commands.base import Command, example


class PlaceLegalHold(Command):
    """Keep the record whatever its retention: nothing erases it while the hold stands."""

    model_config = example({"reference": "CLAIM-2026-017", "reason": "Claim notified."})
    reference: Reference | None = None
    reason: LongText


class LiftLegalHold(Command):
    """Lift the legal hold: retention applies again."""

    model_config = example({"reason": "Claim settled."})
    reason: LongText


class Erase(Command):
    """Erase on request where the law allows it (no open period, inpatient stay or legal
    hold): the person's key is destroyed within minutes, and nothing more can be recorded
    about them."""

    model_config = example({"basis": "unlawfully_processed", "reference": "SAR-2026-0142"})
    basis: ErasureBasis
    reference: Reference | None = None


class EraseAtRetentionEnd(Command):
    """The retention job's erasure (never offered over HTTP): the area's retention period
    after the last period closed has passed."""

    model_config = example({})


class ReapplyErasure(Command):
    """The erasure ledger's (never offered over HTTP): an erasure made before a backup was
    restored, made again so the restore does not bring the person back."""

    model_config = example({})
