"""Retention and erasure end to end (issue 15): after the retention job, nothing that
identifies an erased person is left in any byte of the store, on either backend, while
the audit still verifies and earlier reporting snapshots are unchanged."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import psycopg
import pytest

from dsr_core.domain.errors import ErasureBlockedError, PersonErasedError
from dsr_core.domain.periods import Period
from dsr_core.domain.personal import ERASED
from dsr_core.process.settings import Settings
from dsr_core.service import commands as cmd
from dsr_core.service.caller import Caller
from dsr_core.service.registers import Registers
from dsr_http.runtime import Runtime, opened, scheduler_for
from dsr_projections.audit.trail import verify
from dsr_projections.national import publications
from dsr_projections.national import returns as national_returns
from dsr_projections.national.collections import ENGLAND
from dsr_projections.storage.database import ViewDatabase
from dsr_scheduler import retention, snapshots
from dsr_scheduler.retention import ErasureLedger
from tests.conftest import SettingsFactory
from tests.support import factories as f

SECRET = b"n" * 32
CANARY = "Canary-Plainly-Stored-7319"


def distinctive(seed: int) -> dict[str, str]:
    """Strings found nowhere else: if any byte of the store still holds one, it leaked."""
    return {
        "given_name": f"Zephyrine{seed}q",
        "family_name": f"Quillborough{seed}x",
        "nhs_number": f.nhs_number(7000 + seed),
        "reason": f"Tenancy with Marlowe Crescent {seed} is failing",
        "referred_by": f"Dr Ottoline Vasquez-{seed}",
        "view": f"I want to live near my sister Perpetua{seed}",
        "supporter": f"Perpetua{seed} Quillborough",
        "professional": f"Casimir Wrenfield{seed}",
        "outcome": f"Agreed move to Gorsebank Lodge {seed}",
        "mitigation": f"Tried Saturday club at Lindenfold {seed}",
        "removal": f"Settled at Gorsebank Lodge {seed}, stable",
    }


def record_life(
    registers: Registers,
    seed: int,
    *,
    removed: bool = True,
    settle: Callable[[], None] | None = None,
) -> UUID:
    """A referral, consent, acceptance, views, a professional, a mitigation and a review,
    each full of the person's distinctive strings; then removal. `settle` runs the read
    models after each step, so every intermediate copy of a row is written too."""
    s = distinctive(seed)
    lead = Caller.of(f.LEAD)
    person_id = registers.execute(
        None,
        cmd.Refer(
            area=f.ENGLISH_AREA,
            details=f.details(
                seed=seed,
                given_name=s["given_name"],
                family_name=s["family_name"],
                nhs_number=s["nhs_number"],
            ),
            referred_on=date(2025, 1, 10),
            criteria=["support_at_risk"],
            referred_by=s["referred_by"],
            reason=s["reason"],
        ),
        lead,
    ).person_id
    steps: list[cmd.Command] = [
        f.consent(),
        cmd.Accept(accepted_on=date(2025, 1, 14), rating=f.rating("amber")),
        cmd.RecordViews(
            recorded_on=date(2025, 2, 1),
            person=s["view"],
            supporters=[{"name": s["supporter"], "relationship": "sister", "view": s["view"]}],
        ),
        cmd.AssignProfessional(
            assigned_on=date(2025, 2, 1), role="social_worker", name=s["professional"]
        ),
        cmd.RecordMitigation(
            recorded_on=date(2025, 2, 2),
            kind="tried",
            category="short_breaks",
            description=s["mitigation"],
        ),
        cmd.RecordReview(
            kind="community_cetr",
            held_on=date(2025, 3, 1),
            outcome=s["outcome"],
            attendees=[s["supporter"]],
            actions=[
                cmd.NewAction(
                    description=s["outcome"], owner=s["professional"], due_on=date(2025, 4, 1)
                )
            ],
        ),
    ]
    if removed:
        steps.append(
            cmd.Remove(removed_on=date(2025, 8, 1), reason_code="stable", reason=s["removal"])
        )
    for step in steps:
        if settle is not None:
            settle()
        registers.execute(person_id, step, lead)
    return person_id


def stored_bytes(settings: Settings) -> Iterator[tuple[str, bytes]]:
    """Every byte the store holds: each file of the embedded data directory, or every
    value of every row of every table in the PostgreSQL schema."""
    if settings.database_url is None:
        for path in sorted(Path(settings.data_dir).rglob("*")):
            if path.is_file():
                yield str(path.name), path.read_bytes()
        return
    url = settings.database_url.get_secret_value()
    with psycopg.connect(url, autocommit=True) as conn:
        tables = conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s",
            (settings.database_schema,),
        ).fetchall()
        for (table,) in tables:
            rows = conn.execute(f'SELECT * FROM "{settings.database_schema}"."{table}"').fetchall()
            for row in rows:
                for value in row:
                    if isinstance(value, (bytes, memoryview)):
                        yield table, bytes(value)
                    elif value is not None:
                        yield table, str(value).encode()


def published(db: ViewDatabase) -> list[tuple[Any, ...]]:
    """Every stored return and publication, as stored."""
    with db.read() as cursor:
        cursor.execute("SELECT * FROM national_returns ORDER BY area, period, revision")
        returns = [tuple(r.values()) for r in cursor.fetchall()]
        cursor.execute("SELECT * FROM national_publications ORDER BY period, revision")
        return returns + [tuple(r.values()) for r in cursor.fetchall()]


def leaks(settings: Settings, strings: list[str]) -> set[tuple[str, str]]:
    found = set()
    for where, data in stored_bytes(settings):
        for text in strings:
            if text.encode() in data:
                found.add((where, text))
    return found


@pytest.fixture
def clock() -> f.FakeClock:
    return f.FakeClock(datetime(2025, 9, 1, 12, 0, tzinfo=UTC))


@pytest.fixture
def runtime(make_settings: SettingsFactory, clock: f.FakeClock) -> Iterator[Runtime]:
    with opened(make_settings(), clock=clock) as runtime:
        yield runtime


def test_after_retention_no_byte_of_the_store_identifies_an_erased_person(
    runtime: Runtime, clock: f.FakeClock
) -> None:
    registers, db, settings = runtime.registers, runtime.db, runtime.settings
    settle = runtime.runner.catch_up
    erased = [record_life(registers, seed, settle=settle) for seed in (1, 2)]
    held = record_life(registers, 3)
    registers.execute(
        held, cmd.PlaceLegalHold(reference="CLAIM-3", reason="Claim notified"), Caller.of(f.LEAD)
    )
    still_on = record_life(registers, 4, removed=False)
    runtime.runner.catch_up()
    # The job store lives in the same database: it is scanned too.
    scheduler = scheduler_for(runtime)
    scheduler.start(paused=True)
    scheduler.shutdown(wait=False)
    # Reporting snapshots of the months and quarter they were on the register.
    clock.now = datetime(2025, 10, 2, 12, 0, tzinfo=UTC)
    assert snapshots.take_due_snapshots(registers, db, SECRET, clock=registers.clock) > 0
    period = Period.parse("2025-09")
    national_returns.submit_return(db, ENGLAND, f.ENGLISH_AREA, period, SECRET, 5)
    publications.publish(db, ENGLAND, period)
    reports_before = published(db)
    with db.read() as cursor:
        cursor.execute("SELECT snapshot_id, sha256, content FROM report_snapshots")
        snapshots_before = sorted(
            (r["snapshot_id"], r["sha256"], r["content"]) for r in cursor.fetchall()
        )

    secrets = [text for seed in (1, 2) for text in distinctive(seed).values()]
    kept = [distinctive(4)["given_name"], distinctive(4)["nhs_number"]]
    # Sealed everywhere, even while the record is open; the scan does find a plain value.
    assert leaks(settings, kept) == set()
    with db.transaction() as cursor:
        cursor.execute("INSERT INTO webhook_cursor (name, position) VALUES (?, 0)", (CANARY,))
    assert {text for _, text in leaks(settings, [CANARY])} == {CANARY}

    clock.now = datetime(2031, 8, 2, 9, 0, tzinfo=UTC)  # 6 years after the removals
    ledger = ErasureLedger(settings.ledger_dir, registers.audit_key)
    report = retention.run(
        registers,
        db,
        ledger,
        dry_run=False,
        catch_up=runtime.runner.catch_up,
        clock=registers.clock,
    )

    assert sorted(report.keys_destroyed) == sorted(str(p) for p in erased)
    blocked = {c.person_id: c.blocked_by for c in report.candidates if c.blocked_by}
    assert blocked == {str(held): ["legal_hold"]}
    assert leaks(settings, secrets) == set()
    assert {text for _, text in leaks(settings, [CANARY])} == {CANARY}
    assert list(verify(db, registers)) == []
    with db.read() as cursor:
        cursor.execute("SELECT snapshot_id, sha256, content FROM report_snapshots")
        assert (
            sorted((r["snapshot_id"], r["sha256"], r["content"]) for r in cursor.fetchall())
            == snapshots_before
        )
    assert published(db) == reports_before
    assert registers.get_person(still_on).details.given_name == distinctive(4)["given_name"]

    # Rebuilt from the log after the keys are gone (in small batches, so states are
    # stored between a person's events): the same, and still nothing leaks.
    runtime.runner.batch_size = 3
    for projection in runtime.runner.projections:
        runtime.runner.rebuild(projection.name)
    assert list(verify(db, registers)) == []
    db.compact()
    assert leaks(settings, secrets) == set()


def test_an_erased_history_still_replays_and_shows_the_erasure(
    runtime: Runtime, clock: f.FakeClock
) -> None:
    registers = runtime.registers
    person_id = record_life(registers, 5)
    clock.now = datetime(2031, 8, 2, 9, 0, tzinfo=UTC)
    ledger = ErasureLedger(runtime.settings.ledger_dir, registers.audit_key)
    retention.run(
        registers,
        runtime.db,
        ledger,
        dry_run=False,
        catch_up=runtime.runner.catch_up,
        clock=registers.clock,
    )

    person = registers.get_person(person_id)
    assert (person.details.given_name, person.details.nhs_number) == (ERASED, None)
    assert person.details.date_of_birth is None
    assert (person.accepted_on, person.last_closed_on) == (date(2025, 1, 14), date(2025, 8, 1))
    history = registers.history(person_id)
    assert history[0].data["reason"] == ERASED
    last = history[-1]
    assert (last.event_type, last.data["rule"], last.effective_on) == (
        "Erased",
        "retention",
        date(2031, 8, 2),
    )
    assert (last.data["retention_years"], last.data["eligible_on"]) == (6, "2031-08-01")
    with pytest.raises(PersonErasedError):
        registers.execute(
            person_id,
            cmd.ReRefer(
                referred_on=date(2031, 8, 2),
                criteria=["support_at_risk"],
                referred_by="GP",
                reason="x",
            ),
            Caller.of(f.LEAD),
        )


def test_the_dry_run_reports_every_blocker_and_erases_nothing(
    runtime: Runtime, clock: f.FakeClock
) -> None:
    registers = runtime.registers
    due = record_life(registers, 6)
    held = record_life(registers, 7)
    registers.execute(held, cmd.PlaceLegalHold(reason="Inquiry"), Caller.of(f.LEAD))
    inpatient = record_life(registers, 8, removed=False)
    registers.execute(inpatient, f.admission(admitted_on=date(2025, 7, 1)), Caller.of(f.LEAD))
    registers.execute(
        inpatient,
        cmd.Remove(removed_on=date(2025, 8, 1), reason_code="consent_withdrawn"),
        Caller.of(f.LEAD),
    )
    reopened = record_life(registers, 9)
    clock.now = datetime(2031, 8, 2, 9, 0, tzinfo=UTC)
    registers.execute(
        reopened,
        cmd.ReRefer(
            referred_on=date(2031, 8, 2), criteria=["support_at_risk"], referred_by="GP", reason="x"
        ),
        Caller.of(f.LEAD),
    )
    runtime.runner.catch_up()
    ledger = ErasureLedger(runtime.settings.ledger_dir, registers.audit_key)

    report = retention.run(registers, runtime.db, ledger, dry_run=True, clock=registers.clock)

    assert {c.person_id: c.blocked_by for c in report.candidates} == {
        str(due): [],
        str(held): ["legal_hold"],
        str(inpatient): ["open_inpatient_duty"],
        str(reopened): ["open_period"],
    }
    assert report.erasures_recorded == report.keys_destroyed == []
    assert registers.get_person(due).erased_on is None
    assert registers.person_keys is not None and registers.person_keys.has_key(due)


def test_a_lead_erases_on_request_only_where_nothing_blocks_it(
    runtime: Runtime, clock: f.FakeClock
) -> None:
    registers = runtime.registers
    lead = Caller.of(f.LEAD)
    on_register = record_life(registers, 10, removed=False)
    with pytest.raises(ErasureBlockedError) as refused:
        registers.execute(on_register, cmd.Erase(basis="unlawfully_processed"), lead)
    assert refused.value.reasons == ["open_period"]
    registers.execute(
        on_register, cmd.Remove(removed_on=date(2025, 8, 1), reason_code="stable"), lead
    )
    registers.execute(on_register, cmd.PlaceLegalHold(reason="Complaint open"), lead)
    with pytest.raises(ErasureBlockedError) as refused:
        registers.execute(on_register, cmd.Erase(basis="unlawfully_processed"), lead)
    assert refused.value.reasons == ["legal_hold"]
    registers.execute(on_register, cmd.LiftLegalHold(reason="Complaint closed"), lead)

    registers.execute(
        on_register, cmd.Erase(basis="unlawfully_processed", reference="SAR-2025-7"), lead
    )
    runtime.runner.catch_up()
    ledger = ErasureLedger(runtime.settings.ledger_dir, registers.audit_key)
    destroyed, waiting = retention.finish(registers, runtime.db, ledger, clock=registers.clock)
    assert (destroyed, waiting) == ([str(on_register)], [])
    assert leaks(runtime.settings, list(distinctive(10).values())) == set()
    assert registers.history(on_register)[-1].data["reference"] == "SAR-2025-7"


def test_a_backup_restored_after_an_erasure_does_not_bring_the_person_back(
    make_settings: SettingsFactory, clock: f.FakeClock, backend: str, tmp_path: Path
) -> None:
    if backend != "sqlite":
        pytest.skip("restoring a backup is shown with the embedded store's files")
    settings = make_settings(erasure_ledger_dir=tmp_path / "ledger")
    with opened(settings, clock=clock) as runtime:
        person_id = record_life(runtime.registers, 11)
        runtime.runner.catch_up()
    backup = {p.name: p.read_bytes() for p in Path(settings.data_dir).glob("*.sqlite3")}

    clock.now = datetime(2031, 8, 2, 9, 0, tzinfo=UTC)
    with opened(settings, clock=clock) as runtime:
        ledger = ErasureLedger(settings.ledger_dir, runtime.registers.audit_key)
        retention.run(
            runtime.registers,
            runtime.db,
            ledger,
            dry_run=False,
            catch_up=runtime.runner.catch_up,
            clock=runtime.registers.clock,
        )
    for path in Path(settings.data_dir).glob("*.sqlite3*"):
        path.unlink()
    for name, data in backup.items():  # the backup, taken before the erasure, restored
        (Path(settings.data_dir) / name).write_bytes(data)

    with opened(settings, clock=clock) as runtime:
        # issue 30: erased again as the process starts, before it serves anything (it waited
        # for the daily retention job: history and subject access served the person)
        assert runtime.registers.get_person(person_id).details.given_name == ERASED
        # and its key already destroyed: the second phase did not wait for the 30 s job
        assert runtime.registers.person_keys is not None
        assert not runtime.registers.person_keys.has_key(person_id)
        assert runtime.registers.get_person(person_id).details.given_name == ERASED
    assert leaks(settings, list(distinctive(11).values())) == set()


def test_an_erased_persons_national_number_leads_nowhere_and_can_be_referred_afresh(
    runtime: Runtime, clock: f.FakeClock
) -> None:
    """Someone who holds the identity secret can test every NHS number against the
    identity keys; after erasure the key of the person's number names no one."""
    registers = runtime.registers
    person_id = record_life(registers, 12)
    number = distinctive(12)["nhs_number"]
    [key_id] = registers.identity_keys.ids(f.ENGLISH_AREA, f.details(nhs_number=number))
    clock.now = datetime(2031, 8, 2, 9, 0, tzinfo=UTC)
    ledger = ErasureLedger(runtime.settings.ledger_dir, registers.audit_key)
    retention.run(
        registers,
        runtime.db,
        ledger,
        dry_run=False,
        catch_up=runtime.runner.catch_up,
        clock=registers.clock,
    )

    key = registers._load_key(key_id)  # what the duplicate check reads
    assert key is not None and key.person_id is None
    stored = b"".join(e.state for e in registers.recorder.select_events(key_id))
    assert str(person_id).encode() not in stored and person_id.hex.encode() not in stored
    again = registers.execute(
        None,
        f.referral(seed=12, nhs_number=number, referred_on=date(2031, 8, 1)),
        Caller.of(f.LEAD),
    )
    assert again.person_id != person_id


def test_two_retention_runs_at_once_erase_each_person_once(
    runtime: Runtime, clock: f.FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two schedulers review the same people; the second finds them already erased."""
    registers = runtime.registers
    person_id = record_life(registers, 13)
    clock.now = datetime(2031, 8, 2, 9, 0, tzinfo=UTC)
    runtime.runner.catch_up()
    ledger = ErasureLedger(runtime.settings.ledger_dir, registers.audit_key)
    seen_by_both = retention.review(registers, runtime.db, registers.today())
    first = retention.run(
        registers,
        runtime.db,
        ledger,
        dry_run=False,
        catch_up=runtime.runner.catch_up,
        clock=registers.clock,
    )
    # The second run reviewed before the first recorded anything.
    monkeypatch.setattr(retention, "review", lambda *_: seen_by_both)
    second = retention.run(registers, runtime.db, ledger, dry_run=False, clock=registers.clock)
    assert first.erasures_recorded == [str(person_id)]
    assert second.erasures_recorded == []
    erasures = [e for e in registers.history(person_id) if e.event_type == "Erased"]
    assert len(erasures) == 1
