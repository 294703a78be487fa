import threading
import time
from datetime import UTC, date, datetime, timedelta

import pytest

from dsr_core.service import commands as cmd
from dsr_core.service.caller import Caller
from dsr_core.service.registers import Registers
from dsr_projections.audit.trail import verify
from dsr_projections.audit.trail_queries import opened_trail, person_trail
from dsr_projections.engine.projection import SHADOW
from dsr_projections.engine.runner import ProjectionRunner
from tests.conftest import SettingsFactory
from tests.support import factories as f
from tests.support.stages import accepted, admitted


def test_the_audit_trail_has_one_row_per_event_with_who_when_and_why(
    app: Registers, runner: ProjectionRunner
) -> None:
    person_id = accepted(app)
    app.execute(
        person_id,
        cmd.ChangeRating(changed_on=date(2025, 2, 1), rating=f.rating("red"), reason="Crisis"),
        Caller.of(f.LEAD),
    )
    runner.catch_up()
    trail = person_trail(runner.db, person_id)
    assert [r["event_type"] for r in trail] == [
        "Referred",
        "ConsentRecorded",
        "Accepted",
        "RatingChanged",
    ]
    last = trail[-1]
    # The chained row keeps no personal value (issue 15); the reason is read, opened with
    # the person's key, from the event store.
    assert (last["effective_on"], last["actor_id"], last["actor_role"], last["reason"]) == (
        "2025-02-01",
        "lead-1",
        "lead",
        "personal",
    )
    [opened] = [r for r in opened_trail(runner.db, app, person_id) if r["version"] == 4]
    assert opened["opened"]["reason"] == "Crisis"
    assert [r["prev_hash"] for r in trail[1:]] == [r["hash"] for r in trail[:-1]]


def test_verify_finds_no_break_in_an_untouched_trail(
    app: Registers, runner: ProjectionRunner
) -> None:
    admitted(app)
    runner.catch_up()
    assert list(verify(runner.db, app)) == []


def test_verify_reports_an_edited_audit_row(app: Registers, runner: ProjectionRunner) -> None:
    person_id = accepted(app)
    runner.catch_up()
    with runner.db.transaction() as cursor:
        cursor.execute("UPDATE audit_trail SET actor_id = 'someone-else' WHERE version = 2")
    breaks = list(verify(runner.db, app))
    assert {(b.person_id, b.version) for b in breaks} == {(str(person_id), 2)}


def test_verify_reports_a_deleted_audit_row(app: Registers, runner: ProjectionRunner) -> None:
    accepted(app)
    runner.catch_up()
    with runner.db.transaction() as cursor:
        cursor.execute("DELETE FROM audit_trail WHERE version = 2")
    problems = {b.problem for b in verify(runner.db, app)}
    assert "expected version 2" in problems and "event missing from the audit trail" in problems


def test_live_read_models_equal_a_full_rebuild_after_a_long_random_history(
    app: Registers, runner: ProjectionRunner, clock: f.FakeClock
) -> None:
    from dsr_http.cli.demo import generate

    clock.now = datetime(2025, 9, 30, 12, tzinfo=UTC)
    runner.batch_size = 97  # batches that do not line up with people's histories
    for seed in (1, 2, 3):  # follow the log in several catch-ups, as a live worker would
        generate(app, 80, seed=seed)
        runner.catch_up()
    assert runner.head() > 1000
    before = {p.name: runner.content_hash(p.name) for p in runner.projections}
    for projection in runner.projections:
        runner.rebuild(projection.name)
    after = {p.name: runner.content_hash(p.name) for p in runner.projections}
    assert before == after
    assert all(lag.behind == 0 for lag in runner.lag())


def index_names(runner: ProjectionRunner) -> set[str]:
    sql = (
        "SELECT indexname AS name FROM pg_indexes WHERE schemaname = current_schema()"
        if runner.db.dialect == "postgres"
        else "SELECT name FROM sqlite_master WHERE type = 'index'"
    )
    with runner.db.read() as cursor:
        cursor.execute(sql)
        return {row["name"] for row in cursor.fetchall()}


def test_a_rebuilt_read_model_has_every_index_it_declares(
    app: Registers, runner: ProjectionRunner
) -> None:
    """The swap renames the shadow's tables: their indexes must come out under the live
    names, none left behind under the shadow's."""
    accepted(app, seed=1)
    runner.catch_up()
    declared = {index for p in runner.projections for index in p.indexes}
    assert declared <= index_names(runner)
    rebuilt = runner.rebuild_all([p.name for p in runner.projections])
    assert not rebuilt.refused
    found = index_names(runner)
    assert declared <= found
    assert not {name for name in found if name.endswith(SHADOW)}


