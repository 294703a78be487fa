"""PostgreSQL away: answered in seconds, not after the library's retries (issue 30, item 5).

Why: while PostgreSQL is stopped or not answering, a request waits on the driver's
connect timeout, the pool's pre-ping and the library's ten retries of each statement:
up to 15 s measured, where docs/operations.md promises 503 with `Retry-After` within
`DSR_DATABASE_TIMEOUT_SECONDS`. Nothing here shortens a healthy slow request (a national
export may take longer than that): the deadline applies only once the watch has seen the
database fail to answer.

- `DatabaseWatch` asks the database a trivial question every half second on a thread of
  its own, each answer bounded; it is *down* from the first unanswered probe until one is
  answered again (recovery needs no restart).
- `DatabaseDeadline`, an ASGI middleware, answers a request that needs the database 503
  at once while the watch says down, and answers one already waiting when the database
  went away once it has waited `DSR_DATABASE_TIMEOUT_SECONDS`. That request's thread
  finishes on its own; its late answer is dropped. A change it carried may still be
  recorded when the database returns, which the problem says: retrying with the same
  Idempotency-Key records it once.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as ProbeTimeoutError
from typing import Any

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dsr_http.asgi_problems import problem_response

log = structlog.get_logger("dsr.database")
PROBE_EVERY_SECONDS = 0.5
PROBE_WITHIN_SECONDS = 0.8
_EXEMPT = ("/healthz", "/readyz", "/metrics", "/static/", "/docs", "/redoc", "/openapi.json",
           "/problems")  # fmt: skip
"""Paths that never need the database (and /readyz, which bounds its own probe)."""
RETRY_AFTER = "5"


class DatabaseWatch:
    def __init__(self, probe: Callable[[], object]) -> None:
        self._probe = probe
        self._down = False
        self._stop = threading.Event()
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="db-watch")
        self._thread = threading.Thread(target=self._run, name="db-watch", daemon=True)

    @property
    def down(self) -> bool:
        return self._down

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self._pool.shutdown(wait=False, cancel_futures=True)

    def check(self) -> bool:
        """Ask once; True when the database answered in time."""
        try:
            self._pool.submit(self._probe).result(timeout=PROBE_WITHIN_SECONDS)
        except (ProbeTimeoutError, Exception):
            answered = False
        else:
            answered = True
        if answered == self._down:  # a change: say so once
            log.warning("database_down") if not answered else log.info("database_back")
        self._down = not answered
        return answered

    def _run(self) -> None:
        while not self._stop.wait(PROBE_EVERY_SECONDS):
            self.check()


class DatabaseDeadline:
    def __init__(self, app: ASGIApp, *, timeout: Callable[[Scope], float]) -> None:
        self.app = app
        self.timeout = timeout
        self._orphans: set[asyncio.Task[None]] = set()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        watch = _watch_of(scope)
        if scope["type"] != "http" or watch is None or scope["path"].startswith(_EXEMPT):
            await self.app(scope, receive, send)
            return
        if watch.down:
            await _unavailable(scope, receive, send)
            return
        started = answered = False

        async def guarded(message: Message) -> None:
            nonlocal started
            if answered:
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        task = asyncio.ensure_future(self.app(scope, receive, guarded))
        loop = asyncio.get_running_loop()
        begun, limit = loop.time(), self.timeout(scope)
        while True:
            done, _ = await asyncio.wait({task}, timeout=0.1)
            if done:
                task.result()
                return
            if not started and watch.down and loop.time() - begun >= limit:
                answered = True
                self._orphans.add(task)
                task.add_done_callback(_forget(self._orphans))
                await _unavailable(scope, receive, send, waited=True)
                return


def _forget(orphans: set[asyncio.Task[None]]) -> Callable[[asyncio.Task[None]], None]:
    def done(task: asyncio.Task[None]) -> None:
        orphans.discard(task)
        if not task.cancelled():
            task.exception()  # retrieved: its error was the outage, already answered

    return done


def _watch_of(scope: Scope) -> DatabaseWatch | None:
    services: Any = getattr(scope["app"].state, "services", None)
    return getattr(services, "database_watch", None)


async def _unavailable(scope: Scope, receive: Receive, send: Send, *, waited: bool = False) -> None:
    detail = (
        "The database stopped answering while this request waited. A change it carried may "
        "be recorded when the database returns: send the same request again with the same "
        "Idempotency-Key (it is recorded once), or read the record first."
        if waited
        else "The database is not answering; nothing was recorded."
    )
    response = problem_response(
        scope,
        503,
        "unavailable",
        "The database is unavailable; try again shortly",
        detail,
        {"Retry-After": RETRY_AFTER},
    )
    await response(scope, receive, send)
