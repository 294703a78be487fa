"""The dsr command line: demo data, exports, tokens, info."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from dsr_http.cli import main
from dsr_projections.bootstrap import ALL


@pytest.fixture
def embedded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("DSR_DATABASE_URL", "DSR_CIPHER_KEY", "DSR_JWT_SECRET"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DSR_DATA_DIR", str(tmp_path / "data"))
    return tmp_path


def test_demo_loads_an_empty_store_once_and_export_writes_three_files(
    embedded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo", "--people", "60"]) == 0
    assert main(["demo", "--people", "60"]) == 1  # not into a store that holds events
    assert main(["export", "E54000048", "2026-Q3", "--out", str(embedded / "out")]) == 0
    files = sorted(p.name for p in (embedded / "out").iterdir())
    assert files == [  # the area's dataset is named for what it is (issue 31)
        "register-E54000048-2026-Q3.csv",
        "unsuppressed-E54000048-2026-Q3-records.csv",
        "unsuppressed-E54000048-2026-Q3-tables.csv",
    ]
    national = (embedded / "out" / files[1]).read_text() + (embedded / "out" / files[2]).read_text()
    assert "Examplewood" not in national and "Testbury" not in national


def test_a_minted_token_is_accepted_by_the_same_installation(
    embedded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from dsr_http.auth import TokenVerifier
    from dsr_http.config import HttpSettings

    assert main(["token", "--role", "lead", "--area", "E54000048"]) == 0
    token = capsys.readouterr().out.strip()
    principal = TokenVerifier(HttpSettings(), embedded / "data").verify(token)
    assert principal.areas == frozenset({"E54000048"})


def test_info_reports_storage_without_secrets(
    embedded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--init", "info"]) == 0  # a new store: allowed only when asked for
    report = json.loads(capsys.readouterr().out)
    assert (
        report["storage"] == "sqlite"
        and report["encrypted_at_rest"]["events_and_snapshots"] is False
    )
    assert main(["keygen"]) == 0
    assert len(base64.b64decode(capsys.readouterr().out.strip())) == 32


def test_several_api_processes_are_refused_on_the_embedded_store(
    embedded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """They would each run the projections and scheduler on one SQLite file."""
    assert main(["serve", "--workers", "2"]) == 2
    assert "need PostgreSQL" in capsys.readouterr().err


def test_logging_follows_stderr_when_it_is_replaced(capsys: pytest.CaptureFixture[str]) -> None:
    """A configured logger keeps working after the stream it started with is closed."""
    import io
    import sys

    import structlog

    from dsr_core.process.logging import configure_logging

    configure_logging()
    first = io.StringIO()
    original = sys.stderr
    try:
        sys.stderr = first
        structlog.get_logger("t").info("one")
        first.close()
        sys.stderr = io.StringIO()
        structlog.get_logger("t").info("two")
        assert '"event": "two"' in sys.stderr.getvalue()
    finally:
        sys.stderr = original


def test_dsr_import_reports_by_row_and_column_and_a_second_run_writes_nothing(
    embedded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.practice.test_import import spreadsheet, write_csv

    rows, bad = spreadsheet(10, 5)
    for row in rows:  # dates in the past of the real clock this command runs with
        row["Date of birth"] = "02/04/1990"
    path = write_csv(embedded / "register.csv", rows)
    args = ["import", str(path), "--area", "E54000048"]
    assert main(["--init", *args, "--dry-run"]) == 1
    dry = json.loads(capsys.readouterr().out)
    assert dry["summary"]["would_import"] == 8 and dry["summary"]["refused_rows"] == 2
    assert main(args) == 1
    assert json.loads(capsys.readouterr().out)["summary"]["imported"] == 8
    assert main(args) == 1  # the two bad rows are still bad
    again = json.loads(capsys.readouterr().out)["summary"]
    assert (again["imported"], again["unchanged"]) == (0, 8)
    assert sorted({p["row"] for p in dry["refused"]}) == sorted(bad)


def test_dsr_rebuild_rebuilds_every_read_model_in_one_pass_to_the_same_content(
    embedded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo", "--people", "40"]) == 0
    assert main(["rebuild"]) == 0  # the demo's read models were not built yet
    capsys.readouterr()
    assert main(["rebuild"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert {line["projection"] for line in lines} == {p.name for p in ALL}
    assert {line["content"] for line in lines} == {"unchanged"}
    assert len({line["position"] for line in lines}) == 1


def test_a_command_run_away_from_the_store_refuses_rather_than_make_an_empty_one(
    embedded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for argv in (["export", "E54000048", "2026-Q3"], ["rebuild"], ["info"], ["audit", "verify"]):
        assert main(argv) == 2
        said = capsys.readouterr().err
        assert "DSR_DATA_DIR" in said and str(embedded / "data") in said
        assert said.count("\n") == 1  # one line, no traceback
    assert not (embedded / "data").exists()  # no new, empty store with new keys


def test_a_misconfiguration_is_one_line_naming_the_variable(
    embedded: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["--init", "info"]) == 0
    capsys.readouterr()
    assert main(["rebuild", "bogus"]) == 2
    said = capsys.readouterr().err
    assert "no read model named 'bogus'" in said and "register" in said
    monkeypatch.setenv("DSR_AREA_SETTINGS", '{"E54000048": {"cadences": {"referal_days": 3}}}')
    assert main(["info"]) == 2
    said = capsys.readouterr().err
    assert said.startswith("dsr info: DSR_AREA_SETTINGS at cadences.referal_days")
    assert said.count("\n") == 1
    monkeypatch.delenv("DSR_AREA_SETTINGS")
    subscriber = {"name": "x", "url": "https://x.example", "secret": "not base64!",
                  "role": "practitioner", "areas": ["E54000048"]}  # fmt: skip
    monkeypatch.setenv("DSR_FEED_SUBSCRIBERS", json.dumps([subscriber]))
    assert main(["schedule"]) == 2  # before the scheduler starts
    said = capsys.readouterr().err
    assert said.startswith("dsr schedule: DSR_FEED_SUBSCRIBERS at 0.secret: ") and "base64" in said
    assert said.count("\n") == 1
    monkeypatch.delenv("DSR_FEED_SUBSCRIBERS")
    monkeypatch.setenv("DSR_WEBHOOK_SECRET", "not base64!")
    assert main(["serve", "--port", "1"]) == 2  # before it binds, loads or starts anything
    said = capsys.readouterr().err
    assert said.startswith("dsr serve: DSR_WEBHOOK_SECRET: ") and said.count("\n") == 1
    monkeypatch.delenv("DSR_WEBHOOK_SECRET")
    monkeypatch.setenv("DSR_DATABASE_URL", "postgresql://someone:pw@127.0.0.1:1/nowhere")
    assert main(["info"]) == 2
    said = capsys.readouterr().err
    assert "DSR_DATABASE_URL: cannot reach PostgreSQL at 127.0.0.1:1/nowhere" in said
    assert "pw" not in said and said.count("\n") == 1
    monkeypatch.delenv("DSR_DATABASE_URL")
    monkeypatch.setenv("DSR_JWKS_UR", "https://login.example/keys")
    assert main(["info"]) == 0
    assert "DSR_JWKS_UR is not a dsr setting and is ignored (did you mean DSR_JWKS_URL?)" in (
        capsys.readouterr().err
    )


def test_help_and_version_answer_without_loading_the_service() -> None:
    """Issue 29: `dsr --help` took 3-5 s; the parser imports nothing heavy."""
    import subprocess
    import sys

    probe = (
        "import sys; from dsr_http.cli.parser import build_parser; "
        "build_parser().format_help(); "
        "print([m for m in ('fastapi', 'eventsourcing', 'sqlalchemy', 'pydantic_settings') "
        "if m in sys.modules])"
    )
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert loaded.stdout.strip() == "[]", loaded.stderr
    shown = subprocess.run([sys.executable, "-m", "dsr_http.cli", "--version"],
                           capture_output=True, text=True)  # fmt: skip
    assert shown.stdout.startswith("dsr 0.")


def test_the_parser_s_copies_match_what_they_copy() -> None:
    from dsr_core.domain.codes import Role
    from dsr_core.process import bootstrap
    from dsr_http import cli
    from dsr_http.cli.parser import ROLES

    assert set(ROLES) == {str(r) for r in Role if r is not Role.SYSTEM}
    assert cli.EVENTS_FILE == bootstrap.EVENTS_FILE


def test_dsr_settings_lists_every_setting_its_source_and_never_a_secret(
    embedded: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DSR_JWT_SECRET", "a-very-secret-signing-key-0123456789")
    monkeypatch.setenv("DSR_REMINDER_EVERY_MINUTES", "15")
    assert main(["settings", "--json"]) == 0
    out = capsys.readouterr().out
    assert "a-very-secret-signing-key" not in out
    rows = {row["variable"]: row for row in json.loads(out)}
    assert rows["DSR_JWT_SECRET"] == rows["DSR_JWT_SECRET"] | {
        "value": "(set)", "source": "environment", "secret": True}  # fmt: skip
    assert rows["DSR_REMINDER_EVERY_MINUTES"]["value"] == 15
    assert rows["DSR_DATABASE_TIMEOUT_SECONDS"]["source"] == "default"
    from dsr_http.cli.problems import TEST_ONLY, known_names

    assert set(rows) == known_names() - TEST_ONLY  # every setting the service reads
    assert not (embedded / "data").exists()  # listing settings makes no store


def test_dsr_import_writes_a_template_and_a_report_a_lead_can_open(
    embedded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import csv as csv_module

    from tests.practice.test_import import spreadsheet, write_csv

    assert main(["import", "--template", str(embedded / "blank.xlsx")]) == 0
    assert (embedded / "blank.xlsx").stat().st_size > 0
    assert not (embedded / "data").exists()  # a template needs no store
    rows, bad = spreadsheet(4, 2)
    for row in rows:
        row["Date of birth"] = "02/04/1990"
    path = write_csv(embedded / "register.csv", rows)
    report = embedded / "report.csv"
    args = ["--init", "import", str(path), "--area", "E54000048", "--report", str(report)]
    assert main(args) == 1
    capsys.readouterr()
    lines = list(csv_module.reader(report.read_text(encoding="utf-8-sig").splitlines()))
    assert lines[0] == ["Row", "Column", "Outcome", "Detail"]
    assert {int(r[0]) for r in lines[1:] if r[2] == "refused"} == set(bad)
    assert sum(r[2] == "imported" for r in lines[1:]) == 4 - len(bad)


def test_a_busy_port_stops_serve_before_it_touches_the_store(
    embedded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 29: it used to run its checkpoint, retention and reminder jobs against the
    live store, then fail to bind."""
    import socket

    held = socket.socket()
    held.bind(("127.0.0.1", 0))
    held.listen()
    port = held.getsockname()[1]
    try:
        assert main(["serve", "--port", str(port), "--demo", "20"]) == 2
    finally:
        held.close()
    said = capsys.readouterr().err
    assert said.startswith(f"dsr serve: cannot listen on 127.0.0.1:{port}")
    assert said.count("\n") == 1
    assert not (embedded / "data").exists()  # no store made, no demo loaded, no job run


def test_audit_verify_warns_when_there_is_no_checkpoint_and_records_a_clean_run(
    embedded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 30: verify passed silently with no checkpoint at all; issue 29: a clean run is
    what /metrics' dsr_job_seconds_since_success{job="audit-verify"} counts from."""
    assert main(["demo", "--people", "10"]) == 0
    capsys.readouterr()
    assert main(["audit", "verify"]) == 0
    said = capsys.readouterr()
    assert "warning: no checkpoint" in said.err
    assert json.loads(said.out.splitlines()[-1])["warning"].startswith("no checkpoint")
    assert main(["audit", "checkpoint"]) == 0
    capsys.readouterr()
    assert main(["audit", "verify"]) == 0
    assert "warning" not in capsys.readouterr().err
    from dsr_core.process.settings import Settings
    from dsr_http.runtime import opened
    from dsr_scheduler import job_runs

    with opened(Settings()) as runtime:
        [row] = [r for r in job_runs.runs(runtime.db) if r["job"] == "audit-verify"]
    assert (row["runs"], row["failures"]) == (2, 0)
