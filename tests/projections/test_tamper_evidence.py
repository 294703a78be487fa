"""What `dsr audit verify` proves, against someone who can edit the database (issue 10, item 3).

Each test tampers the way the probe did, with plain SQL, and expects verify to say so.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from uuid import UUID

import psycopg
import pytest
from eventsourcing.persistence import StoredEvent

from dsr_core.person.aggregate import Person
from dsr_core.process.settings import Settings
from dsr_core.service.registers import Registers
from dsr_core.storage.event_mac import TRAILER, EventAuthenticator, event_key, signed
from dsr_core.storage.sealing import Sealer
from dsr_projections.audit.access_log import Access, AccessLog
from dsr_projections.audit.checkpoints import Checkpoint
from dsr_projections.audit.trail import NOT_AUTHENTIC, ChainBreak, take_checkpoint, verify
from dsr_projections.engine.outcomes import RebuildRefusedError
from dsr_projections.engine.runner import ProjectionRunner
from tests.conftest import SettingsFactory
from tests.support import factories as f
from tests.support.stages import referred, views_recorded


class EventStore:
    """Raw SQL on the event store, as an attacker with database access would write it."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.postgres = settings.database_url is not None
        self.events = "registers_events" if self.postgres else "stored_events"
        self.snapshots = "registers_snapshots" if self.postgres else "stored_snapshots"

    def ident(self, person_id: UUID) -> Any:
        return person_id if self.postgres else person_id.hex

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        if self.postgres:
            assert self.settings.database_url is not None
            with psycopg.connect(
                self.settings.database_url.get_secret_value(),
                options=f"-c search_path={self.settings.database_schema}",
                autocommit=True,
            ) as conn:
                cursor = conn.execute(sql.replace("?", "%s"), params)
                return cursor.fetchall() if cursor.description else []
        with sqlite3.connect(self.settings.data_dir / "events.sqlite3") as conn:
            return conn.execute(sql, tuple(params)).fetchall()

    def replace_in_state(
        self,
        table: str,
        person_id: UUID,
        version: int,
        old: str,
        new: str,
        sealer: Sealer | None = None,
        signer: EventAuthenticator | None = None,
    ) -> None:
        """Edit a stored state; with the person's key (`sealer`), inside its sealed blob,
        and with the audit key (`signer`) its MAC made again, as someone holding the
        database and every key could."""
        [(state,)] = self.execute(
            f"SELECT state FROM {table} WHERE originator_id = ? AND originator_version = ?",
            (self.ident(person_id), version),
        )
        body = bytes(state)[:-TRAILER] if signed(bytes(state)) else bytes(state)
        plain = sealer.open_blob(body) if sealer else body
        forged = plain.replace(old.encode(), new.encode())
        assert forged != plain
        if sealer:
            forged = sealer.seal_blob(forged)
        if signer:
            topic = (
                Person.Snapshot.TOPIC if table == self.snapshots else self.topic(person_id, version)
            )
            forged = bytes(signer.sign(StoredEvent(person_id, version, topic, forged)).state)
        elif signed(bytes(state)):
            forged += bytes(state)[-TRAILER:]  # the MAC kept as it was: no key to make one
        self.set_state(table, person_id, version, forged)

    def topic(self, person_id: UUID, version: int) -> str:
        [(topic,)] = self.execute(
            f"SELECT topic FROM {self.events} WHERE originator_id = ? AND originator_version = ?",
            (self.ident(person_id), version),
        )
        return str(topic)

    def set_state(self, table: str, person_id: UUID, version: int, forged: bytes) -> None:
        self.execute(
            f"UPDATE {table} SET state = ? WHERE originator_id = ? AND originator_version = ?",
            (forged, self.ident(person_id), version),
        )


@pytest.fixture
def store(make_settings: SettingsFactory) -> EventStore:
    return EventStore(make_settings())


def sealer_of(app: Registers, person_id: UUID) -> Sealer:
    assert app.person_keys is not None
    key = app.person_keys.key_for(person_id, create=False)
    assert key is not None
    return Sealer(key, person_id)


def signer_of(app: Registers) -> EventAuthenticator:
    return EventAuthenticator(event_key(app.audit_key))


def problems(
    runner: ProjectionRunner, app: Registers, *checkpoints: Checkpoint
) -> list[ChainBreak]:
    named = [(f"checkpoint-{i}", c) for i, c in enumerate(checkpoints)]
    return list(verify(runner.db, app, named))


def views(app: Registers, person_id: UUID, times: int) -> None:
    views_recorded(app, person_id, times, saying="Wants a garden ({n}).")
    app.flush_snapshots()


def test_a_clean_store_verifies(app: Registers, runner: ProjectionRunner) -> None:
    person_id = referred(app)
    views(app, person_id, 55)  # past the first snapshot
    runner.catch_up()
    checkpoint = take_checkpoint(runner.db, app.audit_key, app.now())
    assert problems(runner, app, checkpoint) == []


