"""Unwrapped person keys held in a process for a short while, and given up everywhere
within a second of any key's destruction.

Each process caches keys so that reading thousands of events does not unwrap a key for
each. A key destroyed by another process (the scheduler's erasure, another API worker)
must stop opening values here too, at once, not when the entry ages out (issue 30: up to a
minute of erased data was served). The tombstone table only grows, so its row count is a
generation: at most once a second a use of the cache asks for it, and a new tombstone
anywhere empties the cache.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from uuid import UUID

RECHECK_SECONDS = 1.0


class KeyCache:
    def __init__(self, seconds: float, tombstones: Callable[[], int]) -> None:
        self._seconds = seconds
        self._tombstones = tombstones
        self._generation: int | None = None
        self._checked = float("-inf")
        self._keys: dict[UUID, tuple[bytes, float]] = {}
        self._aliases: dict[str, tuple[UUID, bytes, float]] = {}
        self._lock = threading.Lock()

    def _current(self, now: float) -> None:
        """Empty the cache if a key was destroyed anywhere since the last look."""
        if now - self._checked < RECHECK_SECONDS:
            return
        generation = self._tombstones()
        with self._lock:
            if generation != self._generation:
                self._keys.clear()
                self._aliases.clear()
                self._generation = generation
            self._checked = now

    def get(self, person_id: UUID) -> bytes | None:
        now = time.monotonic()
        self._current(now)
        with self._lock:
            cached = self._keys.get(person_id)
        return cached[0] if cached is not None and now - cached[1] < self._seconds else None

    def missing(self, person_ids: Iterable[UUID]) -> list[UUID]:
        """The people (each once) whose key is not held."""
        now = time.monotonic()
        self._current(now)
        with self._lock:
            return [
                pid
                for pid in dict.fromkeys(person_ids)
                if (cached := self._keys.get(pid)) is None or now - cached[1] >= self._seconds
            ]

    def put(self, person_id: UUID, key: bytes) -> None:
        with self._lock:
            self._keys[person_id] = (key, time.monotonic())

    def by_alias(self, alias: str) -> tuple[UUID, bytes] | None:
        now = time.monotonic()
        self._current(now)
        with self._lock:
            cached = self._aliases.get(alias)
        if cached is not None and now - cached[2] < self._seconds:
            return cached[0], cached[1]
        return None

    def put_alias(self, alias: str, person_id: UUID, key: bytes) -> None:
        with self._lock:
            self._aliases[alias] = (person_id, key, time.monotonic())

    def forget(self, person_id: UUID) -> None:
        with self._lock:
            self._keys.pop(person_id, None)
            for alias in [a for a, (p, _, _) in self._aliases.items() if p == person_id]:
                del self._aliases[alias]
