"""A store written before event MACs (issue 30, item 2): refused in one line until
`dsr audit authenticate` has signed it, which it does only when verify finds nothing."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from dsr_core.storage.event_mac import TRAILER
from dsr_http.cli import main


@pytest.fixture
def embedded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("DSR_DATABASE_URL", "DSR_CIPHER_KEY", "DSR_JWT_SECRET"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DSR_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


def as_written_before_macs(data: Path) -> None:
    """Every event and snapshot as dsr 0.2 stored it: the same bytes, no trailer."""
    with sqlite3.connect(data / "events.sqlite3") as db:
        for table in ("stored_events", "stored_snapshots"):
            db.execute(f"UPDATE {table} SET state = substr(state, 1, length(state) - {TRAILER})")


def test_an_old_store_is_refused_until_authenticated_then_verifies(
    embedded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo", "--people", "12"]) == 0
    as_written_before_macs(embedded)
    capsys.readouterr()
    assert main(["info"]) == 2
    said = capsys.readouterr().err
    assert "dsr audit authenticate" in said and said.count("\n") == 1
    assert main(["audit", "authenticate"]) == 0
    done = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert done["events_signed"] > 12
    assert main(["audit", "verify"]) == 0
    assert main(["audit", "authenticate"]) == 0  # again: nothing left to sign
    assert json.loads(capsys.readouterr().out.splitlines()[-1])["events_signed"] == 0


def test_an_event_added_by_hand_before_the_upgrade_is_not_signed(
    embedded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo", "--people", "12"]) == 0
    as_written_before_macs(embedded)
    with sqlite3.connect(embedded / "events.sqlite3") as db:
        db.execute(
            "INSERT INTO stored_events (originator_id, originator_version, topic, state) "
            "SELECT originator_id, originator_version + 1000, topic, state FROM stored_events "
            "WHERE topic = 'dsr.person.ViewsRecorded' LIMIT 1"
        )
    capsys.readouterr()
    assert main(["audit", "authenticate"]) == 1
    said = capsys.readouterr()
    assert "nothing signed" in said.err
    assert "stored events skip this version" in said.out
    assert main(["info"]) == 2  # still refused: nothing was signed
