"""PostgreSQL away: answered in seconds, not after the library's retries (issue 30, item 5).

Why: while PostgreSQL is stopped or not answering, a request waits on the driver's
connect timeout, the pool's pre-ping and the library's ten retries of each statement:
up to 15 s measured, where docs/operations.md promises 503 with `Retry-After` within
`DSR_DATABASE_TIMEOUT_SECONDS`.

- `DatabaseWatch` asks the database a trivial question every half second on a thread of
  its own, one question at a time. A question answered with an error (connection
  refused: the server is stopped) makes the database *refusing* at once; one still
  unanswered after the timeout makes it *unresponsive* (a frozen host, a partition).
  Slowness alone is not taken for either before the timeout has passed, so a busy host
  (a loaded CI machine starves this thread for a second) does not refuse requests.
- `DatabaseDeadline`, an ASGI middleware, answers a request that needs the database 503
  at once while it is refusing, and one that has waited the timeout while it is refusing
  or unresponsive. A slow request on a database that answers is never cut short. The
  waiting request's thread finishes on its own and its late answer is dropped, so a
  change it carried may still be recorded when the database returns, which the problem
  says: retrying with the same Idempotency-Key records it once.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dsr_http.asgi_problems import problem_response

log = structlog.get_logger("dsr.database")
PROBE_EVERY_SECONDS = 0.5
_EXEMPT = ("/healthz", "/readyz", "/metrics", "/static/", "/docs", "/redoc", "/openapi.json",
           "/problems")  # fmt: skip
"""Paths that never need the database (and /readyz, which bounds its own probe)."""
RETRY_AFTER = "5"


class DatabaseWatch:
    def __init__(self, probe: Callable[[], object], timeout: float) -> None:
        self._probe = probe
        self.timeout = timeout
        self.refusing = False
        self._asked: tuple[float, Future[object]] | None = None
        self._was_down = False
        self._stop = threading.Event()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="db-watch")
        self._thread = threading.Thread(target=self._run, name="db-watch", daemon=True)

    def unresponsive(self, waited: float | None = None) -> bool:
        """Whether the question in hand has gone unanswered for the timeout (or `waited`)."""
        asked = self._asked
        limit = self.timeout if waited is None else waited
        return asked is not None and time.monotonic() - asked[0] >= limit

    @property
    def down(self) -> bool:
        return self.refusing or self.unresponsive()

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=2)
        self._pool.shutdown(wait=False, cancel_futures=True)

    def check(self) -> None:
        """Read the last question's answer if it came, and ask again; one at a time, so a
        question stuck on a dead connection is not joined by more."""
        if self._asked is not None:
            _, question = self._asked
            if not question.done():
                self._say()
                return
            self.refusing = question.exception() is not None
        self._asked = (time.monotonic(), self._pool.submit(self._probe))
        self._say()

    def _say(self) -> None:
        down = self.down
        if down != self._was_down:  # a change: say so once
            log.warning("database_down") if down else log.info("database_back")
        self._was_down = down

    def _run(self) -> None:
        while not self._stop.wait(PROBE_EVERY_SECONDS):
            self.check()


class DatabaseDeadline:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._orphans: set[asyncio.Task[None]] = set()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        watch = _watch_of(scope)
        if scope["type"] != "http" or watch is None or scope["path"].startswith(_EXEMPT):
            await self.app(scope, receive, send)
            return
        if watch.refusing:
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
        begun = loop.time()
        while True:
            done, _ = await asyncio.wait({task}, timeout=0.1)
            if done:
                task.result()
                return
            waited = loop.time() - begun
            if (
                not started
                and waited >= watch.timeout
                and (watch.refusing or watch.unresponsive(waited=watch.timeout))
            ):
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
