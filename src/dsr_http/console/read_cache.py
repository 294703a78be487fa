"""Figures computed from a read model, kept until that read model moves on.

A dashboard's twelve months or a register's counts change only when the read model
they come from processes another event, so a page asks for the read model's position
(one small query) and recomputes only when it has moved: exact, never stale.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")
KEPT = 256


class ReadCache:
    def __init__(self, kept: int = KEPT) -> None:
        self._kept = kept
        self._entries: OrderedDict[Hashable, tuple[int, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, position: int, compute: Callable[[], T]) -> T:
        """`compute()`'s value for `key` as of the read model's `position`."""
        with self._lock:
            found = self._entries.get(key)
            if found is not None and found[0] == position:
                self._entries.move_to_end(key)
                value: T = found[1]
                return value
        value = compute()
        with self._lock:
            self._entries[key] = (position, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self._kept:
                self._entries.popitem(last=False)
        return value
