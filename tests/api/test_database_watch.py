"""The database watch (issue 30, item 5): a refusal is known at once, a question unanswered
for the timeout makes the database unresponsive, and slowness short of the timeout, as a
loaded host gives, is neither (the suite at load 8 was answered 503 by an earlier watch
that took a 0.8 s answer for a database gone)."""

from __future__ import annotations

import threading
import time

from dsr_http.database_watch import DatabaseWatch


def settle(watch: DatabaseWatch, seconds: float) -> None:
    """Run the watch's loop by hand for a while."""
    ends = time.monotonic() + seconds
    while time.monotonic() < ends:
        watch.check()
        time.sleep(0.05)


def test_a_slow_database_is_neither_refusing_nor_unresponsive() -> None:
    watch = DatabaseWatch(lambda: time.sleep(0.3), timeout=1.0)
    settle(watch, 1.5)
    assert not watch.down and not watch.refusing


def test_a_refusal_is_known_as_soon_as_it_is_answered() -> None:
    def refused() -> None:
        raise ConnectionRefusedError

    watch = DatabaseWatch(refused, timeout=1.0)
    settle(watch, 0.2)
    assert watch.refusing and watch.down


def test_a_question_unanswered_for_the_timeout_is_unresponsive_then_recovers() -> None:
    answer = threading.Event()
    watch = DatabaseWatch(lambda: answer.wait(10), timeout=0.5)
    settle(watch, 0.3)
    assert not watch.down  # not yet the timeout
    settle(watch, 0.4)
    assert watch.unresponsive() and watch.down and not watch.refusing
    answer.set()
    settle(watch, 0.2)
    assert not watch.down
    watch.stop()
