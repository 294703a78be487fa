"""Bringing a store written before event MACs under them (`dsr audit authenticate`).

Why here: the library never rewrites a stored event; this is the one place dsr does, and
only to append a MAC trailer to an event that has none, leaving its body byte for byte.
A snapshot without a MAC is deleted instead (a snapshot is a shortcut the service makes
again; signing one would vouch for a replay nobody checked).

The caller decides what may be signed: `dsr audit authenticate` first runs the audit
verify with unsigned events accepted, and signs nothing if it finds any break, so an event
added by hand before the upgrade is not blessed (docs/operations.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from dsr_core.storage.event_mac import EventAuthenticator, signed
from dsr_core.storage.recorders import PostgresRecorder

PAGE = 1000


class UnsignedStoreError(Exception):
    """The store holds events written before event MACs: refused until migrated."""

    def __init__(self) -> None:
        super().__init__(
            "the event store holds events written before event MACs (dsr 0.2): run "
            "`dsr audit authenticate` once (docs/operations.md, Event authentication)"
        )


@dataclass(frozen=True)
class Authenticated:
    events: int
    snapshots_dropped: int


def first_unsigned(app: Any) -> bool:
    """Whether the store's first event lacks a MAC: a store written before event MACs."""
    notifications = app.recorder.select_notifications(1, 1)
    return bool(notifications) and not signed(bytes(notifications[0].state))


def authenticate_store(app: Any, authenticator: EventAuthenticator) -> Authenticated:
    """Sign every stored event without a MAC; delete every snapshot without one."""
    recorder = app.recorder
    postgres = isinstance(recorder, PostgresRecorder)
    mark = "%s" if postgres else "?"
    signed_count, start = 0, 1
    while notifications := recorder.select_notifications(start, PAGE):
        updates = [
            (
                bytes(authenticator.sign(_stored(n)).state),
                _ident(n.originator_id, postgres),
                n.originator_version,
            )
            for n in notifications
            if not signed(bytes(n.state))
        ]
        if updates:
            with recorder.datastore.transaction(commit=True) as cursor:
                cursor.executemany(
                    f"UPDATE {recorder.events_table_name} SET state = {mark} "
                    f"WHERE originator_id = {mark} AND originator_version = {mark}",
                    updates,
                )
        signed_count += len(updates)
        start = notifications[-1].id + 1
    dropped = 0
    if app.snapshots is not None:
        snapshots = app.snapshots.recorder
        with snapshots.datastore.transaction(commit=True) as cursor:
            cursor.execute(
                f"SELECT originator_id, originator_version, state FROM "
                f"{snapshots.events_table_name}"
            )
            unsigned = [
                (_ident(row["originator_id"], postgres), row["originator_version"])
                for row in cursor.fetchall()
                if not signed(bytes(row["state"]))
            ]
            if unsigned:
                cursor.executemany(
                    f"DELETE FROM {snapshots.events_table_name} "
                    f"WHERE originator_id = {mark} AND originator_version = {mark}",
                    unsigned,
                )
            dropped = len(unsigned)
    return Authenticated(signed_count, dropped)


def _stored(notification: Any) -> StoredEvent:
    return StoredEvent(
        originator_id=notification.originator_id,
        originator_version=notification.originator_version,
        topic=notification.topic,
        state=bytes(notification.state),
    )


def _ident(originator_id: object, postgres: bool) -> object:
    """The id as the table stores it: a uuid on PostgreSQL, 32 hex digits on SQLite."""
    found = originator_id if isinstance(originator_id, UUID) else UUID(str(originator_id))
    return found if postgres else found.hex
