"""Webhook delivery: batched, concurrent, signed by the Standard Webhooks scheme, retried
with backoff, at least once.

One mechanism for every kind of delivery: reminders, and the integration feed's
subscribers (issue 16). Each POST carries a batch (a JSON array, in log order) of up to
`batch_size` items; up to `concurrency` batches are in flight at once. A cursor per
delivery (the last delivered log position) moves past a batch only once it and every
batch before it were answered 2xx, so a crash or an unreachable receiver means
redelivery, never loss. Each item keeps its stable id (the reminder's `reminder_id`, the
CloudEvent's `id`) so receivers can drop repeats; batches may arrive out of order when
`concurrency` > 1 (each item has its `position`). Signatures follow Standard Webhooks
(`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64>`), which its
libraries verify in every language; the receiver's secret is the base64 key given here.
Payloads carry ids, codes and dates, never names.
"""

from __future__ import annotations

import json
import random
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import structlog
from standardwebhooks import Webhook

from dsr_core.domain.codes import Role
from dsr_projections import queries
from dsr_projections.queries import read_feed, scoped
from dsr_projections.storage.database import SCHEMA_LOCK, Row, ViewDatabase

log = structlog.get_logger(__name__)

TABLES = (
    "CREATE TABLE IF NOT EXISTS webhook_cursor (name TEXT PRIMARY KEY, position BIGINT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS webhook_stats (name TEXT PRIMARY KEY, "
    "delivered BIGINT NOT NULL DEFAULT 0, failures BIGINT NOT NULL DEFAULT 0, "
    "last_delivered_at TEXT, last_failed_at TEXT)",
)
PAYLOAD_FIELDS = (
    "reminder_id",
    "person_id",
    "area",
    "kind",
    "due_on",
    "stage",
    "issued_on",
    "position",
)
Post = Callable[[str, bytes, dict[str, str]], int]
Item = tuple[int, str, dict[str, Any]]
"""(log position, delivery id, payload)."""
Fetch = Callable[[int, int], list[Item]]
"""Everything after a position, at most a limit, in log order."""


def reminders_after(db: ViewDatabase) -> Fetch:
    def fetch(after: int, limit: int) -> list[Item]:
        rows = queries.reminders_after(db, None, after, limit)
        return [
            (int(r["position"]), str(r["reminder_id"]), {k: r[k] for k in PAYLOAD_FIELDS})
            for r in rows
        ]

    return fetch


def http_post(url: str, body: bytes, headers: dict[str, str]) -> int:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)
    except (urllib.error.URLError, TimeoutError, OSError):
        return 0


def ensure_table(db: ViewDatabase) -> None:
    """The delivery cursors' and counts' tables (created with every other: dsr_http.runtime)."""
    with db.transaction(lock=SCHEMA_LOCK) as cursor:
        for table in TABLES:
            cursor.execute(table)


@dataclass
class Delivery:
    sent: int = 0
    failed: bool = False


@dataclass(frozen=True)
class Tuning:
    """How hard one subscriber is pushed: items per POST, POSTs in flight, tries per
    batch (waiting `backoff_seconds`, doubled each time, with jitter, at most a minute)."""

    batch_size: int = 100
    concurrency: int = 4
    attempts: int = 5
    backoff_seconds: float = 0.5
    run_seconds: float = 50.0
    """A run stops taking new batches after this long: the next run goes on from there."""


