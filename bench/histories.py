"""Long inpatient histories saved through the library: a national-scale store (issue 32).

England's registers are mostly people in hospital for years: each person here is referred,
consented and accepted, admitted within weeks, and then has the record a DSR keeps of a
long stay: a multidisciplinary review each month, a C(E)TR every six months, views each
year, a planned discharge date moved each year, a change of legal status now and then;
one person in four is discharged to the community for a few months and readmitted. That
is about 100 events a person, so 50,000 people make about 5M events.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, datetime, timedelta

from bench.reads import ACTOR, AREA
from dsr_core.domain.care_record import Views
from dsr_core.domain.codes import (
    DischargeDestination,
    LegalStatus,
    RatingLevel,
    ReferralCriterion,
    ReviewKind,
    Scheme,
    WardType,
)
from dsr_core.domain.values import Consent, HospitalStay, PersonDetails, Rating
from dsr_core.person.aggregate import Person, Stamp
from dsr_core.service.registers import Registers

UNTIL = date(2025, 9, 30)


def months(start: date, until: date = UNTIL) -> Iterator[date]:
    """The same day of each month after `start` up to `until` (the 28th at most)."""
    year, month, day = start.year, start.month, min(start.day, 28)
    while True:
        month += 1
        if month > 12:
            year, month = year + 1, 1
        moment = date(year, month, day)
        if moment > until:
            return
        yield moment


def history(index: int, by: Stamp) -> Person:
    """One person's record, the same for the same index on every run."""
    rng = random.Random(index)
    referred = date(2018, 6, 1) + timedelta(days=rng.randint(0, 900))
    person = Person.refer(
        area=AREA,
        scheme=Scheme.ENGLAND_RAG,
        details=PersonDetails(
            given_name="Bench",
            family_name=f"Inpatient{index}",
            date_of_birth=date(rng.randint(1960, 2003), rng.randint(1, 12), rng.randint(1, 28)),
            sex=rng.choice(["female", "male"]),
            diagnosis_group=rng.choice(["autism", "learning_disability"]),
        ),
        referred_on=referred,
        criteria=[ReferralCriterion.SUPPORT_AT_RISK],
        referred_by="bench",
        reason="bench",
        by=by,
    )
    person.record_consent(
        consent=Consent(basis="informed_consent", decided_on=referred, decided_by="x"), by=by
    )
    person.accept(accepted_on=referred, rating=Rating(level=RatingLevel.AMBER), reason=None, by=by)
    admitted = referred + timedelta(days=rng.randint(1, 40))
    _admit(person, admitted, rng, by)
    away_from = rng.randint(20, 50) if rng.random() < 0.25 else None  # a spell at home
    for number, day in enumerate(months(admitted), start=1):
        if away_from is not None and number == away_from:
            person.discharge(
                discharged_on=day,
                destination=DischargeDestination.SUPPORTED_HOUSING,
                rating=Rating(level=RatingLevel.RED),
                by=by,
            )
        elif away_from is not None and number == away_from + rng.randint(3, 8):
            _admit(person, day, rng, by)
            away_from = None
        elif person.admission is None:
            _review(person, ReviewKind.REGISTER_REVIEW, day, by)
        else:
            _inpatient_month(person, number, day, rng, by)
    return person


def _admit(person: Person, on: date, rng: random.Random, by: Stamp) -> None:
    stay = HospitalStay(
        admitted_on=on,
        hospital=f"Bench Hospital {rng.randint(1, 40)}",
        ward_type=rng.choice([WardType.LEARNING_DISABILITY, WardType.MENTAL_HEALTH]),
        in_area=rng.random() < 0.6,
        legal_status=LegalStatus.INFORMAL,
    )
    person.admit(stay=stay, by=by)


def _inpatient_month(person: Person, number: int, day: date, rng: random.Random, by: Stamp) -> None:
    """A month in hospital: the MDT review, and on its turn what comes less often."""
    _review(person, ReviewKind.MDT, day, by)
    if number % 6 == 0:
        _review(person, ReviewKind.CETR, day, by)
    if number % 12 == 3:
        views = Views(person="bench views", family="bench family views")
        person.record_views(views=views, recorded_on=day, by=by)
    if number % 12 == 7:
        admission = person.admission
        planned = day + timedelta(days=rng.randint(60, 400))
        moved = admission is not None and admission.planned_discharge_on is not None
        person.set_planned_discharge_date(
            planned_on=planned, recorded_on=day, reason="moved" if moved else None, by=by
        )
    if number % 17 == 0:
        detained = rng.random() < 0.5
        person.change_legal_status(
            changed_on=day,
            legal_status=LegalStatus.DETAINED if detained else LegalStatus.INFORMAL,
            detained_under="03" if detained else None,
            by=by,
        )


def _review(person: Person, kind: ReviewKind, day: date, by: Stamp) -> None:
    person.record_review(
        kind=kind, held_on=day, outcome="bench outcome", attendees=("bench",), actions=(), by=by
    )


def save_histories(
    registers: Registers, count: int, now: datetime, first: int = 0, interleave: int = 0
) -> int:
    """Save `count` people's histories 20 at a time (about 2,000 events a batch, as the
    100-person batches of three-event records); returns the events saved.

    With `interleave`, people are taken that many at a time and saved one event each (a
    thousand people a transaction), round after round, as a live register's log
    interleaves its people: a catch-up's batch of 2,000 events then touches up to 2,000
    people, not 20. (One save of 5,000 new people's first events hung in psycopg's pipeline
    sync on this machine; 2,000 did not: not investigated, commands save one person.)"""
    if interleave:
        return _save_interleaved(registers, count, now, first, interleave)
    by = Stamp(ACTOR, now, now.date())
    saved, batch = 0, []
    for index in range(first, first + count):
        person = history(index, by)
        saved += len(person.pending_events)
        batch.append(person)
        if len(batch) == 20:
            registers.save(*batch)
            batch = []
    if batch:
        registers.save(*batch)
    return saved


def _save_interleaved(
    registers: Registers, count: int, now: datetime, first: int, group: int
) -> int:
    by = Stamp(ACTOR, now, now.date())
    # A snapshot is of the aggregate in hand, which here is ahead of what a round saves.
    registers.snapshotting_intervals = {}  # type: ignore[misc]
    saved = 0
    for start in range(first, first + count, group):
        people = [history(i, by) for i in range(start, min(start + group, first + count))]
        queues = {person.id: list(person.collect_events()) for person in people}
        while people:
            for person in people:
                person._pending_events = [queues[person.id].pop(0)]
            for start_of_save in range(0, len(people), 1000):
                registers.save(*people[start_of_save : start_of_save + 1000])
            saved += len(people)
            people = [person for person in people if queues[person.id]]
    return saved
