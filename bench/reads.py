"""Read-side figures on PostgreSQL: history/as-of replay, register query, national dataset.

    python bench/reads.py [--people 50000]

People are created through the domain model and saved in batches of 100 through the
library (faster than one HTTP command each; the write path is measured by
bench/http_commands.py), then the read models catch up before anything is timed.
"""

from __future__ import annotations

import argparse
import base64
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.pgserver import start_throwaway

from dsr_core import commands as cmd
from dsr_core.application import Registers
from dsr_core.bootstrap import build_registers
from dsr_core.caller import Caller
from dsr_core.domainmodel import Person, Stamp
from dsr_core.periods import Period
from dsr_core.process import tune_garbage_collection
from dsr_core.settings import Settings
from dsr_core.values import (
    Actor,
    Consent,
    PersonDetails,
    Rating,
    RatingLevel,
    ReferralCriterion,
    Role,
    Scheme,
)
from dsr_projections.bootstrap import build_runner
from dsr_projections.national_report import build_dataset
from dsr_projections.register import RegisterQuery, query_register

AREA = "E54000048"
ACTOR = Actor(user_id="bench", role=Role.LEAD, area=AREA)


def percentiles(run: Callable[[], object], times: int) -> tuple[float, float]:
    samples = []
    for _ in range(times):
        started = time.perf_counter()
        run()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.99) - 1]


def save_people(registers: Registers, count: int, now: datetime) -> None:
    """Referred, consented and accepted people on one area's register, saved 100 at a time."""
    by = Stamp(ACTOR, now, now.date())
    rng = random.Random(1)
    batch: list[Person] = []
    for index in range(count):
        dob = date(rng.randint(1950, 2005), rng.randint(1, 12), rng.randint(1, 28))
        details = PersonDetails(
            given_name="Bench",
            family_name=f"Person{index}",
            date_of_birth=dob,
            sex=rng.choice(["female", "male"]),
            diagnosis_group=rng.choice(["autism", "learning_disability"]),
        )
        referred = date(2024, 1, 1) + timedelta(days=rng.randint(0, 500))
        person = Person.refer(
            area=AREA,
            scheme=Scheme.ENGLAND_RAG,
            details=details,
            referred_on=referred,
            criteria=[ReferralCriterion.SUPPORT_AT_RISK],
            referred_by="bench",
            reason="bench",
            by=by,
        )
        consent = Consent(basis="informed_consent", decided_on=referred, decided_by="x")
        person.record_consent(consent=consent, by=by)
        level = rng.choice([RatingLevel.RED, RatingLevel.AMBER, RatingLevel.GREEN])
        person.accept(accepted_on=referred, rating=Rating(level=level), reason=None, by=by)
        batch.append(person)
        if len(batch) == 100:
            registers.save(*batch)
            batch = []
    if batch:
        registers.save(*batch)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=50_000)
    args = parser.parse_args()
    server = start_throwaway()
    url = server.url
    now = datetime(2025, 9, 30, 12, tzinfo=UTC)
    try:
        settings = Settings(
            database_url=url,
            identity_key=base64.b64encode(os.urandom(32)).decode(),
            data_dir=Path("/tmp/dsr-bench-reads"),
        )
        registers = build_registers(settings, clock=lambda: now)
        started = time.perf_counter()
        save_people(registers, args.people, now)
        write = time.perf_counter() - started
        head = registers.recorder.max_notification_id() or 0
        runner = build_runner(settings, registers, batch_size=1000)
        started = time.perf_counter()
        runner.catch_up(timeout=3600)
        catch_up = time.perf_counter() - started

        long = registers.execute(
            None,
            cmd.Refer(
                area=AREA,
                details={
                    "given_name": "Long",
                    "family_name": "History",
                    "date_of_birth": "1980-01-01",
                    "sex": "female",
                    "diagnosis_group": "autism",
                },
                referred_on="2024-01-01",
                criteria=["support_at_risk"],
                referred_by="x",
                reason="x",
            ),
            Caller.of(ACTOR),
        )
        views = cmd.RecordViews(recorded_on=date(2025, 1, 1), person="x")
        for _ in range(499):
            registers.execute(long.person_id, views, Caller.of(ACTOR))
        tune_garbage_collection()  # as `dsr serve` does at start-up
        history = percentiles(lambda: registers.history(long.person_id), 200)
        as_of = percentiles(
            lambda: registers.person_as_at(long.person_id, on=date(2024, 6, 1)), 200
        )
        current = percentiles(lambda: registers.get_person(long.person_id), 200)
        # The first read of a person, as every read would be without the event cache.
        uncached = build_registers(
            settings.model_copy(update={"event_cache_size": 0}), clock=lambda: now
        )
        cold_history = percentiles(lambda: uncached.history(long.person_id), 200)
        cold_as_of = percentiles(
            lambda: uncached.person_as_at(long.person_id, on=date(2024, 6, 1)), 200
        )
        uncached.close()

        today = now.date()
        register = percentiles(
            lambda: query_register(runner.db, RegisterQuery(areas=[AREA], today=today)), 200
        )
        overdue = percentiles(
            lambda: query_register(
                runner.db,
                RegisterQuery(
                    areas=[AREA], today=today, overdue=True, rating="red", sort="next_review_due"
                ),
            ),
            200,
        )
        started = time.perf_counter()
        dataset = build_dataset(runner.db, AREA, Period.parse("2025-Q3"), "nhs_england", b"bench")
        national = time.perf_counter() - started

        lines = [
            f"cores: {os.cpu_count()}, people: {args.people}, log positions: {head}",
            f"batch save through the library: {head / write:,.0f} events/s",
            f"catch-up, all read models: {head / catch_up:,.0f} positions/s",
            f"500-event person, history: p50 {history[0]:.1f} ms, p99 {history[1]:.1f} ms",
            f"500-event person, as-of a date: p50 {as_of[0]:.1f} ms, p99 {as_of[1]:.1f} ms",
            f"same, first read (no event cache): history p50 {cold_history[0]:.1f} ms, "
            f"p99 {cold_history[1]:.1f} ms; as-of p50 {cold_as_of[0]:.1f} ms, "
            f"p99 {cold_as_of[1]:.1f} ms",
            f"500-event person, current: p50 {current[0]:.1f} ms, p99 {current[1]:.1f} ms",
            f"register first page: p50 {register[0]:.1f} ms, p99 {register[1]:.1f} ms",
            f"register red+overdue by due date: p50 {overdue[0]:.1f} ms, p99 {overdue[1]:.1f} ms",
            f"national dataset: {national:.1f} s ({len(dataset.records)} records)",
        ]
        print("\n".join(lines))
        runner.db.close()
        registers.close()
    finally:
        server.stop()


if __name__ == "__main__":
    main()