class WebhookDelivery:
    def __init__(
        self,
        db: ViewDatabase,
        url: str,
        secret: bytes,
        *,
        name: str = "reminders",
        fetch: Fetch | None = None,
        content_type: str = "application/json",
        tuning: Tuning = Tuning(),
        post: Post = http_post,
    ) -> None:
        self.db, self.url, self.name = db, url, name
        self.signer = Webhook(secret)
        self.fetch = fetch or reminders_after(db)
        self.content_type, self.tuning, self.post = content_type, tuning, post
        with db.transaction() as cursor:
            cursor.execute(
                "INSERT INTO webhook_cursor VALUES (?, 0) ON CONFLICT (name) DO NOTHING", (name,)
            )
            cursor.execute(
                "INSERT INTO webhook_stats (name) VALUES (?) ON CONFLICT (name) DO NOTHING",
                (name,),
            )

    def position(self) -> int:
        with self.db.read() as cursor:
            cursor.execute("SELECT position FROM webhook_cursor WHERE name = ?", (self.name,))
            row = cursor.fetchone()
        return int(row["position"]) if row else 0

    def deliver_pending(self) -> Delivery:
        """Send everything after the cursor, a window of batches at a time, until nothing is
        left, a batch fails (the cursor stays before it) or the run's time is up."""
        delivery = Delivery()
        tuning = self.tuning
        ends = time.monotonic() + tuning.run_seconds
        with ThreadPoolExecutor(max_workers=tuning.concurrency) as pool:
            while time.monotonic() < ends:
                window = self.fetch(self.position(), tuning.batch_size * tuning.concurrency)
                if not window:
                    break
                batches = [
                    window[i : i + tuning.batch_size]
                    for i in range(0, len(window), tuning.batch_size)
                ]
                answered = list(pool.map(self._send, batches))
                done = answered.index(False) if False in answered else len(batches)
                sent = sum(len(batch) for batch in batches[:done])
                if done:
                    self._advance(batches[done - 1][-1][0], sent)
                    delivery.sent += sent
                if done < len(batches):
                    delivery.failed = True
                    self._failed(batches[done])
                    break
        return delivery

    def _advance(self, position: int, sent: int) -> None:
        with self.db.transaction() as cursor:
            cursor.execute(
                "UPDATE webhook_cursor SET position = ? WHERE name = ? AND position < ?",
                (position, self.name, position),
            )
            cursor.execute(
                "UPDATE webhook_stats SET delivered = delivered + ?, last_delivered_at = ? "
                "WHERE name = ?",
                (sent, datetime.now(UTC).isoformat(), self.name),
            )

    def _failed(self, batch: Sequence[Item]) -> None:
        log.warning(
            "webhook_delivery_failed", name=self.name, first_position=batch[0][0], items=len(batch)
        )
        with self.db.transaction() as cursor:
            cursor.execute(
                "UPDATE webhook_stats SET failures = failures + 1, last_failed_at = ? "
                "WHERE name = ?",
                (datetime.now(UTC).isoformat(), self.name),
            )

    def _send(self, batch: Sequence[Item]) -> bool:
        body = json.dumps([payload for _, _, payload in batch], separators=(",", ":")).encode()
        # the same id on every try of this batch: a receiver drops a repeat of a whole batch
        message_id = f"{self.name}:{batch[0][0]}-{batch[-1][0]}"
        for attempt in range(self.tuning.attempts):
            now = datetime.now(UTC)
            headers = {
                "Content-Type": self.content_type,
                "webhook-id": message_id,
                "webhook-timestamp": str(int(now.timestamp())),
                "webhook-signature": self.signer.sign(message_id, now, body),
            }
            if 200 <= self.post(self.url, body, headers) < 300:
                return True
            if attempt + 1 < self.tuning.attempts:
                pause = min(60.0, self.tuning.backoff_seconds * 2**attempt)
                time.sleep(pause * random.uniform(0.5, 1.0))
        return False


def feed_for(db: ViewDatabase, role: Role, areas: Sequence[str]) -> Fetch:
    """The integration feed as one subscriber may see it (dsr_projections.feed)."""

    def fetch(after: int, limit: int) -> list[Item]:
        rows = read_feed(db, areas, after, limit)
        events = scoped(db, rows, role)
        return [(int(r["position"]), str(e["id"]), e) for r, e in zip(rows, events, strict=True)]

    return fetch


def delivery_stats(db: ViewDatabase) -> list[Row]:
    """Each delivery's cursor and counts, for `/metrics`."""
    with db.read() as cursor:
        cursor.execute(
            "SELECT c.name, c.position, s.delivered, s.failures, s.last_delivered_at, "
            "s.last_failed_at FROM webhook_cursor c JOIN webhook_stats s ON s.name = c.name "
            "ORDER BY c.name"
        )
        return cursor.fetchall()
