"""Webhook delivery: batched, signed (Standard Webhooks), retried, at least once, never
moving past a failure."""

from __future__ import annotations

import base64
import json
import threading
from datetime import UTC, datetime

import pytest
from standardwebhooks import Webhook, WebhookVerificationError

from dsr_core.domain.codes import Role
from dsr_core.service.registers import Registers
from dsr_projections.engine.runner import ProjectionRunner
from dsr_scheduler.webhooks import Tuning, WebhookDelivery, feed_for
from tests.support import factories as f
from tests.support.stages import admitted

SECRET = b"webhook-test-secret"
URL = "http://receiver.invalid/hook"
QUICK = Tuning(backoff_seconds=0)


class Receiver:
    """A receiver that fails its first `failures` calls, then records what it gets, checking
    each batch's signature as a receiver would, with the Standard Webhooks library and the
    key as the operator gave it (base64, `whsec_` prefix)."""

    def __init__(self, failures: int = 0, content_type: str | None = None) -> None:
        self.failures = failures
        self.content_type = content_type
        self.received: list[dict[str, object]] = []
        self.batches = 0
        self.verifier = Webhook("whsec_" + base64.b64encode(SECRET).decode())
        self.lock = threading.Lock()

    def __call__(self, url: str, body: bytes, headers: dict[str, str]) -> int:
        with self.lock:
            if self.failures > 0:
                self.failures -= 1
                return 503
            batch = self.verifier.verify(body, headers)  # raises unless signed with the key
            assert isinstance(batch, list) and headers["webhook-id"]
            if self.content_type:
                assert headers["Content-Type"] == self.content_type
            self.received += batch
            self.batches += 1
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
        runner.db, "http://receiver.invalid/hook", SECRET, tuning=QUICK, post=receiver
    )
    assert delivery.deliver_pending().sent == total
    assert len(receiver.received) == total
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
        runner.db,
        "http://receiver.invalid/hook",
        SECRET,
        tuning=Tuning(attempts=3, backoff_seconds=0),
        post=down,
    )
    result = delivery.deliver_pending()
    assert result.failed and result.sent == 0 and delivery.position() == 0
    with runner.db.read() as cursor:
        cursor.execute("SELECT failures FROM webhook_stats WHERE name = 'reminders'")
        assert cursor.fetchone()["failures"] == 1  # type: ignore[index]
    back = Receiver()
    restarted = WebhookDelivery(
        runner.db, "http://receiver.invalid/hook", SECRET, tuning=QUICK, post=back
    )
    assert restarted.deliver_pending().sent == total
    assert len({r["reminder_id"] for r in back.received}) == total


def test_a_stale_or_forged_signature_is_refused(
    app: Registers, runner: ProjectionRunner, clock: f.FakeClock
) -> None:
    reminders_written(app, runner, clock)
    sent: list[tuple[bytes, dict[str, str]]] = []

    def keep(_: str, body: bytes, headers: dict[str, str]) -> int:
        sent.append((body, headers))
        return 204

    WebhookDelivery(runner.db, URL, SECRET, post=keep).deliver_pending()
    body, headers = sent[0]
    Webhook(SECRET).verify(body, headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(b"another-secret-of-16").verify(body, headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(SECRET).verify(body.replace(b"reminder", b"reminded"), headers)
    with pytest.raises(WebhookVerificationError):  # replayed an hour later
        Webhook(SECRET).verify(
            body, headers | {"webhook-timestamp": str(int(headers["webhook-timestamp"]) - 3600)}
        )


def test_a_large_backlog_goes_in_batches_with_several_in_flight_and_in_order(
    app: Registers, runner: ProjectionRunner
) -> None:
    for seed in range(1, 8):
        admitted(app, seed=seed)
    runner.catch_up()
    receiver = Receiver(content_type="application/cloudevents-batch+json")
    delivery = WebhookDelivery(
        runner.db,
        URL,
        SECRET,
        name="feed:bulk",
        fetch=feed_for(runner.db, Role.PRACTITIONER, [f.ENGLISH_AREA]),
        content_type="application/cloudevents-batch+json",
        tuning=Tuning(batch_size=5, concurrency=3, backoff_seconds=0),
        post=receiver,
    )
    result = delivery.deliver_pending()
    assert result.sent == 28 == len(receiver.received) and receiver.batches == 6  # 7 x 4 events
    assert len({e["id"] for e in receiver.received}) == 28
    positions = sorted(int(str(e["dsrposition"])) for e in receiver.received)
    assert delivery.position() == positions[-1]


def feed_receiver(failures: int = 0) -> Receiver:
    return Receiver(failures, content_type="application/cloudevents-batch+json")


def test_a_feed_subscriber_gets_its_areas_events_in_order_through_the_same_mechanism(
    app: Registers, runner: ProjectionRunner
) -> None:
    """The reminder webhooks' delivery, with the feed's rows and the subscriber's scope;
    a commissioning subscriber gets the person id and never a number."""
    for seed, area in ((1, f.ENGLISH_AREA), (2, f.OTHER_ENGLISH_AREA), (3, f.ENGLISH_AREA)):
        admitted(app, seed=seed, area=area)
    runner.catch_up()
    care, commissioning = feed_receiver(failures=2), feed_receiver()
    for receiver, role, name in (
        (care, Role.PRACTITIONER, "care"),
        (commissioning, Role.COMMISSIONER, "icb"),
    ):
        delivery = WebhookDelivery(
            runner.db,
            URL,
            SECRET,
            name=f"feed:{name}",
            fetch=feed_for(runner.db, role, [f.ENGLISH_AREA]),
            content_type="application/cloudevents-batch+json",
            post=receiver,
            tuning=QUICK,
        )
        delivery.deliver_pending()
    positions = [int(str(e["dsrposition"])) for e in care.received]
    assert positions == sorted(positions) and len(positions) == 8  # 2 people x 4 events
    assert {e["source"] for e in care.received} == {f"/dsr/areas/{f.ENGLISH_AREA}"}
    assert all(e["subject"] and "nhs_number" in e["data"] for e in care.received)  # type: ignore[operator]
    assert [e["id"] for e in commissioning.received] == [e["id"] for e in care.received]
    assert all(e["subject"] for e in commissioning.received)
    text = json.dumps(commissioning.received)
    assert "nhs_number" not in text and "Testperson" not in text


def test_an_analyst_feed_subscriber_is_refused_at_start() -> None:
    """Issue 30: the feed is individual-level data; analysts read the publications."""
    import pytest
    from pydantic import ValidationError

    from dsr_scheduler.config import FeedSubscriber

    key = "c2VjcmV0LWtleS0xNi1ieXRlcw=="
    good = {"name": "stats", "url": "https://x.example/hook", "secret": key,
            "areas": [f.ENGLISH_AREA]}  # fmt: skip
    with pytest.raises(ValidationError, match="event-level"):
        FeedSubscriber.model_validate(good | {"role": "analyst"})
    assert FeedSubscriber.model_validate(good | {"role": "commissioner"}).role is Role.COMMISSIONER
