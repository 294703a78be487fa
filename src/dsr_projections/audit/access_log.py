"""Who read which people's data, when, and who was refused: every read is itself audited.

One row per request that returned person-level data (a record, a history, a register page,
a reminders page, an actor trail, a register snapshot), listing the people it showed, and
one per refused attempt, naming its target. Rows are numbered and chained with a keyed
hash (checkpoints.py), so a deleted or edited row breaks the chain and `dsr audit verify`
says where; the people of each row are indexed in `access_subjects` for "who saw X".
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from dsr_projections.audit.checkpoints import GENESIS, link
from dsr_projections.storage.database import SCHEMA_LOCK, Cursor, Row, ViewDatabase
from dsr_projections.storage.text import storable

TABLE = "access_trail"
SUBJECTS = "access_subjects"
LOCK = "access_trail"
FIELDS = (
    "seq",
    "at",
    "actor_id",
    "actor_role",
    "what",
    "outcome",
    "area",
    "person_ids",
    "target",
    "request_id",
)


@dataclass(frozen=True)
class Access:
    """One read, or one refused attempt, as the access log keeps it."""

    at: datetime
    actor_id: str
    actor_role: str
    what: str
    person_ids: Sequence[str] = ()
    area: str | None = None
    outcome: str = "allowed"
    target: str | None = None
    request_id: str | None = None


def create(db: ViewDatabase) -> None:
    with db.transaction(lock=SCHEMA_LOCK) as cursor:
        create_tables(cursor)


def create_tables(cursor: Cursor) -> None:
    cursor.execute(
        f"CREATE TABLE IF NOT EXISTS {TABLE} (seq BIGINT PRIMARY KEY, at TEXT NOT NULL, "
        "actor_id TEXT NOT NULL, actor_role TEXT NOT NULL, what TEXT NOT NULL, "
        "outcome TEXT NOT NULL, area TEXT, person_ids TEXT NOT NULL, target TEXT, "
        "request_id TEXT, prev_hash TEXT NOT NULL, hash TEXT NOT NULL)"
    )
    cursor.execute(
        f"CREATE TABLE IF NOT EXISTS {SUBJECTS} (person_id TEXT NOT NULL, seq BIGINT NOT NULL)"
    )
    cursor.execute(
        f"CREATE INDEX IF NOT EXISTS access_subjects_by_person ON {SUBJECTS} (person_id, seq)"
    )


def content(row: dict[str, Any]) -> str:
    return json.dumps([row[f] for f in FIELDS], separators=(",", ":"), default=str)


class AccessLog:
    def __init__(self, db: ViewDatabase, key: bytes) -> None:
        self.db = db
        self.key = key

    def record(self, access: Access) -> None:
        """Append one row, chained to the one before (the lock keeps the chain linear)."""
        with self.db.transaction(lock=LOCK) as cursor:
            cursor.execute(f"SELECT seq, hash FROM {TABLE} ORDER BY seq DESC LIMIT 1")
            last = cursor.fetchone()
            seq, previous = (int(last["seq"]) + 1, last["hash"]) if last else (1, GENESIS)
            row = {
                "seq": seq,
                "at": access.at.isoformat(),
                "actor_id": storable(access.actor_id),
                "actor_role": access.actor_role,
                "what": access.what,
                "outcome": access.outcome,
                "area": access.area,
                "person_ids": json.dumps(sorted(set(access.person_ids))),
                "target": storable(access.target) if access.target else None,
                "request_id": access.request_id,
            }
            cursor.execute(
                f"INSERT INTO {TABLE} ({', '.join(FIELDS)}, prev_hash, hash) "
                f"VALUES ({', '.join('?' for _ in range(len(FIELDS) + 2))})",
                (*(row[f] for f in FIELDS), previous, link(self.key, previous, content(row))),
            )
            cursor.executemany(
                f"INSERT INTO {SUBJECTS} (person_id, seq) VALUES (?, ?)",
                [(pid, seq) for pid in sorted(set(access.person_ids))],
            )

    def for_person(self, person_id: UUID) -> list[Row]:
        with self.db.read() as cursor:
            cursor.execute(
                f"SELECT a.* FROM {TABLE} a JOIN {SUBJECTS} s ON s.seq = a.seq "
                "WHERE s.person_id = ? ORDER BY a.seq",
                (str(person_id),),
            )
            return [_public(r) for r in cursor.fetchall()]

    def head(self) -> tuple[int, str]:
        with self.db.read() as cursor:
            cursor.execute(f"SELECT seq, hash FROM {TABLE} ORDER BY seq DESC LIMIT 1")
            row = cursor.fetchone()
        return (int(row["seq"]), str(row["hash"])) if row else (0, GENESIS)


def _public(row: Row) -> Row:
    item = {k: v for k, v in row.items() if k not in ("prev_hash", "hash")}
    item["person_ids"] = json.loads(item["person_ids"])
    return item


@dataclass(frozen=True)
class AccessBreak:
    seq: int
    problem: str


def verify_access(db: ViewDatabase, key: bytes) -> Iterator[AccessBreak]:
    """Every gap in the numbering and every row whose hash does not follow."""
    previous, expected = GENESIS, 1
    for row in _rows(db):
        seq = int(row["seq"])
        if seq != expected:
            yield AccessBreak(seq, f"rows {expected} to {seq - 1} are missing")
        if row["prev_hash"] != previous or link(key, previous, content(row)) != row["hash"]:
            yield AccessBreak(seq, "hash does not match content")
        previous, expected = row["hash"], seq + 1


def hash_at(db: ViewDatabase, seq: int) -> str | None:
    with db.read() as cursor:
        cursor.execute(f"SELECT hash FROM {TABLE} WHERE seq = ?", (seq,))
        row = cursor.fetchone()
    return str(row["hash"]) if row else None


def _rows(db: ViewDatabase) -> Iterable[Row]:
    with db.read() as cursor:
        cursor.execute(f"SELECT * FROM {TABLE} ORDER BY seq")
        return cursor.fetchall()
