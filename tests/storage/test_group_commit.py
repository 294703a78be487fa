"""Group commit (issue 17, lever 1): saves made together share a transaction, and each
still succeeds or fails on its own."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any
from uuid import UUID, uuid4

import psycopg
import pytest
from eventsourcing.persistence import IntegrityError, StoredEvent

from dsr_core.domain.errors import ConcurrentWriteError, VersionMismatchError
from dsr_core.process.bootstrap import build_registers
from dsr_core.service import commands as cmd
from dsr_core.service.caller import Caller
from dsr_core.service.registers import Registers
from dsr_core.storage.group_commit import GroupCommitter, PendingSave
from dsr_core.storage.recorders import GroupCommitPostgresRecorder
from tests.conftest import SettingsFactory
from tests.support import factories as f
from tests.support.stages import accepted

on_postgres = pytest.mark.parametrize("backend", ["postgres"])


def run_together(calls: list[Callable[[], Any]]) -> list[Any]:
    """Each call on its own thread; what each returned or raised, in order."""
    outcomes: list[Any] = [None] * len(calls)

    def run(i: int) -> None:
        try:
            outcomes[i] = calls[i]()
        except Exception as error:
            outcomes[i] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def until(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 30
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


def test_saves_arriving_while_a_group_is_written_form_the_next_group() -> None:
    first_started, release = threading.Event(), threading.Event()
    sizes: list[int] = []

    def write(group: list[PendingSave]) -> None:
        sizes.append(len(group))
        first_started.set()
        release.wait(timeout=30)
        for n, pending in enumerate(group):
            pending.notification_ids = [n]

    committer = GroupCommitter(write)
    calls = [lambda: committer.save([]) for _ in range(9)]

    def release_when_all_wait() -> None:
        until(lambda: committer.waiting == 8)
        release.set()

    waiter = threading.Thread(target=release_when_all_wait)
    waiter.start()
    outcomes = run_together(calls)
    waiter.join()
    assert sorted(sizes) == [1, 8]
    assert committer.groups == 2 and committer.saves == 9
    assert all(isinstance(outcome, list) for outcome in outcomes)


def test_a_failed_save_fails_alone_and_a_failed_transaction_fails_every_save_in_it() -> None:
    def write(group: list[PendingSave]) -> None:
        if any(p.kwargs.get("doom") for p in group):
            raise RuntimeError("connection lost")
        for pending in group:
            if pending.kwargs.get("bad"):
                pending.error = ValueError("taken")
            else:
                pending.notification_ids = [1]

    committer = GroupCommitter(write)
    assert committer.save([]) == [1]
    with pytest.raises(ValueError):
        committer.save([], bad=True)
    with pytest.raises(RuntimeError):
        committer.save([], doom=True)
    assert committer.save([]) == [1]  # the next leader is not held up by a failed one


@pytest.fixture
def registers(make_settings: SettingsFactory, clock: f.FakeClock) -> Iterator[Registers]:
    app = build_registers(make_settings(pool_size=20), clock=clock)
    yield app
    app.close()


def committer_of(app: Registers) -> GroupCommitter:
    assert isinstance(app.recorder, GroupCommitPostgresRecorder)
    return app.recorder.committer


class HeldTableLock:
    """Holds the event table's lock from another connection, so saves pile up behind it."""

    def __init__(self, app: Registers) -> None:
        recorder = app.recorder
        assert isinstance(recorder, GroupCommitPostgresRecorder)
        self.table = f"{recorder.datastore.schema}.{recorder.events_table_name}"
        self.url = app.env["POSTGRES_HOST"], app.env["POSTGRES_PORT"], app.env["POSTGRES_USER"]

    def __enter__(self) -> HeldTableLock:
        host, port, user = self.url
        self.conn = psycopg.connect(host=host, port=port, user=user, dbname="postgres")
        self.conn.execute(f"LOCK TABLE {self.table} IN EXCLUSIVE MODE")
        return self

    def __exit__(self, *exc: object) -> None:
        self.conn.rollback()
        self.conn.close()