def test_an_edited_snapshot_is_found(
    app: Registers, runner: ProjectionRunner, store: EventStore
) -> None:
    person_id = referred(app, seed=4)
    views(app, person_id, 55)
    runner.catch_up()
    store.replace_in_state(
        store.snapshots,
        person_id,
        50,
        "garden (40)",
        "garden (41)",
        sealer_of(app, person_id),
        signer_of(app),
    )
    found = problems(runner, app)
    assert [(b.person_id, b.version, b.problem) for b in found] == [
        (str(person_id), 50, "snapshot differs from a replay of its events")
    ]


def test_a_sealed_snapshot_edited_without_the_key_is_found(
    app: Registers, runner: ProjectionRunner, store: EventStore
) -> None:
    person_id = referred(app, seed=5)
    views(app, person_id, 55)
    runner.catch_up()
    [(state,)] = store.execute(
        f"SELECT state FROM {store.snapshots} WHERE originator_id = ?", (store.ident(person_id),)
    )
    flipped = bytes(state)[:-1] + bytes([bytes(state)[-1] ^ 1])
    store.set_state(store.snapshots, person_id, 50, flipped)
    found = problems(runner, app)
    assert [(b.person_id, b.version, b.problem) for b in found] == [
        (str(person_id), 50, "snapshot " + NOT_AUTHENTIC["mismatch"])
    ]


def test_a_last_event_deleted_with_its_audit_rows_is_found_by_the_checkpoint(
    app: Registers, runner: ProjectionRunner, store: EventStore
) -> None:
    person_id = referred(app)
    views(app, person_id, 1)
    runner.catch_up()
    checkpoint = take_checkpoint(runner.db, app.audit_key, app.now())
    # Remove the newest event and every row derived from it, as if it never happened.
    store.execute(
        f"DELETE FROM {store.events} WHERE originator_id = ? AND originator_version = 2",
        (store.ident(person_id),),
    )
    with runner.db.transaction() as cursor:
        cursor.execute("DELETE FROM audit_trail WHERE position = ?", (checkpoint.log_position,))
        cursor.execute("DELETE FROM audit_log_chain WHERE position = ?", (checkpoint.log_position,))
    assert problems(runner, app) == []  # the chains alone cannot see a cut end...
    found = problems(runner, app, checkpoint)  # ...the checkpoint can
    assert found and found[0].problem.startswith("the audit trail ends at")


def test_an_event_deleted_before_others_breaks_the_log_chain(
    app: Registers, runner: ProjectionRunner, store: EventStore
) -> None:
    first = referred(app, seed=1)
    views(app, first, 1)
    referred(app, seed=2)  # a later event of someone else
    runner.catch_up()
    with runner.db.read() as cursor:
        cursor.execute(
            "SELECT position FROM audit_trail WHERE person_id = ? AND version = 2", (str(first),)
        )
        row = cursor.fetchone()
    assert row is not None
    store.execute(
        f"DELETE FROM {store.events} WHERE originator_id = ? AND originator_version = 2",
        (store.ident(first),),
    )
    with runner.db.transaction() as cursor:
        cursor.execute("DELETE FROM audit_trail WHERE position = ?", (row["position"],))
        cursor.execute("DELETE FROM audit_log_chain WHERE position = ?", (row["position"],))
    assert {b.problem for b in problems(runner, app)} == {"log chain broken here"}


def test_an_edited_event_is_found_and_a_rebuild_will_not_bless_it(
    app: Registers, runner: ProjectionRunner, store: EventStore
) -> None:
    person_id = referred(app, seed=6)
    runner.catch_up()
    # Codes and areas are stored in the clear; names only sealed (issue 15).
    store.replace_in_state(store.events, person_id, 1, f.ENGLISH_AREA, "E54000050")
    expected = ["stored event " + NOT_AUTHENTIC["mismatch"], "audit row has no stored event"]
    assert [b.problem for b in problems(runner, app)] == expected
    with pytest.raises(RebuildRefusedError) as refused:
        runner.rebuild("audit")
    assert refused.value.problems == [
        f"log position {_position(runner, person_id)}: its event is gone"
    ]
    assert [b.problem for b in problems(runner, app)] == expected


def test_an_edited_event_with_its_mac_made_again_is_found(
    app: Registers, runner: ProjectionRunner, store: EventStore
) -> None:
    """Someone holding the audit key too: the audit trail still differs."""
    person_id = referred(app, seed=6)
    runner.catch_up()
    store.replace_in_state(
        store.events, person_id, 1, f.ENGLISH_AREA, "E54000050", signer=signer_of(app)
    )
    assert [b.problem for b in problems(runner, app)] == ["audit row differs from the stored event"]


