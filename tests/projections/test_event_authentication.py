"""Events authenticated at write (issue 30, items 2 and 6): an event put into the store
by hand is refused everywhere, quarantined with a record that names no one, and the
person's record refuses commands while it still shows what it soundly holds."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import pytest
from structlog.testing import capture_logs

from dsr_core.domain.errors import RecordIntegrityError
from dsr_core.service import commands as cmd
from dsr_core.service.caller import Caller
from dsr_core.service.registers import Registers
from dsr_core.storage.event_mac import TRAILER
from dsr_projections.audit.trail import NOT_AUTHENTIC, verify
from dsr_projections.engine import integrity
from dsr_projections.engine.runner import ProjectionRunner
from tests.conftest import SettingsFactory
from tests.projections.test_tamper_evidence import EventStore
from tests.support import factories as f
from tests.support.stages import referred, views_recorded


@pytest.fixture
def store(make_settings: SettingsFactory) -> EventStore:
    return EventStore(make_settings())


def copied_as_next_version(store: EventStore, person_id: UUID, version: int) -> None:
    """The probe's forgery: a genuine sealed event copied in as a new version."""
    store.execute(
        f"INSERT INTO {store.events} (originator_id, originator_version, topic, state) "
        f"SELECT originator_id, ?, topic, state FROM {store.events} "
        "WHERE originator_id = ? AND originator_version = ?",
        (version + 1, store.ident(person_id), version),
    )


def person_with_views(app: Registers, seed: int) -> UUID:
    person_id = referred(app, seed=seed)
    views_recorded(app, person_id, 1, saying="Wants a garden ({n}).")
    return person_id


def test_a_copied_event_is_refused_quarantined_and_reported(
    app: Registers, runner: ProjectionRunner, store: EventStore
) -> None:
    person_id = person_with_views(app, seed=21)
    copied_as_next_version(store, person_id, 2)
    with capture_logs() as logs:
        runner.catch_up()
    [alert] = [entry for entry in logs if entry["event"] == "event_quarantined"]
    assert str(person_id) not in str(alert) and alert["version"] == 3
    # every read model passed over it and kept going
    assert runner.lag() and all(lag.position == runner.head() for lag in runner.lag())
    with runner.db.read() as cursor:
        cursor.execute("SELECT MAX(version) AS v FROM audit_trail WHERE person_id = ?",
                       (str(person_id),))  # fmt: skip
        assert cursor.fetchone() == {"v": 2}
    [quarantined] = integrity.breaks_of(runner.db, person_id)
    assert (quarantined.version, quarantined.source) == (3, integrity.FROM_READ_MODELS)
    found = {(b.person_id, b.version, b.problem) for b in verify(runner.db, app)}
    assert found == {(str(person_id), 3, "stored event " + NOT_AUTHENTIC["mismatch"])}


def test_commands_are_refused_on_a_broken_record_which_is_shown_as_far_as_sound(
    app: Registers, runner: ProjectionRunner, store: EventStore
) -> None:
    person_id = person_with_views(app, seed=22)
    copied_as_next_version(store, person_id, 2)
    runner.catch_up()
    command = cmd.RecordViews(recorded_on=date(2025, 3, 2), person="Likes walks.")
    with pytest.raises(RecordIntegrityError):
        app.execute(person_id, command, Caller.of(f.LEAD))
    person, failing = app.person_for_reading(person_id)
    assert failing and person.version == 2
    assert [entry.version for entry in app.history(person_id)] == [1, 2]
    # someone else's record is untouched
    other = person_with_views(app, seed=23)
    assert app.execute(other, command, Caller.of(f.LEAD)).version == 3


def test_an_event_stripped_of_its_mac_is_refused(
    app: Registers, runner: ProjectionRunner, store: EventStore
) -> None:
    person_id = person_with_views(app, seed=24)
    store.execute(
        f"UPDATE {store.events} SET state = substr(state, 1, length(state) - {TRAILER}) "
        "WHERE originator_id = ? AND originator_version = 2",
        (store.ident(person_id),),
    )
    runner.catch_up()
    [quarantined] = integrity.breaks_of(runner.db, person_id)
    assert quarantined.kind == "event-not-authentic:missing"
    with pytest.raises(RecordIntegrityError):
        app.get_person(person_id)


def test_a_hole_under_a_snapshot_found_by_verify_stops_commands_until_verify_passes(
    app: Registers, runner: ProjectionRunner, store: EventStore
) -> None:
    person_id = referred(app, seed=25)
    views_recorded(app, person_id, 55, saying="Wants a garden ({n}).")
    app.flush_snapshots()
    runner.catch_up()
    command = cmd.RecordViews(recorded_on=date(2025, 3, 2), person="Likes walks.")
    accepted = app.execute(person_id, command, Caller.of(f.LEAD))  # whole: accepted
    store.execute(
        f"DELETE FROM {store.events} WHERE originator_id = ? AND originator_version = 10",
        (store.ident(person_id),),
    )
    found = [(b.person_id, b.version, b.problem) for b in verify(runner.db, app)]
    assert (str(person_id), 10, "stored events skip this version") in found
    integrity.replace_verified(runner.db, found, app.now())
    with pytest.raises(RecordIntegrityError):
        app.execute(person_id, command, Caller.of(f.LEAD))
    assert app.person_for_reading(person_id)[1]
    # restored from a backup, the next verify finds them whole and clears the record
    integrity.replace_verified(runner.db, [], app.now())
    assert app.execute(person_id, command, Caller.of(f.LEAD)).version == accepted.version + 1
