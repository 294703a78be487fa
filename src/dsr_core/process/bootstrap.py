"""Composition: Settings → the library's environment → a ready `Registers`."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from dsr_core.process.files import private_dir, private_file
from dsr_core.process.settings import Settings
from dsr_core.service.areas import AreaDirectory
from dsr_core.service.clock import Clock, TimeSource
from dsr_core.service.registers import Registers
from dsr_core.storage.master_keys import MasterKeys, default_master_key

IDENTITY_KEY_FILE = "identity.key"
EVENTS_FILE = "events.sqlite3"
"""The embedded store's event log, in DSR_DATA_DIR: where there is none, there is no store."""


def system_clock() -> datetime:
    """The real clock, chosen here at the composition root; the core is always given one."""
    return datetime.now(UTC)


def library_env(settings: Settings) -> dict[str, str]:
    """The eventsourcing environment for these settings (see shared notes on 9.5.6)."""
    env: dict[str, str] = {"CREATE_TABLE": "y"}
    if settings.database_url is not None:
        params = url_params(settings.database_url.get_secret_value())
        env.update(
            PERSISTENCE_MODULE="eventsourcing.postgres",
            POSTGRES_DBNAME=str(params.get("dbname", "")),
            POSTGRES_HOST=str(params.get("host", "localhost")),
            POSTGRES_PORT=str(params.get("port", "5432")),
            POSTGRES_USER=str(params.get("user", "")),
            POSTGRES_PASSWORD=str(params.get("password", "")),
            POSTGRES_SCHEMA=settings.database_schema,
            POSTGRES_POOL_SIZE=str(settings.pool_size),
            POSTGRES_LOCK_TIMEOUT="10",
            POSTGRES_PRE_PING="y",
            # Fail a request in seconds, not the library's 30, while the database is away.
            POSTGRES_CONNECT_TIMEOUT=str(settings.database_timeout_seconds),
            # Keep the insert lock and our recorder hooks (9.5.6 drops both with this on).
            POSTGRES_ENABLE_DB_FUNCTIONS="n",
            APPLICATION_RECORDER_TOPIC="dsr_core.storage.recorders:"
            + ("GroupCommitPostgresRecorder" if settings.group_commit else "PostgresRecorder"),
        )
    else:
        env.update(
            PERSISTENCE_MODULE="eventsourcing.sqlite",
            SQLITE_DBNAME=str(private_file(settings.data_dir / EVENTS_FILE)),
            SQLITE_LOCK_TIMEOUT="10",
            APPLICATION_RECORDER_TOPIC="dsr_core.storage.recorders:SQLiteRecorder",
        )
    if settings.aggregate_cache_size:
        env["AGGREGATE_CACHE_MAXSIZE"] = str(settings.aggregate_cache_size)
    if settings.cipher_key is not None:
        env.update(
            CIPHER_TOPIC="eventsourcing.cipher:AESCipher",
            CIPHER_KEY=settings.cipher_key.get_secret_value(),
        )
    return env


def url_params(url: str) -> dict[str, str]:
    """The parts of a postgresql:// URL the library's settings need.

    Several hosts (`postgresql://u@h1:5432,h2:5432/db?target_session_attrs=read-write`, a
    primary and its standbys) become libpq's comma-separated `host` and `port` lists, so a
    connection goes to whichever answers as the primary (docs/operations.md, Failover)."""
    parts = urlsplit(url)
    userinfo, _, hostspec = parts.netloc.rpartition("@")
    user, _, password = userinfo.partition(":")
    hosts, ports = [], []
    for spec in (hostspec or "localhost").split(","):
        if spec.startswith("["):  # an IPv6 address: [::1]:5432
            host, _, rest = spec[1:].partition("]")
            port = rest.lstrip(":")
        else:
            host, _, port = spec.partition(":")
        hosts.append(host or "localhost")
        ports.append(port or "5432")
    query = dict(parse_qsl(parts.query))
    wanted = query.get("target_session_attrs")
    return {
        "dbname": unquote(parts.path.lstrip("/")),
        "host": ",".join(hosts),
        "port": ",".join(ports),
        "user": unquote(user),
        "password": unquote(password),
        **({"target_session_attrs": wanted} if wanted else {}),
    }


