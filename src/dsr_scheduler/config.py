"""Scheduler-only settings."""

from __future__ import annotations

from pydantic import Field, SecretStr

from dsr_core.settings import DsrSettings


class SchedulerSettings(DsrSettings):
    reminder_every_minutes: int = Field(default=60, ge=1)
    checkpoint_every_minutes: int = Field(
        default=15, ge=1, description="How often a signed audit checkpoint is written."
    )
    webhook_url: str | None = Field(
        default=None, description="Where to POST reminders, if anywhere."
    )
    webhook_secret: SecretStr | None = Field(
        default=None, description="Base64 HMAC key for signatures."
    )
