"""Retention and erasure (issue 15): who is past their area's retention, what stands in
the way of each erasure, and the two phases that make an erasure final.

Phase one records `Erased` on the person (commands refused from then on). Phase two,
once every read model has processed that event (each purges its own copy), destroys the
person's key, deletes the snapshots it sealed, leaves a tombstone, writes a signed entry
to the erasure ledger outside the database, and compacts SQLite's files. A key destroyed
before a read model had caught up would leave that model copying what it already held.

The ledger is what stops a restored backup from bringing a person back: `reconcile`
(run before every retention run) erases again anyone in the ledger who still has a key.
"""

from __future__ import annotations

import hmac
import json
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import structlog

from dsr_core.domain import retention_rules
from dsr_core.domain.codes import ErasureRule, Role
from dsr_core.domain.errors import (
    ConcurrentWriteError,
    ErasureBlockedError,
    PersonErasedError,
    PersonNotFoundError,
)
from dsr_core.domain.values import Actor
from dsr_core.person.aggregate import Person
from dsr_core.process.files import private_dir
from dsr_core.service import commands as cmd
from dsr_core.service.caller import Caller
from dsr_core.service.clock import Clock
from dsr_core.service.registers import Registers
from dsr_projections.audit.checkpoints import signature
from dsr_projections.queries import lowest_position, people_projected
from dsr_projections.storage.database import ViewDatabase

log = structlog.get_logger(__name__)

RETENTION_ACTOR = Actor(user_id="dsr-retention", role=Role.SYSTEM)


@dataclass(frozen=True)
class LedgerEntry:
    person_id: str
    erased_at: str
    rule: str
    signature: str = ""


class ErasureLedger:
    """One signed file per erasure, in a directory kept apart from the database and its
    backups (DSR_ERASURE_LEDGER_DIR). It holds person ids only: random UUIDs that say
    nothing about anyone once their key is gone."""

    def __init__(self, directory: Path, key: bytes) -> None:
        self.directory = directory
        self._key = key

    def record(self, person_id: UUID, erased_at: datetime, rule: str) -> None:
        entry = LedgerEntry(str(person_id), erased_at.isoformat(), rule)
        signed = LedgerEntry(**{**asdict(entry), "signature": signature(self._key, entry)})
        private_dir(self.directory)
        path = self.directory / f"erased-{person_id}.json"
        if path.exists():
            return
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(json.dumps(asdict(signed), indent=2) + "\n")

    def entries(self) -> list[LedgerEntry]:
        """Every genuine entry; a file that is not one is logged and left alone."""
        if not self.directory.is_dir():
            return []
        found = []
        for path in sorted(self.directory.glob("erased-*.json")):
            try:
                entry = LedgerEntry(**json.loads(path.read_text()))
            except (ValueError, TypeError):
                log.warning("erasure_ledger_unreadable", file=path.name)
                continue
            if hmac.compare_digest(signature(self._key, entry), entry.signature):
                found.append(entry)
            else:
                log.warning("erasure_ledger_not_genuine", file=path.name)
        return found


@dataclass(frozen=True)
class Candidate:
    """A person whose retention has run out, or would have but for a blocker."""

    person_id: str
    area: str
    last_closed_on: str | None
    eligible_on: str | None
    blocked_by: list[str]


@dataclass
class RetentionReport:
    today: str
    dry_run: bool
    candidates: list[Candidate] = field(default_factory=list)
    erasures_recorded: list[str] = field(default_factory=list)
    keys_destroyed: list[str] = field(default_factory=list)
    waiting_for_read_models: list[str] = field(default_factory=list)
    reapplied_from_ledger: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        report = asdict(self)
        report["summary"] = {
            "past_retention": len(self.candidates),
            "erasable": sum(1 for c in self.candidates if not c.blocked_by),
            "blocked": sum(1 for c in self.candidates if c.blocked_by),
            "erasures_recorded": len(self.erasures_recorded),
            "keys_destroyed": len(self.keys_destroyed),
        }
        return report


def review(registers: Registers, db: ViewDatabase, today: date) -> list[Candidate]:
    """Everyone past their area's retention, each with what blocks their erasure (none:
    erasable): a legal hold, an inpatient stay whose duties are still owed, or a period
    opened again since the one whose retention ran out."""
    found = []
    for person_id in people_projected(db):
        try:
            person = registers.get_person(person_id)
        except PersonNotFoundError:
            continue
        if person.erased_on is not None:
            continue
        years = registers.areas.policy(person.area).retention_years
        eligible = retention_rules.retention_ends(person.last_closed_on, years)
        if eligible is None or eligible > today:
            continue
        blockers = person.erasure_blockers(
            rule=ErasureRule.RETENTION, retention_years=years, today=today
        )
        found.append(
            Candidate(
                str(person.id),
                person.area,
                _d(person.last_closed_on),
                _d(eligible),
                blockers,
            )
        )
    return found