@on_postgres
def test_commands_made_together_commit_in_one_group_and_each_is_saved(
    registers: Registers,
) -> None:
    people = [accepted(registers, seed=500 + n) for n in range(12)]
    versions = {p: registers.get_person(p).version for p in people}
    committer = committer_of(registers)
    groups_before = committer.groups

    def record_views(person_id: UUID) -> Callable[[], Any]:
        views = cmd.RecordViews(recorded_on=date(2025, 2, 1), person=f"view of {person_id}")
        return lambda: registers.execute(person_id, views, Caller.of(f.LEAD))

    with HeldTableLock(registers):
        holder = threading.Thread(target=lambda: until(lambda: committer.waiting == 11))
        holder.start()
        calls = [record_views(p) for p in people]
        results: list[Any] = []
        runner = threading.Thread(target=lambda: results.extend(run_together(calls)))
        runner.start()
        holder.join()
    runner.join()

    assert not [r for r in results if isinstance(r, Exception)]
    assert committer.groups - groups_before == 2  # the one that found the lock, then the rest
    for person_id in people:
        person = registers.get_person(person_id)
        assert person.version == versions[person_id] + 1
        assert person.views is not None and person.views.person == f"view of {person_id}"


@on_postgres
def test_a_version_conflict_in_a_group_fails_only_its_own_save(registers: Registers) -> None:
    recorder = registers.recorder
    assert isinstance(recorder, GroupCommitPostgresRecorder)
    committer = recorder.committer
    table = f"{recorder.datastore.schema}.dsr_group_probe"
    with recorder.datastore.transaction(commit=True) as curs:
        curs.execute(f"CREATE TABLE {table} (id uuid PRIMARY KEY)")

    def event(originator: UUID, version: int) -> StoredEvent:
        return StoredEvent(originator, version, "probe.Event", b"{}")

    def save(originator: UUID, version: int, marker: UUID) -> Callable[[], Any]:
        def also(curs: Any) -> None:
            curs.execute(f"INSERT INTO {table} VALUES (%s)", (marker,))

        return lambda: recorder.insert_events([event(originator, version)], also_write=[also])

    taken = uuid4()
    recorder.insert_events([event(taken, 1)])
    first, calls, markers = uuid4(), [], [uuid4() for _ in range(6)]
    calls.append(save(first, 1, markers[0]))
    calls += [save(uuid4(), 1, marker) for marker in markers[1:3]]
    calls.append(save(taken, 1, markers[3]))  # version 1 of `taken` is already stored
    calls += [save(uuid4(), 1, marker) for marker in markers[4:]]

    with HeldTableLock(registers):
        holder = threading.Thread(target=lambda: until(lambda: committer.waiting == 5))
        holder.start()
        outcomes: list[Any] = []
        runner = threading.Thread(target=lambda: outcomes.extend(run_together(calls)))
        runner.start()
        holder.join()
    runner.join()

    failed = [n for n, outcome in enumerate(outcomes) if isinstance(outcome, Exception)]
    assert failed == [3] and isinstance(outcomes[3], IntegrityError)
    ids = [outcome[0] for n, outcome in enumerate(outcomes) if n != 3]
    assert len(set(ids)) == 5
    with recorder.datastore.transaction() as curs:
        curs.execute(f"SELECT id FROM {table}")
        written = {row["id"] for row in curs.fetchall()}
    assert written == set(markers) - {markers[3]}  # its own rows went with its savepoint
    assert len(recorder.select_events(taken)) == 1


@on_postgres
def test_if_match_on_a_stale_version_is_still_refused_when_saves_are_grouped(
    registers: Registers,
) -> None:
    person_id = accepted(registers, seed=530)
    version = registers.get_person(person_id).version
    views = cmd.RecordViews(recorded_on=date(2025, 2, 1), person="Near my sister")
    outcomes = run_together(
        [
            lambda: registers.execute(person_id, views, Caller.of(f.LEAD, expected_version=version))
            for _ in range(8)
        ]
    )
    assert sum(not isinstance(o, Exception) for o in outcomes) == 1
    refused = [o for o in outcomes if isinstance(o, Exception)]
    assert all(isinstance(o, ConcurrentWriteError | VersionMismatchError) for o in refused)
    assert registers.get_person(person_id).version == version + 1


@on_postgres
def test_a_save_on_its_own_that_conflicts_fails_and_the_next_one_commits(
    registers: Registers,
) -> None:
    recorder = registers.recorder
    assert isinstance(recorder, GroupCommitPostgresRecorder)
    taken = uuid4()
    recorder.insert_events([StoredEvent(taken, 1, "probe.Event", b"{}")])
    with pytest.raises(IntegrityError):
        recorder.insert_events([StoredEvent(taken, 1, "probe.Event", b"{}")])
    [position] = recorder.insert_events([StoredEvent(taken, 2, "probe.Event", b"{}")]) or []
    assert [e.originator_version for e in recorder.select_events(taken)] == [1, 2]
    assert position == recorder.max_notification_id()
