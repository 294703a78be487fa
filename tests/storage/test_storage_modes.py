"""What the two storage modes promise: durability, encryption at rest, no lost updates."""

import os
import stat
import threading
from datetime import date
from pathlib import Path

import pytest

from dsr_core.domain.errors import (
    ConcurrentWriteError,
    DuplicateReferralError,
    VersionMismatchError,
)
from dsr_core.process.bootstrap import IDENTITY_KEY_FILE, build_registers
from dsr_core.process.settings import Settings
from dsr_core.service import commands as cmd
from dsr_core.service.caller import Caller
from dsr_core.service.registers import Registers
from tests.conftest import SettingsFactory
from tests.support import factories as f
from tests.support.stages import accepted

CIPHER_KEY = "3q2+7wABAgMEBQYHCAkKCw=="  # 16 bytes, test only


def raw_states(app: Registers) -> bytes:
    return b"".join(n.state for n in app.recorder.select_notifications(None, 1000))


def test_records_survive_a_restart(make_settings: SettingsFactory, clock: f.FakeClock) -> None:
    settings = make_settings()
    first = build_registers(settings, clock=clock)
    person_id = accepted(first, seed=21)
    first.close()
    second = build_registers(settings, clock=clock)
    try:
        assert second.get_person(person_id).version == 3
        with pytest.raises(DuplicateReferralError):
            second.execute(None, f.referral(seed=21), Caller.of(f.LEAD))
    finally:
        second.close()


def test_event_payloads_are_encrypted_at_rest_when_a_key_is_set(
    make_settings: SettingsFactory, clock: f.FakeClock
) -> None:
    plain = build_registers(make_settings(), clock=clock)
    encrypted = build_registers(
        make_settings(
            cipher_key=CIPHER_KEY,
            database_schema="enc" if plain.factory.env.get("POSTGRES_SCHEMA") else "dsr",
            data_dir=make_settings().data_dir.parent / "enc",
        ),
        clock=clock,
    )
    try:
        accepted(plain, seed=31)
        person_id = accepted(encrypted, seed=31)
        # Without the global cipher, only what is not personal reads in the clear: names
        # are sealed under the person's key either way (issue 15).
        assert b'"amber"' in raw_states(plain)
        assert b"Testperson31" not in raw_states(plain)
        assert b'"amber"' not in raw_states(encrypted)
        assert b"Testperson31" not in raw_states(encrypted)
        assert encrypted.get_person(person_id).details.given_name == "Testperson31"
    finally:
        plain.close()
        encrypted.close()


def test_a_stale_version_is_refused_and_nothing_is_written(app: Registers) -> None:
    person_id = accepted(app)
    with pytest.raises(VersionMismatchError) as error:
        app.execute(
            person_id,
            cmd.ChangeRating(changed_on=date(2025, 2, 1), rating=f.rating("red"), reason="x"),
            Caller.of(f.LEAD, expected_version=2),
        )
    assert error.value.current == 3
    assert app.get_person(person_id).version == 3


def test_concurrent_edits_of_one_person_save_exactly_one(app: Registers) -> None:
    person_id = accepted(app)
    barrier = threading.Barrier(4)
    outcomes: list[str] = []

    def edit(level: str) -> None:
        barrier.wait()
        try:
            app.execute(
                person_id,
                cmd.ChangeRating(changed_on=date(2025, 2, 1), rating=f.rating(level), reason="x"),
                Caller.of(f.LEAD, expected_version=3),
            )
            outcomes.append("saved")
        except (ConcurrentWriteError, VersionMismatchError):
            outcomes.append("refused")

    threads = [
        threading.Thread(target=edit, args=(lvl,)) for lvl in ("red", "green", "amber", "red")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused", "refused", "refused", "saved"]
    assert [h.event_type for h in app.history(person_id)].count("RatingChanged") == 1


def test_long_histories_are_snapshotted_and_read_back_identically(app: Registers) -> None:
    person_id = accepted(app)
    for day in range(1, 60):
        app.execute(
            person_id,
            cmd.RecordViews(recorded_on=date(2025, 3, 1), person=f"view {day}"),
            Caller.of(f.LEAD),
        )
    app.flush_snapshots()
    assert app.snapshots is not None
    assert [s.originator_version for s in app.snapshots.get(person_id)] == [50]
    from dsr_core.service.history import replay

    replayed = replay(app.events.get(person_id))  # type: ignore[arg-type]
    assert replayed is not None
    assert vars(replayed) == vars(app.get_person(person_id))


def test_the_embedded_mode_creates_a_private_identity_key_once(tmp_path: os.PathLike[str]) -> None:
    settings = Settings(data_dir=tmp_path, database_url=None, identity_key=None)
    first = build_registers(settings)
    person_id = first.execute(None, f.referral(seed=41), Caller.of(f.LEAD)).person_id
    first.close()
    key_file = settings.data_dir / IDENTITY_KEY_FILE
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    second = build_registers(settings)
    try:
        with pytest.raises(DuplicateReferralError) as error:
            second.execute(None, f.referral(seed=41), Caller.of(f.LEAD))
        assert error.value.existing_person_id == person_id
    finally:
        second.close()


def test_postgres_mode_refuses_to_start_without_an_identity_key(postgres_url: str) -> None:
    with pytest.raises(RuntimeError, match="DSR_IDENTITY_KEY"):
        build_registers(Settings(database_url=postgres_url, identity_key=None))


def test_the_embedded_data_directory_and_its_files_are_private(tmp_path: Path) -> None:
    from dsr_projections.bootstrap import build_runner

    data_dir = tmp_path / "data"
    data_dir.mkdir(mode=0o755)  # as an older version left it
    settings = Settings(data_dir=data_dir, database_url=None, identity_key=None)
    app = build_registers(settings)
    runner = build_runner(settings, app)
    try:
        app.execute(None, f.referral(seed=42), Caller.of(f.LEAD))
        runner.catch_up()
        assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
        files = [p for p in data_dir.iterdir() if p.is_file()]
        assert {p.name for p in files} >= {"events.sqlite3", "views.sqlite3", "views.sqlite3-wal"}
        assert {p.name: stat.S_IMODE(p.stat().st_mode) for p in files} == {
            p.name: 0o600 for p in files
        }
    finally:
        runner.db.close()
        app.close()
