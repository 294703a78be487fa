"""The library's repository with its aggregate cache made safe to share between threads.

With a cache, a command reads only the events newer than the aggregate it already holds
(one query, usually returning nothing) instead of a snapshot and up to 49 events, each
decoded from JSON. That was half of a command's time (docs/performance.md).

eventsourcing 9.5.6 fast-forwards a cached aggregate under a per-aggregate lock but makes
the caller's copy after releasing it, so one thread could copy an aggregate while another
applies newer events to it. Here the whole read, fast-forward and copy, holds a lock for
the aggregate (one of a fixed set of stripes, so memory does not grow with aggregates).

Events are applied by `mutate_each`, the library's `project_aggregate` without its
per-event `isinstance` against a runtime Protocol: on Python 3.11 that check alone was a
third of replaying a person (about 50 µs an event; docs/performance.md, issue 29).

The caller's copy is shallow (issue 17: the library's deep copy was a fifth of a command's
processor time). That is safe because a Person never changes anything in place: its value
objects are frozen, and each event's `apply` assigns new lists, tuples and dicts rather
than mutating the old ones (a test replays every event kind against a cached copy). Only
the list of pending events is the copy's own.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from threading import Lock
from typing import Any
from uuid import UUID

from eventsourcing.application import Repository

STRIPES = 64


def mutate_each(aggregate: Any, domain_events: Iterable[Any]) -> Any:
    """Apply each event to the aggregate in turn (the library's projector, unchecked: every
    event read here is one of dsr's own, which all have `mutate`)."""
    for event in domain_events:
        aggregate = event.mutate(aggregate)
    return aggregate


class SafeCachingRepository(Repository[UUID]):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._stripes = [Lock() for _ in range(STRIPES)]

    def get(self, aggregate_id: UUID, *, version: int | None = None, **kwargs: Any) -> Any:
        kwargs.setdefault("projector_func", mutate_each)
        if self.cache is None or version is not None:
            return super().get(aggregate_id, version=version, **kwargs)
        with self._stripes[aggregate_id.int % STRIPES]:
            cached = super().get(aggregate_id, deepcopy_from_cache=False, **kwargs)
            mine = copy.copy(cached)
        mine._pending_events = []
        return mine