def run(
    registers: Registers,
    db: ViewDatabase,
    ledger: ErasureLedger,
    *,
    clock: Clock,
    dry_run: bool,
    catch_up: Callable[[], None] | None = None,
) -> RetentionReport:
    """The retention job: reconcile with the ledger, review, record the erasures due,
    and finish every erasure the read models have caught up with (after `catch_up`, when
    this process runs them: the CLI on SQLite; otherwise the next run finishes them)."""
    today = clock.today()
    report = RetentionReport(today.isoformat(), dry_run)
    if catch_up is not None:
        catch_up()  # the review finds people through the register's read model
    if not dry_run:
        report.reapplied_from_ledger = reconcile(registers, ledger)
    report.candidates = review(registers, db, today)
    if dry_run:
        return report
    for candidate in report.candidates:
        if candidate.blocked_by:
            continue
        try:
            registers.execute(
                UUID(candidate.person_id), cmd.EraseAtRetentionEnd(), Caller.of(RETENTION_ACTOR)
            )
        except (PersonErasedError, ConcurrentWriteError, ErasureBlockedError):
            continue  # another scheduler got there first, or the record changed since
        report.erasures_recorded.append(candidate.person_id)
    if catch_up is not None:
        catch_up()
    destroyed, waiting = finish(registers, db, ledger, clock=clock)
    report.keys_destroyed, report.waiting_for_read_models = destroyed, waiting
    log.info(
        "retention_run",
        past_retention=len(report.candidates),
        erasures_recorded=len(report.erasures_recorded),
        keys_destroyed=len(destroyed),
        waiting=len(waiting),
    )
    return report


def finish(
    registers: Registers, db: ViewDatabase, ledger: ErasureLedger, *, clock: Clock
) -> tuple[list[str], list[str]]:
    """Phase two for every recorded erasure every live read model has processed."""
    keys = registers.person_keys
    if keys is None:
        return [], []
    low = lowest_position(db)
    destroyed, waiting = [], []
    registers.flush_snapshots()  # none still waiting to be written under a key going now
    for person_id, position in keys.erasing():
        if position > low:
            waiting.append(str(person_id))
            continue
        person = registers.get_person(person_id)
        rule = person.erasure_rule or str(ErasureRule.REQUEST)
        keys.destroy(person_id, rule)
        ledger.record(person_id, clock.now(), rule)
        destroyed.append(str(person_id))
    if destroyed:
        keys.compact()
        db.compact()
    return destroyed, waiting


def reconcile(registers: Registers, ledger: ErasureLedger) -> list[str]:
    """Erase again everyone in the ledger who has a key here: a backup restored from
    before their erasure must not bring them back. Run as every process starts
    (`erase_restored`, issue 30: it waited for the daily retention job) and before every
    retention run. Only the first phase: the key goes once the read models have passed
    the new event (they need it to purge their rows)."""
    keys = registers.person_keys
    if keys is None:
        return []
    again = []
    gone = keys.tombstoned()  # usually every entry: one query at start-up, not one each
    for entry in ledger.entries():
        person_id = UUID(entry.person_id)
        if person_id in gone or not keys.has_key(person_id):
            continue
        person = _person(registers, person_id)
        if person is not None and person.erased_on is None:
            try:
                registers.execute(person_id, cmd.ReapplyErasure(), Caller.of(RETENTION_ACTOR))
            except (PersonErasedError, ConcurrentWriteError):
                continue  # another process reapplied it first
        elif person is not None:
            # Erased in the events, its key restored by the backup: phase two again, once
            # the read models have passed everything stored now.
            keys.mark_erasing(person_id, registers.recorder.max_notification_id() or 0)
        again.append(entry.person_id)
        log.warning("erasure_reapplied_after_restore")
    return again


def erase_restored(
    registers: Registers,
    db: ViewDatabase,
    ledger: ErasureLedger,
    *,
    clock: Clock,
    catch_up: Callable[[], None],
) -> list[str]:
    """Both phases for everyone a restored backup brought back, before the process
    serves anything (issue 30): the erasure recorded again, the read models caught up
    past it (each purges its copy; a key destroyed first would leave them unable to
    read it), then the key destroyed. Read models too far behind to catch up in time
    leave the key to `dsr-erasure-finish`; the record already reads as erased."""
    again = reconcile(registers, ledger)
    if not again:
        return again
    try:
        catch_up()
    except TimeoutError:
        log.warning("erasure_finish_deferred", people=len(again))
        return again
    finish(registers, db, ledger, clock=clock)
    return again


def _person(registers: Registers, person_id: UUID) -> Person | None:
    try:
        return registers.get_person(person_id)
    except PersonNotFoundError:
        return None


def _d(day: date | None) -> str | None:
    return day.isoformat() if day else None
