"""What event MACs (issue 30) cost: signing at write, checking at read, on PostgreSQL.

    python bench/event_mac.py [--events 500] [--rounds 10] [--reads 20]

A person with `--events` events; then, interleaved round by round, a first read of the
whole history (no decoded-event cache, so every event is checked and decoded) with the
real check and with a stand-in that only strips the trailer (what a store without MACs
would cost), the median of each, and their ratio. Also HMAC-SHA256 signing and checking
alone per stored event, beside what the mapper spends on the same event.
"""

from __future__ import annotations

import argparse
import base64
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from eventsourcing.persistence import StoredEvent
from tests.support.pgserver import start_throwaway

from bench.reads import refer_long_history
from dsr_core.process.bootstrap import build_registers
from dsr_core.process.settings import Settings
from dsr_core.process.tuning import tune_garbage_collection
from dsr_core.storage.event_mac import TRAILER, EventAuthenticator


class TrailerOnly:
    """Strips the trailer and checks nothing: the read path of a store without MACs."""

    def check(self, stored: StoredEvent) -> StoredEvent:
        return StoredEvent(
            originator_id=stored.originator_id,
            originator_version=stored.originator_version,
            topic=stored.topic,
            state=bytes(stored.state)[:-TRAILER],
        )


def per_call_us(function: Callable[[], object], calls: int) -> float:
    started = time.perf_counter()
    for _ in range(calls):
        function()
    return (time.perf_counter() - started) / calls * 1e6


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--reads", type=int, default=20)
    args = parser.parse_args()
    server = start_throwaway()
    now = datetime(2025, 9, 30, 12, tzinfo=UTC)
    try:
        settings = Settings(
            database_url=server.url,
            identity_key=base64.b64encode(os.urandom(32)).decode(),
            data_dir=Path("/tmp/dsr-bench-event-mac"),
            event_cache_size=0,
        )
        registers = build_registers(settings, clock=lambda: now)
        person_id = refer_long_history(registers, args.events)
        tune_garbage_collection()
        mapper: Any = registers.mapper
        real = mapper.authenticator
        assert isinstance(real, EventAuthenticator)
        registers.history(person_id)  # imports and prepared statements paid for
        times: dict[str, list[float]] = {"checked": [], "trailer only": []}
        for _ in range(args.rounds):
            for name, authenticator in (("checked", real), ("trailer only", TrailerOnly())):
                mapper.authenticator = authenticator
                started = time.perf_counter()
                for _ in range(args.reads):
                    registers.history(person_id)
                times[name].append((time.perf_counter() - started) / args.reads * 1000)
        mapper.authenticator = real

        stored = registers.recorder.select_events(person_id)
        body = [real.check(event) for event in stored]
        sample, unsigned = stored[len(stored) // 2], body[len(body) // 2]
        sign_us = per_call_us(lambda: real.sign(unsigned), 20_000)
        check_us = per_call_us(lambda: real.check(sample), 20_000)
        decode_us = per_call_us(lambda: mapper.to_domain_event(sample), 2_000)
        size = statistics.mean(len(bytes(event.state)) for event in stored)

        checked = statistics.median(times["checked"])
        bare = statistics.median(times["trailer only"])
        print(f"{len(stored)} events, mean stored state {size:.0f} bytes; {args.rounds} rounds")
        print("| measure | value |")
        print("|---|---|")
        print(f"| first read of the history, MAC checked (median ms) | {checked:.2f} |")
        print(f"| first read of the history, trailer stripped only (median ms) | {bare:.2f} |")
        print(f"| ratio checked / stripped | {checked / bare:.3f} |")
        print(f"| HMAC sign per event (us) | {sign_us:.1f} |")
        print(f"| HMAC check per event (us) | {check_us:.1f} |")
        print(f"| mapper decode per event, check included (us) | {decode_us:.1f} |")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