def test_a_failing_cycle_is_retried_and_the_runner_recovers(
    app: Registers, runner: ProjectionRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    audit = runner.projection("audit")
    original = audit.process
    failures: list[int] = []

    def flaky(cursor, batch):  # type: ignore[no-untyped-def]
        if not failures:
            failures.append(1)
            raise RuntimeError("database hiccup")
        original(cursor, batch)

    monkeypatch.setattr(audit, "process", flaky)
    runner.poll_interval = 0.05
    result = app.execute(None, f.referral(), Caller.of(f.LEAD))
    thread = runner.start()
    try:
        assert runner.wait_for(result.position, timeout=15)
    finally:
        runner.stop()
        thread.join(timeout=5)
    assert failures == [1]
    assert list(verify(runner.db, app)) == []


def test_a_rebuild_reports_progress_and_keeps_following_new_events(
    app: Registers, runner: ProjectionRunner
) -> None:
    accepted(app, seed=1)
    seen: list[tuple[int, int]] = []
    runner.rebuild("register", progress=lambda done, total: seen.append((done, total)))
    assert seen and seen[-1][0] >= seen[-1][1]
    accepted(app, seed=2)
    runner.catch_up()
    assert runner.lag()[0].behind == 0


def test_two_runners_at_once_apply_each_event_exactly_once(
    app: Registers,
    runner: ProjectionRunner,
    make_settings: SettingsFactory,
) -> None:
    from dsr_projections.bootstrap import build_runner

    other = build_runner(make_settings(), app, batch_size=7)
    runner.batch_size = 5
    for seed in range(1, 9):
        accepted(app, seed=seed)
    threads = [threading.Thread(target=r.catch_up) for r in (runner, other)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with runner.db.read() as cursor:
        cursor.execute("SELECT COUNT(*) AS n, COUNT(DISTINCT position) AS d FROM audit_trail")
        counts = cursor.fetchone()
    assert counts is not None and counts["n"] == counts["d"] == 8 * 3
    assert list(verify(runner.db, app)) == []
    other.db.close()


def test_lag_shows_how_far_each_projection_is_behind(
    app: Registers, runner: ProjectionRunner
) -> None:
    accepted(app)
    # three person events and the identity-key claim written with the referral
    assert {lag.behind for lag in runner.lag()} == {4}
    runner.catch_up()
    assert {lag.behind for lag in runner.lag()} == {0}


def test_a_reader_can_wait_for_its_own_write(app: Registers, runner: ProjectionRunner) -> None:
    runner.poll_interval = 0.05
    thread = runner.start()
    try:
        result = app.execute(None, f.referral(), Caller.of(f.LEAD))
        assert runner.wait_for(result.position, timeout=10)
    finally:
        runner.stop()
        thread.join(timeout=5)


def test_the_actor_trail_covers_a_time_range(
    app: Registers, runner: ProjectionRunner, clock: f.FakeClock
) -> None:
    from dsr_projections.audit.trail_queries import actor_trail

    accepted(app)
    runner.catch_up()
    now = clock.now
    assert (
        len(actor_trail(runner.db, "lead-1", now - timedelta(hours=1), now + timedelta(hours=1)))
        == 3
    )
    assert (
        actor_trail(runner.db, "lead-1", datetime(2020, 1, 1, tzinfo=UTC), now - timedelta(hours=1))
        == []
    )


def test_a_read_after_a_batch_of_writes_gets_its_own_rows(runner: ProjectionRunner) -> None:
    """The batch's answers arrive while the read is sent (the pause makes it certain on
    PostgreSQL's pipeline); the read still gets rows, not the batch's status."""
    with runner.db.transaction() as cursor:
        cursor.execute("CREATE TABLE pipeline_probe (k INTEGER PRIMARY KEY, v TEXT)")
    for _ in range(2):
        with runner.db.transaction() as cursor:
            cursor.execute("DELETE FROM pipeline_probe")
            cursor.executemany(
                "INSERT INTO pipeline_probe (k, v) VALUES (?, ?) "
                "ON CONFLICT (k) DO UPDATE SET v = excluded.v",
                [(k, "x") for k in range(2000)],
            )
            time.sleep(0.2)
            cursor.execute("SELECT count(*) AS n FROM pipeline_probe")
            assert [dict(row) for row in cursor.fetchall()] == [{"n": 2000}]
