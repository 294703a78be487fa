"""A feed subscriber 100,000 events behind, delivered over HTTP until current (issue 29).

    python bench/webhook_backlog.py [--events 100000] [--sample 3000]

An embedded store (SQLite, as `make run` keeps it) gets people saved through the library
in batches of 100 (three events each) until the log holds `--events`; the feed read model
catches up; then a subscriber that has received nothing is delivered to a real receiver
on loopback (a threaded HTTP server checking every Standard Webhooks signature with the
library a receiver would use) with the default tuning until its cursor reaches the head.
The goal is minutes (under 5 on this machine). For the lever's effect, the first
`--sample` events are delivered the old way too (one event per POST, one at a time), old
and new interleaved twice, and the rate ratio printed from the same run.
"""

from __future__ import annotations

import argparse
import base64
import os
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from standardwebhooks import Webhook

from bench.reads import AREA, save_people
from bench.same_run import Run
from dsr_core.domain.codes import Role
from dsr_core.process.bootstrap import build_registers
from dsr_core.process.settings import Settings
from dsr_projections.bootstrap import build_runner
from dsr_projections.feed import FeedProjection
from dsr_projections.register.entries import RegisterProjection
from dsr_scheduler import webhooks
from dsr_scheduler.webhooks import Tuning, WebhookDelivery, feed_for

SECRET = os.urandom(32)


class Received:
    def __init__(self) -> None:
        self.items = 0
        self.lock = threading.Lock()


def receiver(received: Received) -> ThreadingHTTPServer:
    verifier = Webhook(SECRET)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            batch = verifier.verify(body, dict(self.headers))
            with received.lock:
                received.items += len(batch)
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def deliver(delivery: WebhookDelivery, until: int) -> float:
    """Seconds to deliver everything up to the log position `until`."""
    started = time.perf_counter()
    while delivery.position() < until:
        if delivery.deliver_pending().failed:
            raise SystemExit("a delivery failed: see the log")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=3_000)
    args = parser.parse_args()
    run = Run()
    now = datetime(2025, 9, 30, 12, tzinfo=UTC)
    with tempfile.TemporaryDirectory() as data:
        settings = Settings(
            data_dir=Path(data), identity_key=base64.b64encode(os.urandom(32)).decode()
        )
        registers = build_registers(settings, clock=lambda: now)
        runner = build_runner(settings, registers, projections=[RegisterProjection, FeedProjection])
        webhooks.ensure_table(runner.db)
        started = time.perf_counter()
        save_people(registers, args.events // 3, now)
        saved = time.perf_counter() - started
        started = time.perf_counter()
        runner.catch_up()
        projected = time.perf_counter() - started
        head = registers.recorder.max_notification_id() or 0
        print(f"run {run.id}, cores: {os.cpu_count()}, log head {head}")
        print(f"saved in {saved:.1f} s, feed projected in {projected:.1f} s")

        received = Received()
        server = receiver(received)
        url = f"http://127.0.0.1:{server.server_address[1]}/hook"
        fetch = feed_for(runner.db, Role.PRACTITIONER, [AREA])
        kind = "application/cloudevents-batch+json"

        def subscriber(name: str, tuning: Tuning, until: int) -> WebhookDelivery:
            def upto(after: int, limit: int) -> list[webhooks.Item]:
                return [item for item in fetch(after, limit) if item[0] <= until]

            return WebhookDelivery(
                runner.db, url, SECRET, name=name, fetch=upto, content_type=kind, tuning=tuning
            )

        sample_end = fetch(0, args.sample)[-1][0]
        rates: dict[str, list[float]] = {"old": [], "new": []}
        for round_ in range(2):  # old and new interleaved, from the start each time
            for label, tuning in (
                ("old", Tuning(batch_size=1, concurrency=1)),
                ("new", Tuning()),
            ):
                delivery = subscriber(f"feed:{label}-{round_}", tuning, sample_end)
                seconds = deliver(delivery, sample_end)
                rates[label].append(args.sample / seconds)
        print(
            f"first {args.sample} events, events/s: old {rates['old']}, new {rates['new']}; "
            f"new ÷ old = {min(rates['new']) / max(rates['old']):.1f} (worst against best)"
        )
        before = received.items
        seconds = deliver(subscriber("feed:backlog", Tuning(), head), head)
        delivered = received.items - before
        print(
            f"| {delivered} events behind | current in {seconds:.1f} s "
            f"({seconds / 60:.2f} min) | {delivered / seconds:,.0f} events/s |"
        )
        server.shutdown()
        runner.stop()
        registers.close()


if __name__ == "__main__":
    main()
