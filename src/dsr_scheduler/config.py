"""Scheduler-only settings."""

from __future__ import annotations

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class SchedulerSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DSR_", extra="ignore")

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

    @field_validator("webhook_url", "webhook_secret", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if value == "" else value
