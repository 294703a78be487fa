"""Two simulated years for 200 people whose situations change week by week.

Each week some people are admitted, discharged, re-rated, reviewed or removed; then the
reminder pass runs. The test keeps its own account of what each pass should write
(every item due within the lead time issued, every overdue item escalated) and checks
that the stored reminder books hold each exactly once, nothing more and nothing less.
The dates the rules produce are checked separately against hand-worked values
(tests/core/test_cadences.py).
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from uuid import UUID

import pytest

from dsr_core.domain.codes import Status
from dsr_core.domain.errors import DsrError
from dsr_core.person.cadences import due_reviews
from dsr_core.service import commands as cmd
from dsr_core.service.caller import Caller
from dsr_core.service.registers import Registers
from dsr_core.service.reminders import ReminderPolicy, reminder_key
from tests.support import factories as f
from tests.support.books import reminder_counts

START, WEEKS, PEOPLE = date(2025, 1, 6), 104, 120
LEAD = ReminderPolicy().lead_days
REVIEW_KINDS = ["cetr", "register_review", "commissioner_oversight_visit", "community_cetr"]


def at(clock: f.FakeClock, day: date) -> None:
    clock.now = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


def act(app: Registers, rng: random.Random, person_id: UUID, today: date) -> None:
    person = app.get_person(person_id)
    in_hospital = person.admission is not None
    if person.status not in (Status.REFERRED, Status.ON_REGISTER) and not in_hospital:
        return  # removed and at home: nothing more is owed
    choice = rng.random()
    try:
        if not in_hospital and person.status is not Status.REMOVED and choice < 0.06:
            admission = f.admission(admitted_on=today, in_area=rng.random() < 0.5)
            app.execute(person_id, admission, Caller.of(f.LEAD))
        elif in_hospital and choice < 0.10:
            rating = f.rating("amber") if person.status is Status.ON_REGISTER else None
            app.execute(
                person_id,
                cmd.Discharge(discharged_on=today, destination="family_home", rating=rating),
                Caller.of(f.LEAD),
            )
        elif in_hospital and person.consent is not None and choice < 0.115:
            # consent withdrawn mid-admission: off the register, duties still owed
            app.execute(person_id, cmd.WithdrawConsent(withdrawn_on=today), Caller.of(f.LEAD))
        elif not in_hospital and person.status is Status.ON_REGISTER and choice < 0.16:
            level = rng.choice(["red", "amber", "green"])
            app.execute(
                person_id,
                cmd.ChangeRating(changed_on=today, rating=f.rating(level), reason="weekly review"),
                Caller.of(f.LEAD),
            )
        elif choice < 0.30:
            kind = rng.choice(
                ["cetr", "register_review", "commissioner_oversight_visit", "community_cetr"]
            )
            app.execute(
                person_id,
                cmd.RecordReview(kind=kind, held_on=today, outcome="held"),
                Caller.of(f.LEAD),
            )
        elif not in_hospital and person.status is Status.ON_REGISTER and choice < 0.305:
            app.execute(
                person_id, cmd.Remove(removed_on=today, reason_code="stable"), Caller.of(f.LEAD)
            )
    except DsrError:
        pass  # a refused step is simply not taken


@pytest.mark.integration  # two simulated years: a minute of work, not a unit test
def test_two_years_of_weekly_passes_write_every_reminder_exactly_once() -> None:
    clock = f.FakeClock()
    app = Registers({}, identity_key=b"s" * 32, clock=clock)
    rng = random.Random(5)
    at(clock, START)
    people = []
    for seed in range(PEOPLE):
        # One in five is 17 and turns 18 during the two years; one in five stays referred
        # (and may be admitted while referred).
        born = date(2007, 6, 1) + timedelta(days=seed) if seed % 5 == 1 else date(1990, 4, 2)
        referral = f.referral(referred_on=START, seed=seed + 1, date_of_birth=born)
        person_id = app.execute(None, referral, Caller.of(f.LEAD)).person_id
        app.execute(person_id, f.consent(START), Caller.of(f.LEAD))
        if seed % 5 != 2:
            accept = cmd.Accept(accepted_on=START, rating=f.rating("amber"))
            app.execute(person_id, accept, Caller.of(f.LEAD))
        people.append(person_id)

    expected_issued: set[tuple[UUID, str]] = set()
    expected_escalated: set[tuple[UUID, str]] = set()
    for week in range(WEEKS):
        today = START + timedelta(weeks=week)
        at(clock, today)
        for person_id in people:
            act(app, rng, person_id, today)
        for person_id in people:
            person = app.get_person(person_id)
            for item in due_reviews(person, app.areas.policy(person.area).cadences):
                if item.due_on <= today + timedelta(days=LEAD):
                    expected_issued.add((person_id, reminder_key(item)))
                if item.due_on < today:
                    expected_escalated.add((person_id, reminder_key(item)))
            app.remind(person_id)
        if week % 13 == 0:
            for person_id in people[:20]:
                app.remind(person_id)  # a second scheduler, or a restart, on the same day

    issued, escalated = reminder_counts(app, people)
    assert max(issued.values()) == 1 and max(escalated.values()) == 1
    assert set(issued) == expected_issued
    assert set(escalated) == expected_escalated
    kinds = Counter(key.split(":")[0] for _, key in issued)
    assert {
        "post_admission_cetr",
        "repeat_cetr",
        "commissioner_oversight_visit",
        "register_review",
        "consent_reconfirmation",
        "referral_decision",
        "eighteenth_birthday",
    } <= set(kinds)
    # the journeys this simulation must include did happen
    final = [app.get_person(p) for p in people]
    history = [app.history(p) for p in people]
    assert any(
        p.status is Status.REMOVED
        and any(h.event_type == "ConsentWithdrawn" for h in events)
        and any(h.event_type == "Admitted" for h in events)
        for p, events in zip(final, history, strict=True)
    )
    assert any(
        any(h.event_type == "Admitted" for h in events) and p.status is Status.REFERRED
        for p, events in zip(final, history, strict=True)
    )
    app.close()
