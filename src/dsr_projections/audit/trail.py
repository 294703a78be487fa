"""The audit trail: one row per Person event, chained per person and across the log.

Each row's hash links its content to the previous row of the same person, and a second
chain (`audit_log_chain`) links every row to the one before it in log order, both keyed
with the audit key (checkpoints.py), so editing, deleting or reordering a row breaks a chain
and only a holder of the key could mend it. `verify` re-walks both chains, re-derives each
row from the event store, checks every stored snapshot against a replay of its events,
walks the access log's chain and compares all of it with the signed checkpoints.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar
from uuid import UUID

from dsr_core.person.events import PersonEvent
from dsr_core.service.history import describe
from dsr_core.service.registers import Registers
from dsr_core.storage.event_mac import EventNotAuthenticError
from dsr_core.storage.mapper import STORED_DIGEST
from dsr_projections.audit import access_log
from dsr_projections.audit.checkpoints import GENESIS, Checkpoint, link
from dsr_projections.engine.projection import Event, Projection, person_events
from dsr_projections.storage.database import Cursor, Row, ViewDatabase
from dsr_projections.storage.text import storable

FIELDS = (
    "person_id",
    "version",
    "event_type",
    "effective_on",
    "recorded_at",
    "actor_id",
    "actor_role",
    "actor_area",
    "reason",
    "changes",
)


def audit_record(event: Event) -> dict[str, Any]:
    """An event stored sealed (issue 15) is kept without its personal values, with the
    digest of its stored bytes instead: erasing the person changes nothing here, and an
    edit of the stored event still shows. Events stored before keep their values."""
    digest = vars(event).get(STORED_DIGEST)
    entry = describe(event, redact=digest is not None)
    actor = entry.actor
    data = dict(entry.data)
    if digest is not None:
        data["stored_sha256"] = digest
    return {
        "person_id": str(event.originator_id),
        "version": entry.version,
        "event_type": entry.event_type,
        "effective_on": entry.effective_on.isoformat() if entry.effective_on else None,
        "recorded_at": entry.recorded_at.isoformat(),
        "actor_id": storable(actor.user_id) if actor else None,
        "actor_role": str(actor.role) if actor else None,
        "actor_area": actor.area if actor else None,
        "reason": storable(reason) if isinstance(reason := data.get("reason"), str) else None,
        "changes": json.dumps(data, sort_keys=True, separators=(",", ":")),
    }


def chain_hash(key: bytes, previous: str, record: dict[str, Any]) -> str:
    content = json.dumps([record[f] for f in FIELDS], separators=(",", ":"), default=str)
    return link(key, previous, content)


def log_link(key: bytes, previous: str, position: int, row_hash: str) -> str:
    return link(key, previous, f"{position}|{row_hash}")


class AuditProjection(Projection):
    name = "audit"
    tables: ClassVar[dict[str, str]] = {
        "audit_trail": (
            "position BIGINT PRIMARY KEY, person_id TEXT NOT NULL, version BIGINT NOT NULL, "
            "event_type TEXT NOT NULL, effective_on TEXT, recorded_at TEXT NOT NULL, "
            "actor_id TEXT, actor_role TEXT, actor_area TEXT, reason TEXT, changes TEXT NOT NULL, "
            "prev_hash TEXT NOT NULL, hash TEXT NOT NULL"
        ),
        "audit_log_chain": (
            "position BIGINT PRIMARY KEY, prev_hash TEXT NOT NULL, hash TEXT NOT NULL"
        ),
    }
    indexes: ClassVar[dict[str, str]] = {
        "audit_by_person": "audit_trail (person_id, version)",
        "audit_by_actor": "audit_trail (actor_id, recorded_at)",
    }

    def process(self, cursor: Cursor, batch: Sequence[tuple[Event, int]]) -> None:
        key = self.context.audit_key
        table = self.t("audit_trail")
        chain = self.t("audit_log_chain")
        cursor.execute(f"SELECT hash FROM {chain} ORDER BY position DESC LIMIT 1")
        last = cursor.fetchone()
        log_head = last["hash"] if last else GENESIS
        links = []
        heads: dict[str, str] = {}
        rows = []
        for event, position in person_events(batch):
            record = audit_record(event)
            person_id = record["person_id"]
            if person_id not in heads:
                cursor.execute(
                    f"SELECT hash FROM {table} WHERE person_id = ? ORDER BY version DESC LIMIT 1",
                    (person_id,),
                )
                row = cursor.fetchone()
                heads[person_id] = row["hash"] if row else GENESIS
            previous = heads[person_id]
            heads[person_id] = chain_hash(key, previous, record)
            rows.append((position, *(record[f] for f in FIELDS), previous, heads[person_id]))
            following = log_link(key, log_head, position, heads[person_id])
            links.append((position, log_head, following))
            log_head = following
        cursor.executemany(
            f"INSERT INTO {chain} (position, prev_hash, hash) VALUES (?, ?, ?)", links
        )
        cursor.executemany(
            f"INSERT INTO {table} (position, {', '.join(FIELDS)}, prev_hash, hash) "
            f"VALUES ({', '.join('?' for _ in range(len(FIELDS) + 3))})",
            rows,
        )

    def rebuild_problems(
        self, cursor: Cursor, shadow: Projection, checkpoints: Sequence[Any]
    ) -> list[str]:
        """A rebuild re-derives every row from the events, so it would re-bless an edited
        event. It may replace the live trail only if every row the live trail holds comes
        back unchanged and the new log chain passes every signed checkpoint."""
        live, new = self.t("audit_trail"), shadow.t("audit_trail")
        differs = " OR ".join(
            f"COALESCE(CAST(l.{f} AS TEXT), '') <> COALESCE(CAST(s.{f} AS TEXT), '')"
            for f in FIELDS
        )
        cursor.execute(
            f"SELECT l.position, s.position AS found FROM {live} l "
            f"LEFT JOIN {new} s ON s.position = l.position "
            f"WHERE s.position IS NULL OR {differs} ORDER BY l.position LIMIT 20"
        )
        problems = [
            f"log position {r['position']}: "
            + ("its event is gone" if r["found"] is None else "its event has changed")
            for r in cursor.fetchall()
        ]
        key = self.context.audit_key
        for checkpoint in checkpoints:
            if not isinstance(checkpoint, Checkpoint) or not checkpoint.genuine(key):
                problems.append("a checkpoint file is not genuine")
                continue
            if not checkpoint.log_position:
                continue
            cursor.execute(
                f"SELECT hash FROM {shadow.t('audit_log_chain')} WHERE position = ?",
                (checkpoint.log_position,),
            )
            row = cursor.fetchone()
            if row is None or row["hash"] != checkpoint.log_hash:
                problems.append(
                    f"the rebuilt chain does not pass the checkpoint of {checkpoint.taken_at}"
                )
        return problems


NOT_AUTHENTIC = {
    "missing": "fails authentication: no MAC (written outside the service, or before "
    'event MACs: docs/operations.md, "Event authentication")',
    "mismatch": "fails authentication: its MAC does not match (altered, moved or added "
    "outside the service)",
}


@dataclass(frozen=True)
class ChainBreak:
    person_id: str
    version: int
    problem: str


def verify(
    db: ViewDatabase,
    registers: Registers,
    checkpoints: Sequence[tuple[str, Checkpoint | None]] = (),
) -> Iterator[ChainBreak]:
    """Yield every break found; nothing means every check below held.

    - each person's chain: versions without gaps, every hash following from the one before;
    - the log chain: every audit row linked, in log order, to the one before it;
    - every row equal to the event it came from, and no event without a row;
    - every stored snapshot equal to a replay of the events it summarises;
    - the access log's chain;
    - every signed checkpoint: genuine, and the chains still pass through the heads it
      recorded (so rows cut from the end of a chain show too).
    """
    key = registers.audit_key
    with db.read() as cursor:
        cursor.execute("SELECT * FROM audit_trail ORDER BY person_id, version")
        rows = cursor.fetchall()
        cursor.execute("SELECT * FROM audit_log_chain ORDER BY position")
        links = cursor.fetchall()
    yield from _person_chains(rows, key)
    yield from _log_chain(rows, links, key)
    people: set[UUID] = set()  # filled by the one pass over the log below
    yield from _compare_with_events(rows, registers, people)
    yield from _compare_snapshots(registers, sorted(people))
    for item in access_log.verify_access(db, key):
        yield ChainBreak("access-log", item.seq, item.problem)
    yield from _compare_with_checkpoints(db, links, key, checkpoints)


def _person_chains(rows: list[Row], key: bytes) -> Iterator[ChainBreak]:
    previous_person, previous_hash, expected_version = None, GENESIS, 1
    for row in rows:
        if row["person_id"] != previous_person:
            previous_person, previous_hash, expected_version = row["person_id"], GENESIS, 1
        if row["version"] != expected_version:
            yield ChainBreak(
                row["person_id"], row["version"], f"expected version {expected_version}"
            )
        if row["prev_hash"] != previous_hash or chain_hash(key, previous_hash, row) != row["hash"]:
            yield ChainBreak(row["person_id"], row["version"], "hash does not match content")
        previous_hash, expected_version = row["hash"], row["version"] + 1


def _log_chain(rows: list[Row], links: list[Row], key: bytes) -> Iterator[ChainBreak]:
    by_position = {int(r["position"]): r for r in rows}
    linked = {int(link_row["position"]) for link_row in links}
    previous = GENESIS
    for link_row in links:
        position = int(link_row["position"])
        row = by_position.get(position)
        if row is None:
            yield ChainBreak("log", position, "log chain names a row that is missing")
            previous = link_row["hash"]
            continue
        expected = log_link(key, previous, position, row["hash"])
        if link_row["prev_hash"] != previous or link_row["hash"] != expected:
            yield ChainBreak(row["person_id"], row["version"], "log chain broken here")
        previous = link_row["hash"]
    for position in sorted(by_position.keys() - linked):
        row = by_position[position]
        yield ChainBreak(row["person_id"], row["version"], "row is not in the log chain")


def _compare_with_checkpoints(
    db: ViewDatabase,
    links: list[Row],
    key: bytes,
    checkpoints: Sequence[tuple[str, Checkpoint | None]],
) -> Iterator[ChainBreak]:
    log_hashes = {int(r["position"]): r["hash"] for r in links}
    log_end = max(log_hashes, default=0)
    for name, checkpoint in checkpoints:
        if checkpoint is None or not checkpoint.genuine(key):
            yield ChainBreak("checkpoint", 0, f"{name} is not a genuine checkpoint")
            continue
        if checkpoint.log_position:
            if log_end < checkpoint.log_position:
                yield ChainBreak(
                    "log",
                    checkpoint.log_position,
                    f"the audit trail ends at {log_end}, before {name} ({checkpoint.taken_at})",
                )
            elif log_hashes.get(checkpoint.log_position) != checkpoint.log_hash:
                yield ChainBreak(
                    "log", checkpoint.log_position, f"the log chain no longer passes {name}"
                )
        if checkpoint.access_seq:
            found = access_log.hash_at(db, checkpoint.access_seq)
            if found is None:
                yield ChainBreak(
                    "access-log", checkpoint.access_seq, f"rows cut from the end since {name}"
                )
            elif found != checkpoint.access_hash:
                yield ChainBreak(
                    "access-log", checkpoint.access_seq, f"the chain no longer passes {name}"
                )


def take_checkpoint(db: ViewDatabase, key: bytes, at: datetime) -> Checkpoint:
    """The current heads of the log chain and the access log, signed."""
    with db.read() as cursor:
        cursor.execute("SELECT position, hash FROM audit_log_chain ORDER BY position DESC LIMIT 1")
        row = cursor.fetchone()
    seq, access_hash = access_log.AccessLog(db, key).head()
    return Checkpoint(
        taken_at=at.isoformat(),
        log_position=int(row["position"]) if row else 0,
        log_hash=str(row["hash"]) if row else GENESIS,
        access_seq=seq,
        access_hash=access_hash,
    ).signed(key)


def _compare_snapshots(registers: Registers, person_ids: Sequence[UUID]) -> Iterator[ChainBreak]:
    """A snapshot is a shortcut the application reads instead of events: one that differs
    from its events would show and decide on a record the history does not hold."""
    transcoder = registers.mapper.transcoder
    store = registers.snapshots
    for person_id in person_ids:
        for stored in store.recorder.select_events(person_id) if store else ():
            try:
                snapshot: Any = registers.mapper.to_domain_event(stored)
            except EventNotAuthenticError as refused:
                yield ChainBreak(str(person_id), stored.originator_version,
                                 f"snapshot {NOT_AUTHENTIC[refused.kind]}")  # fmt: skip
                continue
            except Exception:
                yield ChainBreak(
                    str(person_id),
                    stored.originator_version,
                    "snapshot cannot be opened with the person's key",
                )
                continue
            try:
                replayed: Any = None
                for event in registers.events.get(person_id, lte=snapshot.originator_version):
                    replayed = event.mutate(replayed)  # type: ignore[attr-defined]
            except Exception as error:  # a hole, an unreadable event: a break, not a crash
                problem = f"events do not replay to the snapshot ({type(error).__name__})"
                yield ChainBreak(str(person_id), snapshot.originator_version, problem)
                continue
            if replayed is None:
                yield ChainBreak(str(person_id), snapshot.originator_version, "no events")
                continue
            expected = type(snapshot).take(replayed)
            # Read back first: a snapshot taken before state was added holds its default.
            restored = type(snapshot).take(snapshot.mutate(None))
            if transcoder.encode(expected.state) != transcoder.encode(restored.state):
                yield ChainBreak(
                    str(person_id),
                    snapshot.originator_version,
                    "snapshot differs from a replay of its events",
                )


def _compare_with_events(
    rows: list[Row], registers: Registers, people: set[UUID]
) -> Iterator[ChainBreak]:
    by_key = {(r["person_id"], r["version"]): r for r in rows}
    versions: dict[str, list[int]] = {}
    seen = set()
    start = 1
    while True:
        notifications = registers.recorder.select_notifications(start, 1000)
        if not notifications:
            break
        for notification in notifications:
            try:
                event = registers.mapper.to_domain_event(notification)
            except EventNotAuthenticError as refused:
                yield ChainBreak(refused.person_id, notification.originator_version,
                                 "stored event " + NOT_AUTHENTIC[refused.kind])  # fmt: skip
                continue
            except Exception as error:  # every other check still runs
                problem = f"stored event cannot be read ({type(error).__name__})"
                yield ChainBreak(str(notification.originator_id), notification.originator_version,
                                 problem)  # fmt: skip
                continue
            if not isinstance(event, PersonEvent):
                continue
            people.add(UUID(str(event.originator_id)))
            versions.setdefault(str(event.originator_id), []).append(event.originator_version)
            record = audit_record(event)
            key = (record["person_id"], record["version"])
            seen.add(key)
            row = by_key.get(key)
            if row is None:
                yield ChainBreak(key[0], key[1], "event missing from the audit trail")
            elif any(row[f] != record[f] for f in FIELDS):
                yield ChainBreak(key[0], key[1], "audit row differs from the stored event")
        start = notifications[-1].id + 1
    for key in by_key.keys() - seen:
        yield ChainBreak(key[0], key[1], "audit row has no stored event")
    for person_id, stored in versions.items():
        for version in sorted(set(range(1, max(stored) + 1)) - set(stored)):
            yield ChainBreak(person_id, version, "stored events skip this version")
