"""The integration feed followed by another process across an API restart (issue 16)."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import httpx

from dsr_core.domain.codes import Role
from dsr_http.auth import TokenVerifier
from dsr_http.config import HttpSettings
from tests.api.conftest import referral_body
from tests.conftest import SettingsFactory
from tests.support.pgserver import free_port
from tests.system.test_api_processes import wait_until
from tests.system.test_projection_crash import worker_env

JWT_SECRET = "ZmVlZC1zdWJzY3JpYmVyLXRlc3Qtand0LXNlY3JldC0zMg=="
OWN, OTHER = "E54000048", "E54000050"


def test_a_subscriber_follows_the_feed_across_an_api_restart_in_order_and_in_scope(
    make_settings: SettingsFactory,
) -> None:
    settings = make_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**worker_env(settings), "DSR_JWT_SECRET": JWT_SECRET}
    verifier = TokenVerifier(HttpSettings(jwt_secret=JWT_SECRET), settings.data_dir)
    lead = {"Authorization": f"Bearer {verifier.mint(sub='l', role=Role.LEAD, areas=[OWN, OTHER])}"}
    token = verifier.mint(sub="care-system", role=Role.PRACTITIONER, areas=[OWN])
    out = settings.data_dir / "received.jsonl"

    def serve() -> subprocess.Popen[bytes]:
        with open(settings.data_dir / "api.log", "ab") as log:
            api = subprocess.Popen(
                [sys.executable, "-m", "dsr_http.cli", "serve", "--port", str(port)],
                env=env,
                stdout=log,
                stderr=log,
            )
        wait_until(lambda: httpx.get(f"{base}/healthz", timeout=1).status_code == 200, 60, "up")
        return api

    def refer(seed: int, area: str) -> int:
        body = referral_body(seed=seed)
        body["area"] = area
        response = httpx.post(f"{base}/v1/persons", json=body, headers=lead, timeout=10)
        assert response.status_code == 201, response.text
        return int(response.json()["position"])

    api = serve()
    subscriber = subprocess.Popen(
        [sys.executable, "-m", "tests.support.feed_subscriber", base, token, str(out)], env=env
    )
    try:
        for seed in range(1, 9):
            refer(seed, OWN if seed % 2 else OTHER)
        api.terminate()
        api.wait(timeout=30)
        time.sleep(1)  # the subscriber keeps polling a closed port
        api = serve()
        last = max(refer(seed, OWN if seed % 2 else OTHER) for seed in range(9, 17))
        expected = httpx.get(
            f"{base}/v1/events",
            params={"area": OWN, "limit": 500, "wait_for": last},
            headers=lead,
            timeout=10,
        ).json()["items"]
        wanted = [e["id"] for e in expected]
        assert len(wanted) == 8  # the referrals in the subscriber's area

        def received() -> list[dict[str, object]]:
            if not out.exists():
                return []
            return [json.loads(line) for line in out.read_text().splitlines()]

        wait_until(lambda: {e["id"] for e in received()} >= set(wanted), 60, "all received")
    finally:
        (settings.data_dir / "received.jsonl.stop").touch()
        subscriber.wait(timeout=30)
        api.terminate()
        api.wait(timeout=30)
    got = received()
    positions = [int(str(e["dsrposition"])) for e in got]
    assert positions == sorted(positions)  # in order (a repeat may follow a restart)
    assert [e["id"] for e in got if e["id"] in wanted][-len(wanted) :] == wanted
    assert all(str(e["source"]) == f"/dsr/areas/{OWN}" for e in got)  # nothing beyond scope
    assert all(e["specversion"] == "1.0" and e["subject"] for e in got)
