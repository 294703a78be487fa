"""The library's recorders, writing a new person's key in the transaction of their first
events (person_keys.py): a referral is one commit, and no key outlives a failed save."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder

AlsoWrite = Callable[[Any], None]
"""Writes more rows with the events' cursor; passed as `app.save(..., also_write=[...])`."""


class SQLiteRecorder(SQLiteApplicationRecorder):
    writes_alongside = True

    def _insert_events(
        self, c: Any, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        for write in kwargs.get("also_write", ()):
            write(c)
        return super()._insert_events(c, stored_events, **kwargs)


class PostgresRecorder(PostgresApplicationRecorder):
    writes_alongside = True

    def _insert_events(
        self, curs: Any, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> None:
        for write in kwargs.get("also_write", ()):
            write(curs)
        super()._insert_events(curs, stored_events, **kwargs)
