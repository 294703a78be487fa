"""Scheduler-only settings."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from dsr_core.domain.codes import Role
from dsr_core.domain.inputs import AreaCode
from dsr_core.process.settings import DsrSettings


class FeedSubscriber(BaseModel):
    """A system that receives the integration feed by webhook (issue 16): what it may see
    is decided by its role and areas, as for a token."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,39}$")
    url: str = Field(pattern=r"^https?://")
    secret: SecretStr = Field(description="Base64 HMAC key for its signatures")
    role: Role
    areas: list[AreaCode] = Field(min_length=1)


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
    feed_subscribers: list[FeedSubscriber] = Field(
        default_factory=list,
        description="JSON list of {name, url, secret, role, areas}: each gets the "
        "integration feed as signed CloudEvents, in order, at least once.",
    )
