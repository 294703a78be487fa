"""`dsr audit verify` names every kind of tampering the probe tried, without a traceback
(issue 30: "names every one of the 16 tamper kinds"), on a store `dsr demo` made.

Each case edits the embedded store's files with plain SQL, as someone holding the host
but not the audit key would, after a checkpoint was taken; verify must exit 1 and name
the break, and every other check must still run (a second, untouched kind of break
planted in every case is reported too).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from dsr_core.storage.event_mac import TRAILER
from dsr_http.cli import main

Tamper = Callable[[Path], None]


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("DSR_DATABASE_URL", "DSR_CIPHER_KEY", "DSR_JWT_SECRET"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DSR_DATA_DIR", str(tmp_path / "data"))
    assert main(["demo", "--people", "12"]) == 0
    assert main(["audit", "verify"]) == 0  # caught up, and clean
    _accesses(tmp_path / "data")
    assert main(["audit", "checkpoint"]) == 0
    return tmp_path / "data"


def _accesses(data: Path) -> None:
    from datetime import UTC, datetime

    from dsr_core.process.settings import Settings
    from dsr_http.runtime import opened
    from dsr_projections.audit.access_log import Access, AccessLog

    with opened(Settings()) as runtime:
        log = AccessLog(runtime.db, runtime.registers.audit_key)
        for n in range(4):
            at = datetime.now(UTC)
            log.record(Access(at=at, actor_id=f"reader-{n}", actor_role="lead", what="record"))


def events(data: Path, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    with sqlite3.connect(data / "events.sqlite3") as db:
        return db.execute(sql, params).fetchall()


def views(data: Path, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    with sqlite3.connect(data / "views.sqlite3") as db:
        return db.execute(sql, params).fetchall()


def _longest(data: Path) -> tuple[str, int]:
    """The person with the most events, and how many."""
    [(person, top)] = events(
        data,
        "SELECT originator_id, MAX(originator_version) FROM stored_events "
        "WHERE topic LIKE 'dsr.person.%' GROUP BY originator_id ORDER BY 2 DESC LIMIT 1",
    )
    return str(person), int(str(top))


def _flip_event(data: Path) -> None:
    person, _ = _longest(data)
    events(
        data,
        "UPDATE stored_events SET state = CAST(replace(CAST(state AS TEXT), "
        "'\"', '''') AS BLOB) WHERE originator_id = ? AND originator_version = 2",
        (person,),
    )


def _delete_middle(data: Path) -> None:
    person, top = _longest(data)
    events(
        data,
        "DELETE FROM stored_events WHERE originator_id = ? AND originator_version = ?",
        (person, top // 2),
    )


def _delete_last_with_its_rows(data: Path) -> None:
    [(position, _, _)] = events(
        data,
        "SELECT rowid, originator_id, originator_version FROM stored_events "
        "WHERE topic LIKE 'dsr.person.%' ORDER BY rowid DESC LIMIT 1",
    )
    events(data, "DELETE FROM stored_events WHERE rowid = ?", (position,))
    views(data, "DELETE FROM audit_trail WHERE position = ?", (position,))
    views(data, "DELETE FROM audit_log_chain WHERE position = ?", (position,))


def _copy_as_next(data: Path) -> None:
    person, top = _longest(data)
    events(
        data,
        "INSERT INTO stored_events (originator_id, originator_version, topic, state) "
        "SELECT originator_id, ?, topic, state FROM stored_events "
        "WHERE originator_id = ? AND originator_version = ?",
        (top + 1, person, top),
    )


def _move_to_another_person(data: Path) -> None:
    person, top = _longest(data)
    [(other,)] = events(
        data,
        "SELECT originator_id FROM stored_events WHERE originator_id <> ? "
        "AND topic = 'dsr.person.Referred' LIMIT 1",
        (person,),
    )
    events(
        data,
        "UPDATE stored_events SET originator_id = ?, originator_version = 900 "
        "WHERE originator_id = ? AND originator_version = ?",
        (other, person, top),
    )


def _swap_versions(data: Path) -> None:
    person, _ = _longest(data)
    for was, now in ((2, -2), (3, 2), (-2, 3)):
        events(
            data,
            "UPDATE stored_events SET originator_version = ? "
            "WHERE originator_id = ? AND originator_version = ?",
            (now, person, was),
        )


def _change_topic(data: Path) -> None:
    person, _ = _longest(data)
    events(
        data,
        "UPDATE stored_events SET topic = 'dsr.person.Removed' "
        "WHERE originator_id = ? AND originator_version = 2",
        (person,),
    )


def _strip_mac(data: Path) -> None:
    person, _ = _longest(data)
    events(
        data,
        f"UPDATE stored_events SET state = substr(state, 1, length(state) - {TRAILER}) "
        "WHERE originator_id = ? AND originator_version = 2",
        (person,),
    )


def _edit_audit_row(data: Path) -> None:
    views(data, "UPDATE audit_trail SET actor_id = 'someone-else' WHERE position = 3")


def _delete_audit_row(data: Path) -> None:
    views(data, "DELETE FROM audit_trail WHERE position = 3")


def _delete_log_link(data: Path) -> None:
    views(data, "DELETE FROM audit_log_chain WHERE position = 3")


def _reorder_audit_rows(data: Path) -> None:
    views(
        data,
        "UPDATE audit_trail SET position = CASE position WHEN 3 THEN -4 "
        "WHEN 4 THEN 3 END WHERE position IN (3, 4)",
    )
    views(data, "UPDATE audit_trail SET position = 4 WHERE position = -4")


def _delete_access_row(data: Path) -> None:
    views(data, "DELETE FROM access_trail WHERE seq = 2")


def _cut_access_end(data: Path) -> None:
    views(data, "DELETE FROM access_trail WHERE seq = (SELECT MAX(seq) FROM access_trail)")


def _forge_checkpoint(data: Path) -> None:
    [path] = (data / "checkpoints").iterdir()
    checkpoint = json.loads(path.read_text())
    checkpoint["log_position"] = 1
    path.write_text(json.dumps(checkpoint))


def _delete_snapshot_and_an_event_under_it(data: Path) -> None:
    """Snapshots are a cache: deleting one is harmless; the event under it is not."""
    events(data, "DELETE FROM stored_snapshots")
    _delete_middle(data)


KINDS: dict[str, tuple[Tamper, str]] = {
    "event edited": (_flip_event, "fails authentication: its MAC does not match"),
    "middle event deleted": (_delete_middle, "stored events skip this version"),
    "last event deleted with its rows": (_delete_last_with_its_rows, "the audit trail ends"),
    "event copied as a new version": (_copy_as_next, "fails authentication"),
    "event moved to another person": (_move_to_another_person, "fails authentication"),
    "two events' versions swapped": (_swap_versions, "fails authentication"),
    "event's topic changed": (_change_topic, "fails authentication"),
    "event's MAC stripped": (_strip_mac, "fails authentication: no MAC"),
    "audit row edited": (_edit_audit_row, "hash does not match content"),
    "audit row deleted": (_delete_audit_row, "log chain names a row that is missing"),
    "log chain link deleted": (_delete_log_link, "row is not in the log chain"),
    "audit rows reordered": (_reorder_audit_rows, "log chain broken here"),
    "access-log row deleted": (_delete_access_row, "missing"),
    "access-log rows cut from the end": (_cut_access_end, "rows cut from the end"),
    "checkpoint forged": (_forge_checkpoint, "is not a genuine checkpoint"),
    "snapshots and an event deleted": (
        _delete_snapshot_and_an_event_under_it,
        "stored events skip this version",
    ),
}


@pytest.mark.parametrize("kind", list(KINDS))
def test_verify_names_the_break_and_runs_every_check(
    kind: str, store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tamper, named = KINDS[kind]
    tamper(store)
    views(store, "UPDATE access_trail SET actor_id = 'planted' WHERE seq = 1")  # a second break
    capsys.readouterr()
    assert main(["audit", "verify"]) == 1
    said = capsys.readouterr()
    assert "Traceback" not in said.err
    lines = [json.loads(line) for line in said.out.splitlines() if line.startswith("{")]
    breaks, summary = lines[:-1], lines[-1]
    assert summary["breaks"] == len(breaks) > 0
    assert any(named in b["problem"] for b in breaks), (kind, breaks)
    assert any(b["person_id"] == "access-log" and b["version"] == 1 for b in breaks)
