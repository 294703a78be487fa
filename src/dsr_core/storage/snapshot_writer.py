"""Aggregate snapshots written on a thread of their own, off the command's path.

The library takes a snapshot inside the command that crosses a snapshotting interval: it
reads the aggregate back from the store (the previous snapshot and the events since) and
encodes its whole state before the command returns. A person's state grows with their
record, so that one command in fifty cost 11 ms at 500 events and 64 ms at 4,500 (bench,
2026-11-24), where any other command cost 1.4 ms: it was the whole of the p99. Here the
command copies the state it already holds (`Snapshot.take`, a shallow copy: Person code
never changes a list or dict in place) and a daemon thread encodes, seals and stores it.

A snapshot is only a shortcut for loading: one that is dropped (queue full, process
killed, an error) costs a longer replay, never data. The writer never stores a person's
state unsealed: if the person's key is gone by the time it writes (erased meanwhile), the
snapshot is dropped.
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Callable
from typing import Any

import structlog

logger = structlog.get_logger(__name__)

_STOP = object()


class SnapshotNotSealedError(Exception):
    """A person's snapshot would have been stored unsealed: it is dropped instead."""


class SnapshotWriter:
    """A bounded queue of snapshots and the thread that stores them, started on first use
    in each process (a thread does not survive a fork)."""

    def __init__(self, store: Callable[[Any], None], *, max_waiting: int = 1000) -> None:
        self._store = store
        self._queue: queue.Queue[Any] = queue.Queue(max_waiting)
        self._thread: threading.Thread | None = None
        self._pid = 0
        self._start_lock = threading.Lock()
        self.dropped = 0

    def submit(self, snapshot: Any) -> None:
        """Never waits: when the writer is this far behind, the snapshot is dropped."""
        self._ensure_started()
        try:
            self._queue.put_nowait(snapshot)
        except queue.Full:
            self.dropped += 1
            logger.warning("snapshot_dropped", reason="queue_full", version=_version(snapshot))

    def flush(self) -> None:
        """Wait until every snapshot submitted so far is stored (or dropped)."""
        if self._running():
            self._queue.join()

    def close(self) -> None:
        if self._running():
            self._queue.put(_STOP)
            assert self._thread is not None
            self._thread.join()
        self._thread = None

    def _running(self) -> bool:
        return self._thread is not None and self._pid == os.getpid() and self._thread.is_alive()

    def _ensure_started(self) -> None:
        if self._running():
            return
        with self._start_lock:
            if self._running():
                return
            if self._pid != os.getpid():  # a forked child: the parent's queue is not ours
                self._queue = queue.Queue(self._queue.maxsize)
            self._pid = os.getpid()
            self._thread = threading.Thread(target=self._run, name="snapshot-writer", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while True:
            snapshot = self._queue.get()
            try:
                if snapshot is _STOP:
                    return
                self._store(snapshot)
            except Exception as error:  # a shortcut lost, never data: keep writing
                self.dropped += 1
                logger.warning(
                    "snapshot_dropped", reason=type(error).__name__, version=_version(snapshot)
                )
            finally:
                self._queue.task_done()


def _version(snapshot: Any) -> int | None:
    return getattr(snapshot, "originator_version", None)
