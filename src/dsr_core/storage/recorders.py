"""The library's recorders, writing a new person's key in the transaction of their first
events (person_keys.py): a referral is one commit, and no key outlives a failed save.

On PostgreSQL, saves made at the same time by one process share a transaction
(group_commit.py), each in its own savepoint."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any
from uuid import UUID

from eventsourcing import persistence
from eventsourcing.persistence import Notification, StoredEvent
from eventsourcing.postgres import PostgresAggregateRecorder, PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder
from eventsourcing.utils import retry

from dsr_core.storage.group_commit import GroupCommitter, PendingSave

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
    """One transaction per save, as the library does.

    Events are read in PostgreSQL's binary format: a stored state's bytes and an id's
    sixteen bytes arrive as they are, where the library's text format sends them as hex
    and text for the driver to parse (1.9 against 0.7 ms for a 500-event person: a fifth
    of a first read, and of every batch a projection reads; issue 17). The statements
    are the library's, written out: it has no way to ask for binary results.
    """

    writes_alongside = True

    @retry((persistence.InterfaceError, persistence.OperationalError), max_attempts=10, wait=0.2)
    def select_events(
        self,
        originator_id: UUID | str,
        *,
        gt: int | None = None,
        lte: int | None = None,
        desc: bool = False,
        limit: int | None = None,
    ) -> Sequence[StoredEvent]:
        query = [
            "SELECT originator_id, originator_version, topic, state"
            f" FROM {self._table} WHERE originator_id = %s"
        ]
        params: list[Any] = [originator_id]
        if gt is not None:
            query.append(" AND originator_version > %s")
            params.append(gt)
        if lte is not None:
            query.append(" AND originator_version <= %s")
            params.append(lte)
        query.append(
            " ORDER BY originator_version DESC" if desc else " ORDER BY originator_version ASC"
        )
        if limit is not None:
            query.append(" LIMIT %s")
            params.append(limit)
        return [
            StoredEvent(originator_id=i, originator_version=v, topic=t, state=s)
            for i, v, t, s in self._binary_rows("".join(query), params)
        ]

    @retry((persistence.InterfaceError, persistence.OperationalError), max_attempts=10, wait=0.2)
    def select_notifications(
        self,
        start: int | None,
        limit: int,
        stop: int | None = None,
        topics: Sequence[str] = (),
        *,
        inclusive_of_start: bool = True,
    ) -> Sequence[Notification]:
        conditions: list[str] = []
        params: list[Any] = []
        if start is not None:
            conditions.append(
                "notification_id >= %s" if inclusive_of_start else "notification_id > %s"
            )
            params.append(start)
        if stop is not None:
            conditions.append("notification_id <= %s")
            params.append(stop)
        if topics:
            conditions.append("topic = ANY(%s)")
            params.append(list(topics))
        where = " WHERE " + " AND ".join(conditions) if conditions else ""
        params.append(limit)
        query = (
            "SELECT notification_id, originator_id, originator_version, topic, state"
            f" FROM {self._table}{where} ORDER BY notification_id LIMIT %s"
        )
        return [
            Notification(id=n, originator_id=i, originator_version=v, topic=t, state=s)
            for n, i, v, t, s in self._binary_rows(query, params)
        ]

    def _binary_rows(self, query: str, params: list[Any]) -> list[tuple[Any, ...]]:
        with (
            self.datastore.get_connection() as conn,
            conn.cursor(binary=True, row_factory=_tuples) as curs,
        ):
            curs.execute(query, params, prepare=True)
            return curs.fetchall()

    @property
    def _table(self) -> str:
        return f"{_quoted(self.datastore.schema)}.{_quoted(self.events_table_name)}"

    def _insert_events(
        self, curs: Any, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> None:
        for write in kwargs.get("also_write", ()):
            write(curs)
        super()._insert_events(curs, stored_events, **kwargs)


def _tuples(_: Any) -> Callable[[Sequence[Any]], tuple[Any, ...]]:
    """The driver's row factory giving plain tuples (its `tuple_row`; the library's
    connections give dicts, which cost more to build)."""
    return tuple


def _quoted(name: str) -> str:
    """An SQL identifier, quoted as the driver's `Identifier` quotes it."""
    return '"' + name.replace('"', '""') + '"'


def persistence_error(error: Exception) -> Exception:
    """The library's own error for a driver error, as its datastore would raise it.

    The driver's classes (psycopg's DB-API hierarchy) and the library's share their names,
    so the nearest named ancestor is translated; the core does not import the driver."""
    for cls in type(error).__mro__:
        ours = getattr(persistence, cls.__name__, None)
        driver = cls.__module__.startswith("psycopg")
        if driver and isinstance(ours, type) and issubclass(ours, persistence.PersistenceError):
            translated = ours(str(error))
            translated.__cause__ = error
            return translated
    return error


class GroupCommitPostgresRecorder(PostgresRecorder):
    """Concurrent saves share one transaction and one table lock (group_commit.py)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.committer = GroupCommitter(self._write_group)

    @retry((persistence.InterfaceError, persistence.OperationalError), max_attempts=10, wait=0.2)
    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        return self.committer.save(stored_events, **kwargs)

    def _write_group(self, group: list[PendingSave]) -> None:
        with (
            self.datastore.get_connection() as conn,
            conn.pipeline() as pipeline,
            conn.transaction(),
            conn.cursor() as curs,
        ):
            self._lock_table(curs)
            self._notify_channel(curs)
            if len(group) == 1:  # alone: no savepoint, its failure is the transaction's
                try:
                    group[0].notification_ids = self._write_one(curs, pipeline, group[0])
                except Exception as error:
                    group[0].error = persistence_error(error)
                return
            for pending in group:
                try:
                    with conn.transaction():
                        pending.notification_ids = self._write_one(curs, pipeline, pending)
                except Exception as error:
                    pending.error = persistence_error(error)

    def _write_one(self, curs: Any, pipeline: Any, pending: PendingSave) -> Sequence[int] | None:
        self._insert_events(curs, pending.stored_events, **pending.kwargs)
        if not pending.stored_events:
            pipeline.sync()
            return []
        # The table is locked once for the group, so not the subclass's insert.
        PostgresAggregateRecorder._insert_stored_events(self, curs, pending.stored_events)
        pipeline.sync()  # a version taken raises here, inside this save's savepoint
        return self._fetch_ids_after_insert_events(curs, pending.stored_events)
