"""The base of the write application: an event-sourced application whose persons' events
are sealed under keys of their own (person_keys.py, sealing.py).

It owns how things are stored, so `Registers` (service/registers.py) reads as commands and
queries only: saving (a new person's key in the same transaction), snapshots written off
the command's path, the cache of decoded events, and where the store's tables are.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.application import Application, ProcessingEvent, Repository
from eventsourcing.persistence import JSONTranscoder, Mapper, Transcoder
from eventsourcing.utils import get_topic

from dsr_core.storage.datastores import MemoryDatastore
from dsr_core.storage.event_cache import EventCache
from dsr_core.storage.event_mac import EventAuthenticator, EventNotAuthenticError
from dsr_core.storage.mapper import PERSON_TOPICS, REFERRED_TOPIC, SealingMapper
from dsr_core.storage.master_keys import MasterKeys, default_master_key
from dsr_core.storage.person_keys import PersonKeyStore
from dsr_core.storage.repository import SafeCachingRepository
from dsr_core.storage.sealing import BLOB_PREFIX
from dsr_core.storage.snapshot_writer import SnapshotNotSealedError, SnapshotWriter
from dsr_core.storage.transcoder import FastJSONTranscoder
from dsr_core.storage.transcodings import dsr_transcodings


class SealedApplication(Application[UUID]):
    """Saving, snapshots, decoded-event cache and store discovery for the write side."""

    def __init__(
        self,
        env: Mapping[str, str] | None = None,
        *,
        identity_key: bytes,
        clock: Callable[[], datetime],
        event_cache_size: int = 0,
        master_keys: MasterKeys | None = None,
        person_keys: bool = True,
        event_key: bytes | None = None,
    ) -> None:
        self._event_cache = EventCache(event_cache_size)
        self._snapshot_writer = SnapshotWriter(self._store_snapshot)
        super().__init__(env)
        assert isinstance(self.mapper, SealingMapper)  # construct_mapper
        if event_key is not None:
            self.mapper.authenticator = EventAuthenticator(event_key)
        self.person_keys: PersonKeyStore | None = None
        """Per-person data keys (issue 15); None only when built without them (bench/)."""
        if person_keys:
            snapshots = self._snapshots_table()
            self.person_keys = PersonKeyStore(
                getattr(self.recorder, "datastore", None) or MemoryDatastore(snapshots),
                master_keys or MasterKeys(default_master_key(identity_key)),
                postgres_schema=self._postgres_schema(),
                snapshots_table=snapshots,
                clock=clock,
            )
            self.person_keys.create_tables()
            self.mapper.keys = self.person_keys

    def save(self, *objs: Any, **kwargs: Any) -> Any:
        """A new person's key is written in the transaction that saves their events."""
        if self.person_keys is None or not getattr(self.recorder, "writes_alongside", False):
            return super().save(*objs, **kwargs)  # keys are then made in their own transaction
        new, existing = _people_sealed(objs)
        with self.person_keys.saving(new, existing) as write_keys:
            return super().save(*objs, also_write=[write_keys], **kwargs)

    def _take_snapshots(self, processing_event: ProcessingEvent[UUID]) -> None:
        """Snapshot the aggregate in hand, written off the command's path (snapshot_writer)."""
        if not self.snapshots:
            return
        for aggregate_id, aggregate in processing_event.aggregates.items():
            interval = self.snapshotting_intervals.get(type(aggregate))
            if interval is None or not any(
                event.originator_id == aggregate_id and event.originator_version % interval == 0
                for event in processing_event.events
            ):
                continue
            snapshot_class = getattr(type(aggregate), "Snapshot", type(self).snapshot_class)
            assert snapshot_class is not None
            self._snapshot_writer.submit(snapshot_class.take(aggregate))

    def _store_snapshot(self, snapshot: Any) -> None:
        assert self.snapshots is not None
        stored = self.snapshots.mapper.to_stored_event(snapshot)
        if self.person_keys is not None and not stored.state.startswith(BLOB_PREFIX):
            # The person's key went while this waited (erased): never store it in the clear.
            raise SnapshotNotSealedError
        self.snapshots.recorder.insert_events([stored])

    def authenticator(self) -> EventAuthenticator:
        """What signs and checks this store's events (event_mac.py)."""
        assert isinstance(self.mapper, SealingMapper) and self.mapper.authenticator is not None
        return self.mapper.authenticator

    def flush_snapshots(self) -> None:
        """Wait for the snapshots of commands already saved to be stored."""
        self._snapshot_writer.flush()

    def close(self) -> None:
        self._snapshot_writer.close()
        super().close()

    def construct_mapper(self) -> Mapper[UUID]:
        return self.factory.mapper(
            transcoder=self.construct_transcoder(), mapper_class=SealingMapper
        )

    def _postgres_schema(self) -> str | None:
        datastore = getattr(self.recorder, "datastore", None)
        schema = getattr(datastore, "schema", None)
        return str(schema) if schema and hasattr(datastore, "pool") else None

    def _snapshots_table(self) -> str:
        recorder = self.snapshots.recorder if self.snapshots else self.recorder
        table = str(getattr(recorder, "events_table_name", "snapshots"))
        return table.rsplit(".", 1)[-1]

    def construct_repository(self) -> Repository[UUID]:
        base = super().construct_repository()
        return SafeCachingRepository(
            event_store=base.event_store,
            snapshot_store=base.snapshot_store,
            cache_maxsize=int(self.env.get(self.AGGREGATE_CACHE_MAXSIZE) or 0) or None,
            fastforward=base.fastforward,
            fastforward_skipping=base.fastforward_skipping,
            deepcopy_from_cache=base.deepcopy_from_cache,
        )

    def construct_transcoder(self) -> Transcoder:
        if self.env.get(self.factory.TRANSCODER_TOPIC):
            return super().construct_transcoder()
        transcoder = FastJSONTranscoder()
        self.register_transcodings(transcoder)
        return transcoder

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        for transcoding in dsr_transcodings():
            transcoder.register(transcoding)

    def _read_events(self, person_id: UUID, gt: int | None) -> Iterator[Any]:
        """The person's stored events after version `gt`, their key found once for all,
        up to the first that does not authenticate (event_mac.py): a history is shown as
        far as it is sound, and the record is marked as failing integrity."""
        assert isinstance(self.mapper, SealingMapper)  # construct_mapper
        read = self.mapper.reader()
        for stored in self.recorder.select_events(person_id, gt=gt):
            try:
                yield read(stored)
            except EventNotAuthenticError:
                return


def _people_sealed(objs: Sequence[Any]) -> tuple[list[UUID], list[UUID]]:
    """The people whose events a save seals: those it creates, and the others."""
    new: dict[UUID, None] = {}
    existing: dict[UUID, None] = {}
    for obj in objs:
        for event in getattr(obj, "pending_events", ()):
            topic = get_topic(type(event))
            if not topic.startswith(PERSON_TOPICS):
                continue
            if event.originator_version == 1 and topic == REFERRED_TOPIC:
                new[event.originator_id] = None
            else:
                existing[event.originator_id] = None
    return list(new), [p for p in existing if p not in new]
