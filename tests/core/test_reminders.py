"""Reminders: issued once before the due date, escalated once after, closed by the review."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta

from dsr_core.person.cadence_policy import CadencePolicy
from dsr_core.person.cadences import DueKind, due_reviews
from dsr_core.service import commands as cmd
from dsr_core.service.caller import Caller
from dsr_core.service.registers import Registers
from tests.support import factories as f
from tests.support.stages import accepted, admitted

# Accepted on 14 January: the monthly register review is due a calendar month later.
REGISTER_REVIEW_DUE = date(2025, 2, 14)


def on(clock: f.FakeClock, day: date) -> None:
    clock.now = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


def keys(app: Registers, person_id: object) -> tuple[set[str], set[str]]:
    book = app.reminder_book(person_id)  # type: ignore[arg-type]
    return (set(book.issued), set(book.escalated)) if book else (set(), set())


def test_a_reminder_is_issued_14_days_before_the_due_date_and_only_once(
    app: Registers, clock: f.FakeClock
) -> None:
    on(clock, date(2025, 1, 20))
    person_id = accepted(app)
    on(clock, REGISTER_REVIEW_DUE - timedelta(days=15))
    assert not [w for w in app.remind(person_id) if "register_review" in w]
    on(clock, REGISTER_REVIEW_DUE - timedelta(days=14))
    assert "Issued:register_review:2025-01-14" in app.remind(person_id)
    assert app.remind(person_id) == []
    issued, escalated = keys(app, person_id)
    # (Amber's own prompt, due 21 January, is overdue by now: escalated on its own key.)
    assert "register_review:2025-01-14" in issued
    assert "register_review:2025-01-14" not in escalated


def test_an_overdue_item_is_escalated_once(app: Registers, clock: f.FakeClock) -> None:
    on(clock, date(2025, 1, 20))
    person_id = accepted(app)
    on(clock, REGISTER_REVIEW_DUE)
    app.remind(person_id)
    on(clock, REGISTER_REVIEW_DUE + timedelta(days=1))
    assert "Escalated:register_review:2025-01-14" in app.remind(person_id)
    on(clock, REGISTER_REVIEW_DUE + timedelta(days=9))
    assert not [w for w in app.remind(person_id) if "register_review:2025-01-14" in w]


def test_holding_the_review_closes_the_reminder_and_the_next_one_has_a_new_key(
    app: Registers, clock: f.FakeClock
) -> None:
    on(clock, date(2025, 2, 1))
    person_id = accepted(app)
    app.remind(person_id)
    app.execute(
        person_id,
        cmd.RecordReview(kind="register_review", held_on=date(2025, 2, 1), outcome="ok"),
        Caller.of(f.LEAD),
    )
    person = app.get_person(person_id)
    due = {(d.kind, d.since) for d in due_reviews(person, CadencePolicy())}
    assert (DueKind.REGISTER_REVIEW, date(2025, 1, 14)) not in due
    assert (DueKind.REGISTER_REVIEW, date(2025, 2, 1)) in due


def test_a_scheduler_that_was_down_for_weeks_catches_up_once(
    app: Registers, clock: f.FakeClock
) -> None:
    on(clock, date(2025, 2, 12))
    person_id = accepted(app)
    # Admitted out of area on 10 Feb: C(E)TR due 10 Mar, commissioner's visit 7 Apr.
    app.execute(person_id, f.admission(in_area=False), Caller.of(f.LEAD))
    on(clock, date(2025, 5, 1))  # nothing ran since
    written = app.remind(person_id)
    for key in ("post_admission_cetr:2025-02-10", "commissioner_oversight_visit:2025-02-10"):
        assert f"Issued:{key}" in written and f"Escalated:{key}" in written
    assert app.remind(person_id) == []


def test_two_schedulers_at_once_write_each_reminder_once(
    app: Registers, clock: f.FakeClock
) -> None:
    on(clock, date(2025, 5, 1))
    person_id = admitted(app)
    barrier = threading.Barrier(2)
    results: list[list[str]] = []

    def run() -> None:
        barrier.wait()
        results.append(app.remind(person_id))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    written = [w for r in results for w in r]
    assert len(written) == len(set(written)) and written
    stored = [e for e in app.events.get(app.reminder_book(person_id).id)]  # type: ignore[union-attr]
    stored_keys = [(type(e).__name__, e.key) for e in stored if hasattr(e, "key")]
    assert len(stored_keys) == len(set(stored_keys))


def test_reminders_do_not_change_the_persons_version(app: Registers, clock: f.FakeClock) -> None:
    on(clock, date(2025, 5, 1))
    person_id = admitted(app)
    version = app.get_person(person_id).version
    assert app.remind(person_id)
    assert app.get_person(person_id).version == version


def test_an_area_may_chase_only_decisions_from_the_day_it_started_recording(
    app: Registers,
) -> None:
    person_id = accepted(app)  # accepted on 14 January 2025
    kinds = {d.kind for d in due_reviews(app.get_person(person_id), CadencePolicy())}
    assert DueKind.TELL_REFERRER in kinds
    later = CadencePolicy(tell_referrer_from=date(2025, 6, 1))
    assert DueKind.TELL_REFERRER not in {
        d.kind for d in due_reviews(app.get_person(person_id), later)
    }
