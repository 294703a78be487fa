"""Webhook delivery of reminders: signed, retried with backoff, at least once.

A cursor (the last delivered log position) moves only after the receiver answers 2xx,
so a crash or an unreachable receiver means redelivery, never loss. Each delivery carries
the reminder's stable `reminder_id` (also in the `X-DSR-Delivery` header) so receivers
can drop repeats. The body is signed: `X-DSR-Signature: t=<unix time>,v1=<hex>` where
v1 = HMAC-SHA256(secret, "<t>.<body>"). Payloads carry ids and dates, never names.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import structlog

from dsr_projections.database import SCHEMA_LOCK, ViewDatabase

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
        attempts: int = 5,
        backoff_seconds: float = 0.5,
        post: Post = http_post,
    ) -> None:
        self.db, self.url, self.secret, self.name = db, url, secret, name
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
        with self.db.read() as cursor:
            cursor.execute(
                "SELECT * FROM reminders WHERE position > ? ORDER BY position LIMIT ?",
                (self.position(), limit),
            )
            rows = cursor.fetchall()
        for row in rows:
            if not self._send({k: row[k] for k in PAYLOAD_FIELDS}):
                delivery.failed = True
                log.warning("webhook_delivery_failed", reminder_id=row["reminder_id"])
                break
            with self.db.transaction() as cursor:
                cursor.execute(
                    "UPDATE webhook_cursor SET position = ? WHERE name = ?",
                    (row["position"], self.name),
                )
            delivery.sent += 1
        return delivery

    def _send(self, payload: dict[str, Any]) -> bool:
        body = json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()
        for attempt in range(self.attempts):
            headers = {
                "Content-Type": "application/json",
                "X-DSR-Delivery": str(payload["reminder_id"]),
                "X-DSR-Signature": sign(self.secret, int(time.time()), body),
            }
            if 200 <= self.post(self.url, body, headers) < 300:
                return True
            time.sleep(self.backoff * 2**attempt)
        return False
