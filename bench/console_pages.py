"""The console's pages over a large register: server time per page and page weight.

    python bench/console_pages.py [--people 50000] [--times 200]

People are saved straight through the library in batches (bench/reads.py's loader),
1 in 50 admitted to hospital through the application, every read model caught up; then
each page a DSR team opens is requested `--times` times through the app in this process
(ASGI, no network: the server's own time, as a lead's browser would wait for it), and its
weight is the bytes a first visit transfers: the HTML plus the stylesheet and scripts it
loads, compressed as the server sends them.
"""

from __future__ import annotations

import argparse
import base64
import gzip
import os
import re
import sys
import time
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path
from uuid import UUID

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fastapi.testclient import TestClient
from tests.support.pgserver import start_throwaway

from bench.reads import AREA, percentiles, save_people
from dsr_core.domain.codes import Role
from dsr_core.domain.values import Actor
from dsr_core.process.settings import Settings
from dsr_core.service import commands as cmd
from dsr_core.service.caller import Caller
from dsr_http.config import HttpSettings
from dsr_http.console.read_cache import ReadCache
from dsr_http.main import create_app

LEAD = Actor(user_id="bench", role=Role.LEAD, area=AREA)
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
ASSET = re.compile(r'(?:href|src)="(/assets/[^"]+\.(?:css|js))"')


def admit_some(app: TestClient, every: int) -> list[UUID]:
    """Every `every`-th person on the register admitted (the inpatient list's people)."""
    registers = app.app.state.services.registers  # type: ignore[attr-defined]
    views = app.app.state.services.runner.db  # type: ignore[attr-defined]
    with views.read() as cursor:
        cursor.execute("SELECT person_id FROM register_entries ORDER BY person_id")
        ids = [UUID(row["person_id"]) for row in cursor.fetchall()]
    admitted = ids[::every]
    for person_id in admitted:
        registers.execute(
            person_id,
            cmd.Admit(
                admitted_on=date(2025, 6, 1),
                hospital="Bench Hospital",
                ward_type="learning_disability",
                in_area=True,
                legal_status="informal",
            ),
            Caller.of(LEAD),
        )
    return admitted


def weight(client: TestClient, html: str) -> int:
    """Bytes of the page and its stylesheet and scripts, compressed as served."""
    total = len(gzip.compress(html.encode()))
    for asset in sorted(set(ASSET.findall(html))):
        served = client.get(asset, headers={"Accept-Encoding": "gzip"})
        total += len(gzip.compress(served.content))
    return total


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--times", type=int, default=200)
    parser.add_argument("--admit-every", type=int, default=50)
    args = parser.parse_args()
    server = start_throwaway()
    now = datetime(2025, 9, 30, 12, tzinfo=UTC)
    try:
        settings = Settings(
            database_url=server.url,
            identity_key=base64.b64encode(os.urandom(32)).decode(),
            data_dir=Path("/tmp/dsr-bench-console"),
        )
        http = HttpSettings(
            jwt_secret=base64.b64encode(os.urandom(32)).decode(),
            console_local_sign_in=True,
            embedded_workers=True,
        )
        app = create_app(settings, http, clock=lambda: now)
        with TestClient(app) as client:
            services = app.state.services
            started = time.perf_counter()
            save_people(services.registers, args.people, now)
            services.runner.catch_up(timeout=7200)
            admitted = admit_some(client, args.admit_every)
            services.runner.catch_up(timeout=7200)
            print(f"cores: {os.cpu_count()}; {args.people:,} people, {len(admitted):,} admitted;")
            print(f"loaded and caught up in {time.perf_counter() - started:.0f} s")
            page = client.get("/sign-in")
            client.post(
                "/sign-in",
                data={
                    "csrf_token": CSRF.findall(page.text)[0],
                    "user": "bench",
                    "role": "lead",
                    "area": AREA,
                },
            )
            person = admitted[len(admitted) // 2]
            pages = {
                "register board": "/register",
                "register, Red": "/register?rating=red",
                "register, overdue": "/register?overdue=true",
                "register, age 18-24": "/register?age_band=18-24",
                "referrals": "/referrals",
                "person": f"/people/{person}",
                "person as at a date": f"/people/{person}?day=1&month=7&year=2025",
                "timeline": f"/people/{person}/timeline",
                "command form (review)": f"/people/{person}/record/reviews",
                "inpatient list": "/inpatients",
                "dashboard": "/dashboard",
                "panel pack (first 25)": "/panel",
                "national": "/national",
            }
            print("\n| page | p50 ms | p99 ms | weight kB (gzip) |")
            print("|---|---|---|---|")
            scans = {"register, age 18-24"}  # open every date of birth: timed fewer times
            for name, path in pages.items():
                first = client.get(path)
                assert first.status_code == 200, (path, first.status_code)
                times = max(args.times // 20, 5) if name in scans else args.times
                p50, p99 = percentiles(partial(client.get, path), times)
                kb = weight(client, first.text) / 1024
                print(f"| {name} | {p50:.1f} | {p99:.1f} | {kb:.0f} |", flush=True)
            console = app.state.console
            for name, path in (("register board", "/register"), ("dashboard", "/dashboard")):

                def cold(path: str = path) -> object:
                    console.figures = ReadCache()  # as after any write: figures recomputed
                    return client.get(path)

                p50, p99 = percentiles(cold, max(args.times // 10, 5))
                print(f"| {name}, figures recomputed (after a write) | {p50:.1f} | {p99:.1f} | |")
            token = CSRF.findall(client.get("/register").text)[0]
            p50, p99 = percentiles(
                lambda: client.post("/find", data={"csrf_token": token, "q": "Person4242"}),
                max(args.times // 20, 5),
            )
            print(f"| find by name (posted; opens every name) | {p50:.1f} | {p99:.1f} | |")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
