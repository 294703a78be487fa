"""cProfile of first reads (no decoded-event cache) of a 500-event person, on PostgreSQL.

    python bench/first_read_profile.py [history|as-of] [--reads 50]

What docs/performance.md's "What limits a first read" was read from: the functions that
took the most time, cumulative and own, over the reads.
"""

from __future__ import annotations

import argparse
import base64
import cProfile
import os
import pstats
import sys
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.pgserver import start_throwaway

from bench.reads import refer_long_history
from dsr_core.process.bootstrap import build_registers
from dsr_core.process.settings import Settings
from dsr_core.process.tuning import tune_garbage_collection


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("read", nargs="?", choices=("history", "as-of"), default="history")
    parser.add_argument("--reads", type=int, default=50)
    args = parser.parse_args()
    server = start_throwaway()
    now = datetime(2025, 9, 30, 12, tzinfo=UTC)
    try:
        settings = Settings(
            database_url=server.url,
            identity_key=base64.b64encode(os.urandom(32)).decode(),
            data_dir=Path("/tmp/dsr-bench-first-read"),
            event_cache_size=0,  # every read decodes every event, as a first read does
        )
        registers = build_registers(settings, clock=lambda: now)
        person_id = refer_long_history(registers, 500)
        tune_garbage_collection()

        def read() -> object:
            if args.read == "history":
                return registers.history(person_id)
            return registers.person_as_at(person_id, on=date(2024, 6, 1))

        read()  # the first call pays for imports and prepared statements
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(args.reads):
            read()
        profile.disable()
        stats = pstats.Stats(profile)
        stats.sort_stats("cumulative").print_stats(40)
        stats.sort_stats("tottime").print_stats(25)
        registers.close()
    finally:
        server.stop()


if __name__ == "__main__":
    main()
