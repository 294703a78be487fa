"""Fixtures: every application test runs on an embedded SQLite file and on PostgreSQL."""

from __future__ import annotations

import base64
import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from dsr_core.process.bootstrap import build_registers
from dsr_core.process.settings import Settings
from dsr_core.service.registers import Registers
from dsr_http.runtime import create_tables
from dsr_projections.bootstrap import build_runner
from dsr_projections.engine.runner import ProjectionRunner
from tests.support.factories import FakeClock
from tests.support.pgserver import ThrowawayPostgres, find_bindir

IDENTITY_KEY = base64.b64encode(b"test-identity-key-32-bytes-long!").decode()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tiers, from what a test needs: `system` (processes, kill tests), `integration` (a
    store on each backend), `unit` (no database). `make test-unit` runs the last alone.

    A test marked `one_backend` checks what the store cannot change (the HTTP contract,
    the FHIR mapping, whole demo registers through the API): it runs on SQLite only, its
    PostgreSQL copy deselected, since the storage underneath is checked by every other
    test on both (issue 29: the suite's time)."""
    tiers = ("unit", "integration", "system")
    twins = [item for item in items if _postgres_twin(item)]
    if twins:
        config.hook.pytest_deselected(items=twins)
        items[:] = [item for item in items if not _postgres_twin(item)]
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if any(item.get_closest_marker(tier) for tier in tiers):
            continue  # a test that names its tier keeps it
        if "tests/system/" in item.path.as_posix():
            item.add_marker(pytest.mark.system)
        elif fixtures & {"backend", "postgres_url"}:
            item.add_marker(pytest.mark.integration)
        else:
            item.add_marker(pytest.mark.unit)


def _postgres_twin(item: pytest.Item) -> bool:
    callspec = getattr(item, "callspec", None)
    on_postgres = callspec is not None and callspec.params.get("backend") == "postgres"
    return on_postgres and item.get_closest_marker("one_backend") is not None


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """DSR_TEST_DATABASE_URL if given, else a throwaway server from the local binaries."""
    given = os.environ.get("DSR_TEST_DATABASE_URL")
    if given:
        yield given
        return
    bindir = find_bindir()
    if bindir is None:
        if os.environ.get("DSR_REQUIRE_POSTGRES"):
            pytest.fail("PostgreSQL binaries not found and DSR_REQUIRE_POSTGRES is set")
        pytest.skip("PostgreSQL binaries not found (install postgresql to run these)")
    server = ThrowawayPostgres(bindir)
    try:
        yield server.start()
    finally:
        server.stop()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


SettingsFactory = Callable[..., Settings]


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def make_settings(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> SettingsFactory:
    """Settings for a fresh, empty store on the chosen backend."""
    schema = f"t_{uuid.uuid4().hex[:16]}"

    def make(**overrides: object) -> Settings:
        values: dict[str, object] = {
            "identity_key": IDENTITY_KEY,
            "data_dir": tmp_path / "data",
            "database_url": None,
        }
        if backend == "postgres":
            url = request.getfixturevalue("postgres_url")
            values.update(database_url=url, database_schema=schema)
        values.update(overrides)
        return Settings.model_validate(values)

    return make


@pytest.fixture
def app(make_settings: SettingsFactory, clock: FakeClock) -> Iterator[Registers]:
    registers = build_registers(make_settings(), clock=clock)
    yield registers
    registers.close()


@pytest.fixture
def runner(make_settings: SettingsFactory, app: Registers) -> Iterator[ProjectionRunner]:
    """The read side beside `app`, on the same backend; tests drive it with run_once/catch_up."""
    projections = build_runner(make_settings(), app)
    create_tables(projections)
    yield projections
    projections.db.close()
