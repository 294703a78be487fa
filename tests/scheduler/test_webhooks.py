"""Webhook delivery: signed, retried, at least once, never moving past a failure."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from dsr_core.domain.codes import Role
from dsr_core.service.registers import Registers
from dsr_projections.engine.runner import ProjectionRunner
from dsr_scheduler.webhooks import WebhookDelivery, feed_for, verify_signature
from tests.support import factories as f
from tests.support.stages import admitted

SECRET = b"webhook-test-secret"
URL = "http://receiver.invalid/hook"


class Receiver:
    """A receiver that fails its first `failures` calls, then records what it gets; each
    delivery's id header must name its payload's `id_field`."""

    def __init__(
        self, failures: int = 0, id_field: str = "reminder_id", content_type: str | None = None
    ) -> None:
        self.failures = failures
        self.id_field, self.content_type = id_field, content_type
        self.received: list[dict[str, object]] = []
        self.signatures_ok = True

    def __call__(self, url: str, body: bytes, headers: dict[str, str]) -> int:
        if self.failures > 0:
            self.failures -= 1
            return 503
        self.signatures_ok &= verify_signature(SECRET, headers["X-DSR-Signature"], body)
        payload = json.loads(body)
        assert headers["X-DSR-Delivery"] == payload[self.id_field]
        if self.content_type:
            assert headers["Content-Type"] == self.content_type
        self.received.append(payload)
        return 204


def reminders_written(app: Registers, runner: ProjectionRunner, clock: f.FakeClock) -> int:
    clock.now = datetime(2025, 5, 1, 12, tzinfo=UTC)
    for seed in (1, 2):
        app.remind(admitted(app, seed=seed))
    runner.catch_up()
    with runner.db.read() as cursor:
        cursor.execute("SELECT COUNT(*) AS n FROM reminders")
        row = cursor.fetchone()
    assert row is not None
    return int(row["n"])


def test_every_reminder_is_delivered_signed_in_order_after_retries(
    app: Registers, runner: ProjectionRunner, clock: f.FakeClock
) -> None:
    total = reminders_written(app, runner, clock)
    receiver = Receiver(failures=2)
    delivery = WebhookDelivery(
        runner.db, "http://receiver.invalid/hook", SECRET, backoff_seconds=0, post=receiver
    )
    assert delivery.deliver_pending().sent == total
    assert receiver.signatures_ok and len(receiver.received) == total
    positions = [int(str(r["position"])) for r in receiver.received]
    assert positions == sorted(positions)
    assert "Testperson" not in json.dumps(receiver.received)
    assert delivery.deliver_pending().sent == 0  # nothing twice once acknowledged


def test_an_unreachable_receiver_holds_the_cursor_and_gets_everything_later(
    app: Registers, runner: ProjectionRunner, clock: f.FakeClock
) -> None:
    total = reminders_written(app, runner, clock)
    down = Receiver(failures=10**6)
    delivery = WebhookDelivery(
        runner.db, "http://receiver.invalid/hook", SECRET, attempts=3, backoff_seconds=0, post=down
    )
    result = delivery.deliver_pending()
    assert result.failed and result.sent == 0 and delivery.position() == 0
    back = Receiver()
    restarted = WebhookDelivery(
        runner.db, "http://receiver.invalid/hook", SECRET, backoff_seconds=0, post=back
    )
    assert restarted.deliver_pending().sent == total
    assert len({r["reminder_id"] for r in back.received}) == total


def test_a_stale_or_forged_signature_is_refused() -> None:
    from dsr_scheduler.webhooks import sign

    body = b'{"reminder_id":"x"}'
    assert not verify_signature(SECRET, sign(SECRET, 1, body), body)  # 1970: stale
    import time

    now = int(time.time())
    assert not verify_signature(SECRET, sign(b"other-secret", now, body), body)
    assert verify_signature(SECRET, sign(SECRET, now, body), body)


def feed_receiver(failures: int = 0) -> Receiver:
    return Receiver(failures, id_field="id", content_type="application/cloudevents+json")


def test_a_feed_subscriber_gets_its_areas_events_in_order_through_the_same_mechanism(
    app: Registers, runner: ProjectionRunner
) -> None:
    """The reminder webhooks' delivery, with the feed's rows and the subscriber's scope;
    an analytics subscriber gets no identifier at all."""
    for seed, area in ((1, f.ENGLISH_AREA), (2, f.OTHER_ENGLISH_AREA), (3, f.ENGLISH_AREA)):
        admitted(app, seed=seed, area=area)
    runner.catch_up()
    care, analytics = feed_receiver(failures=2), feed_receiver()
    for receiver, role, name in (
        (care, Role.PRACTITIONER, "care"),
        (analytics, Role.ANALYST, "stats"),
    ):
        delivery = WebhookDelivery(
            runner.db,
            URL,
            SECRET,
            name=f"feed:{name}",
            fetch=feed_for(runner.db, role, [f.ENGLISH_AREA]),
            content_type="application/cloudevents+json",
            post=receiver,
            backoff_seconds=0,
        )
        delivery.deliver_pending()
    positions = [int(str(e["dsrposition"])) for e in care.received]
    assert positions == sorted(positions) and len(positions) == 8  # 2 people x 4 events
    assert {e["source"] for e in care.received} == {f"/dsr/areas/{f.ENGLISH_AREA}"}
    assert all(e["subject"] and "nhs_number" in e["data"] for e in care.received)  # type: ignore[operator]
    assert [e["id"] for e in analytics.received] == [e["id"] for e in care.received]
    text = json.dumps(analytics.received)
    assert "subject" not in text and "nhs_number" not in text and "Testperson" not in text
    assert care.signatures_ok and analytics.signatures_ok
