"""The Person's retention commands (issue 15): legal holds, and erasure at the end of
retention or on request.

Erasure is recorded as an event here; the key that makes it final is destroyed once every
read model has seen that event (dsr_scheduler's retention job), so no copy is left holding
what the key sealed.
"""

from __future__ import annotations

from datetime import date

from dsr_core.domain import retention_rules
from dsr_core.domain.codes import ErasureBasis, ErasureRule
from dsr_core.domain.errors import LegalHoldError
from dsr_core.person import events
from dsr_core.person.stamp import Stamp
from dsr_core.person.state import PersonState


class RetentionCommands(PersonState):
    def place_legal_hold(self, *, reference: str | None, reason: str, by: Stamp) -> None:
        if self.legal_hold:
            raise LegalHoldError("A legal hold is already in place.", field="reason")
        self._trigger(events.LegalHoldPlaced, by, by.today, reference=reference, reason=reason)

    def lift_legal_hold(self, *, reason: str, by: Stamp) -> None:
        if not self.legal_hold:
            raise LegalHoldError("There is no legal hold to lift.", field="reason")
        self._trigger(events.LegalHoldLifted, by, by.today, reason=reason)

    def erasure_blockers(
        self, *, rule: ErasureRule, retention_years: int | None, today: date
    ) -> list[str]:
        """Every reason the record may not be erased today; none means it may."""
        return retention_rules.erasure_blockers(
            status=self.status,
            in_hospital=self.admission is not None,
            legal_hold=self.legal_hold,
            erased=self.erased_on is not None,
            closed_on=self.closed_on,
            rule=rule,
            retention_years=retention_years,
            today=today,
        )

    def erase(
        self,
        *,
        rule: ErasureRule,
        by: Stamp,
        basis: ErasureBasis | None = None,
        reference: str | None = None,
        retention_years: int | None = None,
    ) -> None:
        """Record the erasure; refused with every reason that stands in its way.

        A reapplied erasure (found in the ledger, missing from a restored database) was
        lawful when first made, so nothing blocks it.
        """
        if rule is not ErasureRule.REAPPLIED:
            retention_rules.check_erasable(
                self.erasure_blockers(rule=rule, retention_years=retention_years, today=by.today)
            )
        eligible_on = retention_rules.retention_ends(self.closed_on, retention_years)
        self._trigger(
            events.Erased,
            by,
            by.today,
            rule=rule,
            basis=basis,
            reference=reference,
            retention_years=retention_years if rule is ErasureRule.RETENTION else None,
            eligible_on=eligible_on if rule is ErasureRule.RETENTION else None,
        )
