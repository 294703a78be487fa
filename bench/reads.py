"""Read-side figures on PostgreSQL: first reads of a long history, the register's pages.

    python bench/reads.py [--sizes 5000,50000,500000] [--plot docs/perf-register.png]

A person with 500 events is read 200 times by a process without the decoded-event cache
(every read is a first read) and 200 times with it. Then the register grows through each
size (people on one area's register), the register read model catches up, and the pages a
lead opens are timed 200 times at each size.

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
from typing import Any
from uuid import UUID

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.pgserver import start_throwaway

from bench.plotting import axes, finish
from dsr_core.domain.codes import RatingLevel, ReferralCriterion, Role, Scheme
from dsr_core.domain.values import Actor, Consent, PersonDetails, Rating
from dsr_core.person.aggregate import Person, Stamp
from dsr_core.process.bootstrap import build_registers
from dsr_core.process.settings import Settings
from dsr_core.process.tuning import tune_garbage_collection
from dsr_core.service import commands as cmd
from dsr_core.service.caller import Caller
from dsr_core.service.registers import Registers
from dsr_projections.bootstrap import build_runner
from dsr_projections.engine.runner import ProjectionRunner
from dsr_projections.register.entries import RegisterProjection
from dsr_projections.register.queries import RegisterQuery, query_register

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


def save_people(registers: Registers, count: int, now: datetime, first: int = 0) -> None:
    """Referred, consented and accepted people on one area's register, saved 100 at a time."""
    by = Stamp(ACTOR, now, now.date())
    rng = random.Random(first + 1)
    batch: list[Person] = []
    for index in range(first, first + count):
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


def refer_long_history(registers: Registers, events: int) -> UUID:
    """A person whose record has `events` events: views recorded again and again."""
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
    for _ in range(events - 1):
        registers.execute(long.person_id, views, Caller.of(ACTOR))
    return long.person_id


def register_queries(runner: ProjectionRunner, today: date) -> dict[str, tuple[float, float]]:
    """The pages a lead opens: the first page (by name), and Red and overdue (by name and
    by due date)."""

    def page(**filters: Any) -> Callable[[], object]:
        return lambda: query_register(
            runner.db, RegisterQuery(areas=[AREA], today=today, **filters)
        )

    return {
        "first page": percentiles(page(), 200),
        "red + overdue, by name": percentiles(page(overdue=True, rating="red"), 200),
        "red + overdue, by due date": percentiles(
            page(overdue=True, rating="red", sort="next_review_due"), 200
        ),
    }


def plot(curve: list[tuple[int, dict[str, tuple[float, float]]]], path: Path) -> None:
    figure, (axis,) = axes(1)
    for name in curve[0][1]:
        axis.plot([n for n, _ in curve], [q[name][1] for _, q in curve], marker="o", label=name)
    axis.axhline(25, color="grey", linestyle="--", linewidth=1, label="target 25 ms")
    axis.set_ylabel("p99 (ms), 200 queries")
    title = "Register page on PostgreSQL as the register grows"
    finish(figure, [axis], "people on the area's register", title, path, base=10)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="5000,50000", help="people, comma-separated, rising")
    parser.add_argument("--plot", type=Path, help="write the register's growth curve here")
    args = parser.parse_args()
    sizes = [int(n) for n in args.sizes.split(",")]
    server = start_throwaway()
    url = server.url
    now = datetime(2025, 9, 30, 12, tzinfo=UTC)
    today = now.date()
    try:
        settings = Settings(
            database_url=url,
            identity_key=base64.b64encode(os.urandom(32)).decode(),
            data_dir=Path("/tmp/dsr-bench-reads"),
        )
        registers = build_registers(settings, clock=lambda: now)
        long_id = refer_long_history(registers, 500)
        tune_garbage_collection()  # as `dsr serve` does at start-up
        # The first read of a person: every read decodes all 500 events (no event cache).
        uncached = build_registers(
            settings.model_copy(update={"event_cache_size": 0}), clock=lambda: now
        )
        first_history = percentiles(lambda: uncached.history(long_id), 200)
        first_as_of = percentiles(lambda: uncached.person_as_at(long_id, on=date(2024, 6, 1)), 200)
        uncached.close()
        history = percentiles(lambda: registers.history(long_id), 200)
        as_of = percentiles(lambda: registers.person_as_at(long_id, on=date(2024, 6, 1)), 200)
        print(f"cores: {os.cpu_count()}")
        print("| 500-event person | p50 ms | p99 ms |")
        print("|---|---|---|")
        for name, (p50, p99) in (
            ("history, first read (no event cache)", first_history),
            ("as-of a date, first read (no event cache)", first_as_of),
            ("history, event cache warm", history),
            ("as-of a date, event cache warm", as_of),
        ):
            print(f"| {name} | {p50:.1f} | {p99:.1f} |")

        runner = build_runner(
            settings, registers, projections=[RegisterProjection], batch_size=1000
        )
        curve: list[tuple[int, dict[str, tuple[float, float]]]] = []
        people = 0
        print("\n| people | query | p50 ms | p99 ms |")
        print("|---|---|---|---|")
        for size in sizes:
            save_people(registers, size - people, now, first=people)
            people = size
            runner.catch_up(timeout=7200)
            queries = register_queries(runner, today)
            curve.append((size, queries))
            for name, (p50, p99) in queries.items():
                print(f"| {size:,} | {name} | {p50:.1f} | {p99:.1f} |", flush=True)
        if args.plot:
            plot(curve, args.plot)
            print(f"plot: {args.plot}")
        runner.db.close()
        registers.close()
    finally:
        server.stop()


if __name__ == "__main__":
    main()
