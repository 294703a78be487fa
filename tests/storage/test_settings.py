from pathlib import Path

import pytest
from pydantic import ValidationError

from dsr_core.process.bootstrap import library_env
from dsr_core.process.settings import Settings


def test_with_nothing_configured_dsr_runs_embedded_on_sqlite(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("DSR_DATABASE_URL", "DSR_CIPHER_KEY", "DSR_DATA_DIR"):
        monkeypatch.delenv(name, raising=False)
    env = library_env(Settings(data_dir=Path("/tmp/dsr-settings-test")))
    assert env["PERSISTENCE_MODULE"] == "eventsourcing.sqlite"
    assert "CIPHER_KEY" not in env


def test_empty_variables_from_compose_count_as_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DSR_CIPHER_KEY", "")
    monkeypatch.setenv("DSR_DATABASE_URL", "")
    settings = Settings()
    assert settings.cipher_key is None and not settings.uses_postgres


def test_a_postgres_url_selects_postgres_without_db_functions(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DSR_DATABASE_URL", "postgresql://u:p@db.example:5433/dsr")
    env = library_env(Settings())
    assert env["PERSISTENCE_MODULE"] == "eventsourcing.postgres"
    assert (env["POSTGRES_HOST"], env["POSTGRES_PORT"], env["POSTGRES_DBNAME"]) == (
        "db.example",
        "5433",
        "dsr",
    )
    assert env["POSTGRES_ENABLE_DB_FUNCTIONS"] == "n"


def test_a_non_postgres_database_url_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DSR_DATABASE_URL", "mysql://u:p@h/db")
    with pytest.raises(ValidationError, match="postgresql"):
        Settings()


def test_every_process_reads_its_settings_by_one_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    from dsr_http.config import HttpSettings
    from dsr_scheduler.config import SchedulerSettings

    for name in ("DSR_JWT_SECRET", "DSR_WEBHOOK_URL", "DSR_WEBHOOK_SECRET", "DSR_MAX_WAIT_SECONDS"):
        monkeypatch.setenv(name, "")
    http, scheduler = HttpSettings(), SchedulerSettings()
    assert http.jwt_secret is None and http.max_wait_seconds == 5.0
    assert scheduler.webhook_url is None and scheduler.webhook_secret is None
    monkeypatch.setenv("DSR_MAX_WAIT_SECONDS", "2")
    assert HttpSettings().max_wait_seconds == 2.0
