"""Webhook delivery: signed, retried with backoff, at least once, in log order.

One mechanism for every kind of delivery: reminders, and the integration feed's
subscribers (issue 16). A cursor per delivery (the last delivered log position) moves
only after the receiver answers 2xx, so a crash or an unreachable receiver means
redelivery, never loss. Each delivery carries a stable id (the reminder's `reminder_id`,
the CloudEvent's `id`; also in the `X-DSR-Delivery` header) so receivers can drop
repeats. The body is signed: `X-DSR-Signature: t=<unix time>,v1=<hex>` where
v1 = HMAC-SHA256(secret, "<t>.<body>"). Payloads carry ids, codes and dates, never names.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import structlog

from dsr_core.domain.codes import Role
from dsr_projections import queries
from dsr_projections.queries import read_feed, scoped
from dsr_projections.storage.database import SCHEMA_LOCK, ViewDatabase

log = structlog.get_logger(__name__)

CURSOR_TABLE = (
    "CREATE TABLE IF NOT EXISTS webhook_cursor (name TEXT PRIMARY KEY, position BIGINT NOT NULL)"
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


def sign(secret: bytes, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret, f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify_signature(secret: bytes, header: str, body: bytes, tolerance: int = 300) -> bool:
    """What a receiver does: recompute, compare in constant time, refuse stale timestamps."""
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    timestamp = int(parts.get("t", "0"))
    if abs(time.time() - timestamp) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, timestamp, body), header)


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
    """The delivery cursors' table (created with every other table: dsr_http.runtime)."""
    with db.transaction(lock=SCHEMA_LOCK) as cursor:
        cursor.execute(CURSOR_TABLE)


@dataclass
class Delivery:
    sent: int = 0
    failed: bool = False


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
        attempts: int = 5,
        backoff_seconds: float = 0.5,
        post: Post = http_post,
    ) -> None:
        self.db, self.url, self.secret, self.name = db, url, secret, name
        self.fetch = fetch or reminders_after(db)
        self.content_type = content_type
        self.attempts, self.backoff, self.post = attempts, backoff_seconds, post
        with db.transaction() as cursor:
            cursor.execute(
                "INSERT INTO webhook_cursor VALUES (?, 0) ON CONFLICT (name) DO NOTHING", (name,)
            )

    def position(self) -> int:
        with self.db.read() as cursor:
            cursor.execute("SELECT position FROM webhook_cursor WHERE name = ?", (self.name,))
            row = cursor.fetchone()
        return int(row["position"]) if row else 0

    def deliver_pending(self, limit: int = 200) -> Delivery:
        """Send everything after the cursor, in order; stop at the first delivery that fails."""
        delivery = Delivery()
        for position, delivery_id, payload in self.fetch(self.position(), limit):
            if not self._send(delivery_id, payload):
                delivery.failed = True
                log.warning("webhook_delivery_failed", name=self.name, delivery_id=delivery_id)
                break
            with self.db.transaction() as cursor:
                cursor.execute(
                    "UPDATE webhook_cursor SET position = ? WHERE name = ?",
                    (position, self.name),
                )
            delivery.sent += 1
        return delivery

    def _send(self, delivery_id: str, payload: dict[str, Any]) -> bool:
        body = json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()
        for attempt in range(self.attempts):
            headers = {
                "Content-Type": self.content_type,
                "X-DSR-Delivery": delivery_id,
                "X-DSR-Signature": sign(self.secret, int(time.time()), body),
            }
            if 200 <= self.post(self.url, body, headers) < 300:
                return True
            time.sleep(self.backoff * 2**attempt)
        return False


def feed_for(db: ViewDatabase, role: Role, areas: Sequence[str]) -> Fetch:
    """The integration feed as one subscriber may see it (dsr_projections.feed)."""

    def fetch(after: int, limit: int) -> list[Item]:
        rows = read_feed(db, areas, after, limit)
        events = scoped(db, rows, role)
        return [(int(r["position"]), str(e["id"]), e) for r, e in zip(rows, events, strict=True)]

    return fetch
