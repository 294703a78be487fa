"""What per-person keys cost (issue 15): commands and a full rebuild, with and without.

    python bench/person_keys.py [--people 3000] [--commands 3000] [--postgres]

In one run, on the same backend, two fresh stores: one sealing every person's personal
values under their own key (what dsr ships), one built without (`person_keys=False`, a
constructor switch that exists for this comparison only). Each gets the same people and
commands through `Registers.execute` (one transaction per command, as the API saves
them: referrals, each making a person key, apart from commands on existing people), then
every read model is rebuilt from the log, every history read once, and the first page of
the register by name (50 of everyone, as a case worker opens it) read 50 times. Prints the rates
and their ratios; nothing depends on this machine's speed but the ratios.
"""

from __future__ import annotations

import argparse
import base64
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support import factories as f

from dsr_core.domain.codes import Role
from dsr_core.domain.values import Actor
from dsr_core.process.bootstrap import ensure_schema, library_env
from dsr_core.process.settings import Settings
from dsr_core.process.tuning import tune_garbage_collection
from dsr_core.service import commands as cmd
from dsr_core.service.areas import AreaDirectory
from dsr_core.service.caller import Caller
from dsr_core.service.registers import Registers
from dsr_http.runtime import create_tables
from dsr_projections.bootstrap import build_runner
from dsr_projections.engine.runner import ProjectionRunner
from dsr_projections.register.queries import RegisterQuery, query_register

LEAD = Caller.of(Actor(user_id="bench-lead", role=Role.LEAD, area=f.ENGLISH_AREA))
NOW = datetime(2025, 9, 30, 12, tzinfo=UTC)


@dataclass
class Figures:
    referrals_per_second: float
    commands_per_second: float
    rebuild_events_per_second: float
    history_reads_per_second: float
    register_pages_per_second: float


@contextmanager
def store(postgres_url: str | None, keys: bool) -> Iterator[tuple[Registers, ProjectionRunner]]:
    data_dir = Path(tempfile.mkdtemp(prefix="dsr-bench-keys-"))
    settings = Settings(
        data_dir=data_dir,
        identity_key=base64.b64encode(os.urandom(32)).decode(),
        database_url=postgres_url,
        database_schema=f"bench_keys_{'on' if keys else 'off'}_{os.getpid()}",
        aggregate_cache_size=0,
        event_cache_size=0,
    )
    ensure_schema(settings)
    registers = Registers(
        library_env(settings),
        identity_key=b"i" * 32,
        clock=lambda: NOW,
        areas=AreaDirectory({}),
        person_keys=keys,
    )
    runner = build_runner(settings, registers)
    create_tables(runner)
    try:
        yield registers, runner
    finally:
        runner.db.close()
        registers.close()
        shutil.rmtree(data_dir, ignore_errors=True)


def measure(registers: Registers, runner: ProjectionRunner, people: int, commands: int) -> Figures:
    started = time.perf_counter()
    ids = []
    for seed in range(people):
        referral = f.referral(seed=seed, referred_on=date(2025, 1, 10))
        ids.append(registers.execute(None, referral, LEAD).person_id)
    referral_rate = people / (time.perf_counter() - started)
    started = time.perf_counter()
    for n in range(commands):
        registers.execute(
            ids[n % people],
            cmd.RecordViews(
                recorded_on=date(2025, 2, 1),
                person=f"Would like to live near the sea ({n}).",
                supporters=[{"name": "Ann Example", "relationship": "sister", "view": "Agrees."}],
            ),
            LEAD,
        )
    command_rate = commands / (time.perf_counter() - started)

    head = registers.recorder.max_notification_id() or 0
    tune_garbage_collection()
    started = time.perf_counter()
    for projection in runner.projections:
        runner.rebuild(projection.name)
    rebuild_rate = head / (time.perf_counter() - started)

    started = time.perf_counter()
    for person_id in ids:
        registers.history(person_id)
    history_rate = len(ids) / (time.perf_counter() - started)

    pages = 50
    started = time.perf_counter()
    for _ in range(pages):
        query_register(runner.db, RegisterQuery(areas=[f.ENGLISH_AREA], today=NOW.date(), limit=50))
    page_rate = pages / (time.perf_counter() - started)
    return Figures(referral_rate, command_rate, rebuild_rate, history_rate, page_rate)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=3000)
    parser.add_argument("--commands", type=int, default=3000)
    parser.add_argument("--postgres", action="store_true", help="a throwaway PostgreSQL server")
    args = parser.parse_args()
    server = None
    if args.postgres:
        from tests.support.pgserver import start_throwaway

        server = start_throwaway()
    url = server.url if server else None
    try:
        results = {}
        for keys in (False, True):
            with store(url, keys) as (registers, runner):
                results[keys] = measure(registers, runner, args.people, args.commands)
            label = "with per-person keys" if keys else "without"
            r = results[keys]
            print(
                f"{label:>22}: {r.referrals_per_second:,.0f} referrals/s, "
                f"{r.commands_per_second:,.0f} commands/s, rebuild "
                f"{r.rebuild_events_per_second:,.0f} events/s, "
                f"{r.history_reads_per_second:,.0f} history reads/s, "
                f"{r.register_pages_per_second:,.0f} register pages/s",
                flush=True,
            )
        on, off = results[True], results[False]
        referrals = on.referrals_per_second / off.referrals_per_second
        commands = on.commands_per_second / off.commands_per_second
        rebuild = on.rebuild_events_per_second / off.rebuild_events_per_second
        history = on.history_reads_per_second / off.history_reads_per_second
        pages = on.register_pages_per_second / off.register_pages_per_second
        print(
            f"ratios (with / without): referrals {referrals:.2f}, commands {commands:.2f}, "
            f"rebuild {rebuild:.2f}, "
            f"history reads {history:.2f}, register pages {pages:.2f} "
            f"({'postgresql' if url else 'sqlite'}, {args.people} people, "
            f"{args.commands} other commands)"
        )
    finally:
        if server is not None:
            server.stop()


if __name__ == "__main__":
    main()
