"""Process configuration from DSR_* environment variables (docs/operations.md lists them)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class DsrSettings(BaseSettings):
    """Every setting of every process is read the same way: DSR_<NAME> in the environment,
    and an empty value means unset (compose passes unset variables as empty strings)."""

    model_config = SettingsConfigDict(env_prefix="DSR_", extra="ignore", env_ignore_empty=True)


class Settings(DsrSettings):
    """With nothing set, dsr runs embedded on a SQLite file under ./dsr-data."""

    data_dir: Path = Path("dsr-data")
    database_url: SecretStr | None = Field(
        default=None, description="postgresql://user:pass@host:port/db selects PostgreSQL."
    )
    database_schema: str = Field(default="dsr", pattern=r"^[a-z_][a-z0-9_]{0,62}$")
    pool_size: int = Field(default=5, ge=1, le=100)
    group_commit: bool = Field(
        default=True,
        description="PostgreSQL: saves made at the same time by one process share one "
        "transaction, each in its own savepoint (docs/performance.md).",
    )
    database_timeout_seconds: int = Field(
        default=2,
        ge=1,
        le=60,
        description="Wait for a database connection; the library retries 10 times, so a "
        "request fails (503) within about ten times this while the database is away.",
    )
    aggregate_cache_size: int = Field(
        default=2000,
        ge=0,
        le=1_000_000,
        description="Aggregates each process keeps decoded in memory; a command then reads "
        "only newer events. 0 turns the cache off.",
    )
    event_cache_size: int = Field(
        default=20_000,
        ge=0,
        le=10_000_000,
        description="Decoded events each process keeps for history and as-of reads, "
        "across the persons read most recently. 0 turns the cache off.",
    )
    cipher_key: SecretStr | None = Field(
        default=None, description="Base64 AES key; when set, event payloads are encrypted at rest."
    )
    identity_key: SecretStr | None = Field(
        default=None,
        description="Secret for identity keys; generated under data_dir when embedded.",
    )
    audit_key: SecretStr | None = Field(
        default=None,
        description="Base64 key for the audit chains and checkpoints; default: derived from "
        "the identity key. Keep it outside the database.",
    )
    audit_checkpoint_dir: Path | None = Field(
        default=None,
        description="Where signed audit checkpoints are written; default DATA_DIR/checkpoints.",
    )
    master_key: SecretStr | None = Field(
        default=None,
        description="Base64 AES key (16, 24 or 32 bytes) wrapping every person's data key; "
        "default: derived from the identity key. Keep it outside the database and its "
        "backups (docs/operations.md).",
    )
    previous_master_keys: SecretStr | None = Field(
        default=None,
        description="Comma-separated base64 master keys being rotated away from: needed "
        "only until `dsr keys rotate` has re-wrapped every person key.",
    )
    erasure_ledger_dir: Path | None = Field(
        default=None,
        description="Where each erasure is also written, signed, outside the database: a "
        "restored backup cannot bring an erased person back. Default DATA_DIR/erasures.",
    )
    national_secret: SecretStr | None = Field(
        default=None,
        description="Base64 secret shared nationally: pseudonyms stable across areas and periods.",
    )
    timezone: str = "Europe/London"
    area_settings: dict[str, dict[str, Any]] = Field(
        default_factory=dict, description="JSON: per-area overrides, keyed by area code."
    )

    @field_validator("database_url")
    @classmethod
    def _postgres_only(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith(
            ("postgresql://", "postgres://")
        ):
            raise ValueError("DSR_DATABASE_URL must be a postgresql:// URL")
        return value

    @property
    def uses_postgres(self) -> bool:
        return self.database_url is not None

    @property
    def ledger_dir(self) -> Path:
        return self.erasure_ledger_dir or self.data_dir / "erasures"

    @property
    def checkpoint_dir(self) -> Path:
        return self.audit_checkpoint_dir or self.data_dir / "checkpoints"
