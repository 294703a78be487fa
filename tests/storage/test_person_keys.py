"""Per-person keys and their master key (issue 15, items 1 and 5)."""

from __future__ import annotations

import base64
from datetime import date
from uuid import uuid4

import pytest
from eventsourcing.persistence import IntegrityError

from dsr_core.domain.codes import ReferralCriterion, Scheme
from dsr_core.person.aggregate import Person, Stamp
from dsr_core.process.bootstrap import build_registers
from dsr_core.service.identity_keys import IdentityKey
from dsr_core.storage.master_keys import MasterKeyError
from tests.conftest import SettingsFactory
from tests.storage.test_storage_modes import raw_states
from tests.support import factories as f
from tests.support.stages import accepted

OLD = base64.b64encode(b"o" * 32).decode()
NEW = base64.b64encode(b"w" * 32).decode()


def test_rotating_the_master_key_rewraps_person_keys_and_leaves_events_alone(
    make_settings: SettingsFactory, clock: f.FakeClock
) -> None:
    first = build_registers(make_settings(master_key=OLD), clock=clock)
    person_id = accepted(first, seed=41)
    events_before = raw_states(first)
    first.close()

    rotating = build_registers(make_settings(master_key=NEW, previous_master_keys=OLD), clock=clock)
    assert rotating.get_person(person_id).details.given_name == "Testperson41"
    assert rotating.person_keys is not None
    assert rotating.person_keys.rotate() == 1
    assert rotating.person_keys.rotate() == 0  # nothing left under the old key
    assert raw_states(rotating) == events_before
    rotating.close()

    rotated = build_registers(make_settings(master_key=NEW), clock=clock)
    assert rotated.get_person(person_id).details.given_name == "Testperson41"
    rotated.close()
    stale = build_registers(make_settings(master_key=OLD), clock=clock)
    with pytest.raises(Exception) as lost:
        stale.get_person(person_id)
    assert isinstance(lost.value, MasterKeyError) or isinstance(
        lost.value.__cause__, MasterKeyError
    )
    stale.close()


def test_a_person_key_is_never_stored_unwrapped(
    make_settings: SettingsFactory, clock: f.FakeClock
) -> None:
    registers = build_registers(make_settings(master_key=OLD), clock=clock)
    person_id = accepted(registers, seed=42)
    keys = registers.person_keys
    assert keys is not None
    key = keys.key_for(person_id, create=False)
    assert key is not None
    with keys._cursor(commit=False) as cursor:  # looking at the table itself
        cursor.execute(f"SELECT wrapped FROM {keys._keys}")
        stored = [bytes(r["wrapped"]) for r in cursor.fetchall()]
    assert stored and all(key not in wrapped for wrapped in stored)
    registers.close()


def test_a_new_persons_key_is_written_with_their_events_or_not_at_all(
    make_settings: SettingsFactory, clock: f.FakeClock
) -> None:
    registers = build_registers(make_settings(), clock=clock)
    keys = registers.person_keys
    assert keys is not None
    person_id = accepted(registers, seed=43)
    assert keys.has_key(person_id)
    lost = uuid4()
    with pytest.raises(RuntimeError), keys.saving(new=[lost], existing=[]):
        assert keys.key_for(lost, create=True) is not None
        raise RuntimeError("the save failed")
    assert not keys.has_key(lost)
    assert keys.key_for(lost, create=False) is None
    registers.close()


def test_a_referral_whose_save_fails_leaves_no_key_behind(
    make_settings: SettingsFactory, clock: f.FakeClock
) -> None:
    """Its identity key collides with one already saved (a concurrent referral of the
    same number): events, identity key and person key roll back together."""
    registers = build_registers(make_settings(), clock=clock)
    keys = registers.person_keys
    assert keys is not None
    first = accepted(registers, seed=44)
    details = registers.get_person(first).details
    [taken] = registers.identity_keys.ids(f.ENGLISH_AREA, details)
    by = Stamp(f.LEAD, clock(), clock().date())
    loser = Person.refer(
        area=f.ENGLISH_AREA,
        scheme=Scheme.ENGLAND_RAG,
        details=f.details(seed=45),
        referred_on=date(2025, 1, 10),
        criteria=[ReferralCriterion.SUPPORT_AT_RISK],
        referred_by="GP",
        reason="x",
        by=by,
    )
    with pytest.raises(IntegrityError):
        registers.save(loser, IdentityKey.claim_new(taken, loser.id, clock()))
    assert not keys.has_key(loser.id)
    registers.close()


def test_keys_fetched_together_are_then_served_without_a_query_each(
    make_settings: SettingsFactory, clock: f.FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A catch-up fetches the keys of a batch's people in one query (issue 17)."""
    from tests.support.stages import referred

    registers = build_registers(make_settings(), clock=clock)
    people = [referred(registers, seed=900 + n) for n in range(5)]
    keys = registers.person_keys
    assert keys is not None
    expected = {pid: keys.key_for(pid, create=False) for pid in people}
    for pid in people:
        keys.forget(pid)
    keys.preload([*people, uuid4()])  # someone with no key is simply not found
    monkeypatch.setattr(keys, "_load", lambda pid: pytest.fail("a query for one person"))
    assert {pid: keys.key_for(pid, create=False) for pid in people} == expected
    registers.close()


def test_a_key_destroyed_by_one_process_stops_opening_values_in_another_within_a_second(
    make_settings: SettingsFactory, clock: f.FakeClock
) -> None:
    """Issue 30: another process went on opening an erased person's values from its cache
    for up to a minute."""
    import time

    scheduler = build_registers(make_settings(master_key=OLD), clock=clock)
    api = build_registers(make_settings(master_key=OLD), clock=clock)
    person_id = accepted(scheduler, seed=43)
    other = accepted(scheduler, seed=44)
    assert api.person_keys is not None and scheduler.person_keys is not None
    assert api.person_keys.key_for(person_id, create=False) is not None  # cached in "api"
    scheduler.person_keys.destroy(person_id, "request")
    time.sleep(1.1)  # the cache asks the database at most once a second
    assert api.person_keys.key_for(person_id, create=False) is None
    assert api.person_keys.key_for(other, create=False) is not None  # the others still open
    scheduler.close()
    api.close()
