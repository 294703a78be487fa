"""Group commit: saves that arrive together share one transaction (issue 17, lever 1).

Every insert into the event store takes the library's table lock, so that notification ids
commit in order; concurrent commands therefore queue on that lock, a transaction each. Here
the first save to find no commit under way leads: it takes every save waiting and writes
them in one transaction, each inside its own savepoint. A save whose aggregate version is
taken (or that fails in any other way) rolls back to its savepoint and fails alone, as it
would have on its own; the others commit. A save returns only once its transaction has
committed, so what a caller is told is as durable as before. Those that arrive while a
group is being written form the next group: no timer, no added wait under light load.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from eventsourcing.persistence import StoredEvent


@dataclass(eq=False)
class PendingSave:
    """One caller's save, waiting for (or written in) a group."""

    stored_events: Sequence[StoredEvent]
    kwargs: dict[str, Any]
    notification_ids: Sequence[int] | None = None
    error: BaseException | None = None
    done: bool = False
    leads: bool = False
    """Handed the lead: the group before it is written, and it is first in the queue."""
    woken: threading.Event = field(default_factory=threading.Event)

    def outcome(self) -> Sequence[int] | None:
        if self.error is not None:
            raise self.error
        return self.notification_ids


WriteGroup = Callable[[list[PendingSave]], None]
"""Writes a group in one transaction, setting each save's ids or error; raising fails all."""


class GroupCommitter:
    """Leader and followers: the leader writes the queue, followers wait for the outcome.

    Each save waits on its own event, so a finished group wakes just its members and the
    next leader, not every waiting thread."""

    def __init__(self, write_group: WriteGroup) -> None:
        self._write_group = write_group
        self._lock = threading.Lock()
        self._queue: list[PendingSave] = []
        self._leading = False
        self.groups = 0
        self.saves = 0
        """Groups written and saves in them: their ratio is the mean group size."""

    @property
    def waiting(self) -> int:
        """Saves queued behind the group being written."""
        with self._lock:
            return len(self._queue)

    def save(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        pending = PendingSave(stored_events, kwargs)
        with self._lock:
            self._queue.append(pending)
            follow = self._leading
            self._leading = True
        if follow:
            pending.woken.wait()
            if pending.done:
                return pending.outcome()
            assert pending.leads
        with self._lock:
            group, self._queue = self._queue, []
        try:
            self._write_group(group)
        except BaseException as error:  # the whole transaction failed: so did every save in it
            for each in group:
                each.error, each.notification_ids = error, None
        finally:
            with self._lock:
                self.groups += 1
                self.saves += len(group)
                if self._queue:
                    self._queue[0].leads = True
                    self._queue[0].woken.set()
                else:
                    self._leading = False
            for each in group:
                each.done = True
                each.woken.set()
        return pending.outcome()
