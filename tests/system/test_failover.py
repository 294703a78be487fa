"""Issue 30, item 11: PostgreSQL with a streaming standby, the primary lost under load.

The API is given both servers in one URL (`target_session_attrs=read-write`); commits wait
for the standby (synchronous replication). The primary is stopped at once mid-stream and
the standby promoted, as an operator's failover would: every referral the API
acknowledged is on the new primary, none twice, and the API carries on without a restart.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import referral_body
from tests.support.pgserver import StreamingPair, bindir_or_skip
from tests.system.test_database_restart import api_on, lead_of, referrals_stored


@pytest.fixture
def pair() -> Iterator[StreamingPair]:
    servers = StreamingPair(bindir_or_skip())
    servers.start()
    yield servers
    servers.stop()


def test_losing_the_primary_loses_no_acknowledged_referral(
    pair: StreamingPair, tmp_path: Path
) -> None:
    app = api_on(pair.url, tmp_path)
    acknowledged: dict[str, str] = {}  # idempotency key -> person id
    with TestClient(app) as client:
        headers = lead_of(app)

        moments: dict[str, float] = {}

        def failover() -> None:
            time.sleep(1.5)
            moments["lost"] = time.monotonic()
            pair.fail_primary()
            time.sleep(1.0)
            pair.promote_standby()
            moments["promoted"] = time.monotonic()

        operator = threading.Thread(target=failover)
        operator.start()
        seed, ends = 100, time.monotonic() + 12
        answered_at: list[float] = []
        while time.monotonic() < ends or operator.is_alive():
            key = f"failover-{seed}"
            answer = client.post(
                "/v1/persons",
                json=referral_body(seed),
                headers=headers | {"Idempotency-Key": key},
            )
            if answer.status_code in (200, 201):
                acknowledged[key] = answer.json()["person_id"]
                answered_at.append(time.monotonic())
                seed += 1
            else:
                assert answer.status_code == 503, answer.text  # retried with the same key
                time.sleep(0.1)
        operator.join()

        # commands were acknowledged by the primary before it was lost, and by the promoted
        # standby after (those sent meanwhile waited, or were refused and sent again)
        assert min(answered_at) < moments["lost"] < moments["promoted"] < max(answered_at)
        assert len(acknowledged) > 10
        assert referrals_stored(app) == len(acknowledged), "each recorded once, none lost"
        # the read side's pool finds the new primary too, within its reconnect backoff
        recovered_by = time.monotonic() + 30
        while client.get("/v1/register", headers=headers).status_code != 200:
            assert time.monotonic() < recovered_by, "the read side did not find the new primary"
            time.sleep(0.5)
        # Every acknowledged person reads back. A pooled connection left from before the
        # failover can still cost one read a retryable 503 (seen once in CI, 10 s after the
        # promotion: 4.3 s, then 503 with Retry-After); the client's retry then reads it.
        for person_id in acknowledged.values():
            while (
                read := client.get(f"/v1/persons/{person_id}", headers=headers)
            ).status_code != 200:
                assert read.status_code == 503 and "Retry-After" in read.headers, read.text
                assert time.monotonic() < recovered_by, "a person could not be read back"
                time.sleep(0.5)
        # and the service carries on against the new primary
        after = client.post("/v1/persons", json=referral_body(seed + 1), headers=headers)
        assert after.status_code == 201, after.text