def test_an_edited_audit_row_with_a_recomputed_hash_is_found(
    app: Registers, runner: ProjectionRunner
) -> None:
    import hashlib

    person_id = referred(app, seed=8)
    runner.catch_up()
    with runner.db.transaction() as cursor:
        cursor.execute(
            "UPDATE audit_trail SET actor_id = 'someone-else', hash = ? WHERE person_id = ?",
            (hashlib.sha256(b"guess").hexdigest(), str(person_id)),
        )
    assert "hash does not match content" in {b.problem for b in problems(runner, app)}


def accesses(runner: ProjectionRunner, app: Registers, count: int) -> AccessLog:
    log = AccessLog(runner.db, app.audit_key)
    for n in range(count):
        log.record(Access(at=app.now(), actor_id=f"reader-{n}", actor_role="lead", what="record"))
    return log


def test_deleted_access_log_rows_are_found(app: Registers, runner: ProjectionRunner) -> None:
    accesses(runner, app, 3)
    with runner.db.transaction() as cursor:
        cursor.execute("DELETE FROM access_trail WHERE seq = 2")
    found = problems(runner, app)
    assert [(b.person_id, b.version) for b in found][:1] == [("access-log", 3)]
    assert "rows 2 to 2 are missing" in {b.problem for b in found}


def test_access_log_rows_cut_from_the_end_are_found_by_the_checkpoint(
    app: Registers, runner: ProjectionRunner
) -> None:
    accesses(runner, app, 3)
    checkpoint = take_checkpoint(runner.db, app.audit_key, app.now())
    with runner.db.transaction() as cursor:
        cursor.execute("DELETE FROM access_trail WHERE seq = 3")
    assert problems(runner, app) == []
    [found] = problems(runner, app, checkpoint)
    assert (found.person_id, found.version) == ("access-log", 3)


def test_a_forged_checkpoint_is_not_trusted(app: Registers, runner: ProjectionRunner) -> None:
    referred(app)
    runner.catch_up()
    genuine = take_checkpoint(runner.db, app.audit_key, app.now())
    forged = Checkpoint(**{**vars(genuine), "log_position": 0})
    assert [b.problem for b in problems(runner, app, forged)] == [
        "checkpoint-0 is not a genuine checkpoint"
    ]


def _position(runner: ProjectionRunner, person_id: UUID) -> int:
    with runner.db.read() as cursor:
        cursor.execute("SELECT position FROM audit_trail WHERE person_id = ?", (str(person_id),))
        row = cursor.fetchone()
    assert row is not None
    return int(row["position"])


def test_the_scheduler_writes_a_checkpoint_only_when_the_chains_moved(
    app: Registers, runner: ProjectionRunner, tmp_path: Path
) -> None:
    from dsr_projections.audit.checkpoints import read_checkpoints
    from dsr_scheduler.service import take_checkpoint_if_moved

    referred(app)
    runner.catch_up()
    first = take_checkpoint_if_moved(app, runner.db, tmp_path / "anchors", clock=app.clock)
    assert first is not None and oct(first.stat().st_mode & 0o777) == "0o600"
    assert take_checkpoint_if_moved(app, runner.db, tmp_path / "anchors", clock=app.clock) is None
    referred(app, seed=2)
    runner.catch_up()
    assert (
        take_checkpoint_if_moved(app, runner.db, tmp_path / "anchors", clock=app.clock) is not None
    )
    found = read_checkpoints(tmp_path / "anchors")
    assert len(found) == 2 and all(c is not None and c.genuine(app.audit_key) for _, c in found)


def test_a_middle_event_deleted_under_a_snapshot_is_reported_not_a_traceback(
    app: Registers, runner: ProjectionRunner, store: EventStore
) -> None:
    """Issue 30: verify crashed replaying a stream with a hole, and the checks after it
    never ran."""
    person_id = referred(app, seed=6)
    views(app, person_id, 55)
    runner.catch_up()
    store.execute(
        f"DELETE FROM {store.events} WHERE originator_id = ? AND originator_version = 10",
        (store.ident(person_id),),
    )
    found = {(b.person_id, b.version, b.problem) for b in problems(runner, app)}
    assert (str(person_id), 10, "audit row has no stored event") in found
    assert any(p == str(person_id) and "do not replay" in problem for p, _, problem in found)


@pytest.mark.parametrize("where", [0, 5, -1])
def test_any_flipped_byte_in_a_sealed_snapshot_is_reported(
    app: Registers, runner: ProjectionRunner, store: EventStore, where: int
) -> None:
    person_id = referred(app, seed=7)
    views(app, person_id, 55)
    runner.catch_up()
    [(state,)] = store.execute(
        f"SELECT state FROM {store.snapshots} WHERE originator_id = ?", (store.ident(person_id),)
    )
    raw = bytearray(bytes(state))
    raw[where] ^= 1
    store.set_state(store.snapshots, person_id, 50, bytes(raw))
    found = problems(runner, app)
    assert [(b.person_id, b.version) for b in found] == [(str(person_id), 50)]
    assert "snapshot" in found[0].problem
