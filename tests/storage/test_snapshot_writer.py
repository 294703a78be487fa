"""Snapshots are written off the command's path, and never cost a command or a secret."""

import threading
from typing import Any
from uuid import UUID

from dsr_core.person.aggregate import Person
from dsr_core.service.history import replay
from dsr_core.service.registers import Registers
from dsr_core.storage.snapshot_writer import SnapshotWriter
from tests.support.stages import accepted, views_recorded


def stored_versions(app: Registers, person_id: UUID) -> list[int]:
    assert app.snapshots is not None
    return [s.originator_version for s in app.snapshots.get(person_id)]


def test_the_command_that_crosses_an_interval_does_not_wait_for_its_snapshot(
    app: Registers,
) -> None:
    person_id = accepted(app)  # version 3
    release = threading.Event()

    def slow_store(snapshot: Any) -> None:
        assert release.wait(10)
        app._store_snapshot(snapshot)

    app._snapshot_writer = SnapshotWriter(slow_store)
    views_recorded(app, person_id, 47)  # version 50: a snapshot is due
    assert stored_versions(app, person_id) == []  # the command returned before it was written
    release.set()
    app.flush_snapshots()
    assert stored_versions(app, person_id) == [50]


def test_a_person_loads_from_the_snapshot_as_from_their_events(app: Registers) -> None:
    person_id = accepted(app)
    views_recorded(app, person_id, 52)
    app.flush_snapshots()
    assert stored_versions(app, person_id) == [50]
    app.repository.cache = None  # read from the store: the snapshot, then five events
    loaded = app.get_person(person_id)
    replayed = replay(app.events.get(person_id))  # type: ignore[arg-type]
    assert replayed is not None
    assert loaded.version == 55
    assert vars(loaded) == vars(replayed)


def test_a_snapshot_is_never_stored_unsealed_once_the_key_is_gone(app: Registers) -> None:
    person_id = accepted(app)
    snapshot = Person.Snapshot.take(app.get_person(person_id))
    assert app.person_keys is not None
    app.person_keys.destroy(person_id, "request")
    app._snapshot_writer.submit(snapshot)
    app.flush_snapshots()
    assert stored_versions(app, person_id) == []
    assert app._snapshot_writer.dropped == 1


def test_a_failed_write_is_dropped_and_the_writer_goes_on() -> None:
    stored: list[int] = []

    def store(snapshot: int) -> None:
        if snapshot == 1:
            raise OSError("disk full")
        stored.append(snapshot)

    writer = SnapshotWriter(store)
    for n in (1, 2, 3):
        writer.submit(n)
    writer.flush()
    writer.close()
    assert (stored, writer.dropped) == ([2, 3], 1)


def test_a_full_queue_drops_the_newest_instead_of_holding_up_the_command() -> None:
    holding, release = threading.Event(), threading.Event()
    stored: list[int] = []

    def store(snapshot: int) -> None:
        holding.set()
        assert release.wait(10)
        stored.append(snapshot)

    writer = SnapshotWriter(store, max_waiting=2)
    writer.submit(0)
    assert holding.wait(10)  # the thread holds the first one
    for n in (1, 2, 3):
        writer.submit(n)  # 1 and 2 wait; 3 finds the queue full
    release.set()
    writer.flush()
    writer.close()
    assert (stored, writer.dropped) == ([0, 1, 2], 1)
