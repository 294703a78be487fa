"""Scheduler-only settings."""

from __future__ import annotations

import base64
import binascii

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

from dsr_core.domain.codes import Role
from dsr_core.domain.inputs import AreaCode
from dsr_core.process.settings import DsrSettings


def webhook_key(secret: SecretStr) -> bytes:
    """A Standard Webhooks key as given: base64, with or without its `whsec_` prefix."""
    return base64.b64decode(secret.get_secret_value().removeprefix("whsec_"), validate=True)


def _a_key(secret: SecretStr | None) -> SecretStr | None:
    if secret is None:
        return None
    try:
        key = webhook_key(secret)
    except (binascii.Error, ValueError):
        raise ValueError(
            "not base64: make one with 'dsr keygen' (optionally prefixed whsec_)"
        ) from None
    if len(key) < 16:
        raise ValueError("shorter than 16 bytes: make one with 'dsr keygen'")
    return secret


FEED_ROLES = frozenset({Role.PRACTITIONER, Role.LEAD, Role.COMMISSIONER})
"""Who may receive the integration feed (as GET /v1/events)."""


class FeedSubscriber(BaseModel):
    """A system that receives the integration feed by webhook (issue 16): what it may see
    is decided by its role and areas, as for a token."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,39}$")
    url: str = Field(pattern=r"^https?://")
    secret: SecretStr = Field(
        description="Its Standard Webhooks key: base64, with or without the `whsec_` prefix"
    )
    role: Role
    areas: list[AreaCode] = Field(min_length=1)
    batch_size: int = Field(default=100, ge=1, le=1000, description="Events per POST")
    concurrency: int = Field(default=4, ge=1, le=16, description="POSTs in flight at once")

    _key = field_validator("secret")(_a_key)

    @field_validator("role")
    @classmethod
    def _may_read_the_feed(cls, role: Role) -> Role:
        if role not in FEED_ROLES:
            raise ValueError(
                "the feed is for practitioner, lead or commissioner systems: event-level "
                "data identifies people even without an identifier (analysts read the "
                "returns and publications)"
            )
        return role


class SchedulerSettings(DsrSettings):
    reminder_every_minutes: int = Field(default=60, ge=1)
    checkpoint_every_minutes: int = Field(
        default=15, ge=1, description="How often a signed audit checkpoint is written."
    )
    webhook_url: str | None = Field(
        default=None, description="Where to POST reminders, if anywhere."
    )
    webhook_secret: SecretStr | None = Field(
        default=None,
        description="The reminder webhook's Standard Webhooks key (base64, `whsec_` optional).",
    )
    _key = field_validator("webhook_secret")(_a_key)

    webhook_every_seconds: int = Field(
        default=10, ge=1, description="How often webhook deliveries look for anything new."
    )
    webhook_batch_size: int = Field(
        default=100, ge=1, le=1000, description="Reminders per POST to DSR_WEBHOOK_URL."
    )
    feed_subscribers: list[FeedSubscriber] = Field(
        default_factory=list,
        description="JSON list of {name, url, secret, role, areas}: each gets the "
        "integration feed as signed CloudEvents, in order, at least once.",
    )
