"""Scheduled jobs: thin, asking the core what is due as of today and recording it."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

import structlog

from dsr_core.domain.errors import DsrError
from dsr_core.service.registers import Registers
from dsr_projections.queries import inpatient_ids, register_person_ids, untold_ids
from dsr_projections.storage.database import ViewDatabase

log = structlog.get_logger(__name__)


@dataclass
class ReminderRun:
    people: int = 0
    issued: int = 0
    escalated: int = 0
    failed: int = 0


def people_to_remind(db: ViewDatabase) -> list[UUID]:
    """Everyone referred or on a register, every inpatient who is not (their C(E)TRs
    and visits are owed all the same) and everyone whose referrer is still to be told of a
    decision (a decline too), from the register read model."""
    return sorted(set(register_person_ids(db)) | set(inpatient_ids(db)) | set(untold_ids(db)))


def remind_everyone(registers: Registers, db: ViewDatabase) -> ReminderRun:
    """One pass: every reminder due today is written once, however often this runs."""
    run = ReminderRun()
    for person_id in people_to_remind(db):
        run.people += 1
        try:
            written = registers.remind(person_id)
        except DsrError:
            run.failed += 1
            log.warning("reminder_failed", person_id=str(person_id))
            continue
        run.issued += sum(1 for w in written if w.startswith("Issued"))
        run.escalated += sum(1 for w in written if w.startswith("Escalated"))
    log.info("reminders_run", **vars(run))
    return run