def session_attrs_for_libpq(settings: Settings) -> None:
    """`target_session_attrs` reaches the library's connections through libpq's own
    variable (the library passes no such option): read-write skips a standby."""
    if settings.database_url is not None:
        wanted = url_params(settings.database_url.get_secret_value()).get("target_session_attrs")
        if wanted:
            os.environ.setdefault("PGTARGETSESSIONATTRS", wanted)


TABLES_LOCK = 0x64737254  # "dsrT": one key, whatever the schema (creation is rare)


@contextmanager
def _one_connection(settings: Settings) -> Iterator[Any]:
    """A cursor in a transaction of its own, through the library's datastore: the core
    speaks to PostgreSQL only through eventsourcing (the import contracts hold it to that)."""
    from eventsourcing.postgres import PostgresDatastore

    assert settings.database_url is not None
    params = url_params(settings.database_url.get_secret_value())
    datastore = PostgresDatastore(
        dbname=params["dbname"],
        host=params["host"],
        port=params["port"],
        user=params["user"],
        password=params["password"],
        pool_size=1,
        connect_timeout=settings.database_timeout_seconds,
    )
    try:
        with datastore.transaction(commit=True) as cursor:
            yield cursor
    finally:
        datastore.close()


@contextmanager
def creating_tables(settings: Settings) -> Iterator[None]:
    """Held while the library creates its tables if missing: processes starting together
    (the API, the workers, the scheduler, a rebuild's processes) take turns, since
    PostgreSQL refuses two identical catalogue changes made at once ("tuple concurrently
    updated"). A transaction-level advisory lock on a connection of its own."""
    if settings.database_url is None:
        yield
        return
    with _one_connection(settings) as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", (TABLES_LOCK,))
        yield


def ensure_schema(settings: Settings) -> None:
    """The library needs its PostgreSQL schema to exist before it creates tables."""
    if settings.database_url is None:
        return
    with _one_connection(settings) as cursor:
        # The schema name is checked against ^[a-z_][a-z0-9_]{0,62}$ by Settings.
        cursor.execute(f'CREATE SCHEMA IF NOT EXISTS "{settings.database_schema}"')


def identity_key(settings: Settings) -> bytes:
    """The identity secret: configured, or created once under the embedded data directory."""
    if settings.identity_key is not None:
        return base64.b64decode(settings.identity_key.get_secret_value())
    if settings.uses_postgres:
        raise RuntimeError(
            "DSR_IDENTITY_KEY must be set with PostgreSQL, so every process derives the same "
            "identity keys (generate one with `dsr keygen`)."
        )
    path = settings.data_dir / IDENTITY_KEY_FILE
    if not path.exists():
        _write_secret(path, base64.b64encode(secrets.token_bytes(32)).decode())
    return base64.b64decode(path.read_text().strip())


def national_secret(settings: Settings) -> bytes:
    """The key for national pseudonyms: configured nationally, else derived from this
    installation's identity secret (then stable across periods, but only within it)."""
    if settings.national_secret is not None:
        return base64.b64decode(settings.national_secret.get_secret_value())
    return hmac.new(identity_key(settings), b"dsr:national-pseudonyms", hashlib.sha256).digest()


def master_keys(settings: Settings) -> MasterKeys:
    """The master key that wraps person keys, and any being rotated away from."""
    current = (
        base64.b64decode(settings.master_key.get_secret_value())
        if settings.master_key is not None
        else default_master_key(identity_key(settings))
    )
    previous = tuple(
        base64.b64decode(part.strip())
        for part in (
            settings.previous_master_keys.get_secret_value().split(",")
            if settings.previous_master_keys
            else ()
        )
        if part.strip()
    )
    return MasterKeys(current, previous)


def _write_secret(path: Path, value: str) -> None:
    private_dir(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(value + "\n")


def build_registers(
    settings: Settings | None = None, *, clock: Clock | TimeSource = system_clock
) -> Registers:
    settings = settings or Settings()
    session_attrs_for_libpq(settings)
    with creating_tables(settings):
        ensure_schema(settings)
        registers = Registers(
            library_env(settings),
            identity_key=identity_key(settings),
            areas=AreaDirectory(settings.area_settings),
            clock=clock,
            timezone=settings.timezone,
            event_cache_size=settings.event_cache_size,
            audit_key=(
                base64.b64decode(settings.audit_key.get_secret_value())
                if settings.audit_key
                else None
            ),
            master_keys=master_keys(settings),
        )
    return registers
